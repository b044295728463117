"""Normalisation layers in functional form: ``batch_norm`` and ``layer_norm``.

Both are built from Tensor primitives (mean, var, sqrt, ...), so their gradients come from the
engine and are differentiable again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating


def _affine(y: Any, weight: Any, bias: Any, shape: tuple[int, ...]) -> Any:
    if weight is not None:
        y = y * as_tensor(weight).reshape(*shape)
    if bias is not None:
        y = y + as_tensor(bias).reshape(*shape)
    return y


def _buffer(value: Any) -> np.ndarray | None:
    return value.data if isinstance(value, autograd.Tensor) else value


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
            rm += momentum * mean.data.reshape(channels)
        if rv is not None:
            rv *= 1 - momentum
            rv += (momentum * n / (n - 1)) * var.data.reshape(channels)
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
    """
    x = as_tensor(input)
    check_floating("layer_norm", "input", x)
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
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mean) / (var + eps).sqrt()
    return _affine(y, weight, bias, shape)
