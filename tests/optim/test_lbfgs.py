"""optim.LBFGS: PyTorch's L-BFGS (fixed step): the same iterates as torch's from the same start,
the closure contract, and clear refusals."""

import numpy as np
import pytest

import autograd
import nn
import optim

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 3))
Y = np.sin(X @ np.array([[1.0], [-2.0], [0.5]]))
W1, B1 = RNG.normal(0, 0.5, size=(6, 3)), RNG.normal(0, 0.1, size=6)
W2, B2 = RNG.normal(0, 0.5, size=(1, 6)), RNG.normal(0, 0.1, size=1)


def _ours(steps, **options):
    model = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 1)).double()
    model.load_state_dict({"0.weight": W1, "0.bias": B1, "2.weight": W2, "2.bias": B2})
    opt = optim.LBFGS(model.parameters(), **options)
    x, y = autograd.tensor(X), autograd.tensor(Y)

    def closure():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss

    firsts = [float(opt.step(closure)) for _ in range(steps)]
    return firsts, model[0].weight.numpy().copy()


@pytest.mark.parametrize("options", [{}, {"lr": 0.5, "max_iter": 4, "history_size": 3}])
def test_lbfgs_matches_torch(options):
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1)
    ).double()
    with torch.no_grad():
        for p, v in zip(model.parameters(), (W1, B1, W2, B2)):
            p.copy_(torch.tensor(v))
    opt = torch.optim.LBFGS(model.parameters(), **options)
    x, y = torch.tensor(X), torch.tensor(Y)

    def closure():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss

    theirs = [float(opt.step(closure)) for _ in range(3)]
    ours, weight = _ours(3, **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)
    np.testing.assert_allclose(weight, model[0].weight.detach().numpy(), rtol=1e-7, atol=1e-9)
    assert ours[-1] < ours[0]


def test_lbfgs_lowers_the_loss_and_needs_a_closure():
    firsts, _ = _ours(3)
    assert firsts[2] < 0.5 * firsts[0]
    model = nn.Linear(2, 1)
    opt = optim.LBFGS(model.parameters())
    with pytest.raises(TypeError, match="LBFGS.step: needs a closure"):
        opt.step()
    with pytest.raises(NotImplementedError, match="line_search_fn='strong_wolfe'"):
        optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")
    with pytest.raises(ValueError, match="LBFGS: history_size must be at least 1"):
        optim.LBFGS(model.parameters(), history_size=0)


def test_lbfgs_state_dict_round_trip_resumes_the_same_iterates(tmp_path):
    def run(resume):
        model = nn.Linear(3, 1).double()
        model.load_state_dict({"weight": W2[:, :3], "bias": B2})
        opt = optim.LBFGS(model.parameters(), max_iter=3)
        x, y = autograd.tensor(X), autograd.tensor(Y)

        def closure():
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            return loss

        opt.step(closure)
        if resume:  # through a file, into a new optimizer
            autograd.save(opt.state_dict(), tmp_path / "lbfgs.npz")
            opt = optim.LBFGS(model.parameters(), max_iter=3)
            opt.load_state_dict(autograd.load(tmp_path / "lbfgs.npz"))
        losses = [float(opt.step(closure)) for _ in range(2)]
        return losses, model.weight.numpy().copy()

    (straight, w1), (resumed, w2) = run(False), run(True)
    assert straight == resumed
    np.testing.assert_array_equal(w1, w2)
