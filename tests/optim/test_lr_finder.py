"""The learning-rate range test: schedule, smoothing, divergence, restore, suggestion."""

import itertools
import subprocess
import sys

import numpy as np
import pytest

import autograd
import nn
import optim
from autograd import versions
from nn import functional as F
from optim.lr_finder import LRRangeTestResult, lr_range_test, suggest_lr

N, D = 256, 3
W_TRUE = np.array([1.5, -2.0, 0.5])


class LinearRegression(nn.Module):
    """y = x . w + b, written by hand (float64, zero init)."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(np.zeros(D))
        self.b = nn.Parameter(np.zeros(()))

    def forward(self, x):
        return x @ self.w + self.b


def make_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, D)) * np.array([1.0, 2.0, 0.5])
    y = X @ W_TRUE + 0.3 + 0.01 * rng.normal(size=N)
    return X, y


def critical_lr(X):
    """Plain gradient descent on the mean squared error is stable iff lr < 2 / lambda_max of
    the Hessian 2/n A^T A (A = [X, 1])."""
    A = np.c_[X, np.ones(len(X))]
    return 2 / np.linalg.eigvalsh(2 / len(X) * A.T @ A).max()


@pytest.fixture
def setup():
    autograd.manual_seed(0)
    X, y = make_data()
    loader = nn.data.DataLoader(nn.data.TensorDataset(X, y), batch_size=32, shuffle=True)
    model = LinearRegression()
    return X, y, loader, model


def training_closure(model, opt, loader, loss_fn=F.mse_loss):
    """One mini-batch per call, as a user writes it; a new epoch (a new shuffle) starts when
    the loader runs out. ``closure.calls`` counts the calls."""
    batches = itertools.chain.from_iterable(itertools.repeat(loader))

    def closure():
        closure.calls += 1
        xb, yb = next(batches)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        return loss

    closure.calls = 0
    return closure


class RecordingSGD(optim.SGD):
    """SGD that remembers the lr of every step it takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def step(self, closure=None):
        self.seen.append(self.param_groups[0]["lr"])
        return super().step(closure)


def test_lr_grows_geometrically_and_losses_are_smoothed(setup):
    _, _, loader, model = setup
    opt = RecordingSGD(model.parameters(), lr=0.01)
    closure = training_closure(model, opt, loader)
    r = lr_range_test(opt, closure, start_lr=1e-6, end_lr=1e-3, num_steps=20, smooth=0.2)
    assert not r.diverged and len(r.lrs) == 20
    expected = 1e-6 * 1000 ** (np.arange(20) / 19)
    np.testing.assert_allclose(r.lrs, expected, rtol=1e-12)
    np.testing.assert_allclose(opt.seen, expected, rtol=1e-12)
    # s_0 = loss_0, s_i = 0.2 loss_i + 0.8 s_{i-1}
    assert r.losses[0] == r.raw_losses[0]
    np.testing.assert_allclose(r.losses[1:], 0.2 * r.raw_losses[1:] + 0.8 * r.losses[:-1])
    # With w = 0 the first loss is the mean of y^2 over the first batch: far above the noise.
    assert r.raw_losses[0] > 1.0


def test_backward_runs_only_inside_the_closure_once_per_step(setup, monkeypatch):
    # optim builds no graph: every backward of the run is the closure's own.
    _, _, loader, model = setup
    opt = optim.SGD(model.parameters())
    closure = training_closure(model, opt, loader)
    backward = autograd.Tensor.backward
    inside = [False]  # whether the closure is running
    outside = []  # for each backward call: whether it ran outside the closure

    def counting_backward(self, *args, **kwargs):
        outside.append(not inside[0])
        return backward(self, *args, **kwargs)

    def watched():
        inside[0] = True
        try:
            return closure()
        finally:
            inside[0] = False

    monkeypatch.setattr(autograd.Tensor, "backward", counting_backward)
    steps = 3 * len(loader)  # three epochs: the closure's batches restart twice
    r = lr_range_test(opt, watched, start_lr=1e-6, end_lr=1e-5, num_steps=steps)
    assert len(r.lrs) == closure.calls == len(outside) == steps == 24
    assert not any(outside)


