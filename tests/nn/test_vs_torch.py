"""Optional cross-checks against PyTorch (skipped when torch is not installed)."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def pair(*shape, seed=0, low=None, high=None):
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return (
        autograd.Tensor(data.copy(), requires_grad=True),
        torch.tensor(data.copy(), requires_grad=True),
    )


def assert_same(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(ours.data), theirs.detach().numpy(), rtol=rtol, atol=atol)


def backward_both(ours, theirs):
    ours.sum().backward()
    theirs.sum().backward()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_classification_losses_and_grads(reduction):
    y = np.array([0, 3, 1, 2, 3])
    y_ign = np.array([0, -100, 1, 2, 3])
    w = np.array([0.5, 1.0, 2.0, 1.5])
    cases = [
        (
            lambda a: F.cross_entropy(a, y, reduction=reduction),
            lambda b: TF.cross_entropy(b, torch.tensor(y), reduction=reduction),
        ),
        (
            lambda a: F.cross_entropy(a, y_ign, w, reduction=reduction, label_smoothing=0.3),
            lambda b: TF.cross_entropy(
                b, torch.tensor(y_ign), torch.tensor(w), reduction=reduction, label_smoothing=0.3
            ),
        ),
        (
            lambda a: F.nll_loss(F.log_softmax(a), y_ign, w, reduction=reduction),
            lambda b: TF.nll_loss(
                TF.log_softmax(b, 1), torch.tensor(y_ign), torch.tensor(w), reduction=reduction
            ),
        ),
    ]
    probs = np.random.default_rng(3).dirichlet(np.ones(4), size=5)
    cases.append(
        (
            lambda a: F.cross_entropy(a, probs, w, reduction=reduction, label_smoothing=0.1),
            lambda b: TF.cross_entropy(
                b, torch.tensor(probs), torch.tensor(w), reduction=reduction, label_smoothing=0.1
            ),
        )
    )
    for ours_fn, torch_fn in cases:
        a, b = pair(5, 4)
        ours, theirs = ours_fn(a), torch_fn(b)
        assert_same(ours, theirs)
        backward_both(ours, theirs)
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_spatial_cross_entropy():
    a, b = pair(2, 3, 4, 5)
    y = np.random.default_rng(1).integers(0, 3, size=(2, 4, 5))
    y[0, 0, 0] = -100
    ours = F.cross_entropy(a, y, label_smoothing=0.2)
    theirs = TF.cross_entropy(b, torch.tensor(y), label_smoothing=0.2)
    assert_same(ours, theirs)
    backward_both(ours, theirs)
    np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_and_regression_losses(reduction):
    target = np.random.default_rng(9).uniform(0, 1, (3, 4))
    w = np.random.default_rng(8).uniform(0.5, 2, (4,))
    pw = np.array([0.5, 1.0, 2.0, 3.0])
    tt = torch.tensor(target)
    cases = [
        (
            lambda a: F.binary_cross_entropy(a, target, w, reduction),
            lambda b: TF.binary_cross_entropy(b, tt, torch.tensor(w), reduction=reduction),
            True,
        ),
        (
            lambda a: F.binary_cross_entropy_with_logits(a, target, w, reduction, pw),
            lambda b: TF.binary_cross_entropy_with_logits(
                b, tt, torch.tensor(w), reduction=reduction, pos_weight=torch.tensor(pw)
            ),
            False,
        ),
        (
            lambda a: F.mse_loss(a, target, reduction),
            lambda b: TF.mse_loss(b, tt, reduction=reduction),
            False,
        ),
        (
            lambda a: F.l1_loss(a, target, reduction),
            lambda b: TF.l1_loss(b, tt, reduction=reduction),
            False,
        ),
        (
            lambda a: F.huber_loss(a, target, reduction, delta=0.7),
            lambda b: TF.huber_loss(b, tt, reduction=reduction, delta=0.7),
            False,
        ),
        (
            lambda a: F.smooth_l1_loss(a, target, reduction, beta=0.4),
            lambda b: TF.smooth_l1_loss(b, tt, reduction=reduction, beta=0.4),
            False,
        ),
    ]
    for ours_fn, torch_fn, probabilities in cases:
        a, b = pair(3, 4, low=0.02, high=0.98) if probabilities else pair(3, 4)
        ours, theirs = ours_fn(a), torch_fn(b)
        assert_same(ours, theirs)
        backward_both(ours, theirs)
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_extreme_logits_match_in_float32():
    data = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 3.0]], dtype=np.float32)
    y = np.array([1, 2])
    a = autograd.Tensor(data, requires_grad=True)
    b = torch.tensor(data, requires_grad=True)
    ours, theirs = (
        F.cross_entropy(a, y, label_smoothing=0.1),
        TF.cross_entropy(b, torch.tensor(y), label_smoothing=0.1),
    )
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-6)
    backward_both(ours, theirs)
    np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-6, atol=1e-7)
    z = np.array([1000.0, -1000.0, 20.0], dtype=np.float32)
    assert F.binary_cross_entropy_with_logits(z, np.ones(3, np.float32)).item() == pytest.approx(
        TF.binary_cross_entropy_with_logits(torch.tensor(z), torch.ones(3)).item(), rel=1e-6
    )


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(approximate):
    a, b = pair(50, seed=4)
    ours, theirs = F.gelu(a, approximate), TF.gelu(b, approximate=approximate)
    assert_same(ours, theirs, rtol=1e-13)
    backward_both(ours, theirs)
    np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-12)


def test_layer_norm():
    a, b = pair(4, 3, 5)
    wa, wb = pair(3, 5, seed=1)
    ba, bb = pair(3, 5, seed=2)
    ours = F.layer_norm(a, (3, 5), wa, ba)
    theirs = TF.layer_norm(b, (3, 5), wb, bb)
    assert_same(ours, theirs)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    for x, y in [(a, b), (wa, wb), (ba, bb)]:
        np.testing.assert_allclose(x.grad, y.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_batchnorm1d_training_steps_and_eval(shape):
    ours = nn.BatchNorm1d(3, momentum=0.3, dtype=np.float64)
    theirs = torch.nn.BatchNorm1d(3, momentum=0.3).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([1.5, -0.5, 2.0]))
        theirs.bias.copy_(torch.tensor([0.1, 0.2, 0.3]))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for step in range(3):
        a, b = pair(*shape, seed=step)
        out_a, out_b = ours(a), theirs(b)
        assert_same(out_a, out_b, rtol=1e-9)
        (out_a * out_a).sum().backward()
        (out_b * out_b).sum().backward()
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-8, atol=1e-10)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-12)
    ours.eval()
    theirs.eval()
    a, b = pair(*shape, seed=9)
    assert_same(ours(a), theirs(b), rtol=1e-9)


def test_module_naming_matches_torch():
    class Ours(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
            self.body = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
            self.register_buffer("steps", np.zeros(1))
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 1), "b": nn.LayerNorm(4)})

    class Theirs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(1))
            self.body = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
            self.register_buffer("steps", torch.zeros(1))
            self.heads = torch.nn.ModuleDict(
                {"a": torch.nn.Linear(4, 1), "b": torch.nn.LayerNorm(4)}
            )

    ours, theirs = Ours(), Theirs()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    for key, value in theirs.state_dict().items():
        assert ours.state_dict()[key].shape == tuple(value.shape), key
    assert repr(nn.Linear(3, 4)) == repr(torch.nn.Linear(3, 4))
    assert repr(nn.BatchNorm1d(4)) == repr(torch.nn.BatchNorm1d(4))
    assert repr(nn.LayerNorm(4)) == repr(torch.nn.LayerNorm(4))
    assert repr(nn.BatchNorm1d(4, affine=False)) == repr(torch.nn.BatchNorm1d(4, affine=False))
    assert repr(nn.LayerNorm(4, bias=False)) == repr(torch.nn.LayerNorm(4, bias=False))
    assert repr(nn.Softmax(dim=1)) == repr(torch.nn.Softmax(dim=1))
    for name in ["GELU", "Flatten", "ReLU", "Tanh", "CrossEntropyLoss"]:
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    assert repr(nn.LeakyReLU(0.2)) == repr(torch.nn.LeakyReLU(0.2))
    assert repr(nn.Embedding(3, 4)) == repr(torch.nn.Embedding(3, 4))


def classifier(lib):
    """The same model written with ``nn`` or ``torch.nn``: the names and arguments match."""
    return lib.Sequential(
        OrderedDict(
            fc1=lib.Linear(4, 16),
            bn=lib.BatchNorm1d(16),
            act=lib.GELU(),
            drop=lib.Dropout(0.2),
            ln=lib.LayerNorm(16),
            fc2=lib.Linear(16, 3),
            out=lib.LogSoftmax(dim=1),
        )
    )


def test_state_dict_moves_both_ways_with_identical_outputs():
    autograd.manual_seed(0)
    ours, theirs = classifier(nn), classifier(torch.nn)
    x = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    ours.train()(autograd.Tensor(x))  # change the running statistics before transferring
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    ours.eval()
    theirs.eval()
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(autograd.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    fresh = classifier(nn).eval()
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(fresh(autograd.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)


def test_linear_default_init_has_torch_statistics():
    autograd.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = nn.Linear(256, 512), torch.nn.Linear(256, 512)
    bound = 1 / math.sqrt(256)
    pairs = [(ours.weight, theirs.weight, 0.01), (ours.bias, theirs.bias, 0.1)]
    for a, b, rel in pairs:  # bias: only 512 samples, so a looser tolerance
        b = b.detach().numpy()
        assert np.abs(b).max() <= bound and np.abs(a.data).max() <= bound
        assert a.data.std() == pytest.approx(bound / math.sqrt(3), rel=rel)
        assert b.std() == pytest.approx(bound / math.sqrt(3), rel=rel)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (
            lambda p: nn.init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu"),
            lambda p: torch.nn.init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu"),
        ),
        (
            lambda p: nn.init.kaiming_uniform_(p, a=0.1),
            lambda p: torch.nn.init.kaiming_uniform_(p, a=0.1),
        ),
        (
            lambda p: nn.init.xavier_uniform_(p, gain=nn.init.calculate_gain("tanh")),
            lambda p: torch.nn.init.xavier_uniform_(p, gain=torch.nn.init.calculate_gain("tanh")),
        ),
        (nn.init.xavier_normal_, torch.nn.init.xavier_normal_),
    ],
)
def test_init_statistics_match_torch(ours, theirs):
    autograd.manual_seed(0)
    torch.manual_seed(0)
    a = ours(nn.Parameter(np.zeros((64, 32, 3, 3), dtype=np.float32))).data
    b = theirs(torch.empty(64, 32, 3, 3)).detach().numpy()
    assert a.std() == pytest.approx(b.std(), rel=0.03)
    assert np.abs(a).max() <= 5 * b.std() * 2


def test_gains_match_torch():
    for name, param in [
        ("linear", None),
        ("tanh", None),
        ("relu", None),
        ("selu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("sigmoid", None),
    ]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param)
        )


def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)) * 5, rng.standard_normal(7)]
    for norm_type in [2.0, 1.0, math.inf]:
        ours = [nn.Parameter(np.zeros_like(g)) for g in grads]
        theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, q, g in zip(ours, theirs, grads, strict=True):
            p.grad = g.copy()
            q.grad = torch.tensor(g.copy())
        total = nn.utils.clip_grad_norm_(ours, 1.5, norm_type)
        expected = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type)
        assert total == pytest.approx(expected.item(), rel=1e-12)
        for p, q in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), ((2, 1), (0, 2))])
def test_conv2d_and_max_pool_match_torch(stride, padding):
    a, b = pair(2, 3, 7, 6)
    wa, wb = pair(4, 3, 3, 2, seed=1)
    ba, bb = pair(4, seed=2)
    ours = F.conv2d(a, wa, ba, stride, padding)
    theirs = TF.conv2d(b, wb, bb, stride, padding)
    assert_same(ours, theirs, rtol=1e-12, atol=1e-12)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    for x, y in [(a, b), (wa, wb), (ba, bb)]:
        np.testing.assert_allclose(x.grad, y.grad.numpy(), rtol=1e-10, atol=1e-12)
    a, b = pair(2, 3, 7, 6, seed=5)
    relu_a, relu_b = F.relu(a), TF.relu(b)  # zeros make ties: both send the gradient to one
    ours, theirs = F.max_pool2d(relu_a, 3, stride, 1), TF.max_pool2d(relu_b, 3, stride, 1)
    assert_same(ours, theirs)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-12)
