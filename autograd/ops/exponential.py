"""Exponentials and logarithms (natural, base 2, base 10, near 1), sqrt and sigmoid, and the
log of a sum of exponentials of two arrays, elementwise."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..promotion import floating, promoted_floating
from ..registry import op

LN2 = math.log(2.0)  # Python floats: they keep a float32 gradient float32 (NEP 50)
LN10 = math.log(10.0)


@op(numpy=np.exp)
class Exp(Function):
    """y = e^x;  dy/dx = e^x = y."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out


@op(numpy=np.log)
class Log(Function):
    """y = ln x;  dy/dx = 1 / x."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / x


@op(numpy=np.sqrt)
class Sqrt(Function):
    """y = sqrt(x);  dy/dx = 1 / (2 sqrt(x)) = 0.5 / y."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * 0.5 / out


@op()
class Sigmoid(Function):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

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


@op(numpy=np.log1p)
class Log1p(Function):
    """y = ln(1 + x), accurate for small x;  dy/dx = 1 / (1 + x)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


@op(numpy=np.expm1)
class Expm1(Function):
    """y = e^x - 1, accurate for small x;  dy/dx = e^x = y + 1."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


@op(numpy=np.log2)
class Log2(Function):
    """y = log2 x = ln x / ln 2;  dy/dx = 1 / (x ln 2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (x * LN2)


@op(numpy=np.log10)
class Log10(Function):
    """y = log10 x = ln x / ln 10;  dy/dx = 1 / (x ln 10)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (x * LN10)


@op(numpy=np.exp2)
class Exp2(Function):
    """y = 2^x;  dy/dx = 2^x ln 2 = y ln 2."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out * LN2


@op(numpy=np.logaddexp)
class LogAddExp(Function):
    """y = ln(e^a + e^b), computed without overflow;  dy/da = e^(a - y), dy/db = e^(b - y)
    (the two weights of a softmax over {a, b}; they sum to 1)."""

    promotion = staticmethod(promoted_floating)  # PyTorch's rules; integers give float32

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


@op(numpy=np.logaddexp2)
class LogAddExp2(Function):
    """y = log2(2^a + 2^b), computed without overflow;  dy/da = 2^(a - y), dy/db = 2^(b - y)."""

    promotion = staticmethod(promoted_floating)  # PyTorch's rules; integers give float32

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
