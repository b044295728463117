"""The log-gamma function and its derivatives as ops: ``lgamma`` (ln |Gamma(x)|), ``digamma``
(psi = d lgamma / dx), ``polygamma(n, x)`` (psi's n-th derivative) and ``mvlgamma`` (the
multivariate log-gamma), elementwise, with the array functions behind them. NumPy has none of
them and scipy is not a dependency, so they are computed here, in float64 (float32 and float16
inputs are computed in float64 and rounded back, integers give float32 as in PyTorch).

**lgamma.** Three regions, each accurate to a few units in the last place:

* x >= 10: Stirling's series, ln Gamma(x) = (x - 1/2) ln x - x + ln(2 pi) / 2 +
  sum_k B_2k / (2k (2k - 1) x^(2k-1)), eight terms (the next is below 2e-18 at x = 10);
* 0 < x < 10: shifted into [1.5, 2.5) with Gamma(x + 1) = x Gamma(x), where the Taylor series
  about 2, ln Gamma(2 + z) = (1 - gamma) z + sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k, keeps full
  relative precision near the zeros x = 1 and x = 2;
* x < 0: the reflection formula ln |Gamma(x)| = ln(pi / |sin(pi x)|) - ln Gamma(1 - x), with
  sin(pi x) taken of x reduced modulo 2 (exactly). Poles (0, -1, -2, ...) give +inf.

**digamma.** As PyTorch computes it: psi(x) = psi(x + n) - sum 1/(x + i) up to x + n >= 10,
then psi(x) = ln x - 1/(2x) - sum_k B_2k / (2k x^2k); reflection psi(x) = psi(1 - x) -
pi / tan(pi x) for x < 0. psi(+0) = -inf, psi(-0) = +inf, NaN at negative integers.

**polygamma.** psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1, with Hurwitz's zeta summed
directly up to x + N >= max(10, n + 1) and the Euler-Maclaurin tail after that.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor

# B_2, B_4, ..., B_20
_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
)
_EULER_GAMMA = 0.5772156649015329
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_SERIES_TERMS = 30


def _zeta_minus_one(k: int) -> float:
    """zeta(k) - 1 = sum_{n>=2} n^-k, by Euler-Maclaurin summation from n = 10."""
    head = math.fsum(n**-k for n in range(2, 10))
    a = 10.0
    tail = a ** (1 - k) / (k - 1) + 0.5 * a**-k
    rising = float(k)  # k (k + 1) ... (k + 2j - 2)
    for j, b in enumerate(_BERNOULLI[:8], start=1):
        tail += b / math.factorial(2 * j) * rising * a ** (-k - 2 * j + 1)
        rising *= (k + 2 * j - 1) * (k + 2 * j)
    return head + tail


@cache
def _series_about_two() -> np.ndarray:
    """The coefficients c_1 .. c_30 of ln Gamma(2 + z) = sum_k c_k z^k (built at first use)."""
    coefficients = [1 - _EULER_GAMMA]
    coefficients += [(-1) ** k * _zeta_minus_one(k) / k for k in range(2, _SERIES_TERMS + 1)]
    return np.array(coefficients)


def _floating(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x.astype(np.float64) if x.dtype != np.float64 else x


def _result_dtype(x: np.ndarray) -> np.dtype:
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)


def _stirling(x: np.ndarray) -> np.ndarray:
    """ln Gamma(x) for x >= 10."""
    inverse = 1.0 / x
    square = inverse * inverse
    series = np.zeros_like(x)
    for k in range(8, 0, -1):  # Horner in 1/x^2
        series = series * square + _BERNOULLI[k - 1] / (2 * k * (2 * k - 1))
    return (x - 0.5) * np.log(x) - x + _HALF_LOG_2PI + series * inverse


def _lgamma_positive(x: np.ndarray) -> np.ndarray:
    """ln Gamma(x) for finite x > 0."""
    out = np.empty_like(x)
    large = x >= 10
    out[large] = _stirling(x[large])
    small = x[~large]
    # Shift into [1.5, 2.5): up for x < 1.5 (subtracting ln x), down for x >= 2.5 (adding).
    correction = np.zeros_like(small)
    z = small.copy()
    centre = np.full_like(small, 2.0)  # the integer the shifted z is expanded about, minus shifts
    for _ in range(2):
        low = z < 1.5
        correction[low] -= np.log(z[low])
        z[low] += 1
        centre[low] -= 1
    product = np.ones_like(z)
    for _ in range(8):
        high = z >= 2.5
        z[high] -= 1
        centre[high] += 1
        product[high] *= z[high]
    correction += np.log(product)
    # The series variable straight from x (exact: x and centre are within a factor 2), not
    # from the shifted z, whose additions rounded away low bits that matter near x = 1.
    z = small - centre
    value = np.zeros_like(z)
    for c in _series_about_two()[::-1]:
        value = (value + c) * z
    out[~large] = value + correction
    return out


def lgamma_values(x: Any) -> np.ndarray:
    """ln |Gamma(x)| elementwise (see the module docstring); +inf at poles and at +-inf."""
    given = np.asarray(x)
    x = _floating(given)
    out = np.full(x.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        positive = x > 0
        out[positive] = _lgamma_positive(x[positive])
        pole = (x <= 0) & (x == np.floor(x))
        out[pole | np.isinf(x)] = np.inf
        negative = (x < 0) & ~pole & np.isfinite(x)
        v = x[negative]
        reduced = v - 2 * np.round(v / 2)  # exact, in [-1, 1]: sin(pi x) = sin(pi reduced)
        reflected = 1 - v
        big = reflected >= 10
        other = np.empty_like(v)
        other[big] = _stirling(reflected[big])
        other[~big] = _lgamma_positive(reflected[~big])
        out[negative] = np.log(math.pi / np.abs(np.sin(math.pi * reduced))) - other
    out[positive & np.isinf(x)] = np.inf
    return out.astype(_result_dtype(given), copy=False)


def digamma_values(x: Any) -> np.ndarray:
    """psi(x) = d ln Gamma(x) / dx elementwise (see the module docstring)."""
    given = np.asarray(x)
    x = _floating(given)
    out = np.zeros(x.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        negative = x < 0
        fraction = np.where(negative, x - np.trunc(x), 0.0)
        reflection = np.where(negative, -math.pi / np.tan(math.pi * fraction), 0.0)
        z = np.where(negative, 1 - x, x)
        shift = np.zeros_like(z)
        for _ in range(10):
            low = z < 10
            shift -= np.where(low, 1 / np.where(low, z, 1), 0)
            z = np.where(low, z + 1, z)
        inverse_square = 1 / (z * z)
        series = np.zeros_like(z)
        for k in range(8, 0, -1):
            series = series * inverse_square + _BERNOULLI[k - 1] / (2 * k)
        out = np.log(z) - 0.5 / z - series * inverse_square + shift + reflection
        out = np.where(negative & (x == np.floor(x)), np.nan, out)
        out = np.where(x == 0, np.copysign(np.inf, -x), out)
        out = np.where(np.isposinf(x), np.inf, out)
    return out.astype(_result_dtype(given), copy=False)


def hurwitz_zeta(s: int, q: np.ndarray) -> np.ndarray:
    """zeta(s, q) = sum_{k>=0} (q + k)^-s for an integer s >= 2 (float64): the terms summed
    up to q + N >= max(10, s), then the Euler-Maclaurin tail. +inf at q = 0, -1, -2, ..."""
    q = np.asarray(q, dtype=np.float64)
    start = max(10.0, float(s))
    total = np.zeros_like(q)
    a = q.copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        flat_a, flat_total = a.reshape(-1), total.reshape(-1)
        # (-inf never gets there: it is NaN below, as are the other non-finite q.)
        active = np.nonzero((flat_a < start) & np.isfinite(flat_a))[0]
        while active.size:  # only the elements still below ``start``
            flat_total[active] += flat_a[active] ** -s
            flat_a[active] += 1
            active = active[flat_a[active] < start]
        tail = a ** (1 - s) / (s - 1) + 0.5 * a**-s
        rising = float(s)
        power = a ** (-s - 1)
        inverse_square = 1 / (a * a)
        for j, b in enumerate(_BERNOULLI, start=1):
            tail += b / math.factorial(2 * j) * rising * power
            rising *= (s + 2 * j - 1) * (s + 2 * j)
            power = power * inverse_square
        out = total + tail
        pole = (q <= 0) & (q == np.floor(q))
        out = np.where(pole, np.inf, out)
        out = np.where(np.isposinf(q), 0.0, np.where(np.isneginf(q), np.nan, out))
    return out


def polygamma_values(n: int, x: Any) -> np.ndarray:
    """psi^(n)(x), the n-th derivative of digamma, elementwise: digamma for n = 0, else
    (-1)^(n+1) n! zeta(n + 1, x)."""
    if n == 0:
        return digamma_values(x)
    given = np.asarray(x)
    out = (-1) ** (n + 1) * math.factorial(n) * hurwitz_zeta(n + 1, _floating(given))
    return out.astype(_result_dtype(given), copy=False)


def _order(n: Any) -> int:
    n = constant("polygamma", "n", n)
    if isinstance(n, np.ndarray):
        n = n.item()
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer, got {n!r}")
    return int(n)


def _derivative(x: Any, n: int) -> Any:
    """psi^(n)(x): recorded (an op) when x is a Tensor (create_graph), else on the array."""
    if isinstance(x, Tensor):
        return Polygamma.apply(x, n=n)
    return polygamma_values(n, x)


@op()
class Lgamma(Function):
    """y = ln |Gamma(x)|;  dy/dx = psi(x) (digamma)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return lgamma_values(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _derivative(x, 0)


@op()
class Digamma(Function):
    """y = psi(x) = d ln Gamma(x) / dx;  dy/dx = psi'(x) (trigamma, ``polygamma(1, x)``)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return digamma_values(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _derivative(x, 1)


class Polygamma(Function):
    """y = psi^(n)(x), the n-th derivative of digamma;  dy/dx = psi^(n+1)(x)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, n: int = 0) -> np.ndarray:
        ctx.n = n
        ctx.save_for_backward(x)
        return polygamma_values(n, x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * _derivative(x, ctx.n + 1)


@op(method=False)
def polygamma(n: Any, x: Any) -> Tensor:
    """PyTorch's ``torch.polygamma(n, x)``: psi^(n)(x), the n-th derivative of digamma
    (n = 0: digamma), for an integer n >= 0;  dy/dx = psi^(n+1)(x)."""
    return Polygamma.apply(x, n=_order(n))


@op(method="polygamma", export=False)
def tensor_polygamma(x: Any, n: Any) -> Tensor:
    """PyTorch's ``x.polygamma(n)``: psi^(n)(x) (the tensor first, unlike ``polygamma(n, x)``)."""
    return Polygamma.apply(x, n=_order(n))


@op()
def mvlgamma(x: Any, p: int) -> Tensor:
    """The multivariate log-gamma of dimension p: ln Gamma_p(x) = p (p - 1) / 4 ln pi +
    sum_{j=0}^{p-1} ln Gamma(x - j / 2), for x > (p - 1) / 2 (PyTorch raises otherwise);
    dy/dx = sum_j psi(x - j / 2)."""
    x = as_tensor(x)
    if not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"mvlgamma: p must be a positive integer, got {p!r}")
    if np.any(x._data <= (p - 1) / 2):
        raise ValueError(
            f"mvlgamma: all elements must be greater than (p - 1) / 2 = {(p - 1) / 2} for p = {p}"
        )
    out = Lgamma.apply(x)
    for j in range(1, p):
        out = out + Lgamma.apply(x - j / 2)
    return out + p * (p - 1) / 4 * math.log(math.pi)
