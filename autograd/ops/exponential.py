"""Exponentials and logarithms (natural, base 2, base 10, near 1), sqrt and sigmoid, and the
log of a sum of exponentials of two arrays, elementwise."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor

LN2 = math.log(2.0)  # Python floats: they keep a float32 gradient float32 (NEP 50)
LN10 = math.log(10.0)


class Exp(Function):
    """y = e^x;  dy/dx = e^x = y."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """y = ln x;  dy/dx = 1 / x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """y = sqrt(x);  dy/dx = 1 / (2 sqrt(x)) = 0.5 / y."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * 0.5 / out


class Sigmoid(Function):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        # With e = e^-|x| (never overflows): 1 / (1 + e) for x >= 0, and e / (1 + e) =
        # e^x / (1 + e^x) for x < 0, which keeps full relative precision in the negative tail.
        e = np.exp(-np.abs(x))
        r = 1 / (1 + e)
        out = np.where(x >= 0, r, e * r)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Log1p(Function):
    """y = ln(1 + x), accurate for small x;  dy/dx = 1 / (1 + x)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(Function):
    """y = e^x - 1, accurate for small x;  dy/dx = e^x = y + 1."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Log2(Function):
    """y = log2 x = ln x / ln 2;  dy/dx = 1 / (x ln 2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (x * LN2)


class Log10(Function):
    """y = log10 x = ln x / ln 10;  dy/dx = 1 / (x ln 10)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (x * LN10)


class Exp2(Function):
    """y = 2^x;  dy/dx = 2^x ln 2 = y ln 2."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out * LN2


class LogAddExp(Function):
    """y = ln(e^a + e^b), computed without overflow;  dy/da = e^(a - y), dy/db = e^(b - y)
    (the two weights of a softmax over {a, b}; they sum to 1)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * np.exp(a - out) if need_a else None
        grad_b = grad * np.exp(b - out) if need_b else None
        return grad_a, grad_b


class LogAddExp2(Function):
    """y = log2(2^a + 2^b), computed without overflow;  dy/da = 2^(a - y), dy/db = 2^(b - y)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.logaddexp2(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * np.exp2(a - out) if need_a else None
        grad_b = grad * np.exp2(b - out) if need_b else None
        return grad_a, grad_b


@op(numpy=np.exp)
def exp(x: Any) -> Tensor:
    """e^x;  d/dx = e^x."""
    return Exp.apply(x)


@op(numpy=np.log)
def log(x: Any) -> Tensor:
    """Natural logarithm;  d/dx = 1/x."""
    return Log.apply(x)


@op(numpy=np.sqrt)
def sqrt(x: Any) -> Tensor:
    """Square root;  d/dx = 1 / (2 sqrt x)."""
    return Sqrt.apply(x)


@op()
def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^-x);  d/dx = s (1 - s)."""
    return Sigmoid.apply(x)


@op(numpy=np.log1p)
def log1p(x: Any) -> Tensor:
    """ln(1 + x), accurate near x = 0;  d/dx = 1 / (1 + x)."""
    return Log1p.apply(x)


@op(numpy=np.expm1)
def expm1(x: Any) -> Tensor:
    """e^x - 1, accurate near x = 0;  d/dx = e^x."""
    return Expm1.apply(x)


@op(numpy=np.log2)
def log2(x: Any) -> Tensor:
    """Base-2 logarithm;  d/dx = 1 / (x ln 2)."""
    return Log2.apply(x)


@op(numpy=np.log10)
def log10(x: Any) -> Tensor:
    """Base-10 logarithm;  d/dx = 1 / (x ln 10)."""
    return Log10.apply(x)


@op(numpy=np.exp2)
def exp2(x: Any) -> Tensor:
    """2^x;  d/dx = 2^x ln 2."""
    return Exp2.apply(x)


@op(numpy=np.logaddexp)
def logaddexp(a: Any, b: Any) -> Tensor:
    """ln(e^a + e^b) elementwise, without overflow;  d/da = e^(a - y), d/db = e^(b - y)."""
    return LogAddExp.apply(a, b)


@op(numpy=np.logaddexp2)
def logaddexp2(a: Any, b: Any) -> Tensor:
    """log2(2^a + 2^b) elementwise, without overflow;  d/da = 2^(a - y), d/db = 2^(b - y)."""
    return LogAddExp2.apply(a, b)
