"""PyTorch's elementwise functions that NumPy lacks or spells differently: ``xlogy``,
``special.xlog1py``, ``special.entr``, ``logit``, ``sinc``, ``frac``, ``nan_to_num``, and the
modified Bessel functions ``i0`` and ``special.i1``, each with PyTorch's values at the edges
(0 log 0 = 0, sinc(0) = 1, ...) and PyTorch's derivative there."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..arguments import constant
from ..function import Function
from ..promotion import promoted
from ..registry import op
from ..tensor import Tensor


def _common_float(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """x and y as arrays of their common floating dtype (a Python number takes the tensor's,
    integers give float32: PyTorch's result types). After ``promoted``, only a Python number
    or an integer array (never a tensor that requires grad) is copied here, so what forward
    saves is still the input array wherever create_graph needs it to be."""
    dtype = np.result_type(x, y)
    if dtype.kind != "f":
        dtype = np.dtype(np.float32)
    return np.asarray(x, dtype=dtype), np.asarray(y, dtype=dtype)


@op()
class Xlogy(Function):
    """z = x ln y, and 0 where x = 0 (unless y is NaN);  dz/dx = ln y (0 where x = 0 and
    y <= 0, as PyTorch), dz/dy = x / y."""

    promotion = staticmethod(promoted)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = _common_float(x, y)
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = x * np.log(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        # PyTorch's convention: ln y, except 0 where x = 0 and y <= 0 (where ln y is not finite)
        edge = np.asarray((x == 0) & (y <= 0))
        grad_x = np.where(edge, 0, grad * np.log(np.where(edge, 1, y))) if need_x else None
        grad_y = grad * x / y if need_y else None
        return grad_x, grad_y


class Xlog1py(Function):
    """z = x ln(1 + y), and 0 where x = 0 (unless y is NaN);  dz/dx = ln(1 + y) (0 where
    x = 0 and y <= -1), dz/dy = x / (1 + y)."""

    name = "special.xlog1py"
    promotion = staticmethod(promoted)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = _common_float(x, y)
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = x * np.log1p(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        edge = np.asarray((x == 0) & (y <= -1))  # as xlogy's
        grad_x = np.where(edge, 0, grad * np.log1p(np.where(edge, 0, y))) if need_x else None
        grad_y = grad * x / (1 + y) if need_y else None
        return grad_x, grad_y


class Entr(Function):
    """y = -x ln x for x > 0, 0 at x = 0, -inf for x < 0 (the entropy of one probability);
    dy/dx = -(ln x + 1) (+inf at 0, as PyTorch)."""

    name = "special.entr"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -x * np.log(x)
        out = np.where(x == 0, 0, out)
        return np.where(x < 0, -np.inf, out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * -(np.log(x) + 1)


class Logit(Function):
    """y = ln(x / (1 - x)), the inverse of the sigmoid; with ``eps``, x is first clamped to
    [eps, 1 - eps]. dy/dx = 1 / (x (1 - x)), and 0 outside [eps, 1 - eps] when eps is given
    (as PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, eps: float | None = None) -> np.ndarray:
        ctx.eps = eps
        ctx.save_for_backward(x)
        if eps is not None:
            x = np.clip(x, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1 - x)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        slope = grad / (x * (1 - x))
        if ctx.eps is None:
            return slope
        outside = np.asarray((x < ctx.eps) | (x > 1 - ctx.eps))
        return np.where(outside, 0, slope)


@op(numpy=np.sinc)
class Sinc(Function):
    """y = sin(pi x) / (pi x), 1 at x = 0 (the normalised sinc, as NumPy and PyTorch);
    dy/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), and for |pi x| < 1/4 its Taylor series
    sum_k (-1)^k 2k pi^2k x^(2k-1) / (2k+1)! (the closed form cancels there), 0 at x = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = math.pi * x
            out = np.sin(scaled) / scaled
        return np.where(x == 0, 1, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        small = np.asarray(np.abs(np.asarray(x)) < 0.25 / math.pi)
        safe = np.where(small, 1, x)  # the closed form only where it is accurate
        scaled = math.pi * safe
        closed = (scaled * np.cos(scaled) - np.sin(scaled)) / (math.pi * safe * safe)
        square = x * x
        series = x * 0
        for k in range(7, 0, -1):  # Horner in x^2; the next term is below 1e-17 relative
            series = series * square + (-1) ** k * 2 * k * math.pi ** (2 * k) / math.factorial(
                2 * k + 1
            )
        return grad * np.where(small, series * x, closed)


@op()
class Frac(Function):
    """y = x - trunc(x), the fractional part (with x's sign);  dy/dx = 1."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


class NanToNum(Function):
    """y = x with NaN replaced by ``nan`` (0), +inf by ``posinf`` and -inf by ``neginf``
    (the dtype's largest and lowest finite values by default);  dy/dx = 1 where x is finite,
    0 where it was replaced."""

    @staticmethod
    def forward(
        ctx: Any, x: np.ndarray, nan: float = 0.0, posinf: Any = None, neginf: Any = None
    ) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return np.where(np.isfinite(x), grad, 0)


def _number(fn: str, name: str, value: Any) -> Any:
    """An option given as a number or a Tensor (refused if it requires grad: not recorded)."""
    value = constant(fn, name, value)
    return value.item() if isinstance(value, np.ndarray) else value


@op()
def logit(x: Any, eps: Any = None) -> Tensor:
    """y = ln(x / (1 - x)), x first clamped to [eps, 1 - eps] when ``eps`` is given (a number);
    dy/dx = 1 / (x (1 - x)), 0 where the clamp is active (see ``Logit``)."""
    return Logit.apply(x, eps=_number("logit", "eps", eps))


@op(numpy=np.nan_to_num)
def nan_to_num(x: Any, nan: Any = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
    """y = x with NaN, +inf and -inf replaced by numbers (see ``NanToNum``);  dy/dx = 1 where x
    is finite, 0 where it was replaced."""
    return NanToNum.apply(
        x,
        nan=_number("nan_to_num", "nan", nan),
        posinf=_number("nan_to_num", "posinf", posinf),
        neginf=_number("nan_to_num", "neginf", neginf),
    )


# Modified Bessel functions of the first kind, orders 0 and 1 (float64, rounded back):
# the power series I_v(x) = sum_k (x/2)^(2k+v) / (k! (k+v)!), whose terms are all positive
# (no cancellation) for |x| <= 30, and beyond, the asymptotic series
# I_v(x) ~ e^x / sqrt(2 pi x) sum_k (-1)^k a_k(v) / x^k, a_k(v) = prod_{j<=k} (4v^2 - (2j-1)^2)
# / (k! 8^k), whose terms keep shrinking past k = 30 for x > 30.
_BESSEL_SWITCH = 30.0


def bessel_i(order: int, x: Any, scaled: bool = False) -> np.ndarray:
    """I_0(x) or I_1(x), elementwise, in x's floating dtype (others: float32); with ``scaled``,
    exp(-|x|) I_v(x), which stays finite for every x."""
    given = np.asarray(x)
    x = given.astype(np.float64)
    a = np.abs(x)
    out = np.empty(x.shape)
    small = a <= _BESSEL_SWITCH
    half = a[small] / 2
    quarter_square = half * half
    term = np.ones_like(half) if order == 0 else half.copy()
    total = term.copy()
    for k in range(1, 80):  # 80 terms: the tail is below rounding up to |x| = 30
        term = term * quarter_square / (k * (k + order))
        total += term
    out[small] = total * np.exp(-half * 2) if scaled else total
    big = a[~small]
    with np.errstate(over="ignore", invalid="ignore"):
        series = np.ones_like(big)
        coefficient = np.ones_like(big)
        for k in range(1, 30):
            coefficient = coefficient * -(4 * order * order - (2 * k - 1) ** 2) / (k * 8 * big)
            series += coefficient
        # e^x / sqrt(2 pi x) as e^(x/2) (e^(x/2) / sqrt(2 pi x)): finite as long as I_v is
        scale = np.ones_like(big) if scaled else np.exp(big / 2)
        out[~small] = scale * (scale / np.sqrt(2 * math.pi * big)) * series
    if order == 1:
        out = np.copysign(out, x)
    dtype = given.dtype if given.dtype.kind == "f" else np.dtype(np.float32)
    return out.astype(dtype, copy=False)


def _bessel(order: int, x: Any, scaled: bool = False) -> Any:
    """I_order(x), or exp(-|x|) I_order(x): recorded when x is a Tensor (create_graph), else on
    the array."""
    if isinstance(x, Tensor):
        return [[I0, I1], [I0e, I1e]][scaled][order].apply(x)
    return bessel_i(order, x, scaled)


@op()
class I0(Function):
    """y = I_0(x), the modified Bessel function of the first kind of order 0;  dy/dx = I_1(x)."""

    name = "i0"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return bessel_i(0, x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _bessel(1, x)


class I1(Function):
    """y = I_1(x), the modified Bessel function of the first kind of order 1;
    dy/dx = I_0(x) - I_1(x) / x (1/2 at x = 0)."""

    name = "special.i1"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return bessel_i(1, x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        zero = np.asarray(x == 0)
        safe = np.where(zero, 1, x)
        slope = _bessel(0, safe) - _bessel(1, safe) / safe
        return grad * np.where(zero, 0.5, slope)


class I0e(Function):
    """y = exp(-|x|) I_0(x), finite for every x;  dy/dx = i1e(x) - sign(x) y."""

    name = "special.i0e"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = bessel_i(0, x, scaled=True)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        return grad * (_bessel(1, x, scaled=True) - np.sign(x) * out)


class I1e(Function):
    """y = exp(-|x|) I_1(x), finite for every x;  dy/dx = i0e(x) - y / x - sign(x) y
    (1/2 at x = 0)."""

    name = "special.i1e"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = bessel_i(1, x, scaled=True)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        zero = np.asarray(x == 0)
        safe = np.where(zero, 1, x)
        slope = _bessel(0, x, scaled=True) - out / safe - np.sign(x) * out
        return grad * np.where(zero, 0.5, slope)
