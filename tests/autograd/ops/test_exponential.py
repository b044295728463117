"""log1p, expm1, log2, log10, exp2, logaddexp, logaddexp2."""

import numpy as np
import pytest

import autograd as ag

from .checks import (
    PAIRS,
    SHAPES,
    check_op,
    gradient,
    make,
    method_cases,
    method_gradient_passes,
    positive,
    second_derivative,
    uniform,
)

UNARY = {
    "log1p": (np.log1p, -0.5, 2.0),
    "expm1": (np.expm1, -2.0, 2.0),
    "log2": (np.log2, 0.5, 2.0),
    "log10": (np.log10, 0.5, 2.0),
    "exp2": (np.exp2, -2.0, 2.0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary(name, shape):
    fn, low, high = UNARY[name]
    check_op(fn, [uniform(shape, 1, low, high)])


@pytest.mark.parametrize("fn", [np.logaddexp, np.logaddexp2], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_binary(fn, shapes):
    check_op(fn, [uniform(shapes[0], 2), uniform(shapes[1], 3)])


def test_hand_derived_values():
    assert gradient(np.log1p, 0.3)[0] == pytest.approx(1 / 1.3)
    assert gradient(np.expm1, 0.3)[0] == pytest.approx(np.exp(0.3))
    assert gradient(np.log2, 4.0)[0] == pytest.approx(1 / (4 * np.log(2)))
    assert gradient(np.log10, 5.0)[0] == pytest.approx(1 / (5 * np.log(10)))
    assert gradient(np.exp2, 3.0)[0] == pytest.approx(8 * np.log(2))
    assert second_derivative(np.log1p, 0.3) == pytest.approx(-1 / 1.3**2)
    assert second_derivative(np.exp2, 1.0) == pytest.approx(2 * np.log(2) ** 2)


def test_softplus_second_derivative_under_create_graph():
    # softplus(x) = log1p(e^x): d/dx = sigmoid(x), d2/dx2 = sigmoid(x)(1 - sigmoid(x)) = 0.2445.
    def softplus(x):
        return np.log1p(np.exp(x))

    s = 1 / (1 + np.exp(-0.3))
    assert gradient(softplus, 0.3)[0] == pytest.approx(s)
    assert second_derivative(softplus, 0.3) == pytest.approx(s * (1 - s))
    assert second_derivative(softplus, 0.3) == pytest.approx(0.2445, abs=1e-4)


def test_logaddexp_weights_are_a_softmax_and_do_not_overflow():
    grad_a, grad_b = gradient(np.logaddexp, [0.0, 1000.0, 1.0], [0.0, 1000.0, 3.0])
    e = np.exp([1.0, 3.0]) / np.exp([1.0, 3.0]).sum()
    np.testing.assert_allclose(grad_a, [0.5, 0.5, e[0]])
    np.testing.assert_allclose(grad_b, [0.5, 0.5, e[1]])
    grad_a, grad_b = gradient(np.logaddexp2, 1.0, 1.0)
    assert (grad_a, grad_b) == (pytest.approx(0.5), pytest.approx(0.5))


def test_float32_stays_float32_through_second_derivatives():
    x = ag.Tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    for fn in UNARY.values():
        (first,) = ag.grad(fn[0](x).sum(), x, create_graph=True)
        (second,) = ag.grad(first.sum(), x)
        assert fn[0](x).dtype == first.dtype == second.dtype == np.float32


EXPONENTIAL_METHODS = {
    "exp": (lambda x: x.exp(), make),
    "log": (lambda x: x.log(), positive),
    "sqrt": (lambda x: x.sqrt(), positive),
    "sigmoid": (lambda x: x.sigmoid(), make),
}


@pytest.mark.parametrize("op, shape", method_cases(EXPONENTIAL_METHODS))
def test_method_gradients(op, shape):
    assert method_gradient_passes(EXPONENTIAL_METHODS, op, shape)
