"""autograd/ops/rows.py: the fused ops' sums and maxima along one axis give NumPy's own
reductions (keepdims), on arrays of every shape and dtype, and the sum is recorded on Tensors."""

import numpy as np
import pytest

import autograd
from autograd.ops.rows import max_along, sum_along

SHAPES = [(5,), (3, 4), (896, 64), (2, 3, 14), (4, 1), (1, 7), (0, 3), (3, 0), (2, 3, 100)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64])
def test_sums_and_maxima_are_numpys(shape, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 10).astype(dtype)
    for axis in range(-len(shape), len(shape)):
        want = x.sum(axis=axis, keepdims=True)
        got = sum_along(x, axis)
        assert got.shape == want.shape and got.dtype == want.dtype
        # Both are rounded sums: within a few units of rounding of the sum of |x|.
        exact = x.astype(np.float64).sum(axis=axis, keepdims=True)
        scale = np.abs(x).astype(np.float64).sum(axis=axis, keepdims=True)
        eps = np.finfo(dtype).eps if dtype != np.int64 else 0.0
        assert (np.abs(got - exact) <= 4 * eps * scale).all()
        if x.shape[axis]:
            np.testing.assert_array_equal(max_along(x, axis), x.max(axis=axis, keepdims=True))


def test_maxima_and_sums_of_infinities_and_nan():
    x = np.array([[-np.inf, -np.inf, -np.inf], [1.0, np.inf, 0.0], [np.nan, 1.0, 2.0]])
    np.testing.assert_array_equal(max_along(x, -1), [[-np.inf], [np.inf], [np.nan]])
    np.testing.assert_array_equal(sum_along(x, -1), [[-np.inf], [np.inf], [np.nan]])
    with np.errstate(invalid="ignore"):  # -inf + inf
        np.testing.assert_array_equal(sum_along(x, 0), [[np.nan, np.nan, -np.inf]])


def test_the_sum_is_recorded_on_tensors():
    x = autograd.Tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    for axis in (-1, 0):
        fn = lambda x, axis=axis: sum_along(x, axis) ** 2  # noqa: E731
        assert autograd.gradcheck(fn, [x])
        assert autograd.gradgradcheck(fn, [x])
    y = sum_along(x, -1)
    assert isinstance(y, autograd.Tensor) and y.shape == (3, 1)
