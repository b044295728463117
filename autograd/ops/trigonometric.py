"""Trigonometric functions and their inverses, elementwise, and angle-unit conversions.

Angles are in radians. The hyperbolic functions live in ``hyperbolic``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..promotion import floating, promoted_floating
from ..registry import op

DEGREE = math.pi / 180  # one degree in radians (a Python float keeps float32 float32)


@op(numpy=np.sin)
class Sin(Function):
    """y = sin x;  dy/dx = cos x."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


@op(numpy=np.cos)
class Cos(Function):
    """y = cos x;  dy/dx = -sin x."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


@op(numpy=np.tan)
class Tan(Function):
    """y = tan x;  dy/dx = 1 / cos^2 x = 1 + y^2."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)


@op(numpy=np.arcsin)
class Arcsin(Function):
    """y = arcsin x in [-pi/2, pi/2], for -1 <= x <= 1;  dy/dx = 1 / sqrt(1 - x^2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / np.sqrt(1 - x * x)


@op(numpy=np.arccos)
class Arccos(Function):
    """y = arccos x in [0, pi], for -1 <= x <= 1;  dy/dx = -1 / sqrt(1 - x^2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return -grad / np.sqrt(1 - x * x)


@op(numpy=np.arctan)
class Arctan(Function):
    """y = arctan x in (-pi/2, pi/2);  dy/dx = 1 / (1 + x^2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


@op(numpy=np.arctan2, aliases=("atan2",))
class Arctan2(Function):
    """y = arctan2(a, b), the angle of the point (b, a) in (-pi, pi];  dy/da = b / (a^2 + b^2),
    dy/db = -a / (a^2 + b^2); at the origin (where a^2 + b^2 is 0) both are taken as 0, as
    PyTorch does (so ``arctan2(x, x)`` at x = 0 has gradient 0, not NaN)."""

    promotion = staticmethod(promoted_floating)  # PyTorch's rules; integers give float32

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        squared = a * a + b * b
        origin = squared == 0
        scale = np.where(origin, 0.0, grad / np.where(origin, 1.0, squared))
        return (scale * b if need_a else None), (-scale * a if need_b else None)


@op(numpy=np.hypot)
class Hypot(Function):
    """y = sqrt(a^2 + b^2), without overflow;  dy/da = a / y, dy/db = b / y
    (0 at the origin, the subgradient PyTorch's norm uses)."""

    promotion = staticmethod(promoted_floating)  # PyTorch's rules; integers give float32

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


@op(numpy=(np.deg2rad, np.radians))
class Deg2rad(Function):
    """y = x pi / 180 (degrees to radians, also np.radians);  dy/dx = pi / 180."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.deg2rad(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * DEGREE


@op(numpy=(np.rad2deg, np.degrees))
class Rad2deg(Function):
    """y = x 180 / pi (radians to degrees, also np.degrees);  dy/dx = 180 / pi."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.rad2deg(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad / DEGREE
