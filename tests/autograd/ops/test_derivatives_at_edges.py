"""Derivatives at the points where a naive formula gives NaN or splits a tie differently from
PyTorch: std of equal values, max/min(dim=) ties, arctan2 at the origin, clip with Tensor
bounds; and reductions over empty axes."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.tensor(np.array(values, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("values", [[2.0], [3.0, 3.0, 3.0]], ids=["one_element", "equal"])
def test_std_gradient_is_zero_where_all_values_are_equal(values):
    x = leaf(values)
    x.std().backward()
    assert np.asarray(x.grad).tolist() == [0.0] * len(values)
    y = leaf(values)
    y.std(dim=0, correction=0).backward()  # PyTorch's spelling: same op
    assert np.asarray(y.grad).tolist() == [0.0] * len(values)
    z = leaf(values)
    z.var().backward()  # 2 (x - mean) / n: exactly 0 too
    assert np.asarray(z.grad).tolist() == [0.0] * len(values)


def test_std_nan_does_not_leak_through_the_unused_branch_of_where():
    x = leaf([[1.0, 1.0], [1.0, 3.0]])
    ag.where(np.array([False, True]), x.std(axis=1), 0.0).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [[0.0, 0.0], [-0.5, 0.5]])


def test_std_first_and_second_derivatives_away_from_zero():
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert ag.gradcheck(lambda t: t.std(axis=1, ddof=1), [x])
    assert ag.gradgradcheck(lambda t: t.std(axis=(0, 1), keepdims=True), [x])


def test_max_and_min_with_dim_give_ties_gradient_to_the_returned_index():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    values, indices = x.max(dim=1)
    assert indices.tolist() == [1, 0]
    values.sum().backward()
    assert np.asarray(x.grad).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    y = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    values, indices = y.min(dim=1, keepdim=True)
    assert indices.tolist() == [[0], [2]]
    values.sum().backward()
    assert np.asarray(y.grad).tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_max_without_dim_and_numpy_max_still_share_ties_evenly():
    x = leaf([1.0, 3.0, 3.0])
    x.max().backward()
    assert np.asarray(x.grad).tolist() == [0.0, 0.5, 0.5]
    y = leaf([[1.0, 3.0, 3.0]])
    np.max(y, axis=1).sum().backward()  # NumPy's name: NumPy's (and amax's) convention
    assert np.asarray(y.grad).tolist() == [[0.0, 0.5, 0.5]]


def test_max_with_dim_second_derivative():
    x = ag.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    assert ag.gradgradcheck(lambda t: t.max(dim=0).values ** 2, [x])


def test_arctan2_gradient_at_the_origin_is_zero():
    x = leaf([0.0, 0.0])
    ag.arctan2(x, x).sum().backward()
    assert np.asarray(x.grad).tolist() == [0.0, 0.0]
    a, b = leaf([0.5, -1.0]), leaf([2.0, 0.3])
    assert ag.gradcheck(ag.arctan2, [a, b]) and ag.gradgradcheck(ag.arctan2, [a, b])


def test_clip_with_bounds_that_require_grad_records_them_as_pytorch():
    x = leaf([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    lo = leaf([1.0, 1.0, 1.0, 4.0, 4.0, 4.0])
    hi = leaf([3.0, 3.0, 3.0, 2.0, 2.0, 2.0])
    out = ag.clamp(x, lo, hi)
    assert out.tolist() == [1.0, 1.0, 2.0, 2.0, 2.0, 2.0]
    out.sum().backward()
    assert np.asarray(x.grad).tolist() == [0, 1, 1, 0, 0, 0]  # inside [lo, hi]
    assert np.asarray(lo.grad).tolist() == [1, 0, 0, 0, 0, 0]  # x < lo < hi
    assert np.asarray(hi.grad).tolist() == [0, 0, 0, 1, 1, 1]  # x > hi, or lo > hi


def test_clip_with_one_tensor_bound_broadcasts_and_differentiates_twice():
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    lo = ag.tensor(rng.standard_normal(4) - 0.5, requires_grad=True)
    hi = ag.tensor(rng.standard_normal((3, 1)) + 1.5, requires_grad=True)
    assert ag.gradcheck(lambda a, b: a.clip(min=b), [x, lo])
    assert ag.gradgradcheck(lambda a, b, c: ag.clip(a, b, c) ** 2, [x, lo, hi])
    assert np.clip(x, lo, None).grad_fn is not None  # NumPy's spelling too


def test_logsumexp_over_an_empty_axis_is_minus_infinity():
    x = ag.tensor(np.zeros((2, 0)), requires_grad=True)
    out = ag.logsumexp(x, axis=1)
    assert out.tolist() == [-np.inf, -np.inf]
    out.sum().backward()
    assert np.asarray(x.grad).shape == (2, 0)


def test_tensordot_over_empty_axes_is_zero_with_gradients():
    a = ag.tensor(np.ones((2, 0)), requires_grad=True)
    b = ag.tensor(np.ones((0, 3)), requires_grad=True)
    out = ag.tensordot(a, b, axes=1)
    assert out.tolist() == [[0.0] * 3] * 2
    out.sum().backward()
    assert np.asarray(a.grad).shape == (2, 0) and np.asarray(b.grad).shape == (0, 3)
    assert ag.dot(ag.ones((2, 0)), ag.ones((4, 0, 3))).shape == (2, 4, 3)


def test_grad_outputs_may_be_a_numpy_scalar_or_a_number():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad((x * x).sum(), x, grad_outputs=np.float64(2.0))
    assert g.tolist() == [4.0, 8.0]
    (g,) = ag.grad((x * x).sum(), x, grad_outputs=3.0)
    assert g.tolist() == [6.0, 12.0]


def test_where_sends_no_nan_from_above_to_the_branch_not_taken():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    out = ag.where(np.array([True, False]), a, b)
    (out * np.array([1.0, np.nan])).sum().backward()  # a NaN gradient at the second position
    assert np.asarray(a.grad).tolist() == [1.0, 0.0]  # a was not taken there: 0, not NaN * 0
    assert np.isnan(np.asarray(b.grad)[1]) and np.asarray(b.grad)[0] == 0.0
    x = ag.tensor(np.random.default_rng(4).standard_normal(3), requires_grad=True)
    assert ag.gradgradcheck(lambda t: ag.where(np.array([True, False, True]), t * t, t), [x])


def test_power_zero_exponent_second_derivatives_are_finite_at_zero():
    # d/da a^0 is 0 everywhere; its own derivative must not be 0 * (d/da a^-1) = NaN at 0
    # (PyTorch gives NaN there), nor d/da of the masked d/db = a^b ln a.
    a = ag.tensor([0.0, 2.0], dtype=np.float64, requires_grad=True)
    b = ag.tensor([0.0, 0.0], dtype=np.float64, requires_grad=True)
    (ga, gb) = ag.grad((a**b).sum(), [a, b], create_graph=True)
    np.testing.assert_allclose(ga.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(gb.numpy(), [0.0, np.log(2.0)])
    np.testing.assert_allclose(ag.grad(ga.sum(), [a, b])[0].numpy(), [0.0, 0.0])
    gba, gbb = ag.grad(gb.sum(), [a, b])
    np.testing.assert_allclose(gba.numpy(), [0.0, 0.5])  # b a^(b-1) ln a + a^(b-1)
    np.testing.assert_allclose(gbb.numpy(), [0.0, np.log(2.0) ** 2])  # a^b ln^2 a


def test_division_second_derivative_at_zero_and_infinity():
    # d2/db2 (1 / b) = 2 / b^3: infinite at +-0 (with its sign), 0 at +-inf -- never NaN.
    b = ag.tensor([0.0, -0.0, np.inf, -np.inf, 2.0], dtype=np.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        (g,) = ag.grad((1.0 / b).sum(), b, create_graph=True)
        (gg,) = ag.grad(g.sum(), b)
    np.testing.assert_array_equal(gg.numpy(), [np.inf, -np.inf, 0.0, 0.0, 0.25])
