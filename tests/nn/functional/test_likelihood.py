"""nn/functional/likelihood.py: kl_div, poisson_nll_loss and gaussian_nll_loss by hand, against
central differences, and against PyTorch (values and gradients of input, target and var, every
reduction, float64)."""

import math
import warnings

import numpy as np
import pytest

import autograd
from nn import functional as F

RNG = np.random.default_rng(0)


def leaf(data):
    return autograd.Tensor(np.array(data, dtype=np.float64), requires_grad=True)


def quiet(fn, *args, **kwargs):
    """Call without the warning kl_div gives for reduction='mean'."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def log_probs(*shape):
    z = RNG.standard_normal(shape)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def probs(*shape):
    return np.exp(log_probs(*shape))


# ----- kl_div ---------------------------------------------------------------------------------


def test_kl_div_by_hand_with_a_zero_target():
    x = leaf([np.log(0.5), np.log(0.25)])
    t = autograd.Tensor(np.array([0.0, 1.0]))
    loss = F.kl_div(x, t, reduction="sum")  # 0 (0 log 0 = 0) + 1 * (log 1 - log 0.25)
    assert loss.item() == pytest.approx(np.log(4.0))
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.0, -1.0])  # -t


def test_kl_div_target_gradient_is_nan_where_it_does_not_exist():
    x, t = leaf([-1.0, -2.0]), leaf([0.0, 0.5])
    F.kl_div(x, t, reduction="sum").backward()
    assert np.isnan(t.grad.numpy()[0])  # t log t has no derivative at t = 0 (PyTorch: NaN too)
    assert t.grad.numpy()[1] == pytest.approx(np.log(0.5) + 1 + 2.0)


def test_kl_div_reductions_and_the_mean_warning():
    x, t = log_probs(4, 3), probs(4, 3)
    pointwise = t * (np.log(t) - x)
    with pytest.warns(UserWarning, match="batchmean"):
        mean = F.kl_div(x, t)
    assert mean.item() == pytest.approx(pointwise.mean())
    assert F.kl_div(x, t, reduction="batchmean").item() == pytest.approx(pointwise.sum() / 4)
    assert F.kl_div(x, t, reduction="sum").item() == pytest.approx(pointwise.sum())
    np.testing.assert_allclose(F.kl_div(x, t, reduction="none").numpy(), pointwise)
    # log_target: the same divergence from log-probabilities
    same = F.kl_div(x, np.log(t), reduction="batchmean", log_target=True)
    assert same.item() == pytest.approx(pointwise.sum() / 4)
    with pytest.raises(ValueError, match="kl_div: reduction must be"):
        F.kl_div(x, t, reduction="batch")
    with pytest.raises(ValueError, match=r"kl_div: input shape \(4, 3\) and target shape \(2,\)"):
        F.kl_div(x, t[0, :2], reduction="sum")
    with pytest.warns(UserWarning, match="size_average and reduce are deprecated"):
        legacy = F.kl_div(x, t, reduce=False)
    assert legacy.shape == (4, 3)


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum", "batchmean"])
def test_kl_div_gradcheck(reduction, log_target):
    x = leaf(log_probs(3, 4))
    t = leaf(np.log(probs(3, 4)) if log_target else probs(3, 4))
    f = lambda a, b: quiet(F.kl_div, a, b, reduction=reduction, log_target=log_target)  # noqa: E731
    assert autograd.gradcheck(f, [x, t])
    assert autograd.gradgradcheck(f, [x, t])


# ----- poisson_nll_loss -----------------------------------------------------------------------


def test_poisson_nll_loss_by_hand():
    x, t = leaf([0.5, 2.0]), np.array([1.0, 3.0])
    loss = F.poisson_nll_loss(x, t, reduction="none")  # exp(x) - t x
    np.testing.assert_allclose(loss.numpy(), np.exp([0.5, 2.0]) - t * [0.5, 2.0])
    loss = F.poisson_nll_loss(x, t, log_input=False, full=True, reduction="none")
    stirling = 3 * np.log(3) - 3 + 0.5 * np.log(2 * np.pi * 3)  # only for t > 1
    expected = np.array([0.5, 2.0]) - t * np.log(np.array([0.5, 2.0]) + 1e-8) + [0, stirling]
    np.testing.assert_allclose(loss.numpy(), expected)


def test_poisson_full_term_has_no_gradient_where_it_is_masked():
    x, t = leaf([0.5, 0.2, 1.0]), leaf([0.0, -1.0, 3.0])
    F.poisson_nll_loss(x, t, full=True, reduction="sum").backward()
    # d/dt (exp(x) - t x) = -x, plus log t + 1 / (2 t) for the counted t > 1
    np.testing.assert_allclose(t.grad.numpy(), [-0.5, -0.2, -1.0 + np.log(3) + 1 / 6])


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("log_input, full", [(True, False), (False, False), (True, True)])
def test_poisson_nll_loss_gradcheck(reduction, log_input, full):
    x = leaf(RNG.uniform(0.5, 2.0, (3, 4)))
    t = leaf(RNG.uniform(0.0, 4.0, (3, 4)))
    f = lambda a, b: F.poisson_nll_loss(a, b, log_input, full, reduction=reduction)  # noqa: E731
    assert autograd.gradcheck(f, [x, t])


# ----- gaussian_nll_loss ----------------------------------------------------------------------


def test_gaussian_nll_loss_by_hand_and_var_shapes():
    mu, y = np.array([[0.0, 1.0], [2.0, -1.0]]), np.array([[0.5, 1.0], [0.0, 0.0]])
    var = np.array([[1.0, 2.0], [0.5, 4.0]])
    expected = 0.5 * (np.log(var) + (mu - y) ** 2 / var)
    np.testing.assert_allclose(F.gaussian_nll_loss(mu, y, var, reduction="none").numpy(), expected)
    full = F.gaussian_nll_loss(mu, y, var, full=True, reduction="sum")
    assert full.item() == pytest.approx(expected.sum() + 4 * 0.5 * np.log(2 * np.pi))
    per_row = np.array([1.0, 2.0])
    for v in (per_row, per_row[:, None]):  # one variance per sample: (N,) or (N, 1)
        out = F.gaussian_nll_loss(mu, y, v, reduction="none").numpy()
        v = per_row[:, None]
        np.testing.assert_allclose(out, 0.5 * (np.log(v) + (mu - y) ** 2 / v))
    scalar = F.gaussian_nll_loss(mu, y, 2.0)
    assert scalar.item() == pytest.approx((0.5 * (np.log(2.0) + (mu - y) ** 2 / 2.0)).mean())
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var of shape \(3,\)"):
        F.gaussian_nll_loss(mu, y, np.ones(3))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(mu, y, -var)
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(mu, y, -1.0)


def test_gaussian_nll_loss_clamp_is_straight_through_as_in_pytorch():
    var = leaf([1e-9, 2.0])
    mu, y = leaf([0.5, 1.0]), np.array([0.0, 0.0])
    loss = F.gaussian_nll_loss(mu, y, var, reduction="none")
    assert loss.numpy()[0] == pytest.approx(0.5 * (np.log(1e-6) + 0.25 / 1e-6))  # var -> eps
    loss.sum().backward()
    # The derivative of the formula at var = eps, although var itself is below eps
    assert var.grad.numpy()[0] == pytest.approx(0.5 * (1 / 1e-6 - 0.25 / 1e-12))
    assert var.grad.numpy()[1] == pytest.approx(0.5 * (1 / 2.0 - 1.0 / 4.0))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gaussian_nll_loss_gradcheck(reduction):
    mu, y = leaf(RNG.standard_normal((3, 2))), leaf(RNG.standard_normal((3, 2)))
    var = leaf(RNG.uniform(0.5, 2.0, (3, 1)))
    f = lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=True, reduction=reduction)  # noqa: E731
    assert autograd.gradcheck(f, [mu, y, var])


# ----- against PyTorch ------------------------------------------------------------------------


def _against_torch(ours, theirs, arrays, differentiable):
    """Compare values and the gradients of a random weighting of the outputs."""
    torch = pytest.importorskip("torch")
    mine = [autograd.Tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    others = [torch.tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, ref = ours(*mine), theirs(*others)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = RNG.standard_normal(ref.shape)
    (out * autograd.Tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for m, o, d in zip(mine, others, differentiable):
        if d:
            np.testing.assert_allclose(m.grad.numpy(), o.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum", "batchmean"])
def test_kl_div_against_torch(reduction):
    torch = pytest.importorskip("torch")
    x, t = log_probs(3, 4), probs(3, 4)
    t[0, 1] = 0.0  # a zero target: loss 0, input gradient 0
    for log_target, target in ((False, t), (True, log_probs(3, 4))):
        _against_torch(
            lambda a, b, lt=log_target: F.kl_div(a, b, reduction=reduction, log_target=lt),
            lambda a, b, lt=log_target: torch.nn.functional.kl_div(
                a, b, reduction=reduction, log_target=lt
            ),
            [x, target],
            [True, log_target],  # (the zero target's gradient: see the next test)
        )
    # broadcasting an (N, C) input against a (C,) target, as PyTorch does
    _against_torch(
        lambda a, b: F.kl_div(a, b, reduction=reduction),
        lambda a, b: torch.nn.functional.kl_div(a, b, reduction=reduction),
        [x, probs(4)],
        [True, True],
    )


def test_kl_div_zero_target_gradient_against_torch():
    torch = pytest.importorskip("torch")
    x, t = log_probs(2, 3), probs(2, 3)
    t[1, 2] = 0.0
    _against_torch(
        lambda a, b: F.kl_div(a, b, reduction="sum"),
        lambda a, b: torch.nn.functional.kl_div(a, b, reduction="sum"),
        [x, t],
        [True, False],
    )
    mine, theirs = leaf(t), torch.tensor(t, requires_grad=True)
    F.kl_div(autograd.Tensor(x), mine, reduction="sum").backward()
    torch.nn.functional.kl_div(torch.tensor(x), theirs, reduction="sum").backward()
    np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy())  # NaN where t = 0


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss_against_torch(reduction, log_input, full):
    torch = pytest.importorskip("torch")
    x = RNG.uniform(0.1, 2.0, (3, 4))
    t = RNG.poisson(2.0, (3, 4)).astype(np.float64) + 0.5  # t > 0: PyTorch's gradient is finite
    _against_torch(
        lambda a, b: F.poisson_nll_loss(a, b, log_input, full, eps=1e-3, reduction=reduction),
        lambda a, b: torch.nn.functional.poisson_nll_loss(
            a, b, log_input, full, eps=1e-3, reduction=reduction
        ),
        [x, t],
        [True, True],
    )
    _against_torch(  # broadcasting: a (4,) target against (3, 4) rates
        lambda a, b: F.poisson_nll_loss(a, b, log_input, full, reduction=reduction),
        lambda a, b: torch.nn.functional.poisson_nll_loss(
            a, b, log_input, full, reduction=reduction
        ),
        [x, t[0]],
        [True, True],
    )


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), (1, 4)])
def test_gaussian_nll_loss_against_torch(reduction, var_shape):
    torch = pytest.importorskip("torch")
    mu, y = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    var = RNG.uniform(0.1, 2.0, var_shape)
    var.flat[0] = 1e-8  # below eps: clamped, with PyTorch's straight-through gradient
    for full in (False, True):
        _against_torch(
            lambda a, b, v, f=full: F.gaussian_nll_loss(a, b, v, full=f, reduction=reduction),
            lambda a, b, v, f=full: torch.nn.functional.gaussian_nll_loss(
                a, b, v, full=f, reduction=reduction
            ),
            [mu, y, var],
            [True, True, True],
        )
    value = F.gaussian_nll_loss(mu, y, 0.7, eps=1e-3, reduction=reduction).numpy()
    ref = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), 0.7, eps=1e-3, reduction=reduction
    )
    np.testing.assert_allclose(value, ref.numpy(), rtol=1e-12)


def test_float32_stays_float32():
    x = autograd.Tensor(log_probs(2, 3).astype(np.float32), requires_grad=True)
    assert F.kl_div(x, probs(2, 3), reduction="batchmean").dtype == np.float32
    assert F.poisson_nll_loss(x, np.ones((2, 3)), full=True).dtype == np.float32
    assert F.gaussian_nll_loss(x, np.zeros((2, 3)), np.ones(2)).dtype == np.float32
    assert math.isfinite(F.poisson_nll_loss(x, np.ones((2, 3))).item())


def test_second_derivatives_of_the_nll_losses():
    x, t = leaf(RNG.uniform(0.5, 2.0, (2, 3))), leaf(RNG.uniform(1.5, 4.0, (2, 3)))
    assert autograd.gradgradcheck(lambda a, b: F.poisson_nll_loss(a, b, full=True), [x, t])
    var = leaf(RNG.uniform(0.5, 2.0, (2, 3)))
    assert autograd.gradgradcheck(lambda a, b, v: F.gaussian_nll_loss(a, b, v), [x, t, var])
