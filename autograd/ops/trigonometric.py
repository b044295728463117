"""Trigonometric functions and their inverses, elementwise, and angle-unit conversions.

Angles are in radians. The hyperbolic functions live in ``hyperbolic``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor

DEGREE = math.pi / 180  # one degree in radians (a Python float keeps float32 float32)


class Sin(Function):
    """y = sin x;  dy/dx = cos x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


class Cos(Function):
    """y = cos x;  dy/dx = -sin x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


class Tan(Function):
    """y = tan x;  dy/dx = 1 / cos^2 x = 1 + y^2."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


class Arcsin(Function):
    """y = arcsin x, for -1 <= x <= 1;  dy/dx = 1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / np.sqrt(1 - x * x)


class Arccos(Function):
    """y = arccos x, for -1 <= x <= 1;  dy/dx = -1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return -grad / np.sqrt(1 - x * x)


class Arctan(Function):
    """y = arctan x;  dy/dx = 1 / (1 + x^2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Arctan2(Function):
    """y = arctan2(a, b), the angle of the point (b, a);  dy/da = b / (a^2 + b^2),
    dy/db = -a / (a^2 + b^2) (undefined at the origin, where it is NaN, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / (a * a + b * b)
        return (scale * b if need_a else None), (-scale * a if need_b else None)


class Hypot(Function):
    """y = sqrt(a^2 + b^2);  dy/da = a / y, dy/db = b / y (0 at the origin, the subgradient
    PyTorch's norm uses)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # a = b = 0 wherever y = 0: dividing by 1 there gives the 0 gradient, without a NaN.
        scale = grad / np.where(np.asarray(out) == 0, 1, out)
        return (scale * a if need_a else None), (scale * b if need_b else None)


class Deg2rad(Function):
    """y = x pi / 180 (degrees to radians);  dy/dx = pi / 180."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.deg2rad(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * DEGREE


class Rad2deg(Function):
    """y = x 180 / pi (radians to degrees);  dy/dx = 180 / pi."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.rad2deg(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad / DEGREE


@op(numpy=np.sin)
def sin(x: Any) -> Tensor:
    """sin x;  d/dx = cos x."""
    return Sin.apply(x)


@op(numpy=np.cos)
def cos(x: Any) -> Tensor:
    """cos x;  d/dx = -sin x."""
    return Cos.apply(x)


@op(numpy=np.tan)
def tan(x: Any) -> Tensor:
    """tan x;  d/dx = 1 + tan^2 x."""
    return Tan.apply(x)


@op(numpy=np.arcsin)
def arcsin(x: Any) -> Tensor:
    """Inverse sine, in [-pi/2, pi/2];  d/dx = 1 / sqrt(1 - x^2)."""
    return Arcsin.apply(x)


@op(numpy=np.arccos)
def arccos(x: Any) -> Tensor:
    """Inverse cosine, in [0, pi];  d/dx = -1 / sqrt(1 - x^2)."""
    return Arccos.apply(x)


@op(numpy=np.arctan)
def arctan(x: Any) -> Tensor:
    """Inverse tangent, in (-pi/2, pi/2);  d/dx = 1 / (1 + x^2)."""
    return Arctan.apply(x)


@op(numpy=np.arctan2)
def arctan2(a: Any, b: Any) -> Tensor:
    """The angle of the point (b, a) in (-pi, pi];  d/da = b / (a^2 + b^2),
    d/db = -a / (a^2 + b^2)."""
    return Arctan2.apply(a, b)


@op(numpy=np.hypot)
def hypot(a: Any, b: Any) -> Tensor:
    """sqrt(a^2 + b^2) elementwise, without overflow;  d/da = a / y, d/db = b / y."""
    return Hypot.apply(a, b)


@op(numpy=(np.deg2rad, np.radians))
def deg2rad(x: Any) -> Tensor:
    """Degrees to radians, x pi / 180 (also np.radians);  d/dx = pi / 180."""
    return Deg2rad.apply(x)


@op(numpy=(np.rad2deg, np.degrees))
def rad2deg(x: Any) -> Tensor:
    """Radians to degrees, x 180 / pi (also np.degrees);  d/dx = 180 / pi."""
    return Rad2deg.apply(x)
