"""nn/layers/recurrent.py: RNN, LSTM, GRU and their cells: PyTorch's parameter names, shapes and
init, the equations against hand-written steps, gradients (gradcheck, float64), errors, and
PyTorch's outputs and gradients from the same weights for every option where torch is
installed."""

import math
import warnings

import numpy as np
import pytest

import autograd
import nn
from nn.layers.recurrent import gru_cell, lstm_cell, rnn_cell


def leaf(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape) * 0.5
    return autograd.Tensor(data, requires_grad=True)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_parameter_names_shapes_and_init_are_pytorchs():
    autograd.manual_seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    expected = []
    for layer, inputs in ((0, 3), (1, 10)):
        for suffix in ("", "_reverse"):
            expected += [
                (f"weight_ih_l{layer}{suffix}", (20, inputs)),
                (f"weight_hh_l{layer}{suffix}", (20, 5)),
                (f"bias_ih_l{layer}{suffix}", (20,)),
                (f"bias_hh_l{layer}{suffix}", (20,)),
            ]
    assert [(k, v.shape) for k, v in lstm.state_dict().items()] == expected
    bound = 1 / math.sqrt(5)
    values = np.concatenate([p.numpy().ravel() for p in lstm.parameters()])
    assert np.abs(values).max() <= bound and values.std() == pytest.approx(bound / 3**0.5, rel=0.1)
    assert lstm.weight_ih_l0.dtype == np.float32
    assert [p.shape for p in nn.GRU(2, 3, bias=False).parameters()] == [(9, 2), (9, 3)]
    assert [p.shape for p in nn.RNN(2, 3).parameters()] == [(3, 2), (3, 3), (3,), (3,)]
    cell = nn.LSTMCell(2, 3)
    assert list(cell.state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert nn.GRUCell(2, 3, bias=False).bias_ih is None
    assert len(lstm.all_weights) == 4 and lstm.all_weights[3][0] is lstm.weight_ih_l1_reverse


def test_repr():
    assert repr(nn.LSTM(10, 20, 2)) == "LSTM(10, 20, num_layers=2)"
    rnn = nn.RNN(3, 4, nonlinearity="relu", bias=False, batch_first=True, bidirectional=True)
    assert repr(rnn) == (
        "RNN(3, 4, nonlinearity=relu, bias=False, batch_first=True, bidirectional=True)"
    )
    assert repr(nn.GRUCell(3, 4)) == "GRUCell(3, 4)"


def test_lstm_equals_its_equations_written_out():
    autograd.manual_seed(1)
    lstm = nn.LSTM(2, 3, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((4, 2))
    out, (h_n, c_n) = lstm(autograd.tensor(x))  # unbatched
    w_ih, w_hh, b_ih, b_hh = (p.numpy() for p in lstm.parameters())
    h, c = np.zeros(3), np.zeros(3)
    hs = []
    for t in range(4):
        i, f, g, o = np.split(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        hs.append(h)
    np.testing.assert_allclose(out.numpy(), np.stack(hs), rtol=1e-12)
    np.testing.assert_allclose(h_n.numpy(), h[None], rtol=1e-12)
    np.testing.assert_allclose(c_n.numpy(), c[None], rtol=1e-12)


def test_gru_equals_its_equations_and_reverse_runs_backwards():
    autograd.manual_seed(2)
    gru = nn.GRU(2, 3, bidirectional=True, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((4, 1, 2))
    out, h_n = gru(autograd.tensor(x))
    params = [p.numpy() for p in gru.parameters()]

    def run(w_ih, w_hh, b_ih, b_hh, steps):
        h, hs = np.zeros(3), {}
        for t in steps:
            rx, zx, nx = np.split(x[t, 0] @ w_ih.T + b_ih, 3)
            rh, zh, nh = np.split(h @ w_hh.T + b_hh, 3)
            r, z = sigmoid(rx + rh), sigmoid(zx + zh)
            h = (1 - z) * np.tanh(nx + r * nh) + z * h
            hs[t] = h
        return np.stack([hs[t] for t in range(4)]), h

    forward, h_forward = run(*params[:4], range(4))
    backward, h_backward = run(*params[4:], reversed(range(4)))
    np.testing.assert_allclose(out.numpy()[:, 0], np.hstack([forward, backward]), rtol=1e-12)
    np.testing.assert_allclose(h_n.numpy()[:, 0], np.stack([h_forward, h_backward]), rtol=1e-12)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_layer_gradcheck(mode):
    autograd.manual_seed(3)
    layer = getattr(nn, mode)(2, 2, num_layers=2, bidirectional=True, dtype=np.float64)
    x, h0 = leaf(3, 1, 2), leaf(4, 1, 2, seed=1)
    hx = (h0, leaf(4, 1, 2, seed=2)) if mode == "LSTM" else h0

    def loss(x, *state):
        out, final = layer(x, state if mode == "LSTM" else state[0])
        h_n = final[0] if mode == "LSTM" else final
        return (out * out).sum() + (h_n * np.arange(8.0).reshape(4, 1, 2)).sum()

    assert autograd.gradcheck(loss, (x, *(hx if mode == "LSTM" else (hx,))))


@pytest.mark.parametrize("cell", [rnn_cell, lstm_cell, gru_cell])
def test_cell_gradcheck_through_the_weights(cell):
    gates = {rnn_cell: 1, lstm_cell: 4, gru_cell: 3}[cell]
    xw, w_hh, b_hh = leaf(2, 2 * gates), leaf(2 * gates, 2, seed=1), leaf(2 * gates, seed=2)
    state = (leaf(2, 2, seed=3), leaf(2, 2, seed=4)) if cell is lstm_cell else (leaf(2, 2, seed=3),)

    def step(xw, w_hh, b_hh, *state):
        out = cell(xw, state, w_hh, b_hh)
        return sum((s * (k + 1)).sum() for k, s in enumerate(out))

    assert autograd.gradcheck(step, (xw, w_hh, b_hh, *state))
    relu = lambda xw, w, b, h: rnn_cell(xw, (h,), w, b, "relu")[0].sum()  # noqa: E731
    assert autograd.gradcheck(relu, (leaf(2, 2), leaf(2, 2, seed=1), leaf(2), leaf(2, 2, seed=5)))


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_cell_is_one_step_of_the_layer(mode):
    autograd.manual_seed(4)
    layer = getattr(nn, mode)(3, 2, dtype=np.float64)
    cell = getattr(nn, mode + "Cell")(3, 2, dtype=np.float64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((1, 5, 3))
    out, _ = layer(autograd.tensor(x))
    step = cell(autograd.tensor(x[0]))
    h = step[0] if mode == "LSTM" else step
    np.testing.assert_allclose(h.numpy(), out.numpy()[0], rtol=1e-12)
    unbatched = cell(autograd.tensor(x[0, 0]))
    assert (unbatched[0] if mode == "LSTM" else unbatched).shape == (2,)


def test_dropout_acts_between_layers_in_training_only():
    autograd.manual_seed(5)
    rnn = nn.RNN(2, 3, num_layers=2, dropout=1.0, dtype=np.float64)
    x = autograd.tensor(np.random.default_rng(0).standard_normal((4, 1, 2)))
    out, _ = rnn(x)
    # With every activation dropped, layer 1 sees zeros: h_t = tanh(b + h_(t-1) W_hh^T).
    h, b = np.zeros(3), rnn.bias_ih_l1.numpy() + rnn.bias_hh_l1.numpy()
    for _ in range(4):
        h = np.tanh(b + h @ rnn.weight_hh_l1.numpy().T)
    np.testing.assert_allclose(out.numpy()[-1, 0], h, rtol=1e-12)
    rnn.eval()
    assert not np.allclose(rnn(x)[0].numpy()[-1, 0], h)
    with pytest.warns(UserWarning, match="dropout=0.5 acts between layers"):
        nn.LSTM(2, 3, dropout=0.5)


def test_errors():
    lstm = nn.LSTM(3, 4, num_layers=2)
    x = autograd.zeros(5, 2, 3)
    with pytest.raises(ValueError, match=r"LSTM: input must be \(L, N, 3\).*got shape \(5, 2, 4\)"):
        lstm(autograd.zeros(5, 2, 4))
    with pytest.raises(ValueError, match=r"LSTM: h_0 must have shape \(2, 2, 4\).*got \(1, 2, 4\)"):
        lstm(x, (autograd.zeros(1, 2, 4), autograd.zeros(2, 2, 4)))
    with pytest.raises(TypeError, match="LSTM: hx must be a pair"):
        lstm(x, (autograd.zeros(2, 2, 4),))
    with pytest.raises(TypeError, match="LSTM: input dtype float64 differs from the param"):
        lstm(autograd.zeros(5, 2, 3, dtype=np.float64))
    with pytest.raises(ValueError, match="LSTM: the input sequence is empty"):
        lstm(autograd.zeros(0, 2, 3))
    with pytest.raises(ValueError, match="RNN: nonlinearity must be 'tanh' or 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(NotImplementedError, match="proj_size"):
        nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="GRU: hidden_size must be a positive int"):
        nn.GRU(3, 0)
    with pytest.raises(ValueError, match=r"GRUCell: h must have shape \(2, 4\)"):
        nn.GRUCell(3, 4)(autograd.zeros(2, 3), autograd.zeros(4))


# Options for the cross-check against torch: every argument of the three layers.
TORCH_CASES = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bidirectional": True, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"bias": False, "batch_first": True}),
    ("LSTM", {"num_layers": 2, "dropout": 1.0}),
    ("GRU", {}),
    ("GRU", {"num_layers": 2, "bidirectional": True, "bias": False}),
    ("GRU", {"batch_first": True, "num_layers": 2, "dropout": 1.0}),
]


def _torch_copy(torch, ours, mode, options):
    theirs = getattr(torch.nn, mode)(3, 4, dtype=torch.float64, **options)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return theirs


@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("give_state", [False, True])
@pytest.mark.parametrize(("mode", "options"), TORCH_CASES)
def test_layers_match_torch(mode, options, give_state, unbatched):
    torch = pytest.importorskip("torch")
    autograd.manual_seed(6)
    ours = getattr(nn, mode)(3, 4, dtype=np.float64, **options)
    theirs = _torch_copy(torch, ours, mode, options)
    directions = 2 if options.get("bidirectional") else 1
    layers = options.get("num_layers", 1)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 3) if unbatched else (5, 2, 3))
    states = [rng.standard_normal((layers * directions, *(() if unbatched else (2,)), 4))]
    if mode == "LSTM":
        states.append(rng.standard_normal(states[0].shape))
    weights = rng.standard_normal(
        (5, directions * 4) if unbatched else (5, 2, directions * 4)
    )  # dL/d output, a (batch_first-independent) random direction

    def run(lib, layer, leaf_of):
        inputs = [leaf_of(x)] + ([leaf_of(s) for s in states] if give_state else [])
        hx = None
        if give_state:
            hx = tuple(inputs[1:]) if mode == "LSTM" else inputs[1]
        out, final = layer(inputs[0], hx)
        finals = final if mode == "LSTM" else (final,)
        w = lib.tensor(
            weights.swapaxes(0, 1) if options.get("batch_first") and not unbatched else weights
        )
        loss = (out * w).sum() + sum((f * f).sum() for f in finals)
        loss.backward()
        grads = [t.grad for t in inputs] + [p.grad for p in layer.parameters()]
        return [out, *finals, *grads]

    if options.get("batch_first") and not unbatched:
        x = x.swapaxes(0, 1).copy()
    ours_out = run(autograd, ours, lambda a: autograd.tensor(a, requires_grad=True))
    theirs_out = run(torch, theirs, lambda a: torch.tensor(a, requires_grad=True))
    assert len(ours_out) == len(theirs_out)
    for a, b in zip(ours_out, theirs_out, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_cells_match_torch(mode):
    torch = pytest.importorskip("torch")
    autograd.manual_seed(8)
    kwargs = {"nonlinearity": "relu"} if mode == "RNN" else {}
    ours = getattr(nn, mode + "Cell")(3, 4, dtype=np.float64, **kwargs)
    theirs = getattr(torch.nn, mode + "Cell")(3, 4, dtype=torch.float64, **kwargs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(9)
    x, h, c = (rng.standard_normal(s) for s in ((2, 3), (2, 4), (2, 4)))
    results = []
    for lib, layer in ((autograd, ours), (torch, theirs)):
        xs = [lib.tensor(a, requires_grad=True) for a in (x, h, c)]
        out = layer(xs[0], (xs[1], xs[2]) if mode == "LSTM" else xs[1])
        outs = out if mode == "LSTM" else (out,)
        sum(((o * o) * (k + 1)).sum() for k, o in enumerate(outs)).backward()
        used = xs if mode == "LSTM" else xs[:2]
        results.append([*outs, *(t.grad for t in used), *(p.grad for p in layer.parameters())])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_weights_load_from_torch_and_run_in_float32():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.LSTM(3, 4, batch_first=True)
    ours = nn.LSTM(3, 4, batch_first=True)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 6, 3)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, (h, c) = ours(autograd.tensor(x))
    ref, (h_ref, c_ref) = theirs(torch.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), c_ref.detach().numpy(), rtol=1e-5, atol=1e-6)
