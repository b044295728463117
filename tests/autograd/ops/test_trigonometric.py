"""tan, arcsin, arccos, arctan, arctan2, hypot, deg2rad / radians, rad2deg / degrees."""

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
    second_derivative,
    uniform,
)

UNARY = {
    "tan": (np.tan, -1.2, 1.2),
    "arcsin": (np.arcsin, -0.9, 0.9),
    "arccos": (np.arccos, -0.9, 0.9),
    "arctan": (np.arctan, -2.0, 2.0),
}
LINEAR = [np.deg2rad, np.radians, np.rad2deg, np.degrees]


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary(name, shape):
    fn, low, high = UNARY[name]
    check_op(fn, [uniform(shape, 1, low, high)])


@pytest.mark.parametrize("fn", LINEAR, ids=lambda f: f.__name__)
def test_angle_conversions(fn):
    check_op(fn, [uniform((3, 4), 2)], linear=True)


@pytest.mark.parametrize("fn", [np.arctan2, np.hypot], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_binary(fn, shapes):
    check_op(fn, [uniform(shapes[0], 3), uniform(shapes[1], 4)])


def test_hand_derived_values():
    assert gradient(np.tan, 0.5)[0] == pytest.approx(1 / np.cos(0.5) ** 2)
    assert gradient(np.arcsin, 0.6)[0] == pytest.approx(1.25)  # 1 / sqrt(1 - 0.36)
    assert gradient(np.arccos, 0.6)[0] == pytest.approx(-1.25)
    assert gradient(np.arctan, 1.0)[0] == pytest.approx(0.5)
    assert second_derivative(np.arctan, 1.0) == pytest.approx(-0.5)  # -2x / (1 + x^2)^2
    assert gradient(np.radians, 1.0)[0] == pytest.approx(np.pi / 180)
    assert gradient(np.rad2deg, 1.0)[0] == pytest.approx(180 / np.pi)
    grad_a, grad_b = gradient(np.arctan2, 1.0, 1.0)
    assert (grad_a, grad_b) == (pytest.approx(0.5), pytest.approx(-0.5))
    grad_a, grad_b = gradient(np.hypot, 3.0, 4.0)
    assert (grad_a, grad_b) == (pytest.approx(0.6), pytest.approx(0.8))


def test_hypot_gradient_is_zero_at_the_origin():
    grad_a, grad_b = gradient(np.hypot, [0.0, 0.0], [0.0, 2.0])
    np.testing.assert_array_equal(grad_a, [0.0, 0.0])
    np.testing.assert_array_equal(grad_b, [0.0, 1.0])


def test_both_spellings_of_the_angle_conversions_are_recorded():
    x = uniform((3,), 5)
    for fn, name in [(np.radians, "deg2rad"), (np.deg2rad, "deg2rad"), (np.degrees, "rad2deg")]:
        assert fn(x).grad_fn.fn.name == name
    np.testing.assert_allclose(ag.deg2rad(x).data, np.radians(x.data))
    np.testing.assert_allclose(x.arctan().data, np.arctan(x.data))


TRIGONOMETRIC_METHODS = {
    "sin": (lambda x: x.sin(), make),
    "cos": (lambda x: x.cos(), make),
}


@pytest.mark.parametrize("op, shape", method_cases(TRIGONOMETRIC_METHODS))
def test_method_gradients(op, shape):
    assert method_gradient_passes(TRIGONOMETRIC_METHODS, op, shape)
