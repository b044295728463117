"""The complementary error function and the normal distribution's functions as ops: ``erfc``,
``erfinv``, ``ndtr`` (the standard normal cdf Phi), ``log_ndtr`` (ln Phi, finite far into the
left tail) and ``ndtri`` (Phi's inverse), elementwise, computed in float64 (float32 and float16
inputs are rounded back).

**erfc** keeps full relative precision in the right tail, where 1 - erf(x) would lose it all:

* x < 0: erfc(x) = 1 + erf(-x) (between 1 and 2: no cancellation);
* 0 <= x < 2.4: Taylor series about k/16, as erf's in ``special.py``, with erfc's coefficients;
* x >= 2.4: erfc(x) = exp(-x^2) erfcx(x), the scaled function from its continued fraction
  erfcx(x) = 1 / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...))))) (40 levels
  are exact to rounding from x = 2.4 on), and exp(-x^2) from x = h + l (h a multiple of 1/16,
  h^2 exact) as exp(-h^2) exp(-(2h + l) l), so that x^2's rounding does not cost digits.

**erfinv** starts from Winitzki's closed-form approximation (error < 2e-3) and takes three
Halley steps on erf(y) = x (on erfc(y) = 1 - x for |x| > 1/2, where 1 - x is exact), each
tripling the correct digits: y <- y - d / (1 + y d), d = f(y) / f'(y).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .special import _erf_coefficients, _PiecewiseSeries, erf

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_FRACTION_LEVELS = 40
_FRACTION_FROM = 2.4  # the continued fraction from here on; erfc's series below


def _erfc_coefficients(c: float, terms: int) -> list[float]:
    """erfc's Taylor coefficients about c: erf's, negated, with erfc(c) first."""
    return [math.erfc(c)] + [-a for a in _erf_coefficients(c, terms)[1:]]


@cache
def _erfc_series() -> _PiecewiseSeries:
    return _PiecewiseSeries(_erfc_coefficients, top=2.75, limit=math.erfc(2.75))


def _float64(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype == np.float64 else x.astype(np.float64)


def _back(out: np.ndarray, given: np.ndarray) -> np.ndarray:
    dtype = given.dtype if given.dtype.kind == "f" else np.dtype(np.float32)
    return out.astype(dtype, copy=False)


def erfcx_tail(x: np.ndarray) -> np.ndarray:
    """erfcx(x) = exp(x^2) erfc(x) for x >= 2.4 (float64), by the continued fraction."""
    f = x.copy()
    for k in range(_FRACTION_LEVELS, 0, -1):
        f = x + (0.5 * k) / f
    return 1.0 / (_SQRT_PI * f)


def exp_minus_square(x: np.ndarray) -> np.ndarray:
    """exp(-x^2), without the rounding of x^2 (see the module docstring)."""
    high = np.round(x * 16) / 16
    low = x - high
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.exp(-high * high) * np.exp(-(2 * high + low) * low)
    return np.where(np.isinf(x), 0.0, out)


def erfc_values(x: Any) -> np.ndarray:
    """erfc(x) = 1 - erf(x) = 2/sqrt(pi) * integral_x^inf exp(-t^2) dt, elementwise."""
    given = np.asarray(x)
    x = _float64(given)
    out = np.empty(x.shape)
    negative = x < 0
    out[negative] = 1.0 + erf(-x[negative])
    middle = (x >= 0) & (x < _FRACTION_FROM)
    out[middle] = _erfc_series()(x[middle])[0]
    tail = (x >= _FRACTION_FROM) | np.isnan(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        t = x[tail]
        out[tail] = np.where(np.isposinf(t), 0.0, exp_minus_square(t) * erfcx_tail(t))
    return _back(out, given)


def erfinv_values(x: Any) -> np.ndarray:
    """y with erf(y) = x, for -1 <= x <= 1 (+-inf at +-1, NaN outside), elementwise."""
    given = np.asarray(x)
    x = _float64(given)
    a = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Winitzki: erf(y) ~ sqrt(1 - exp(-y^2 (4/pi + k y^2) / (1 + k y^2))), k = 0.147
        k = 0.147
        log_term = np.log1p(-a * a)
        first = 2 / (math.pi * k) + 0.5 * log_term
        y = np.sqrt(np.sqrt(first * first - log_term / k) - first)
        inside = a < 1
        y = np.where(inside, y, 0.5)
        tail = a > 0.5
        for _ in range(3):
            slope = 2 / _SQRT_PI * exp_minus_square(y)
            value = np.where(tail, (1 - a) - erfc_values(y), erf(y) - a)
            step = value / slope  # f / f' for f = erf(y) - x, and for f = erfc(y) - (1 - x)
            step = np.where(inside, step, 0.0)
            y = y - step / (1 + y * step)
        y = np.where(a == 1, np.inf, np.where((a > 1) | np.isnan(a), np.nan, y))
    return _back(np.copysign(y, x), given)


def ndtr_values(x: Any) -> np.ndarray:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2, elementwise."""
    given = np.asarray(x)
    return _back(0.5 * erfc_values(-_float64(given) / _SQRT_2), given)


