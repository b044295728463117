"""Hyperbolic functions and their inverses, elementwise."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import floating
from ..registry import op


@op(numpy=np.sinh)
class Sinh(Function):
    """y = sinh x = (e^x - e^-x) / 2;  dy/dx = cosh x."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.cosh(x)


@op(numpy=np.cosh)
class Cosh(Function):
    """y = cosh x = (e^x + e^-x) / 2;  dy/dx = sinh x."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.sinh(x)


@op(numpy=np.tanh)
class Tanh(Function):
    """y = tanh x;  dy/dx = 1 - y^2."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


@op(numpy=np.arcsinh)
class Arcsinh(Function):
    """y = arcsinh x = ln(x + sqrt(x^2 + 1));  dy/dx = 1 / sqrt(x^2 + 1)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / np.sqrt(x * x + 1)


@op(numpy=np.arccosh)
class Arccosh(Function):
    """y = arccosh x = ln(x + sqrt(x^2 - 1)), for x >= 1;  dy/dx = 1 / sqrt(x^2 - 1)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / np.sqrt(x * x - 1)


@op(numpy=np.arctanh)
class Arctanh(Function):
    """y = arctanh x = ln((1 + x) / (1 - x)) / 2, for -1 < x < 1;  dy/dx = 1 / (1 - x^2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arctanh(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)
