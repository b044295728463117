"""sinh, cosh, tanh, arcsinh, arccosh, arctanh."""

import numpy as np
import pytest

from .checks import (
    SHAPES,
    check_op,
    gradient,
    make,
    method_cases,
    method_gradient_passes,
    second_derivative,
    uniform,
)

UNARY = {
    "sinh": (np.sinh, -2.0, 2.0),
    "cosh": (np.cosh, -2.0, 2.0),
    "tanh": (np.tanh, -2.0, 2.0),
    "arcsinh": (np.arcsinh, -2.0, 2.0),
    "arccosh": (np.arccosh, 1.2, 3.0),
    "arctanh": (np.arctanh, -0.9, 0.9),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary(name, shape):
    fn, low, high = UNARY[name]
    check_op(fn, [uniform(shape, 1, low, high)])


def test_hand_derived_values():
    assert gradient(np.sinh, 0.0)[0] == pytest.approx(1.0)
    assert gradient(np.cosh, 0.0)[0] == pytest.approx(0.0)
    assert second_derivative(np.cosh, 0.0) == pytest.approx(1.0)
    assert gradient(np.arcsinh, 0.75)[0] == pytest.approx(0.8)  # 1 / sqrt(1.5625)
    assert gradient(np.arccosh, 1.25)[0] == pytest.approx(1 / 0.75)  # 1 / sqrt(0.5625)
    assert gradient(np.arctanh, 0.5)[0] == pytest.approx(1 / 0.75)
    assert second_derivative(np.tanh, 0.5) == pytest.approx(
        -2 * np.tanh(0.5) * (1 - np.tanh(0.5) ** 2)
    )


HYPERBOLIC_METHODS = {
    "tanh": (lambda x: x.tanh(), make),
}


@pytest.mark.parametrize("op, shape", method_cases(HYPERBOLIC_METHODS))
def test_method_gradients(op, shape):
    assert method_gradient_passes(HYPERBOLIC_METHODS, op, shape)
