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
