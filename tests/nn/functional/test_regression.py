"""nn/functional/regression.py: mse_loss and l1_loss as one fused op each (values by hand, one
node, gradients for input and target, higher derivatives, what the composite formula gives),
huber and smooth L1 losses against central differences."""

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.regression import L1LossFunction, MSELossFunction


def leaf(*shape, low=None, high=None, seed=0, dtype=np.float64):
    """A leaf that requires grad: standard normal values, or uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return autograd.Tensor(data.astype(dtype), requires_grad=True)


REDUCTIONS = ["mean", "sum", "none"]


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
        tx = torch.tensor(x.numpy(), requires_grad=True)
        ty = torch.tensor(y.numpy(), requires_grad=True)
        ours = F.mse_loss(x, y, reduction=reduction)
        theirs = torch.nn.functional.mse_loss(tx, ty, reduction=reduction)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(y.grad, ty.grad.numpy(), rtol=1e-12)


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "loss",
    [
        F.mse_loss,
        F.l1_loss,
        F.huber_loss,
        lambda x, y, reduction: F.huber_loss(x, y, reduction, delta=0.5),
        F.smooth_l1_loss,
        lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction, beta=0.3),
    ],
    ids=["mse", "l1", "huber", "huber_delta", "smooth_l1", "smooth_l1_beta"],
)
def test_regression_loss_grads(loss, reduction):
    check(lambda x, y: loss(x, y, reduction=reduction), leaf(3, 4), leaf(3, 4, seed=1))


def t(values, dtype=np.float64, requires_grad=False):
    return autograd.Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def test_regression_losses_by_hand():
    x, y = t([1.0, 2.0, 3.0]), t([1.0, 0.0, 0.0])
    assert F.mse_loss(x, y).item() == pytest.approx(13 / 3)
    assert F.mse_loss(x, y, reduction="sum").item() == pytest.approx(13)
    np.testing.assert_allclose(F.mse_loss(x, y, reduction="none").data, [0, 4, 9])
    assert F.l1_loss(x, y).item() == pytest.approx(5 / 3)
    d = t([0.5, 2.0, -3.0])
    zero = np.zeros(3)
    np.testing.assert_allclose(F.huber_loss(d, zero, "none").data, [0.125, 1.5, 2.5])
    np.testing.assert_allclose(F.huber_loss(d, zero, "none", delta=2.5).data, [0.125, 2, 4.375])
    np.testing.assert_allclose(
        F.smooth_l1_loss(t([1.0, 3.0]), [0, 0], "none", beta=2).data, [0.25, 2.0]
    )
    np.testing.assert_allclose(
        F.smooth_l1_loss(t([1.0, -3.0]), [0, 0], "none", beta=0).data, [1.0, 3.0]
    )


def test_regression_losses_refuse_shape_mismatch():
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(3, 1\) and target shape \(3,\)"):
        F.mse_loss(t(np.zeros((3, 1))), t(np.zeros(3)))
