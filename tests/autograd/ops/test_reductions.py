"""prod: over any axes, with keepdims, and exact where some elements are zero."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, make, uniform


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


REDUCTIONS = ["sum", "mean", "max", "min", "var", "std", "logsumexp"]
AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_gradients(name, axis, keepdims):
    x = make((2, 3, 4), 5)
    assert ag.gradcheck(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), [x])


def test_var_and_std_with_ddof():
    x = make((4, 5), 6)
    assert ag.gradcheck(lambda t: t.var(axis=0, ddof=1), [x])
    assert ag.gradcheck(lambda t: t.std(axis=1, ddof=1), [x])


def test_max_splits_gradient_between_ties():
    x = ag.Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5, 0.0])


# PyTorch's spellings of these ops: values as NumPy computes them, first and second
# derivatives by central differences in float64.
PYTORCH_SPELLINGS = {
    "max_dim_values": (lambda x: x.max(dim=1).values, lambda x: x.max(axis=1), (3, 4)),
    "std_dim": (lambda x: x.std(dim=1), lambda x: x.std(axis=1, ddof=1), (3, 4)),
    "var_correction": (lambda x: x.var(dim=0, correction=0), lambda x: x.var(axis=0), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(PYTORCH_SPELLINGS))
def test_pytorch_spelled_op_values_and_derivatives(name):
    fn, numpy_fn, shape = PYTORCH_SPELLINGS[name]
    check_op(fn, [uniform(shape, 7)], numpy_fn=numpy_fn, linear=False)
