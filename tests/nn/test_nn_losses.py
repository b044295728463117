"""Loss values against hand-worked numbers, numerical stability, module forms and errors."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


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


def test_loss_modules_match_functions_and_keep_weight_buffers():
    x = t([[0.3, -1.2, 2.0], [0.1, 0.4, -0.5]])
    y = np.array([2, 0])
    w = np.array([1.0, 2.0, 3.0])
    module = nn.CrossEntropyLoss(weight=w, label_smoothing=0.1, reduction="sum")
    assert module(x, y).item() == pytest.approx(
        F.cross_entropy(x, y, w, reduction="sum", label_smoothing=0.1).item()
    )
    assert list(module.state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    p = t([[0.2, 0.7]])
    target = t([[0.0, 1.0]])
    pairs = [
        (nn.MSELoss(), F.mse_loss),
        (nn.L1Loss(), F.l1_loss),
        (nn.HuberLoss(delta=0.1), lambda a, b: F.huber_loss(a, b, delta=0.1)),
        (nn.SmoothL1Loss(beta=0.1), lambda a, b: F.smooth_l1_loss(a, b, beta=0.1)),
        (nn.BCELoss(), F.binary_cross_entropy),
        (
            nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 2.0])),
            lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=np.array([2.0, 2.0])),
        ),
    ]
    for module, fn in pairs:
        assert module(p, target).item() == pytest.approx(fn(p, target).item())
    logp = F.log_softmax(x)
    assert nn.NLLLoss()(logp, y).item() == pytest.approx(F.cross_entropy(x, y).item())


# -------------------------------------------------------------------------------- errors


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


def test_regression_losses_refuse_shape_mismatch():
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(3, 1\) and target shape \(3,\)"):
        F.mse_loss(t(np.zeros((3, 1))), t(np.zeros(3)))


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