def test_a_closure_that_builds_no_graph_is_enough():
    # Least squares with the gradient written by hand: no Tensor op, no backward at all.
    p = autograd.Tensor(np.zeros(3), requires_grad=True)
    target = np.array([1.0, -2.0, 0.5])
    opt = optim.SGD([p])

    def closure():
        p.grad = 2 * (p.data - target)
        return float(np.sum((p.data - target) ** 2))

    r = lr_range_test(opt, closure, start_lr=1e-3, end_lr=10.0, num_steps=60)
    # Gradient descent on |p - target|^2 converges for lr < 1 and diverges beyond.
    assert r.diverged and 0.5 < r.lrs[-1] < 10
    assert r.suggested_lr < 1
    np.testing.assert_array_equal(p.data, np.zeros(3))


def test_stops_when_the_loss_diverges(setup):
    X, _, loader, model = setup
    opt = optim.SGD(model.parameters())
    closure = training_closure(model, opt, loader)
    r = lr_range_test(opt, closure, start_lr=1e-4, end_lr=1e3, num_steps=100, diverge_factor=4)
    assert r.diverged
    assert len(r.lrs) < 100
    last = r.losses[-1]
    assert not np.isfinite(last) or last > 4 * np.min(r.losses[:-1])
    # Divergence cannot happen below the stability limit of gradient descent.
    assert r.lrs[-1] > critical_lr(X)


def test_parameters_grads_and_optimizer_state_are_restored(setup):
    _, _, loader, model = setup
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    # Take two real steps first so there is momentum state worth keeping.
    for xb, yb in list(loader)[:2]:
        opt.zero_grad()
        F.mse_loss(model(xb), yb).backward()
        opt.step()
    arrays = [p._data for p in model.parameters()]
    params_before = [p.data.copy() for p in model.parameters()]
    grads_before = [p.grad.copy() for p in model.parameters()]
    state_before = opt.state_dict()
    closure = training_closure(model, opt, loader)
    r = lr_range_test(opt, closure, start_lr=1e-4, end_lr=10, num_steps=50)
    assert r.diverged  # the parameters really went somewhere else during the test
    for p, array, before, grad in zip(
        model.parameters(), arrays, params_before, grads_before, strict=True
    ):
        assert p._data is array  # restored in place: views and references stay valid
        np.testing.assert_array_equal(p.data, before)
        np.testing.assert_array_equal(p.grad, grad)
    after = opt.state_dict()
    assert after["param_groups"] == state_before["param_groups"]
    assert opt.param_groups[0]["lr"] == 0.01
    for i, entry in state_before["state"].items():
        np.testing.assert_array_equal(
            after["state"][i]["momentum_buffer"], entry["momentum_buffer"]
        )


def test_restoring_counts_as_a_change_in_place():
    # Steps and the restore both write the parameters' memory: a graph saved before the test
    # must not be differentiated with the restored values unnoticed.
    p = autograd.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.SGD([p])

    def closure():
        p.grad = np.ones(2)
        return 1.0

    version = versions.version(p._data)
    lr_range_test(opt, closure, start_lr=1e-3, end_lr=1e-2, num_steps=4)
    assert versions.version(p._data) == version + 4 + 1  # four steps, one restore
    np.testing.assert_array_equal(p.data, [1.0, 2.0])
    assert p.grad is None and opt.state == {}


def test_restores_even_when_the_closure_raises(setup):
    _, _, loader, model = setup
    model.w.data[:] = [1.0, 2.0, 3.0]
    opt = optim.SGD(model.parameters(), momentum=0.9)
    closure = training_closure(model, opt, loader)

    def failing():
        if closure.calls == 4:
            raise RuntimeError("boom")
        return closure()

    with pytest.raises(RuntimeError, match="boom"):
        lr_range_test(opt, failing, start_lr=1e-2, end_lr=1, num_steps=10)
    assert closure.calls == 4
    np.testing.assert_array_equal(model.w.data, [1.0, 2.0, 3.0])
    assert model.w.grad is None and opt.state == {}


def test_suggested_lr_is_stable_and_trains_the_model(setup):
    X, y, loader, model = setup
    opt = optim.SGD(model.parameters(), lr=0.01)
    closure = training_closure(model, opt, loader)
    r = lr_range_test(opt, closure, start_lr=1e-5, end_lr=10, num_steps=80)
    assert r.method == "min/10"
    assert r.suggested_lr == pytest.approx(r.min_loss_lr / 10)
    lr_max = critical_lr(X)
    # Below the stability limit, but within a factor 20 of it: fast and safe.
    assert lr_max / 20 < r.suggested_lr < lr_max
    opt.param_groups[0]["lr"] = r.suggested_lr
    for _ in range(20):
        for xb, yb in loader:
            opt.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            opt.step()
    final = F.mse_loss(model(autograd.Tensor(X)), autograd.Tensor(y)).item()
    assert final < 1e-3  # the noise variance is 1e-4; the initial loss is about 11
    np.testing.assert_allclose(model.w.data, W_TRUE, atol=0.02)


