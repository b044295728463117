"""Activation functions (elementwise non-linearities) and softmax / log-softmax.

Fused ops (``leaky_relu``, ``gelu``) are ``autograd.Function``s whose backward uses only NumPy
operators and functions that Tensors record, so it is recorded again under
``create_graph=True``. Softmax and log-softmax are ops of ``autograd``
(``autograd/ops/softmax.py``, so that ``t.softmax(dim)`` exists without autograd importing nn);
``softmax`` and ``log_softmax`` here run the same two Functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd.ops import special
from autograd.ops.softmax import LogSoftmaxFunction, SoftmaxFunction, softmax_input
from autograd.ops.special import Erf

from .checks import as_tensor, check_floating, refuse_grad, resolve_spelling
from .inplace import write_in_place

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def erf(x: Any) -> autograd.Tensor:
    """The error function, elementwise: ``autograd.erf`` (the op is autograd/ops/special.py's)."""
    return Erf.apply(x)


def relu(x: Any, inplace: bool = False) -> autograd.Tensor:
    """relu(x) = max(x, 0). ``inplace=True`` writes the result into ``x`` and returns ``x``
    (PyTorch's; see nn/functional/inplace.py)."""
    # (``nn.ReLU`` calls this on every step: no helper call for an input that is a Tensor.)
    if inplace:
        return write_in_place(as_tensor(x), autograd.Tensor.relu, "relu(inplace=True)")
    return (x if isinstance(x, autograd.Tensor) else as_tensor(x)).relu()


def tanh(x: Any) -> autograd.Tensor:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return as_tensor(x).tanh()


def sigmoid(x: Any) -> autograd.Tensor:
    """sigmoid(x) = 1 / (1 + exp(-x))."""
    return as_tensor(x).sigmoid()


class LeakyReLUFunction(autograd.Function):
    """y = x if x > 0 else slope * x;  dy/dx = 1 if x > 0 else slope (slope at 0, as PyTorch)."""

    name = "leaky_relu"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
        scale = np.where(x > 0, 1.0, negative_slope).astype(x.dtype)
        ctx.save_for_backward(scale)
        return x * scale

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (scale,) = ctx.saved_tensors
        return grad * scale


def leaky_relu(x: Any, negative_slope: float = 0.01, inplace: bool = False) -> autograd.Tensor:
    """leaky_relu(x) = x for x > 0, negative_slope * x otherwise. ``inplace=True`` writes the
    result into ``x`` and returns ``x`` (PyTorch's; see nn/functional/inplace.py)."""
    x = as_tensor(x)
    check_floating("leaky_relu", "input", x)
    refuse_grad("leaky_relu", "negative_slope", negative_slope)  # an option: no gradient
    slope = float(negative_slope)
    if inplace:
        return write_in_place(
            x, lambda old: LeakyReLUFunction.apply(old, negative_slope=slope), "leaky_relu_"
        )
    return LeakyReLUFunction.apply(x, negative_slope=slope)


def _normal_cdf(x: Any) -> Any:
    # Phi(x) = (1 + erf(x / sqrt 2)) / 2; on Tensors (create_graph) through the Erf op.
    scaled = x * (1.0 / _SQRT_2)
    e = Erf.apply(scaled) if isinstance(x, autograd.Tensor) else special.erf(scaled)
    return 0.5 * (1.0 + e)


class GELUFunction(autograd.Function):
    """GELU, exact: y = x * Phi(x), dy/dx = Phi(x) + x * phi(x) (Phi, phi: standard normal
    cdf and pdf; the forward computes both, see ``autograd.ops.special``); tanh form:
    y = x/2 * (1 + tanh(u)), u = sqrt(2/pi) * (x + 0.044715 x^3),
    dy/dx = (1 + tanh u)/2 + x/2 * (1 - tanh^2 u) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2)."""

    name = "gelu"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, approximate: str = "none") -> np.ndarray:
        ctx.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
            ctx.save_for_backward(x, t)
            return 0.5 * x * (1.0 + t)
        y, slope = special.gelu(x)
        ctx.save_for_backward(x, slope)
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, cached = ctx.saved_tensors
        if ctx.approximate == "tanh":
            # The cached tanh is a constant to the engine: recompute it when differentiating
            # the backward itself (grad is a Tensor only under create_graph=True).
            t = (
                np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
                if isinstance(grad, autograd.Tensor)
                else cached
            )
            du = _SQRT_2_OVER_PI * (1.0 + 3 * _GELU_CUBIC * x * x)
            return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)
        if not isinstance(grad, autograd.Tensor):
            return grad * cached  # dy/dx, computed by the forward
        # Differentiating the backward itself: the same slope from recorded ops.
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * (x * x))
        return grad * (_normal_cdf(x) + x * pdf)


