"""The error function as an op (``autograd.erf``, ``Tensor.erf``), and the special functions on
NumPy arrays behind it, vectorised: erf, and the exact GELU x * Phi(x) with its derivative (Phi,
phi: the standard normal cdf and density; nn.functional.gelu uses it). Float64 is accurate to double
precision, float32 to float32's rounding, each by its own method.

NumPy has no ``erf``, and calling ``math.erf`` once per element is slow; the costs behind each
choice below are in docs/guides/speed.md.

**Float64: piecewise Taylor series.** Both functions are odd functions of x plus a constant,
evaluated as piecewise Taylor series by Horner's rule on whole arrays:

    erf(x) = sign(x) f(|x|)               f = erf
    Phi(x) = 1/2 + sign(x) g(|x|)          g(a) = Phi(a) - 1/2 = erf(a / sqrt 2) / 2

[0, top] is cut into intervals of width h = 1/16 centred at c_k = k h; every a falls in the one
whose centre is nearest, at t = a - c_k with |t| <= h/2, and f(c + t) = sum_n a_n t^n with a_n =
f^(n)(c) / n!. The derivatives are known in closed form:

    erf^(n+1)(c) = 2/sqrt(pi) (-1)^n H_n(c) e^(-c^2)     H_0 = 1, H_1 = 2c,
                                                          H_(n+1) = 2c H_n - 2n H_(n-1)
    g^(n+1)(c) = phi^(n)(c) = (-1)^n He_n(c) phi(c)       He_0 = 1, He_1 = c,
                                                          He_(n+1) = c He_n - n He_(n-1)

(H: the physicists' Hermite polynomials, He: the probabilists'), and a_0 comes from ``math.erf``,
once per centre, when the module is imported. Ten coefficients (a_0 .. a_9) leave a truncation error
below 1e-17, under float64's rounding: erf is within 2 units in the last place of ``math.erf``
everywhere (tests/autograd/ops/test_special.py checks a dense grid). Beyond ``top`` the functions
are constant in float64 (erf = 1 from |x| = 5.9 on; g = 1/2 from 8.4 on, and g' = phi below 1e-19
beyond 9.5, where the table ends). The first interval is centred at 0, where a_0 = 0 and t = a
exactly, so tiny inputs keep their full relative precision (erf(x) ~ 2x/sqrt(pi)). The derivative
the GELU's backward needs comes from the same series: phi(a) = g'(a) is sum_n n a_n t^(n-1),
accumulated in the same Horner loop, so the forward pass hands backward dy/dx = Phi(x) + x phi(x)
without an ``exp``.

**Float32 (and float16, computed in float32): a fine table and one Taylor step.** Ten coefficients
fetched per element (``np.take``, the dearest step) are more than float32 needs. The centres are c =
k / 2048 on [-6, 6] (signed, so no sign handling), with f(c) and f'(c) tabulated; then, with t = x -
c (exact), |t| <= 1/4096:

    Phi(x) = Phi(c) + phi(c) t               error <= max |c phi(c)| t^2 / 2 < 7.3e-9
    phi(x) = phi(c) (1 - c t)                error <= max |c^2 - 1| phi(c) t^2 / 2 < 1.2e-8
    erf(x) = erf(c) + erf'(c) t (1 - c t)    error <= max |4c^2 - 2| erf'(c) t^3 / 6 < 6e-12

(phi' = -c phi and erf'' = -2c erf', so the second-order terms need no table of their own). Those
truncation errors are under float32's rounding (6e-8 relative), and the measured errors against the
float64 path are those of float32 arithmetic itself (tests/autograd/ops/test_special.py). Beyond +-6
the tables end in their float32 limits (Phi = 0 or 1, erf = -+1, slopes 0). Tiny inputs fall in the
interval centred at 0, where the result is f'(0) x up to rounding. Two fetches instead of five, and
no sign handling.

Arrays are processed in blocks of ``_CHUNK`` elements: the temporaries of a block stay in the CPU's
cache, and none is big enough for the allocator to hand its pages back to the OS after each call."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from ..function import Function
from ..promotion import floating
from ..registry import op

_PER_UNIT = 16  # float64 series: intervals per unit, h = 1/16
_TERMS = 10  # float64 series: coefficients per interval
_FINE = 2048  # float32 tables: centres per unit
_FINE_TOP = 6.0  # float32 tables: centres on [-6, 6]
_CHUNK = 1 << 15  # elements per block
_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_coefficients(c: float, terms: int) -> list[float]:
    """a_0 .. a_(terms-1) of erf's Taylor series about ``c``."""
    coefficients = [math.erf(c)]
    scale = 2.0 / math.sqrt(math.pi) * math.exp(-c * c)
    h_before, h_n = 0.0, 1.0  # H_(n-1), H_n, starting at n = 0
    factorial = 1.0
    for n in range(terms - 1):
        factorial *= n + 1
        coefficients.append(scale * (-1) ** n * h_n / factorial)
        h_before, h_n = h_n, 2.0 * c * h_n - 2.0 * n * h_before
    return coefficients


