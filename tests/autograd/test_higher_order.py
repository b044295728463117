"""Second and third derivatives: backward formulas recorded with create_graph=True."""

import numpy as np
import pytest

import autograd as ag

from .ops.checks import make, positive
from .ops.test_arithmetic import ARITHMETIC
from .ops.test_exponential import EXPONENTIAL_METHODS
from .ops.test_hyperbolic import HYPERBOLIC_METHODS
from .ops.test_indexing import INDEXING
from .ops.test_joining import JOINING
from .ops.test_piecewise import PIECEWISE_BINARY, PIECEWISE_UNARY
from .ops.test_shape import MOVEMENT
from .ops.test_trigonometric import TRIGONOMETRIC_METHODS

# The ops' own first-order tables (tests/autograd/ops), differentiated again here.
UNARY = {**EXPONENTIAL_METHODS, **TRIGONOMETRIC_METHODS, **HYPERBOLIC_METHODS, **PIECEWISE_UNARY}
BINARY = {**ARITHMETIC, **PIECEWISE_BINARY}
REORDERING = {**MOVEMENT, **INDEXING, **JOINING}

SMOOTH = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"]
PIECEWISE = ["abs", "relu", "clip"]


@pytest.mark.parametrize("op", SMOOTH + PIECEWISE)
@pytest.mark.parametrize("order", [2, 3])
def test_unary_higher_order(op, order):
    fn, maker = UNARY[op]
    assert ag.gradgradcheck(fn, [maker((3,), 11)], order=order)


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("order", [2, 3])
def test_binary_higher_order(op, order):
    fn, make_a, make_b = BINARY[op]
    assert ag.gradgradcheck(fn, [make_a((2, 3), 12), make_b((3,), 13)], order=order)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "var", "std", "logsumexp"])
def test_reduction_higher_order(name):
    x = make((3, 4), 14)
    assert ag.gradgradcheck(lambda t: getattr(t, name)(axis=1) ** 2, [x], order=2)
    assert ag.gradgradcheck(lambda t: getattr(t, name)() ** 3, [x], order=3)


@pytest.mark.parametrize("name", sorted(REORDERING))
def test_movement_second_order(name):
    assert ag.gradgradcheck(lambda t: REORDERING[name](t) ** 2, [make((2, 3, 4), 15)], order=2)


def test_matmul_higher_order():
    a, b = make((2, 3), 16), make((3, 2), 17)
    assert ag.gradgradcheck(lambda x, y: (x @ y) ** 2, [a, b], order=2)
    assert ag.gradgradcheck(lambda x, y: (x @ y).tanh(), [a, b], order=3)
    # Batched operands take np.matmul in backward, 2-D ones np.dot: both must record.
    c, d = make((2, 2, 3), 18), make((2, 3, 2), 19)
    assert ag.gradgradcheck(lambda x, y: (x @ y) ** 2, [c, d], order=2)
    assert ag.gradgradcheck(
        lambda x, y: ag.dot(x, y).tanh(), [make((2, 3), 20), make((2, 3, 2), 21)]
    )


def test_hand_derived_derivatives_of_a_cubic():
    x = ag.tensor(2.0, dtype=np.float64, requires_grad=True)
    y = x**3 + x.sin()
    (d1,) = ag.grad(y, x, create_graph=True)
    (d2,) = ag.grad(d1, x, create_graph=True)
    (d3,) = ag.grad(d2, x)
    assert d1.item() == pytest.approx(3 * 4 + np.cos(2.0))
    assert d2.item() == pytest.approx(6 * 2 - np.sin(2.0))
    assert d3.item() == pytest.approx(6 - np.cos(2.0))


def test_grad_of_grad_for_mixed_partials():
    x = ag.tensor(1.5, dtype=np.float64, requires_grad=True)
    y = ag.tensor(-0.5, dtype=np.float64, requires_grad=True)
    f = x * x * y + (x * y).exp()
    dx, dy = ag.grad(f, [x, y], create_graph=True)
    (dxy,) = ag.grad(dx, y)
    # d/dy (2xy + y e^{xy}) = 2x + e^{xy} + xy e^{xy}
    expected = 2 * 1.5 + np.exp(-0.75) * (1 - 0.75)
    assert dxy.item() == pytest.approx(expected)


def test_positive_helper_is_positive():
    assert (positive((3,), 1).data > 0).all()