def gelu(x: Any, approximate: str = "none") -> autograd.Tensor:
    """Gaussian error linear unit: gelu(x) = x * Phi(x) (``approximate='none'``) or
    x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) (``approximate='tanh'``)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = as_tensor(x)
    check_floating("gelu", "input", x)
    return GELUFunction.apply(x, approximate=approximate)


def _softmax_input(fn: str, x: Any, axis: Any, dim: Any, dtype: Any) -> tuple[Any, int]:
    """The input (cast to ``dtype`` first if given, as PyTorch) and the checked axis."""
    axis = resolve_spelling(fn, "axis", axis, "dim", dim, -1)
    return softmax_input(fn, x, axis, dtype)


def log_softmax(
    x: Any, axis: int | None = None, *, dim: int | None = None, dtype: Any = None
) -> autograd.Tensor:
    """log_softmax(x)_i = x_i - log(sum_j exp(x_j)), the log-sum-exp taken stably along
    ``axis`` (PyTorch: ``dim``; default -1, the last axis), finite for logits of +-1000.
    ``dtype``, if given, is the dtype the input is cast to first (as PyTorch). One fused op."""
    x, axis = _softmax_input("log_softmax", x, axis, dim, dtype)
    return LogSoftmaxFunction.apply(x, axis=axis)


def softmax(
    x: Any, axis: int | None = None, *, dim: int | None = None, dtype: Any = None
) -> autograd.Tensor:
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j) along ``axis`` (PyTorch: ``dim``; default -1),
    with the row's maximum subtracted first so that large logits never overflow. ``dtype``, if
    given, is the dtype the input is cast to first (as PyTorch). One fused op."""
    x, axis = _softmax_input("softmax", x, axis, dim, dtype)
    return SoftmaxFunction.apply(x, axis=axis)


# PyTorch's other activations, composed of recorded ops (their gradients are those ops'). A
# branch that is not taken is computed on clamped inputs (exp(min(x, 0)), not exp(x)), so that
# it never overflows into a NaN gradient; at a kink the gradient is PyTorch's.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class ELUFunction(autograd.Function):
    """y = x if x > 0 else alpha (e^x - 1);  dy/dx = 1 if x > 0 else alpha e^x.

    At x = 0 it takes PyTorch's values at the kink: dy/dx = alpha (the left branch), and the
    second derivative 0 (the exponent of the slope is held at 0 from x = 0 on)."""

    name = "elu"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        negative = alpha * np.expm1(np.where(x > 0, 0, x))  # (keeps -0.0, as PyTorch)
        return np.where(x > 0, x, negative).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.where(x > 0, 1.0, ctx.alpha * np.exp(np.where(x < 0, x, 0.0)))


def elu(x: Any, alpha: float = 1.0, inplace: bool = False) -> autograd.Tensor:
    """elu(x) = x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = as_tensor(x)
    check_floating("elu", "input", x)
    refuse_grad("elu", "alpha", alpha)
    a = float(alpha)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        return ELUFunction.apply(t, alpha=a)

    return write_in_place(x, compute, "elu_") if inplace else compute(x)


def selu(x: Any, inplace: bool = False) -> autograd.Tensor:
    """selu(x) = scale * elu(x, alpha), with PyTorch's alpha ~ 1.6733 and scale ~ 1.0507."""
    x = as_tensor(x)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        return _SELU_SCALE * elu(t, _SELU_ALPHA)

    return write_in_place(x, compute, "selu_") if inplace else compute(x)


def celu(x: Any, alpha: float = 1.0, inplace: bool = False) -> autograd.Tensor:
    """celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) = alpha elu(x / alpha, 1)."""
    x = as_tensor(x)
    check_floating("celu", "input", x)
    refuse_grad("celu", "alpha", alpha)
    a = float(alpha)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        return a * ELUFunction.apply(t * (1.0 / a), alpha=1.0)

    return write_in_place(x, compute, "celu_") if inplace else compute(x)


def silu(x: Any, inplace: bool = False) -> autograd.Tensor:
    """silu(x) = x * sigmoid(x) (also called swish)."""
    x = as_tensor(x)
    check_floating("silu", "input", x)
    return write_in_place(x, lambda t: t * t.sigmoid(), "silu_") if inplace else x * x.sigmoid()


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> autograd.Tensor:
    """softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold
    (PyTorch's switch to the linear function, for numerical stability)."""
    x = as_tensor(x)
    check_floating("softplus", "input", x)
    refuse_grad("softplus", "beta", beta)
    refuse_grad("softplus", "threshold", threshold)
    b, limit = float(beta), float(threshold)
    smooth = autograd.log1p((b * x).clamp(max=limit).exp()) / b
    return autograd.where(b * x > limit, x, smooth)


def mish(x: Any, inplace: bool = False) -> autograd.Tensor:
    """mish(x) = x * tanh(softplus(x))."""
    x = as_tensor(x)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        return t * softplus(t).tanh()

    return write_in_place(x, compute, "mish_") if inplace else compute(x)


