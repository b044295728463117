"""Arithmetic: + - * / ** and unary minus, over broadcasting shape pairs, against central
differences in float64; ``a ** b`` at 0 as PyTorch defines it."""

import warnings

import numpy as np
import pytest

import autograd as ag

from .checks import SHAPE_PAIRS, check_op, make, positive, uniform

ARITHMETIC = {
    "add": (lambda a, b: a + b, make, make),
    "sub": (lambda a, b: a - b, make, make),
    "mul": (lambda a, b: a * b, make, make),
    "div": (lambda a, b: a / b, make, positive),
    "pow": (lambda a, b: a**b, positive, make),
}


@pytest.mark.parametrize("op", sorted(ARITHMETIC))
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_op_gradients(op, shapes):
    fn, make_a, make_b = ARITHMETIC[op]
    a, b = make_a(shapes[0], 1), make_b(shapes[1], 2)
    assert ag.gradcheck(fn, [a, b])


@pytest.mark.parametrize(
    "scalar_op",
    [
        lambda a: a + 2.5,
        lambda a: 2.5 - a,
        lambda a: a * 3,
        lambda a: 3 / a,
        lambda a: a**3,
        lambda a: 2.0**a,
        lambda a: -a,
        lambda a: np.float64(2.0) * a,
        lambda a: np.ones(4) - a,
    ],
)
def test_ops_with_python_and_numpy_operands(scalar_op):
    assert ag.gradcheck(scalar_op, [positive((3, 4), 3)])


def test_pow_gradients_at_zero_follow_pytorch():
    # d(a^b)/da = 0 where b = 0 (a^0 is constant; the formula gives 0 * 0^-1 = NaN at a = 0),
    # d(a^b)/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0): PyTorch's values.
    a = ag.Tensor(np.array([0.0, 0.0, 1.0, 2.0, 0.0]), requires_grad=True)
    b = ag.Tensor(np.array([0.0, 2.0, 0.0, 0.0, 0.5]), requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_array_equal(a.grad[:4], [0.0, 0.0, 0.0, 0.0])
    assert a.grad[4] == np.inf  # d sqrt(a)/da at 0, as PyTorch
    np.testing.assert_allclose(b.grad, [0.0, 0.0, 0.0, np.log(2.0), 0.0])
    x = ag.Tensor(np.array([0.0, 3.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replaced NaN must not warn either
        (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    (g,) = ag.grad((x**2).sum(), x, create_graph=True)  # still differentiable twice
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.data, [2.0, 2.0])


# PyTorch's spellings of these ops: values as NumPy computes them, first and second
# derivatives by central differences in float64.
PYTORCH_SPELLINGS = {
    "clone": (lambda x: x.clone(), lambda x: np.copy(x), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(PYTORCH_SPELLINGS))
def test_pytorch_spelled_op_values_and_derivatives(name):
    fn, numpy_fn, shape = PYTORCH_SPELLINGS[name]
    check_op(fn, [uniform(shape, 7)], numpy_fn=numpy_fn, linear=True)
