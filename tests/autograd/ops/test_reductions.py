"""prod: over any axes, with keepdims, and exact where some elements are zero."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, uniform


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod(axis, keepdims):
    check_op(lambda x: np.prod(x, axis=axis, keepdims=keepdims), [uniform((2, 3, 2), 1)])


def test_prod_of_a_scalar_and_the_method():
    check_op(np.prod, [uniform((), 2)])
    x = uniform((3, 4), 3)
    np.testing.assert_allclose(x.prod(axis=1).data, x.data.prod(axis=1))
    assert ag.prod(x).grad_fn.fn.name == "prod"


def test_prod_gradient_is_the_product_of_the_others_also_at_zero():
    np.testing.assert_array_equal(gradient(np.prod, [2.0, 3.0, 4.0])[0], [12.0, 8.0, 6.0])
    np.testing.assert_array_equal(gradient(np.prod, [2.0, 0.0, 4.0])[0], [0.0, 8.0, 0.0])
    np.testing.assert_array_equal(gradient(np.prod, [0.0, 3.0, 0.0])[0], [0.0, 0.0, 0.0])


@pytest.mark.parametrize("zeros", [[1], [0, 2]], ids=["one_zero", "two_zeros"])
def test_prod_with_zeros_differentiates_twice(zeros):
    x = uniform((3, 4), 4)
    x.data[:, zeros] = 0.0
    check_op(lambda t: np.prod(t, axis=1), [x])
    check_op(lambda t: np.prod(t, axis=0), [x])