def log_ndtr_values(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """ln Phi(x), and its derivative phi(x) / Phi(x), elementwise (float64). In the left tail
    (t = -x / sqrt 2 >= 2) ln Phi = -t^2 + ln(erfcx(t) / 2) and phi / Phi = sqrt(2 / pi) /
    erfcx(t): no underflow. Elsewhere ln Phi = log1p(-Phi(-x)) for x > 0, ln Phi(x) for x <= 0."""
    x = _float64(x)
    t = -x / _SQRT_2
    out = np.empty(x.shape)
    slope = np.empty(x.shape)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        far = t >= 2
        tf = t[far]
        scaled = erfcx_tail(tf)
        out[far] = np.where(np.isposinf(tf), -np.inf, -tf * tf + np.log(0.5 * scaled))
        slope[far] = np.where(np.isposinf(tf), np.inf, _SQRT_2_OVER_PI / scaled)
        near = ~far
        xn = x[near]
        cdf = 0.5 * erfc_values(t[near])
        upper = 0.5 * erfc_values(-t[near])  # Phi(-x) = 1 - Phi(x)
        out[near] = np.where(xn > 0, np.log1p(-upper), np.log(cdf))
        slope[near] = _INV_SQRT_2PI * exp_minus_square(xn / _SQRT_2) / cdf
    return out, slope


def _erfc_slope(x: Any) -> Any:
    """d erfc / dx = -2/sqrt(pi) exp(-x^2) (recorded on Tensors)."""
    return -2 / _SQRT_PI * np.exp(-(x * x))


@op()
class Erfc(Function):
    """y = erfc(x) = 1 - erf(x), accurate in the right tail;  dy/dx = -2/sqrt(pi) exp(-x^2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return erfc_values(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _erfc_slope(x)


@op()
class Erfinv(Function):
    """y = erf^-1(x) for -1 <= x <= 1;  dy/dx = sqrt(pi)/2 exp(y^2)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = erfinv_values(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (_SQRT_PI / 2) * np.exp(out * out)


class Ndtr(Function):
    """y = Phi(x), the standard normal cdf;  dy/dx = phi(x) = exp(-x^2 / 2) / sqrt(2 pi)."""

    name = "special.ndtr"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return ndtr_values(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _INV_SQRT_2PI * np.exp(-0.5 * x * x)


class LogNdtr(Function):
    """y = ln Phi(x), finite far into the left tail;  dy/dx = phi(x) / Phi(x) = exp(-x^2/2 - y)
    / sqrt(2 pi) (computed without underflow by forward)."""

    name = "special.log_ndtr"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out, slope = log_ndtr_values(x)
        out = _back(out, x)  # (the array returned is the one saved: see create_graph)
        ctx.save_for_backward(x, out, slope.astype(out.dtype))
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out, slope = ctx.saved_tensors
        if isinstance(x, Tensor):  # create_graph: the same quantity as a recorded formula
            return grad * _INV_SQRT_2PI * np.exp(-0.5 * x * x - out)
        return grad * slope


class Ndtri(Function):
    """y = Phi^-1(p), the standard normal quantile, for 0 <= p <= 1 (-inf at 0, inf at 1):
    sqrt 2 erfinv(2p - 1), or -sqrt 2 erfc^-1(2p) for p < 1/2 (no rounding of 2p - 1 there);
    dy/dp = 1 / phi(y) = sqrt(2 pi) exp(y^2 / 2)."""

    name = "special.ndtri"

    @staticmethod
    def forward(ctx: Any, p: np.ndarray) -> np.ndarray:
        q = _float64(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            low = (q > 0) & (q < 0.25)
            tail = -_SQRT_2 * _erfcinv_small(np.where(low, 2 * q, 0.25))
            out = np.where(low, tail, _SQRT_2 * erfinv_values(2 * q - 1))
        out = _back(out, np.asarray(p))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (1 / _INV_SQRT_2PI) * np.exp(0.5 * out * out)


def _erfcinv_small(c: np.ndarray) -> np.ndarray:
    """y > 0 with erfc(y) = c, for 0 < c < 1/2 (float64): Newton's method on the concave
    g(y) = ln erfc(y) - ln c from y = sqrt(-ln c), which lies right of the root (erfc(y) <=
    exp(-y^2)), so the steps approach it from the right, quadratically near it."""
    log_c = np.log(c)
    y = np.sqrt(-log_c)
    for _ in range(10):
        far = y >= 2
        scaled = np.where(far, erfcx_tail(np.maximum(y, 2)), 1.0)
        near_erfc = erfc_values(np.where(far, 0.0, y))
        log_erfc = np.where(far, -y * y + np.log(scaled), np.log(near_erfc))
        scaled = np.where(far, scaled, near_erfc / exp_minus_square(y))  # erfcx(y)
        y = y - (log_erfc - log_c) / (-2 / (_SQRT_PI * scaled))
    return y


def erfcx_values(x: Any) -> np.ndarray:
    """erfcx(x) = exp(x^2) erfc(x), elementwise: the continued fraction from x = 2.4 on (no
    overflow: erfcx(x) ~ 1 / (x sqrt pi)), exp(x^2) erfc(x) below (+inf below x = -26.6)."""
    given = np.asarray(x)
    x = _float64(given)
    with np.errstate(over="ignore", invalid="ignore"):
        tail = x >= _FRACTION_FROM
        fraction = erfcx_tail(np.where(tail, x, _FRACTION_FROM))
        below = np.where(tail, 0.0, x)
        direct = erfc_values(below) / exp_minus_square(below)  # (exp(x^2) without x^2's rounding)
        out = np.where(tail, fraction, direct)
        out = np.where(np.isposinf(x), 0.0, out)
    return _back(out, given)


class Erfcx(Function):
    """y = erfcx(x) = exp(x^2) erfc(x), the scaled complementary error function;
    dy/dx = 2 x y - 2 / sqrt(pi)."""

    name = "special.erfcx"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = erfcx_values(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        if isinstance(x, Tensor):  # create_graph: the recorded formula
            return grad * (2 * x * out - 2 / _SQRT_PI)
        with np.errstate(over="ignore", invalid="ignore"):
            slope = 2 * x * out - 2 / _SQRT_PI
            # In the tail the two terms cancel; with erfcx = 1 / (sqrt(pi) F), F the continued
            # fraction x + (1/2) / (x + ...), the slope is -2/sqrt(pi) (F - x) / F, and F - x
            # comes without cancellation.
            tail = x >= _FRACTION_FROM
            t = np.where(tail, x, _FRACTION_FROM)
            rest = t.copy()
            for k in range(_FRACTION_LEVELS, 1, -1):
                rest = t + (0.5 * k) / rest
            rest = 0.5 / rest  # F - x
            slope = np.where(tail, -2 / _SQRT_PI * rest / (t + rest), slope)
        return grad * slope.astype(out.dtype, copy=False)
