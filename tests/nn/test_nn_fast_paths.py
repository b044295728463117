"""The fast paths of nn.functional: fused mse_loss / l1_loss, cross_entropy's plain-target path,
and linear's checks. Each must give what the general formula gives."""

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.regression import L1LossFunction, MSELossFunction

REDUCTIONS = ["mean", "sum", "none"]


def leaf(*shape, seed=0, dtype=np.float64):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return autograd.Tensor(data, requires_grad=True)


# ------------------------------------------------------------------ fused regression losses


def test_mse_and_l1_by_hand_with_gradients_for_input_and_target():
    x = autograd.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = autograd.Tensor(np.array([1.0, 0.0, 4.0]), requires_grad=True)
    loss = F.mse_loss(x, y)  # d = (0, 2, -1): (0 + 4 + 1) / 3
    assert loss.item() == pytest.approx(5 / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad, [0.0, 4 / 3, -2 / 3])  # 2 d / n
    np.testing.assert_allclose(y.grad, [0.0, -4 / 3, 2 / 3])
    x.grad = y.grad = None
    loss = F.l1_loss(x, y, reduction="sum")  # |d| = (0, 2, 1)
    assert loss.item() == 3.0
    loss.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, -1.0])  # sign(d), sign(0) = 0
    np.testing.assert_array_equal(y.grad, [0.0, -1.0, 1.0])


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss], ids=["mse", "l1"])
def test_fused_regression_losses_are_one_node(fn):
    x, y = leaf(3, 2), leaf(3, 2, seed=1)
    loss = fn(x, y)
    assert loss.grad_fn.fn in (MSELossFunction, L1LossFunction)
    assert loss.grad_fn.inputs == (x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss], ids=["mse", "l1"])
def test_fused_regression_losses_gradcheck_input_and_target(fn, reduction):
    # Offsets keep |x - y| away from 0, where l1 has a kink.
    x, y = leaf(3, 4), autograd.Tensor(leaf(3, 4, seed=1).data + 0.05, requires_grad=True)
    assert autograd.gradcheck(lambda a, b: fn(a, b, reduction=reduction), [x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_second_and_third_derivatives(reduction):
    x, y = leaf(2, 3), leaf(2, 3, seed=1)
    assert autograd.gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), [x, y])
    # Through a non-linearity, so the Hessian is not constant.
    f = lambda a, b: F.mse_loss(a.tanh(), b, reduction=reduction)  # noqa: E731
    assert autograd.gradgradcheck(f, [x, y], order=3)


def test_l1_loss_second_derivative_is_zero():
    x, y = leaf(4), leaf(4, seed=1)
    assert autograd.gradgradcheck(lambda a, b: F.l1_loss(a, b), [x, y])


def test_fused_losses_keep_float32_and_match_the_composite_formula():
    x, y = leaf(8, 3, dtype=np.float32), np.random.default_rng(2).standard_normal((8, 3))
    loss = F.mse_loss(x, y)  # a float64 NumPy target is taken in the input's dtype
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    d = x.data - y.astype(np.float32)
    np.testing.assert_allclose(loss.item(), (d * d).mean(), rtol=1e-6)
    np.testing.assert_allclose(x.grad, 2 * d / d.size, rtol=1e-6)
    x.grad = None
    F.l1_loss(x, y, reduction="none").sum().backward()
    np.testing.assert_array_equal(x.grad, np.sign(d))


def test_mean_of_nothing_is_nan():
    with pytest.warns(RuntimeWarning):
        loss = F.mse_loss(np.zeros(0), np.zeros(0))
    assert np.isnan(loss.item())


def test_mse_loss_against_torch_for_input_and_target():
    torch = pytest.importorskip("torch")
    for reduction in REDUCTIONS:
        x, y = leaf(4, 3), leaf(4, 3, seed=1)
        tx = torch.tensor(x.data, requires_grad=True)
        ty = torch.tensor(y.data, requires_grad=True)
        ours = F.mse_loss(x, y, reduction=reduction)
        theirs = torch.nn.functional.mse_loss(tx, ty, reduction=reduction)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(y.grad, ty.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------ cross_entropy's plain targets


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
        tx = torch.tensor(x.data, requires_grad=True)
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


# ------------------------------------------------------------------------- linear's checks


def test_linear_checks_name_the_function_and_shapes():
    x, w = autograd.Tensor(np.zeros((2, 3))), autograd.Tensor(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"linear: bias shape \(3,\) does not fit weight shape"):
        F.linear(x, w, np.zeros(3))
    with pytest.raises(ValueError, match=r"linear: input shape \(2, 3\) does not fit weight shape"):
        F.linear(x, np.zeros(3))
    with pytest.raises(ValueError, match=r"linear: input shape \(\) does not fit"):
        F.linear(np.float64(1.0), w)
    with pytest.raises(ValueError, match=r"weight shape \(\) \(need input \(\.\.\., \?\)"):
        F.linear(x, np.float64(1.0))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 3)], ids=["vector", "batch", "3-d"])
def test_linear_gradients_for_every_input_rank(shape):
    x, w, b = leaf(*shape), leaf(4, 3, seed=1), leaf(4, seed=2)
    assert autograd.gradcheck(F.linear, [x, w, b])
    assert F.linear(x, w, b).shape == (*shape[:-1], 4)


def test_an_ignored_row_with_infinite_logits_adds_nothing_to_the_loss():
    # PyTorch skips ignored rows: their logits never reach the loss, finite or not.
    x = np.array([[1.0, 2.0, 3.0], [np.inf, 0.0, 1.0], [0.5, 0.1, -1.0]])
    with np.errstate(invalid="ignore"):
        loss = F.cross_entropy(autograd.Tensor(x), np.array([0, -100, 2]))
    kept = F.cross_entropy(autograd.Tensor(x[[0, 2]]), np.array([0, 2]))
    np.testing.assert_allclose(loss.data, kept.data, rtol=1e-15)