def test_suggest_lr_on_a_hand_made_curve():
    lrs = 10.0 ** np.arange(-6, 3)  # 9 points, equally spaced in log(lr)
    losses = np.array([5.0, 5.0, 4.9, 4.0, 2.0, 1.5, 1.4, 3.0, 9.0])
    lr, method = suggest_lr(lrs, losses)
    assert (lr, method) == (pytest.approx(lrs[6] / 10), "min/10")
    # Central differences (per log step h): i=2: -0.1/2h, i=3: -2.9/2h, i=4: -2.5/2h, ...
    lr, method = suggest_lr(lrs, losses, rule="steepest")
    assert (lr, method) == (lrs[3], "steepest")
    # NaN after the blow-up is ignored.
    losses_nan = np.r_[losses[:8], np.nan]
    assert suggest_lr(lrs, losses_nan, rule="steepest") == (lrs[3], "steepest")


def test_steepest_falls_back_when_the_minimum_comes_first():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    losses = np.array([1.0, 1.1, 2.0, 8.0])
    lr, method = suggest_lr(lrs, losses, rule="steepest")
    assert method == "min/10" and lr == pytest.approx(1e-4)


def test_result_reads_like_a_dict_and_plots(setup):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, _, loader, model = setup
    opt = optim.SGD(model.parameters())
    closure = training_closure(model, opt, loader)
    r = lr_range_test(opt, closure, start_lr=1e-4, end_lr=10, num_steps=30)
    assert isinstance(r, LRRangeTestResult)
    assert r["suggested_lr"] == r.suggested_lr
    with pytest.raises(KeyError, match="nope"):
        r["nope"]
    ax = r.plot()
    assert ax.get_xscale() == "log"
    assert len(ax.lines) == 4  # raw loss, smoothed loss, its minimum, suggested lr
    np.testing.assert_allclose(ax.lines[1].get_ydata(), r.losses)
    plt.close(ax.figure)


def test_matplotlib_is_imported_lazily():
    code = "import sys, optim.lr_finder; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start_lr": 0.0}, "start_lr"),
        ({"start_lr": 1.0, "end_lr": 0.5}, "end_lr"),
        ({"num_steps": 1}, "num_steps"),
        ({"num_steps": 2.5}, "num_steps"),
        ({"smooth": 0.0}, "smooth"),
        ({"smooth": 1.5}, "smooth"),
        ({"diverge_factor": 1.0}, "diverge_factor"),
        ({"rule": "valley"}, "rule"),
    ],
)
def test_bad_arguments_raise(setup, kwargs, match):
    _, _, loader, model = setup
    w_before = model.w.data.copy()
    opt = optim.SGD(model.parameters())
    closure = training_closure(model, opt, loader)
    with pytest.raises(ValueError, match=f"lr_range_test: {match}"):
        lr_range_test(opt, closure, **kwargs)
    np.testing.assert_array_equal(model.w.data, w_before)
    assert closure.calls == 0


def test_bad_optimizer_closure_and_loss_raise(setup):
    _, _, loader, model = setup
    opt = optim.SGD(model.parameters())
    # The signature before closures: lr_range_test(model, loss_fn, loader, optimizer).
    with pytest.raises(TypeError, match="optimizer must be an optim.Optimizer.*closure"):
        lr_range_test(model, F.mse_loss, loader, opt)
    with pytest.raises(TypeError, match="closure must be a function"):
        lr_range_test(opt, loader)
    with pytest.raises(TypeError, match="closure returned None"):
        lr_range_test(opt, lambda: None, num_steps=3)


def test_bad_curves_raise():
    with pytest.raises(ValueError, match="NaN"):
        suggest_lr([1e-3, 1e-2], [np.nan, np.inf])
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(2,\)"):
        suggest_lr([1e-3, 1e-2, 1e-1], [1.0, 2.0])
    with pytest.raises(ValueError, match="rule"):
        suggest_lr([1e-3, 1e-2], [1.0, 2.0], rule="max")
