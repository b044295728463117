"""Normalisation layers in functional form: ``batch_norm``, ``layer_norm`` and ``rms_norm``.

``batch_norm`` is built from Tensor primitives (mean, var, sqrt, ...), so its gradient comes from
the engine. ``layer_norm`` is one fused op, ``LayerNormFunction``, whose backward is the closed
form (a transformer calls it twice per block, and the composition cost a dozen graph nodes each
time); ``rms_norm`` is its sibling without the centring, ``RMSNormFunction``. All are
differentiable again. (``group_norm``, ``instance_norm`` and ``local_response_norm`` are in
channel_norm.py.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd
from autograd.ops.rows import sum_along

from .checks import as_tensor, check_floating, refuse_grad


def _affine(y: Any, weight: Any, bias: Any, shape: tuple[int, ...]) -> Any:
    if weight is not None:
        y = y * as_tensor(weight).reshape(*shape)
    if bias is not None:
        y = y + as_tensor(bias).reshape(*shape)
    return y


def _buffer(value: Any) -> Any:
    return value._data if isinstance(value, autograd.Tensor) else value


def _normalize(rows: Any, eps: float) -> tuple[Any, Any]:
    """x_hat = (x - mu) r and r = 1 / sqrt(var + eps) of each row (arrays or Tensors)."""
    inv_n = 1.0 / rows.shape[-1]
    centered = rows - sum_along(rows, -1) * inv_n
    r = 1.0 / np.sqrt(sum_along(centered * centered, -1) * inv_n + eps)
    return centered * r, r


class LayerNormFunction(autograd.Function):
    """Layer normalisation of each row x of D values (the normalised axes, flattened)::

        mu = mean(x),  var = mean((x - mu)^2),  r = 1 / sqrt(var + eps)
        x_hat = (x - mu) r,  y = x_hat * w + b

    Backward, with g = dL/dy and g_hat = g * w, means over the D values of each row:

        dL/dx = r * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat))
        dL/dw = sum over rows of g * x_hat,   dL/db = sum over rows of g

    (x_hat is unchanged when x moves along 1 or along x - mu, which is why those two means are
    taken away.) ``weight`` and ``bias`` have the normalised shape; a missing one is the
    constant 1 or 0.
    """

    name = "layer_norm"

    @staticmethod
    def forward(
        ctx: Any, x: np.ndarray, weight: Any, bias: Any, size: int = 1, eps: float = 1e-5
    ) -> np.ndarray:
        x_hat, r = _normalize(x.reshape(-1, size), eps)
        y = x_hat * np.reshape(weight, -1) + np.reshape(bias, -1)
        ctx.size, ctx.eps, ctx.bias_shape = size, eps, np.shape(bias)
        ctx.save_for_backward(x, weight, x_hat, r)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any, Any]:
        x, weight, x_hat, r = ctx.saved_tensors
        if isinstance(x, autograd.Tensor):
            # Differentiating the backward itself (create_graph): x_hat and r from recorded ops
            # on x, so that they are connected to the graph (the saved arrays are constants).
            x_hat, r = _normalize(x.reshape(-1, ctx.size), ctx.eps)
        g = grad.reshape(-1, ctx.size)
        needs = ctx.needs_input_grad
        grad_x = grad_w = grad_b = None
        if needs[0]:
            g_hat = g * np.reshape(weight, -1)
            inv_n = 1.0 / ctx.size
            mean_g = sum_along(g_hat, -1) * inv_n
            mean_gx = sum_along(g_hat * x_hat, -1) * inv_n
            grad_x = (r * (g_hat - mean_g - x_hat * mean_gx)).reshape(x.shape)
        if needs[1]:
            grad_w = sum_along(g * x_hat, 0).reshape(np.shape(weight))
        if needs[2]:
            grad_b = sum_along(g, 0).reshape(ctx.bias_shape)
        return grad_x, grad_w, grad_b


def batch_norm(
    input: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> autograd.Tensor:
    """Batch normalisation over the batch (and length) axes of an (N, C) or (N, C, L, ...)
    input, per channel c::

        y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c

    In training, mean_c and var_c are the batch's (biased variance, divide by n), and the
    running statistics, if given, are updated in place:
    running_mean = (1 - momentum) * running_mean + momentum * mean_c and
    running_var = (1 - momentum) * running_var + momentum * var_c * n / (n - 1) (unbiased).
    Otherwise the running statistics are used.
    """
    x = as_tensor(input)
    check_floating("batch_norm", "input", x)
    # Buffers, updated in place and read as constants (PyTorch refuses them too).
    refuse_grad("batch_norm", "running_mean", running_mean)
    refuse_grad("batch_norm", "running_var", running_var)
    refuse_grad("batch_norm", "momentum", momentum)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must be (N, C) or (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)
    axes = (0, *range(2, x.ndim))
    for name, value in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if value is not None and np.shape(_buffer(value)) != (channels,):
            raise ValueError(
                f"batch_norm: {name} must have shape ({channels},) for input "
                f"shape {x.shape}, got {np.shape(_buffer(value))}"
            )
    if training:
        n = x.size // channels
        if n <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when "
                f"training, got input shape {x.shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        rm, rv = _buffer(running_mean), _buffer(running_var)
        if rm is not None:
            rm *= 1 - momentum
            rm += momentum * mean._data.reshape(channels)
        if rv is not None:
            rv *= 1 - momentum
            rv += (momentum * n / (n - 1)) * var._data.reshape(channels)
        y = (x - mean) / (var + eps).sqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation (training=False) needs running_mean and running_var"
            )
        rm = _buffer(running_mean).reshape(shape).astype(x.dtype, copy=False)
        inv_std = 1.0 / np.sqrt(_buffer(running_var).reshape(shape).astype(x.dtype) + eps)
        y = (x - rm) * inv_std
    return _affine(y, weight, bias, shape)


def layer_norm(
    input: Any,
    normalized_shape: int | Sequence[int],
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> autograd.Tensor:
    """Layer normalisation over the last ``len(normalized_shape)`` axes, per sample::

    y = (x - mean) / sqrt(var + eps) * weight + bias      (biased variance)

    One fused op (``LayerNormFunction``: the backward is the closed-form derivative).
    """
    x = as_tensor(input)
    check_floating("layer_norm", "input", x)
    refuse_grad("layer_norm", "eps", eps)  # an option of LayerNormFunction
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k :] != shape:
        raise ValueError(
            f"layer_norm: normalized_shape {shape} must match the last axes of "
            f"the input shape {x.shape}"
        )
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and np.shape(_buffer(value)) != shape:
            raise ValueError(
                f"layer_norm: {name} must have shape {shape}, got {np.shape(_buffer(value))}"
            )
    if 0 in shape:  # nothing to normalise: an empty result, as PyTorch's
        return x * 0.0
    # A missing weight or bias is the constant 1 or 0 (0-d, so that it broadcasts).
    return LayerNormFunction.apply(
        x,
        np.ones((), dtype=x.dtype) if weight is None else as_tensor(weight),
        np.zeros((), dtype=x.dtype) if bias is None else as_tensor(bias),
        size=math.prod(shape),
        eps=float(eps),
    )


def _rms_normalize(rows: Any, eps: float) -> tuple[Any, Any]:
    """x_hat = x r and r = 1 / sqrt(mean(x^2) + eps) of each row (arrays or Tensors)."""
    r = 1.0 / np.sqrt(sum_along(rows * rows, -1) * (1.0 / rows.shape[-1]) + eps)
    return rows * r, r


class RMSNormFunction(autograd.Function):
    """Root-mean-square normalisation of each row x of D values (no centring)::

        r = 1 / sqrt(mean(x^2) + eps),  x_hat = x r,  y = x_hat * w

    Backward, with g = dL/dy and g_hat = g * w (means over the D values of each row)::

        dL/dx = r * (g_hat - x_hat * mean(g_hat * x_hat)),   dL/dw = sum over rows of g * x_hat

    (dr/dx_j = -r^3 x_j / D, so the second term is what scaling every x_hat by r takes away.)
    """

    name = "rms_norm"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, weight: Any, size: int = 1, eps: float = 1e-6) -> Any:
        x_hat, r = _rms_normalize(x.reshape(-1, size), eps)
        ctx.size, ctx.eps = size, eps
        ctx.save_for_backward(x, weight, x_hat, r)
        return (x_hat * np.reshape(weight, -1)).reshape(x.shape)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        x, weight, x_hat, r = ctx.saved_tensors
        if isinstance(x, autograd.Tensor):  # create_graph: recorded from x (see LayerNorm's)
            x_hat, r = _rms_normalize(x.reshape(-1, ctx.size), ctx.eps)
        g = grad.reshape(-1, ctx.size)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            g_hat = g * np.reshape(weight, -1)
            mean_gx = sum_along(g_hat * x_hat, -1) * (1.0 / ctx.size)
            grad_x = (r * (g_hat - x_hat * mean_gx)).reshape(x.shape)
        if ctx.needs_input_grad[1]:
            grad_w = sum_along(g * x_hat, 0).reshape(np.shape(weight))
        return grad_x, grad_w


def rms_norm(
    input: Any,
    normalized_shape: int | Sequence[int],
    weight: Any = None,
    eps: float | None = None,
) -> autograd.Tensor:
    """Root-mean-square normalisation over the last ``len(normalized_shape)`` axes::

        y = x / sqrt(mean(x^2) + eps) * weight

    ``eps=None`` (the default) is PyTorch's: the machine epsilon of the input's dtype,
    ``np.finfo(x.dtype).eps``. One fused op (``RMSNormFunction``).
    """
    x = as_tensor(input)
    check_floating("rms_norm", "input", x)
    refuse_grad("rms_norm", "eps", eps)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.shape[x.ndim - k :] != shape:
        raise ValueError(
            f"rms_norm: normalized_shape {shape} must match the last axes of the input "
            f"shape {x.shape}"
        )
    if weight is not None and np.shape(_buffer(weight)) != shape:
        raise ValueError(
            f"rms_norm: weight must have shape {shape}, got {np.shape(_buffer(weight))}"
        )
    if 0 in shape:
        return x * 0.0
    eps = float(np.finfo(x.dtype).eps) if eps is None else float(eps)
    w = np.ones((), dtype=x.dtype) if weight is None else as_tensor(weight)
    return RMSNormFunction.apply(x, w, size=math.prod(shape), eps=eps)
