"""``autograd.special``: PyTorch's ``torch.special`` namespace, with PyTorch's names,
arguments and values at the edges; every function is recorded with its derivative.

Loaded on first use (``autograd.special`` or ``import autograd.special``). The ops behind it
live in ``autograd/ops`` (gamma.py, gaussian.py, elementwise_special.py, special.py, ...), all
in pure NumPy; the module docstrings there give the algorithms and their accuracy.
"""

from __future__ import annotations

from typing import Any

from .conversion import as_tensor
from .ops.elementwise_special import I0, I1, Entr, I0e, I1e, Sinc, Xlog1py, Xlogy
from .ops.elementwise_special import logit as _logit
from .ops.exponential import Exp2, Expm1, Log1p, Sigmoid
from .ops.gamma import Digamma, Lgamma, mvlgamma, polygamma
from .ops.gaussian import Erfc, Erfcx, Erfinv, LogNdtr, Ndtr, Ndtri
from .ops.reductions import LogSumExp
from .ops.softmax import log_softmax as _log_softmax
from .ops.softmax import softmax as _softmax
from .ops.special import Erf
from .ops.torch_ops import round as _round
from .tensor import Tensor

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]


def erf(x: Any) -> Tensor:
    """erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  d/dx = 2/sqrt(pi) exp(-x^2)."""
    return Erf.apply(x)


def erfc(x: Any) -> Tensor:
    """erfc(x) = 1 - erf(x), accurate in the right tail;  d/dx = -2/sqrt(pi) exp(-x^2)."""
    return Erfc.apply(x)


def erfcx(x: Any) -> Tensor:
    """exp(x^2) erfc(x), finite far into the right tail;  d/dx = 2 x erfcx(x) - 2/sqrt(pi)."""
    return Erfcx.apply(x)


def erfinv(x: Any) -> Tensor:
    """The inverse of erf on [-1, 1] (+-inf at +-1);  d/dx = sqrt(pi)/2 exp(erfinv(x)^2)."""
    return Erfinv.apply(x)


def expit(x: Any) -> Tensor:
    """The logistic sigmoid 1 / (1 + exp(-x));  d/dx = y (1 - y)."""
    return Sigmoid.apply(x)


def logit(x: Any, eps: float | None = None) -> Tensor:
    """ln(x / (1 - x)), x first clamped to [eps, 1 - eps] when ``eps`` is given;
    d/dx = 1 / (x (1 - x)) (0 where the clamp is active)."""
    return _logit(x, eps)


def xlogy(x: Any, y: Any) -> Tensor:
    """x ln y, 0 where x = 0 (unless y is NaN);  d/dx = ln y, d/dy = x / y."""
    return Xlogy.apply(x, y)


def xlog1py(x: Any, y: Any) -> Tensor:
    """x ln(1 + y), 0 where x = 0 (unless y is NaN);  d/dx = ln(1 + y), d/dy = x / (1 + y)."""
    return Xlog1py.apply(x, y)


def gammaln(x: Any) -> Tensor:
    """ln |Gamma(x)| (``torch.lgamma``);  d/dx = digamma(x)."""
    return Lgamma.apply(x)


def digamma(x: Any) -> Tensor:
    """psi(x) = d ln Gamma(x) / dx;  d/dx = polygamma(1, x)."""
    return Digamma.apply(x)


psi = digamma


def multigammaln(x: Any, p: int) -> Tensor:
    """The multivariate log-gamma ln Gamma_p(x) (``torch.mvlgamma``): p (p - 1) / 4 ln pi +
    sum_{j<p} ln Gamma(x - j / 2), for x > (p - 1) / 2."""
    return mvlgamma(x, p)


def sinc(x: Any) -> Tensor:
    """sin(pi x) / (pi x), 1 at 0;  d/dx = (cos(pi x) - sinc(x)) / x, 0 at 0."""
    return Sinc.apply(x)


def entr(x: Any) -> Tensor:
    """-x ln x for x > 0, 0 at 0, -inf for x < 0;  d/dx = -(ln x + 1)."""
    return Entr.apply(x)


def ndtr(x: Any) -> Tensor:
    """Phi(x), the standard normal cdf;  d/dx = exp(-x^2 / 2) / sqrt(2 pi)."""
    return Ndtr.apply(x)


def log_ndtr(x: Any) -> Tensor:
    """ln Phi(x), finite far into the left tail;  d/dx = phi(x) / Phi(x)."""
    return LogNdtr.apply(x)


def ndtri(p: Any) -> Tensor:
    """Phi^-1(p), the standard normal quantile;  d/dp = sqrt(2 pi) exp(y^2 / 2)."""
    return Ndtri.apply(p)


def i0(x: Any) -> Tensor:
    """I_0(x), the modified Bessel function of the first kind of order 0;  d/dx = I_1(x)."""
    return I0.apply(x)


def i1(x: Any) -> Tensor:
    """I_1(x), the modified Bessel function of the first kind of order 1;
    d/dx = I_0(x) - I_1(x) / x."""
    return I1.apply(x)


def i0e(x: Any) -> Tensor:
    """exp(-|x|) I_0(x), finite for every x;  d/dx = i1e(x) - sign(x) i0e(x)."""
    return I0e.apply(x)


def i1e(x: Any) -> Tensor:
    """exp(-|x|) I_1(x), finite for every x;  d/dx = i0e(x) - i1e(x) / x - sign(x) i1e(x)."""
    return I1e.apply(x)


def logsumexp(x: Any, dim: Any, keepdim: bool = False) -> Tensor:
    """ln sum exp(x) over ``dim``, without overflow;  d/dx = softmax(x)."""
    return LogSumExp.apply(x, axis=dim, keepdims=keepdim)


def softmax(x: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (cast to ``dtype`` first if given)."""
    return _softmax(x, dim, dtype)


def log_softmax(x: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """x_i - ln sum_j exp(x_j) along ``dim`` (cast to ``dtype`` first if given)."""
    return _log_softmax(x, dim, dtype)


def log1p(x: Any) -> Tensor:
    """ln(1 + x), accurate for small x;  d/dx = 1 / (1 + x)."""
    return Log1p.apply(x)


def expm1(x: Any) -> Tensor:
    """exp(x) - 1, accurate for small x;  d/dx = exp(x)."""
    return Expm1.apply(x)


def exp2(x: Any) -> Tensor:
    """2^x;  d/dx = 2^x ln 2."""
    return Exp2.apply(x)


def round(x: Any, *, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
    """x rounded to the nearest integer (halves to even), or to ``decimals`` places;
    d/dx = 0."""
    return _round(as_tensor(x), decimals)
