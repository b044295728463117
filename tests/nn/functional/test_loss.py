"""nn/functional/loss.py: cross-entropy, NLL and binary cross-entropy; gradients
against central differences (float64), second derivatives through the fused backwards."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def leaf(*shape, low=None, high=None, seed=0, dtype=np.float64):
    """A leaf that requires grad: standard normal values, or uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return autograd.Tensor(data.astype(dtype), requires_grad=True)


REDUCTIONS = ["mean", "sum", "none"]


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


def hessian_vector_error(f, x0, seed=0):
    """|H v - (grad(x + eps v) - grad(x - eps v)) / (2 eps)|, H v from create_graph."""
    v = np.random.default_rng(seed).standard_normal(x0.shape)
    x = autograd.Tensor(x0.copy(), requires_grad=True)
    (g,) = autograd.grad(f(x), [x], create_graph=True)
    (hv,) = autograd.grad((g * v).sum(), [x])

    def grad_at(a):
        t = autograd.Tensor(a, requires_grad=True)
        return np.asarray(autograd.grad(f(t), [t])[0])

    eps = 1e-6
    numeric = (grad_at(x0 + eps * v) - grad_at(x0 - eps * v)) / (2 * eps)
    return np.abs(np.asarray(hv) - numeric).max()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grads(reduction):
    x = leaf(5, 4)
    y = np.array([0, 3, 1, 1, 2])
    w = np.array([0.5, 1.0, 2.0, 1.5])
    check(lambda x: F.cross_entropy(x, y, reduction=reduction), x)
    check(lambda x: F.cross_entropy(x, y, w, reduction=reduction, label_smoothing=0.2), x)
    y_ign = np.array([0, -100, 1, 1, -100])
    check(lambda x: F.cross_entropy(x, y_ign, w, reduction=reduction), x)
    probs = np.random.default_rng(5).dirichlet(np.ones(4), size=5)
    check(lambda x: F.cross_entropy(x, probs, w, reduction=reduction, label_smoothing=0.1), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grads_spatial_and_single_sample(reduction):
    x = leaf(2, 3, 4, 2)  # (N, C, d1, d2)
    y = np.random.default_rng(1).integers(0, 3, size=(2, 4, 2))
    check(lambda x: F.cross_entropy(x, y, reduction=reduction, label_smoothing=0.1), x)
    check(lambda x: F.cross_entropy(x, np.array(2), reduction=reduction), leaf(4))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_grads(reduction):
    x = leaf(5, 4)
    y = np.array([0, 3, -100, 1, 2])
    check(lambda x: F.nll_loss(x, y, np.array([1.0, 2.0, 0.5, 1.0]), reduction=reduction), x)
    check(lambda x: F.nll_loss(x, np.array([[0, 1], [2, 2]]), reduction=reduction), leaf(2, 3, 2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_grads(reduction):
    p = leaf(3, 4, low=0.05, high=0.95)
    y = leaf(3, 4, low=0.0, high=1.0, seed=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=(4,))
    check(lambda p, y: F.binary_cross_entropy(p, y, w, reduction=reduction), p, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_grads(reduction):
    z = leaf(3, 4)
    y = leaf(3, 4, low=0.0, high=1.0, seed=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=(3, 1))
    pw = np.array([0.5, 1.0, 2.0, 3.0])
    check(lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction=reduction), z, y)
    fn = F.binary_cross_entropy_with_logits
    check(lambda z, y: fn(z, y, w, reduction=reduction, pos_weight=pw), z, y)


@pytest.mark.parametrize(
    "f",
    [
        lambda x: F.cross_entropy(x, np.array([0, 2, 1])),
        lambda x: F.cross_entropy(x, np.array([0, 2, 1]), label_smoothing=0.2, reduction="sum"),
        lambda x: F.gelu(x).sum(),
        lambda x: F.gelu(x, approximate="tanh").sum(),
        lambda x: F.binary_cross_entropy_with_logits(x, np.full((3, 4), 0.3)),
        lambda x: F.binary_cross_entropy(x.sigmoid(), np.full((3, 4), 0.3)),
        lambda x: (F.linear(x, np.ones((2, 4)) * 0.3, np.ones(2)) ** 2).sum(),
        lambda x: (F.layer_norm(x, 4) ** 3).sum(),
    ],
    ids=["ce", "ce_smooth", "gelu", "gelu_tanh", "bce_logits", "bce", "linear", "layer_norm"],
)
def test_second_derivatives_through_fused_backwards(f):
    x0 = np.random.default_rng(7).standard_normal((3, 4))
    assert hessian_vector_error(f, x0) < 1e-6


def general_path(x, y, reduction):
    # A weight of ones takes the general target handling (build_targets) with the same math.
    return F.cross_entropy(x, y, weight=np.ones(x.shape[1]), reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_plain_targets_match_the_general_path(reduction, dtype):
    y = np.array([0, 3, 1, 1, 2], dtype=dtype)
    a, b = leaf(5, 4), leaf(5, 4)
    fast, slow = F.cross_entropy(a, y, reduction=reduction), general_path(b, y, reduction)
    assert fast.grad_fn.targets.index is not None  # really the fast path
    assert slow.grad_fn.targets.index is None
    np.testing.assert_allclose(fast.data, slow.data, rtol=1e-13)
    fast.sum().backward()
    slow.sum().backward()
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)


def test_plain_target_gradient_by_hand():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    x = autograd.Tensor(z, requires_grad=True)
    F.cross_entropy(x, np.array([2, 0])).backward()
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(x.grad, (softmax - np.eye(3)[[2, 0]]) / 2, rtol=1e-14)


def test_targets_outside_the_plain_case_fall_back():
    x = leaf(4, 3)
    # ignore_index (-100 by default) rows: skipped, as the general path does (they take the
    # plain path with their rows left out, see the test below).
    y = np.array([0, -100, 2, 1])
    loss = F.cross_entropy(x, y)
    kept = F.cross_entropy(autograd.Tensor(x.data[[0, 2, 3]]), y[[0, 2, 3]])
    assert loss.item() == pytest.approx(kept.item(), rel=1e-14)
    # An ignore_index that is a real class: that class's rows count zero.
    loss = F.cross_entropy(x, np.array([0, 1, 1, 2]), ignore_index=1)
    kept = F.cross_entropy(autograd.Tensor(x.data[[0, 3]]), np.array([0, 2]))
    assert loss.item() == pytest.approx(kept.item(), rel=1e-14)
    # Out-of-range targets still get the general path's message.
    with pytest.raises(ValueError, match="target class 3 is out of range for 3 classes"):
        F.cross_entropy(x, np.array([0, 3, 1, 1]))
    with pytest.raises(ValueError, match="target class -2 is out of range"):
        F.cross_entropy(x, np.array([0, -2, 1, 1], dtype=np.int8))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ignore_index", [-100, 1])
def test_ignored_rows_take_the_plain_path_and_match_the_general_one(reduction, ignore_index):
    # Padded sequences: class indices, some rows equal to ignore_index (a real class or not).
    y = np.array([0, ignore_index, 2, ignore_index, 3, 3])
    a, b = leaf(6, 4), leaf(6, 4)
    fast = F.cross_entropy(a, y, reduction=reduction, ignore_index=ignore_index)
    slow = F.cross_entropy(b, y, np.ones(4), reduction=reduction, ignore_index=ignore_index)
    assert fast.grad_fn.targets.index is not None  # really the fast path
    np.testing.assert_array_equal(fast.grad_fn.kept, [1, 0, 1, 0, 1, 1])
    assert slow.grad_fn.targets.index is None
    np.testing.assert_allclose(fast.data, slow.data, rtol=1e-13)
    fast.sum().backward()
    slow.sum().backward()
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(a.grad[[1, 3]], 0.0)  # ignored rows: no gradient
    fn = lambda x: F.cross_entropy(x, y, reduction=reduction, ignore_index=ignore_index)  # noqa: E731
    assert autograd.gradcheck(fn, [leaf(6, 4, seed=2)])
    assert autograd.gradgradcheck(fn, [leaf(6, 4, seed=3)])


def test_ignored_rows_by_hand_and_the_mean_over_the_rest():
    z = np.array([[1.0, 2.0, 3.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    x = autograd.Tensor(z, requires_grad=True)
    loss = F.cross_entropy(x, np.array([2, -100, 0]))
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert loss.item() == pytest.approx(-(log_p[0, 2] + log_p[2, 0]) / 2, rel=1e-14)
    loss.backward()
    softmax = np.exp(log_p)
    expected = (softmax - np.eye(3)[[2, 0, 0]]) / 2
    expected[1] = 0.0
    np.testing.assert_allclose(x.grad, expected, rtol=1e-14)
    # Every row ignored: 'mean' is 0 / 0, as PyTorch's; out-of-range targets still raise.
    assert np.isnan(F.cross_entropy(x, np.full(3, -100)).item())
    with pytest.raises(ValueError, match="target class 3 is out of range"):
        F.cross_entropy(x, np.array([0, -100, 3]))


def test_ignored_rows_against_torch():
    torch = pytest.importorskip("torch")
    y = np.array([0, -100, 2, -100, 1, 3, 3])
    for reduction in REDUCTIONS:
        x = leaf(7, 4, seed=reduction == "sum")
        tx = torch.tensor(x.numpy(), requires_grad=True)
        ours = F.cross_entropy(x, y, reduction=reduction)
        theirs = torch.nn.functional.cross_entropy(tx, torch.tensor(y), reduction=reduction)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_plain_targets_under_create_graph():
    x = leaf(3, 4)
    y = np.array([1, 0, 3])
    (g,) = autograd.grad(F.cross_entropy(x, y), [x], create_graph=True)
    (h,) = autograd.grad((g * g).sum(), [x])
    assert np.all(np.isfinite(h.data)) and np.abs(h.data).max() > 0
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, y), [x])


def test_an_ignored_row_with_infinite_logits_adds_nothing_to_the_loss():
    # PyTorch skips ignored rows: their logits never reach the loss, finite or not.
    x = np.array([[1.0, 2.0, 3.0], [np.inf, 0.0, 1.0], [0.5, 0.1, -1.0]])
    with np.errstate(invalid="ignore"):
        loss = F.cross_entropy(autograd.Tensor(x), np.array([0, -100, 2]))
    kept = F.cross_entropy(autograd.Tensor(x[[0, 2]]), np.array([0, 2]))
    np.testing.assert_allclose(loss.data, kept.data, rtol=1e-15)


def t(values, dtype=np.float64, requires_grad=False):
    return autograd.Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def test_cross_entropy_by_hand():
    logits = t([[0.0, math.log(3)], [0.0, math.log(3)]])  # softmax = (1/4, 3/4)
    y = np.array([1, 0])
    assert F.cross_entropy(logits, y).item() == pytest.approx((math.log(4 / 3) + math.log(4)) / 2)
    weighted = F.cross_entropy(logits, y, weight=np.array([2.0, 1.0]))
    assert weighted.item() == pytest.approx((math.log(4 / 3) + 2 * math.log(4)) / 3)
    smooth = F.cross_entropy(logits[:1], y[:1], label_smoothing=0.2)
    expected = 0.8 * math.log(4 / 3) + 0.1 * (math.log(4) + math.log(4 / 3))
    assert smooth.item() == pytest.approx(expected)
    ignored = F.cross_entropy(logits, np.array([1, -100]))
    assert ignored.item() == pytest.approx(math.log(4 / 3))  # the mean counts one row
    probs = F.cross_entropy(logits[:1], np.array([[0.5, 0.5]]))
    assert probs.item() == pytest.approx(0.5 * math.log(4) + 0.5 * math.log(4 / 3))


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    logits = t([[0.0, math.log(3)], [0.0, math.log(3)]], requires_grad=True)
    F.cross_entropy(logits, np.array([1, 0]), reduction="sum").backward()
    np.testing.assert_allclose(logits.grad, [[0.25, -0.25], [-0.75, 0.75]])


def test_nll_loss_by_hand():
    logp = t([[-1.0, -2.0], [-3.0, -4.0]])
    assert F.nll_loss(logp, np.array([1, 0])).item() == pytest.approx(2.5)
    w = np.array([1.0, 3.0])
    assert F.nll_loss(logp, np.array([1, 0]), w).item() == pytest.approx((6 + 3) / 4)
    np.testing.assert_allclose(F.nll_loss(logp, np.array([1, 0]), reduction="none").data, [2, 3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_is_finite_for_huge_logits(dtype):
    logits = t([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype, requires_grad=True)
    np.testing.assert_array_equal(F.softmax(logits).data, [[1, 0], [0, 1]])
    np.testing.assert_array_equal(F.log_softmax(logits).data, [[0, -2000], [-2000, 0]])
    loss = F.cross_entropy(logits, np.array([0, 0]))
    assert loss.dtype == dtype
    assert loss.item() == pytest.approx(1000.0)
    loss.backward()
    np.testing.assert_allclose(logits.grad, [[0, 0], [-0.5, 0.5]])
    assert logits.grad.dtype == dtype
    smooth = F.cross_entropy(logits, np.array([0, 1]), label_smoothing=0.1)
    assert smooth.item() == pytest.approx(0.05 * 2000)


def test_binary_cross_entropy_by_hand_and_clamped():
    p = t([0.8, 0.0, 1.0, 0.5], requires_grad=True)
    y = t([1.0, 1.0, 0.0, 0.0])
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(loss.data, [-math.log(0.8), 100, 100, math.log(2)])
    loss.sum().backward()
    # PyTorch's gradient (x - y) / max(x (1 - x), 1e-12): finite at 0 and 1.
    np.testing.assert_allclose(p.grad, [-0.2 / 0.16, -1e12, 1e12, 2.0])
    w = np.array([2.0, 1.0, 1.0, 1.0])
    assert F.binary_cross_entropy(p, y, w, reduction="sum").item() == pytest.approx(
        -2 * math.log(0.8) + 200 + math.log(2)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_by_hand_and_stable(dtype):
    z = t([0.0, 1000.0, -1000.0, 1000.0, 0.0], dtype, requires_grad=True)
    y = t([1.0, 0.0, 1.0, 1.0, 0.0], dtype)
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_allclose(loss.data, [math.log(2), 1000, 1000, 0, math.log(2)], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, [-0.5, 1.0, -1.0, 0.0, 0.5])  # sigmoid(z) - y
    pw = F.binary_cross_entropy_with_logits(t([0.0]), t([1.0]), pos_weight=np.array([3.0]))
    assert pw.item() == pytest.approx(3 * math.log(2))


@pytest.mark.parametrize(
    "call",
    [
        lambda r: F.mse_loss(t([1.0]), t([1.0]), reduction=r),
        lambda r: F.l1_loss(t([1.0]), t([1.0]), reduction=r),
        lambda r: F.huber_loss(t([1.0]), t([1.0]), reduction=r),
        lambda r: F.smooth_l1_loss(t([1.0]), t([1.0]), reduction=r),
        lambda r: F.cross_entropy(t([[1.0, 2.0]]), np.array([0]), reduction=r),
        lambda r: F.nll_loss(t([[1.0, 2.0]]), np.array([0]), reduction=r),
        lambda r: F.binary_cross_entropy(t([0.5]), t([1.0]), reduction=r),
        lambda r: F.binary_cross_entropy_with_logits(t([0.5]), t([1.0]), reduction=r),
        lambda r: nn.CrossEntropyLoss(reduction=r),
    ],
)
def test_bad_reduction_is_refused(call):
    with pytest.raises(ValueError, match=r"reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        call("avg")


def test_cross_entropy_target_errors():
    x = t(np.zeros((4, 5)))
    with pytest.raises(
        ValueError,
        match=r"cross_entropy: target shape \(3,\) does not fit "
        r"input shape \(4, 5\)",
    ):
        F.cross_entropy(x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="cross_entropy: target class 7 is out of range for 5"):
        F.cross_entropy(x, np.array([0, 7, 1, 2]))
    with pytest.raises(ValueError, match="target class -1 is out of range"):
        F.cross_entropy(x, np.array([0, -1, 1, 2]))
    with pytest.raises(TypeError, match="cross_entropy: target must hold class indices"):
        F.cross_entropy(x, np.array(["a", "b", "c", "d"]))
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have shape \(5,\)"):
        F.cross_entropy(x, np.array([0, 1, 2, 3]), weight=np.ones(4))
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        F.cross_entropy(x, np.array([0, 1, 2, 3]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"probability targets must have the input's shape"):
        F.cross_entropy(x, np.zeros((4, 4)))
    with pytest.raises(TypeError, match="cross_entropy: input must be floating"):
        F.cross_entropy(autograd.Tensor(np.zeros((4, 5), dtype=np.int64)), np.zeros(4, int))
    with pytest.raises(TypeError, match="nll_loss: class indices must be integers, got float64"):
        F.nll_loss(x, np.zeros((4, 5)))
    with pytest.raises(TypeError, match="nll_loss: target must hold class indices"):
        F.nll_loss(x, np.array(["a", "b", "c", "d"]))


def test_binary_cross_entropy_refuses_values_outside_unit_interval():
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: input values must be in "
        r"\[0, 1\].*from -0.5 to 2.0",
    ):
        F.binary_cross_entropy(t([-0.5, 2.0]), t([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"pos_weight of shape \(3,\) does not broadcast"):
        F.binary_cross_entropy_with_logits(t([[0.5, 1]]), t([[0.0, 1.0]]), pos_weight=np.ones(3))
