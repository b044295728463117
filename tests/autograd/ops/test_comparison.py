"""Comparisons and logical reductions: boolean results, computed on the plain arrays, which
never require grad (their derivative is zero wherever it exists)."""

import operator

import numpy as np
import pytest

import autograd as ag

from .checks import uniform

COMPARISONS = {
    "<": (operator.lt, np.less),
    "<=": (operator.le, np.less_equal),
    ">": (operator.gt, np.greater),
    ">=": (operator.ge, np.greater_equal),
    "==": (operator.eq, np.equal),
    "!=": (operator.ne, np.not_equal),
}


@pytest.mark.parametrize("symbol", sorted(COMPARISONS))
def test_comparisons_are_boolean_tensors_outside_the_graph(symbol):
    compare, ufunc = COMPARISONS[symbol]
    a, b = uniform((3, 4), 1), uniform((4,), 2)
    b.data[1] = a.data[0, 1]  # one tie, so that == and != see both answers
    for result in (compare(a, b), compare(a, b.data), ufunc(a, b)):
        assert isinstance(result, ag.Tensor)
        assert result.dtype == np.bool_ and not result.requires_grad and result.grad_fn is None
        np.testing.assert_array_equal(result.data, ufunc(a.data, b.data))


def test_a_number_on_the_left_is_reflected_by_python():
    a = uniform((4,), 3)
    np.testing.assert_array_equal((a > 0.5).data, a.data > 0.5)
    np.testing.assert_array_equal((a <= 0.5).data, a.data <= 0.5)


def test_invert_is_logical_not_on_booleans_and_bitwise_not_on_integers():
    mask = ag.tensor([True, False, True])
    np.testing.assert_array_equal((~mask).data, [False, True, False])
    np.testing.assert_array_equal((~ag.tensor([0, 5])).data, [-1, -6])


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True)])
def test_all_and_any_follow_numpy(axis, keepdims):
    x = ag.tensor(np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]]), requires_grad=True)
    for name in ("all", "any"):
        result = getattr(x, name)(axis=axis, keepdims=keepdims)
        expected = getattr(np, name)(x.data, axis=axis, keepdims=keepdims)
        assert not result.requires_grad and result.dtype == np.bool_
        np.testing.assert_array_equal(result.data, expected)
        np.testing.assert_array_equal(
            getattr(ag, name)(x, dim=axis).data, expected.squeeze() if keepdims else expected
        )


@pytest.mark.parametrize(
    "op, ufunc",
    [("&", np.bitwise_and), ("|", np.bitwise_or), ("^", np.bitwise_xor)],
)
def test_bitwise_operators_on_masks_and_integers(op, ufunc):
    a, b = np.array([True, True, False, False]), np.array([True, False, True, False])
    i, j = np.array([12, 10, 3]), np.array([10, 6, 5])
    apply = {"&": lambda x, y: x & y, "|": lambda x, y: x | y, "^": lambda x, y: x ^ y}[op]
    for x, y in ((a, b), (i, j)):
        expected = ufunc(x, y)
        for left, right in ((ag.tensor(x), ag.tensor(y)), (x, ag.tensor(y)), (ag.tensor(x), y)):
            out = apply(left, right)
            assert isinstance(out, ag.Tensor) and out.dtype == expected.dtype
            np.testing.assert_array_equal(out.numpy(), expected)
    assert (apply(True, ag.tensor(a))).tolist() == ufunc(True, a).tolist()


def test_bitwise_on_floats_names_the_op_and_the_logical_spelling():
    with pytest.raises(
        TypeError, match="bitwise_and: needs boolean or integer.*float32.*logical_and"
    ):
        ag.tensor([1.0]) & ag.tensor([0.0])


def test_logical_ops_take_any_dtype():
    x, y = ag.tensor([0.0, 2.0, 0.0]), ag.tensor([1.0, 3.0, 0.0])
    assert ag.logical_and(x, y).tolist() == [False, True, False]
    assert x.logical_or(y).tolist() == [True, True, False]
    assert ag.logical_xor(x, y).tolist() == [True, False, False]
    assert ag.logical_not(x).tolist() == [True, False, True]
    assert np.logical_and(x, y).tolist() == [False, True, False]  # NumPy's call, same op
