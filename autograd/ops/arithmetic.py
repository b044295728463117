"""Arithmetic: + - * / ** unary minus and matrix product.

Each backward returns gradients in the output's (broadcast) shape; the engine sums them back to
each input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


class Add(Function):
    """y = a + b;  dy/da = 1, dy/db = 1."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return np.add(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, grad


class Sub(Function):
    """y = a - b;  dy/da = 1, dy/db = -1."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Neg(Function):
    """y = -a;  dy/da = -1."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> np.ndarray:
        return np.negative(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return -grad


class Mul(Function):
    """y = a * b;  dy/da = b, dy/db = a."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Function):
    """y = a / b;  dy/da = 1 / b, dy/db = -a / b^2."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / b if need_a else None
        grad_b = -grad * a / (b * b) if need_b else None
        return grad_a, grad_b


class Pow(Function):
    """y = a ** b;  dy/da = b a^(b-1), dy/db = a^b ln a.

    As in PyTorch, dy/da = 0 where b = 0 (a^0 is constant, also at a = 0, where the formula
    gives 0 * 0^-1 = NaN), and dy/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0).
    """

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
        if need_a:
            # (The masks are constants in any graph, so they are computed on the plain values.)
            zero_b = b == 0 if type(b) in (int, float) else np.asarray(b) == 0
            grad_a = _masked(zero_b, lambda: grad * b * a ** (b - 1))
        if need_b:
            at_zero = (np.asarray(a) == 0) & (np.asarray(b) >= 0)
            grad_b = _masked(at_zero, lambda: grad * out * np.log(a))
        return grad_a, grad_b


def _masked(mask: np.ndarray | bool, formula: Any) -> Any:
    """``formula()``, replaced by 0 where ``mask`` holds; NumPy's divide-by-zero and invalid
    warnings from the replaced entries are silenced (errstate is entered only if any are)."""
    if not (mask if type(mask) is bool else mask.any()):
        return formula()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mask, 0, formula())


class MatMul(Function):
    """Y = A @ B (2-D or batched, as np.matmul);  dL/dA = G @ B^T,  dL/dB = A^T @ G."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.shape[-1] != b.shape[-2]:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} are not aligned: "
                f"{a.shape[-1]} (last axis of the first) != {b.shape[-2]} (second-to-last of the "
                "second)"
            )
        ctx.save_for_backward(a, b)
        return _matmul(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = _matmul(grad, b.swapaxes(-1, -2)) if need_a else None
        grad_b = _matmul(a.swapaxes(-1, -2), grad) if need_b else None
        return grad_a, grad_b


def _matmul(a: Any, b: Any) -> Any:
    """a @ b for a of 2+ axes. With a 2-D ``b`` it is ``np.dot``, which gives the same result
    without matmul's broadcasting machinery: ~0.4 us less per call, as much as the product of
    two small matrices costs."""
    return np.dot(a, b) if b.ndim == 2 else np.matmul(a, b)
