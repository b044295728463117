"""What every op test checks: NumPy's value, a recorded result, first and second derivatives."""

import numpy as np
import pytest

import autograd as ag

# Broadcasting pairs for binary ops, and shapes for unary ones (kept small: the suite is timed).
PAIRS = [((), ()), ((4,), ()), ((3, 4), (4,)), ((3, 4), (1, 4)), ((3, 1), (1, 4))]
SHAPES = [(), (4,), (3, 4)]


# Every broadcasting relation between two shapes, for the arithmetic operators.
SHAPE_PAIRS = [
    ((), ()),
    ((4,), ()),
    ((), (4,)),
    ((3, 4), (4,)),
    ((3, 4), (1, 4)),
    ((3, 1), (1, 4)),
    ((3, 4), (3, 1)),
    ((2, 3, 4), (3, 4)),
]


def make(shape, seed, low=-2.0, high=2.0, name=None):
    rng = np.random.default_rng(seed)
    return ag.Tensor(rng.uniform(low, high, size=shape), requires_grad=True, name=name)


def positive(shape, seed):
    return make(shape, seed, 0.5, 2.0)


def uniform(shape, seed, low=-2.0, high=2.0):
    """A float64 Tensor that requires grad, with values drawn from [low, high)."""
    return make(shape, seed, low, high)


def plain(value):
    return value.data if isinstance(value, ag.Tensor) else value


def check_op(fn, inputs, numpy_fn=None, linear=False):
    """``fn(*inputs)`` is a Tensor recorded with a grad_fn whose values, shape and dtype are
    NumPy's (``numpy_fn``, by default ``fn`` itself, on the plain arrays: ``fn`` is usually a
    NumPy function called on Tensors); its gradient passes gradcheck and its second derivative
    gradgradcheck. A ``linear`` op has a zero second derivative, so the second-order check runs
    on fn(x)^2, where its backward receives a gradient that depends on x."""
    result = fn(*inputs)
    expected = np.asarray((numpy_fn or fn)(*map(plain, inputs)))
    assert isinstance(result, ag.Tensor), type(result)
    assert result.grad_fn is not None
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result.data, expected, rtol=1e-12, atol=1e-12)
    assert ag.gradcheck(fn, inputs)
    second = (lambda *xs: fn(*xs) ** 2) if linear else fn
    assert ag.gradgradcheck(second, inputs, order=2)


def gradient(fn, *values):
    """d(sum fn(x))/dx for each float64 value, as arrays."""
    inputs = [ag.Tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    grads = ag.grad(fn(*inputs).sum(), inputs, allow_unused=True)
    return [np.zeros_like(x.data) if g is None else g.data for x, g in zip(inputs, grads)]


def second_derivative(fn, value):
    """d^2 fn / dx^2 at a scalar, through grad(..., create_graph=True)."""
    x = ag.tensor(value, dtype=np.float64, requires_grad=True)
    (first,) = ag.grad(fn(x), x, create_graph=True)
    (second,) = ag.grad(first, x)
    return second.item()


METHOD_SHAPES = [(), (5,), (3, 4)]


def method_cases(table: dict) -> list:
    """(op, shape) pairs for a table {name: (fn, maker)} of Tensor-method calls."""
    return [
        pytest.param(op, shape, id=f"{op}-{shape}")
        for op in sorted(table)
        for shape in METHOD_SHAPES
    ]


def method_gradient_passes(table: dict, op: str, shape: tuple) -> bool:
    """gradcheck of ``table[op]``'s call on an input its maker draws, of ``shape``."""
    fn, maker = table[op]
    return ag.gradcheck(fn, [maker(shape, 4)])
