"""square, reciprocal, cbrt, float_power, ldexp."""

import numpy as np
import pytest

import autograd as ag

from .checks import PAIRS, SHAPES, check_op, gradient, second_derivative, uniform

UNARY = {
    "square": (np.square, -2.0, 2.0),
    "reciprocal": (np.reciprocal, 0.5, 2.0),
    "cbrt": (np.cbrt, 0.5, 2.0),
    "cbrt_negative": (np.cbrt, -2.0, -0.5),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary(name, shape):
    fn, low, high = UNARY[name]
    check_op(fn, [uniform(shape, 1, low, high)])


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_float_power(shapes):
    check_op(np.float_power, [uniform(shapes[0], 2, 0.5, 2.0), uniform(shapes[1], 3)])


def test_ldexp():
    n = np.array([-1, 0, 3])
    check_op(lambda x: np.ldexp(x, n), [uniform((2, 3), 4)], linear=True)
    np.testing.assert_array_equal(gradient(lambda x: np.ldexp(x, n), [1.0, 1.0, 1.0])[0], 2.0**n)


def test_hand_derived_values():
    assert gradient(np.square, 3.0)[0] == pytest.approx(6.0)
    assert gradient(np.reciprocal, 2.0)[0] == pytest.approx(-0.25)
    assert gradient(np.cbrt, 8.0)[0] == pytest.approx(1 / 12)  # 1 / (3 * 2^2)
    assert second_derivative(np.square, 0.7) == pytest.approx(2.0)
    assert second_derivative(np.reciprocal, 2.0) == pytest.approx(0.25)  # 2 / x^3
    grad_a, grad_b = gradient(np.float_power, 2.0, 3.0)
    assert (grad_a, grad_b) == (pytest.approx(12.0), pytest.approx(8 * np.log(2.0)))


def test_float_power_computes_in_float64_and_returns_gradients_in_float32():
    x = ag.Tensor(np.array([1.5, 2.0], dtype=np.float32), requires_grad=True)
    y = np.float_power(x, 2)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, [3.0, 4.0])


def test_methods_and_names():
    x = uniform((3,), 5, 0.5, 2.0)
    np.testing.assert_allclose(x.square().data, x.data**2)
    np.testing.assert_allclose(x.reciprocal().data, 1 / x.data)
    np.testing.assert_allclose(ag.cbrt(x).data, np.cbrt(x.data))
    assert np.square(x).grad_fn.fn.name == "square"
    assert np.float_power(x, x).grad_fn.fn.name == "float_power"
