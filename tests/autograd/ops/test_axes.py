"""autograd/ops/axes.py: axis arguments as NumPy takes them, and the shapes of a reduction's
backward."""

import numpy as np
import pytest

import autograd as ag
from autograd.ops.axes import expand, kept_shape, normalize_axis


@pytest.mark.parametrize(
    "axis, ndim, expected",
    [
        (None, 3, (0, 1, 2)),
        (1, 3, (1,)),
        (-1, 3, (2,)),
        ((2, 0), 3, (0, 2)),
        (np.int64(0), 2, (0,)),
    ],
)
def test_normalize_axis_sorts_and_makes_axes_non_negative(axis, ndim, expected):
    assert normalize_axis(axis, ndim, "op") == expected


def test_normalize_axis_names_the_op_for_a_bad_axis():
    with pytest.raises(ValueError, match="^sum: axis 3 is out of bounds for an array of 3 dim"):
        normalize_axis(3, 3, "sum")
    with pytest.raises(ValueError, match=r"^mean: repeated axis in \(0, -2\)$"):
        normalize_axis((0, -2), 2, "mean")


def test_kept_shape_puts_ones_at_the_reduced_axes():
    assert kept_shape((2, 3, 4), (0, 2)) == (1, 3, 1)


def test_expand_spreads_a_reduced_gradient_on_arrays_and_on_tensors():
    grad = np.array([[1.0], [2.0]])
    out = expand(grad, (2, 3))
    np.testing.assert_array_equal(out, [[1.0] * 3, [2.0] * 3])
    assert out.flags.writeable and out.base is None  # can become a leaf's .grad as it is
    recorded = expand(ag.tensor(grad, requires_grad=True), (2, 3))
    assert isinstance(recorded, ag.Tensor) and recorded.grad_fn is not None
    np.testing.assert_array_equal(recorded.data, out)
