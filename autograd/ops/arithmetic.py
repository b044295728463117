"""Arithmetic: + - * / ** and unary minus.

Each backward returns gradients in the output's (broadcast) shape; the engine sums them back to
each input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..promotion import promoted, true_division_operands
from ..registry import op
from ..tensor import Tensor


@op(numpy=np.add, operator="+", method=False)  # Tensor.add: torch_methods.py (alpha=)
class Add(Function):
    """y = a + b, broadcasting as NumPy;  dy/da = 1, dy/db = 1."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return np.add(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, grad


@op("subtract", numpy=np.subtract, operator="-", aliases=("sub",), method=False)  # (as add)
class Sub(Function):
    """y = a - b, broadcasting as NumPy;  dy/da = 1, dy/db = -1."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, (-grad if ctx.needs_input_grad[1] else None)


@op("negative", numpy=np.negative, operator="unary -", aliases=("neg",))
class Neg(Function):
    """y = -a;  dy/da = -1."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> np.ndarray:
        return np.negative(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return -grad


@op("multiply", numpy=np.multiply, operator="*", aliases=("mul",))
class Mul(Function):
    """y = a * b elementwise, broadcasting as NumPy;  dy/da = b, dy/db = a."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


@op("divide", numpy=np.true_divide, operator="/", aliases=("div",))
class Div(Function):
    """y = a / b elementwise (true division);  dy/da = 1 / b, dy/db = -a / b^2."""

    promotion = staticmethod(true_division_operands)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / b if need_a else None
        # (a / b) / b, not a / (b * b): the same number, but under create_graph its own
        # derivative at b = 0 is infinite as the true one (2 a / b^3), not inf * 0 = NaN.
        grad_b = -grad * (a / b) / b if need_b else None
        return grad_a, grad_b


@op("power", numpy=np.power, operator="**", aliases=("pow",))
class Pow(Function):
    """y = a ** b;  dy/da = b a^(b-1), dy/db = a^b ln a.

    As in PyTorch, dy/da = 0 where b = 0 (a^0 is constant, also at a = 0, where the formula
    gives 0 * 0^-1 = NaN), and dy/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0).
    """

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        # The masks are constants in any graph, so they are computed on the plain values.
        if need_a:
            grad_a = zero_where(np.asarray(b) == 0, lambda a: grad * b * a ** (b - 1), a)
        if need_b:
            at_zero = (np.asarray(a) == 0) & (np.asarray(b) >= 0)
            grad_b = zero_where(at_zero, lambda a: grad * out * np.log(a), a)
        return grad_a, grad_b


def zero_where(mask: np.ndarray, formula: Any, x: Any) -> Any:
    """``formula(x)``, replaced by 0 where ``mask`` holds (a derivative's removable singularity).

    There the formula is evaluated at x = 1 instead, so that it stays finite: under
    ``create_graph`` its own derivative is taken too, and the 0 that ``where`` sends back to
    the unused branch, times an infinite derivative, would be NaN (d/da of 0 * a^-1 at a = 0)."""
    if not mask.any():
        return formula(x)
    return np.where(mask, 0, formula(np.where(mask, 1, x)))


@op(numpy=np.copy, aliases=("clone",))
class Copy(Function):
    """y = a copy of x, still connected to x's graph (PyTorch's ``clone``; ``detach()`` makes
    a copy outside the graph);  dy/dx = 1."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.array(x, copy=True)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


@op(numpy=np.positive, operator="unary +", method=False)
def positive(a: Any) -> Tensor:
    """+a: ``a`` itself (as a Tensor)."""
    return as_tensor(a)


@op(numpy=np.conjugate, aliases=("conj",))
def conjugate(a: Any) -> Tensor:
    """The complex conjugate, which is ``a`` itself for the real tensors backproplab holds
    (np.conjugate, np.conj);  d/da = 1."""
    return as_tensor(a)