def _half_cdf_coefficients(c: float, terms: int) -> list[float]:
    """a_0 .. a_(terms-1) of the Taylor series of g(a) = Phi(a) - 1/2 about ``c``."""
    coefficients = [0.5 * math.erf(c / _SQRT_2)]
    scale = math.exp(-0.5 * c * c) / math.sqrt(2.0 * math.pi)  # phi(c)
    he_before, he_n = 0.0, 1.0  # He_(n-1), He_n, starting at n = 0
    factorial = 1.0
    for n in range(terms - 1):
        factorial *= n + 1
        coefficients.append(scale * (-1) ** n * he_n / factorial)
        he_before, he_n = he_n, c * he_n - n * he_before
    return coefficients


class _PiecewiseSeries:
    """f(a) for a >= 0 from Taylor series about k/16, k = 0 .. top * 16, in float64; the last
    interval is the constant ``limit`` (f's value in float64 from there on)."""

    def __init__(
        self, coefficients: Callable[[float, int], list[float]], top: float, limit: float
    ) -> None:
        self.top = top
        last = round(top * _PER_UNIT)
        table = np.array([coefficients(k / _PER_UNIT, _TERMS) for k in range(last + 1)])
        table[last] = 0.0
        table[last, 0] = limit
        self.table = np.ascontiguousarray(table.T[::-1])  # row j: a_(TERMS-1-j) of every interval

    def __call__(self, a: np.ndarray, slope: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """f(a), and f'(a) if ``slope``, for a 1-D float64 block ``a`` >= 0 (NaN stays NaN)."""
        table = self.table
        a = np.minimum(a, self.top)
        k = a * _PER_UNIT
        np.rint(k, out=k)  # the nearest centre is k / 16 (exact in binary)
        t = k * (1.0 / _PER_UNIT)
        np.subtract(a, t, out=t)
        # fmin sends NaN to the last interval, where the NaN in t keeps the result NaN.
        index = np.fmin(k, self.top * _PER_UNIT).astype(np.intp)
        # mode="wrap" skips take's bounds check (every index is in range): twice as fast.
        value = np.take(table[0], index, mode="wrap")
        derivative = np.zeros_like(value) if slope else None
        coefficient = k  # reused: k is not needed any more
        for row in table[1:]:
            if derivative is not None:  # Horner's rule for p' alongside p
                derivative *= t
                derivative += value
            value *= t
            value += np.take(row, index, out=coefficient, mode="wrap")
        return value, derivative


class _FineTable:
    """f(c) and f'(c) in float32 at the centres c = k / 2048 on [-6, 6]; beyond, f is
    constant (its float32 value) and f' is 0."""

    def __init__(self, value: np.ndarray, slope: np.ndarray, ends: tuple[float, float]) -> None:
        """``value``, ``slope``: f and f' at the centres (float64); ``ends``: f beyond -6, +6."""
        self.value = np.asarray(value, dtype=np.float32)
        self.slope = np.asarray(slope, dtype=np.float32)
        self.value[[0, -1]] = ends
        self.slope[[0, -1]] = 0.0
        # Bounds as whole blocks: np.fmin with a scalar costs 4x as much as with an array.
        self.low = np.full(_CHUNK, -_FINE_TOP, dtype=np.float32)
        self.high = np.full(_CHUNK, _FINE_TOP, dtype=np.float32)

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """(c, t, f(c), f'(c)) for a 1-D float32 block ``x``: its nearest centre c, t = x - c,
        and the tabulated values. x beyond +-6 counts as +-6 (t = 0), and so does a NaN (as -6):
        the caller carries the NaN through x itself."""
        n = x.size
        t = np.fmax(x, self.low[:n])  # fmax, fmin: a NaN becomes -6, so its index is valid
        np.fmin(t, self.high[:n], out=t)
        k = t * np.float32(_FINE)
        np.rint(k, out=k)
        c = k * np.float32(1.0 / _FINE)  # exact: a multiple of 1/2048 below 8
        t -= c  # exact (Sterbenz): x - c with |x - c| <= 1/4096
        k += np.float32(_FINE_TOP * _FINE)
        index = k.astype(np.intp)
        # mode="wrap" skips take's bounds check (every index is in range): twice as fast.
        value = np.take(self.value, index, mode="wrap")
        slope = np.take(self.slope, index, mode="wrap")
        return c, t, value, slope


# The tables are built at first use, not at import (import time: docs/guides/speed.md).
@cache
def _erf_series() -> _PiecewiseSeries:
    return _PiecewiseSeries(_erf_coefficients, top=6.0, limit=1.0)


@cache
def _half_cdf_series() -> _PiecewiseSeries:
    return _PiecewiseSeries(_half_cdf_coefficients, top=9.5, limit=0.5)


def _centres() -> np.ndarray:
    return np.arange(-round(_FINE_TOP * _FINE), round(_FINE_TOP * _FINE) + 1) / _FINE


# The float32 tables, from the float64 series (faster than a loop over math.erf).
@cache
def _erf_table() -> _FineTable:
    c = _centres()
    return _FineTable(
        np.copysign(_erf_series()(np.abs(c))[0], c),
        _TWO_OVER_SQRT_PI * np.exp(-c * c),
        ends=(-1.0, 1.0),
    )


@cache
def _cdf_table() -> _FineTable:
    c = _centres()
    return _FineTable(
        0.5 + np.copysign(_half_cdf_series()(np.abs(c))[0], c),
        _INV_SQRT_2PI * np.exp(-0.5 * c * c),
        ends=(0.0, 1.0),
    )


def _floating(x: np.ndarray) -> np.ndarray:
    """``x`` as an array of float64 or float32 (float16 is computed in float32, other dtypes in
    float64)."""
    x = np.asarray(x)
    if x.dtype == np.float64 or x.dtype == np.float32:
        return x
    return x.astype(np.float32 if x.dtype == np.float16 else np.float64)


def erf(x: np.ndarray) -> np.ndarray:
    """erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt, elementwise, in ``x``'s floating dtype
    (other dtypes are computed in float64). erf(+-inf) = +-1; NaN stays NaN."""
    x = np.asarray(x)
    work = _floating(x)
    flat = work.reshape(-1)
    out = np.empty_like(flat)
    for begin in range(0, flat.size, _CHUNK):
        block = flat[begin : begin + _CHUNK]
        if block.dtype == np.float64:
            value, _ = _erf_series()(np.abs(block))
        else:  # erf(c + t) = erf(c) + erf'(c) t (1 - c t)
            c, t, value, slope = _erf_table()(block)
            c *= t
            np.subtract(1.0, c, out=c)
            slope *= t
            slope *= c
            value += slope
            np.copyto(value, block, where=np.isnan(block))  # the table took NaN for -6
        np.copysign(value, block, out=out[begin : begin + _CHUNK])  # odd: erf(-0) = -0
    out = out.reshape(x.shape)
    return out.astype(x.dtype) if x.dtype == np.float16 else out


def gelu(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exact GELU y = x Phi(x) and its derivative dy/dx = Phi(x) + x phi(x), elementwise,
    in ``x``'s floating dtype (Phi(x) = (1 + erf(x / sqrt 2)) / 2, phi its density)."""
    x = np.asarray(x)
    work = _floating(x)
    flat = work.reshape(-1)
    y, dy = np.empty_like(flat), np.empty_like(flat)
    for begin in range(0, flat.size, _CHUNK):
        block = flat[begin : begin + _CHUNK]
        if block.dtype == np.float64:
            cdf, density = _half_cdf_series()(np.abs(block), slope=True)
            np.copysign(cdf, block, out=cdf)
            cdf += 0.5  # Phi(x)
        else:  # Phi(c + t) = Phi(c) + phi(c) t,  phi(c + t) = phi(c) (1 - c t)
            c, t, cdf, density = _cdf_table()(block)
            c *= t
            c *= density
            t *= density
            np.subtract(density, c, out=density)
            cdf += t
        np.multiply(block, cdf, out=y[begin : begin + _CHUNK])
        density *= block
        np.add(density, cdf, out=dy[begin : begin + _CHUNK])
    y, dy = y.reshape(x.shape), dy.reshape(x.shape)
    if x.dtype == np.float16:
        return y.astype(x.dtype), dy.astype(x.dtype)
    return y, dy


@op()
class Erf(Function):
    """y = erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  dy/dx = 2/sqrt(pi) * exp(-x^2)
    (differentiable any number of times)."""

    promotion = staticmethod(floating)  # an integer x gives float32, as PyTorch

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return erf(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * (_TWO_OVER_SQRT_PI * np.exp(-(x * x)))