def hardtanh(
    x: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> autograd.Tensor:
    """hardtanh(x) = min(max(x, min_val), max_val)."""
    x = as_tensor(x)
    check_floating("hardtanh", "input", x)
    refuse_grad("hardtanh", "min_val", min_val)
    refuse_grad("hardtanh", "max_val", max_val)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} must not exceed max_val {max_val}")
    low, high = float(min_val), float(max_val)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        # PyTorch's gradient is 1 strictly inside (min_val, max_val) and 0 at the ends.
        inside = (t > low) & (t < high)
        return autograd.where(inside, t, t.clamp(low, high).detach())

    return write_in_place(x, compute, "hardtanh_") if inplace else compute(x)


def relu6(x: Any, inplace: bool = False) -> autograd.Tensor:
    """relu6(x) = min(max(x, 0), 6)."""
    return hardtanh(x, 0.0, 6.0, inplace)


def logsigmoid(x: Any) -> autograd.Tensor:
    """logsigmoid(x) = log(1 / (1 + exp(-x))), computed stably: x - log(1 + exp(x)) for x < 0,
    -log(1 + exp(-x)) otherwise (derivative sigmoid(-x); 1/2 at 0)."""
    x = as_tensor(x)
    check_floating("logsigmoid", "input", x)
    negative = x - autograd.log1p(x.clamp(max=0.0).exp())
    return autograd.where(x < 0, negative, -autograd.log1p((-x.clamp(min=0.0)).exp()))


def softsign(x: Any) -> autograd.Tensor:
    """softsign(x) = x / (1 + |x|)."""
    x = as_tensor(x)
    check_floating("softsign", "input", x)
    return x / (1.0 + x.abs())


def hardsigmoid(x: Any, inplace: bool = False) -> autograd.Tensor:
    """hardsigmoid(x) = 0 for x <= -3, 1 for x >= 3, x / 6 + 1 / 2 in between."""
    x = as_tensor(x)
    check_floating("hardsigmoid", "input", x)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        inside = (t > -3.0) & (t < 3.0)
        return autograd.where(inside, t / 6.0 + 0.5, (t >= 3.0).astype(t.dtype))

    return write_in_place(x, compute, "hardsigmoid_") if inplace else compute(x)


def hardswish(x: Any, inplace: bool = False) -> autograd.Tensor:
    """hardswish(x) = x * relu6(x + 3) / 6; PyTorch's gradient: 0 below -3, 1 above 3,
    x / 3 + 1 / 2 in between."""
    x = as_tensor(x)
    check_floating("hardswish", "input", x)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        inside = (t > -3.0) & (t < 3.0)
        return autograd.where(inside, t * (t + 3.0) / 6.0, autograd.where(t >= 3.0, t, 0.0 * t))

    return write_in_place(x, compute, "hardswish_") if inplace else compute(x)


def softmin(x: Any, dim: int | None = None, *, axis: int | None = None) -> autograd.Tensor:
    """softmin(x) = softmax(-x) along ``dim`` (PyTorch's name) or ``axis``; default -1."""
    axis = resolve_spelling("softmin", "axis", axis, "dim", dim, -1)
    return softmax(-as_tensor(x), axis=axis)


def threshold(x: Any, threshold: float, value: float, inplace: bool = False) -> autograd.Tensor:
    """threshold(x) = x where x > threshold, else ``value`` (PyTorch's ``x <= threshold ?
    value : x``, so NaN passes through); the gradient is 1 where x > threshold, else 0."""
    x = as_tensor(x)
    check_floating("threshold", "input", x)
    refuse_grad("threshold", "threshold", threshold)
    refuse_grad("threshold", "value", value)
    limit, fill = float(threshold), float(value)

    def compute(t: autograd.Tensor) -> autograd.Tensor:
        return t.masked_fill(t <= limit, fill)

    return write_in_place(x, compute, "threshold_") if inplace else compute(x)


def glu(x: Any, dim: int | None = None, *, axis: int | None = None) -> autograd.Tensor:
    """Gated linear unit: x split in halves a, b along ``dim`` (PyTorch's name) or ``axis``,
    default -1, and y = a * sigmoid(b); that axis must have an even size."""
    axis = resolve_spelling("glu", "axis", axis, "dim", dim, -1)
    x = as_tensor(x)
    check_floating("glu", "input", x)
    if x.ndim == 0:
        raise ValueError("glu: needs an input with at least one dimension, got a 0-d input")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"glu: dim {axis} is out of range for input shape {x.shape}")
    axis %= x.ndim
    half, odd = divmod(x.shape[axis], 2)
    if odd:
        raise ValueError(
            f"glu: the halved dimension must have an even size, got size {x.shape[axis]} at "
            f"dim {axis} of input shape {x.shape}"
        )
    before = (slice(None),) * axis
    return x[before + (slice(0, half),)] * x[before + (slice(half, None),)].sigmoid()
