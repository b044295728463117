"""Powers and roots with a fixed exponent (square, reciprocal, cube root), float_power, and
scaling by a power of two (ldexp).

``a ** b`` with a tensor exponent is ``power`` (arithmetic); ``sqrt`` sits with the logarithms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import floating
from ..registry import op
from ..tensor import Tensor
from .arithmetic import Pow


@op(numpy=np.square)
class Square(Function):
    """y = x^2;  dy/dx = 2 x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.square(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * 2 * x


@op(numpy=np.reciprocal)
class Reciprocal(Function):
    """y = 1 / x;  dy/dx = -1 / x^2 = -y^2."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return -grad * out * out


@op(numpy=np.cbrt, method=False)
class Cbrt(Function):
    """y = x^(1/3) (real, also for x < 0);  dy/dx = 1 / (3 x^(2/3)) = 1 / (3 y^2)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.cbrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad / (3 * out * out)


@op(numpy=np.float_power)
class FloatPower(Function):
    """y = a ** b computed in float64 (or wider);  dy/da = b a^(b-1), dy/db = a^b ln a, with
    ``power``'s conventions where a or b is 0. The gradients return in each input's dtype."""

    name = "float_power"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.float_power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    backward = Pow.backward


class Ldexp(Function):
    """y = x 2^n for an integer n;  dy/dx = 2^n (n, an integer, has no gradient)."""

    @staticmethod
    def forward(ctx: Any, x: Any, n: Any) -> np.ndarray:
        ctx.n = n
        return np.ldexp(x, n)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return np.ldexp(grad, ctx.n), None


@op(numpy=np.ldexp, method=False)
def ldexp(x: Any, n: Any) -> Tensor:
    """x 2^n for integers n, exact in floating point;  d/dx = 2^n."""
    if isinstance(n, Tensor):
        n = n._data
    return Ldexp.apply(x, n)
