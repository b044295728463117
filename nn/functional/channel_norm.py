"""Normalisations that group the channel axis of an (N, C, ...) input: ``group_norm``,
``instance_norm`` and ``local_response_norm``.

Group and instance normalisation normalise rows of an input viewed as (N, groups, -1) or
(N * C, -1): each row is what layer normalisation normalises, so both reuse its fused op
(``LayerNormFunction``, closed-form backward, differentiable again) and add the per-channel
weight and bias afterwards. ``local_response_norm`` is composed of recorded primitives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, refuse_grad
from .normalization import LayerNormFunction, _affine, _buffer


def _normalize_rows(x: autograd.Tensor, rows: int, eps: float) -> autograd.Tensor:
    """x viewed as ``rows`` rows, each normalised to mean 0 and (biased) variance 1."""
    flat = x.reshape(rows, -1)
    one, zero = np.ones((), dtype=x.dtype), np.zeros((), dtype=x.dtype)
    y = LayerNormFunction.apply(flat, one, zero, size=flat.shape[1], eps=float(eps))
    return y.reshape(x.shape)


def _check_channel_vectors(fn: str, x: autograd.Tensor, **vectors: Any) -> None:
    channels = x.shape[1]
    for name, value in vectors.items():
        if value is not None and np.shape(_buffer(value)) != (channels,):
            raise ValueError(
                f"{fn}: {name} must have shape ({channels},), one value per channel of the "
                f"input shape {x.shape}, got {np.shape(_buffer(value))}"
            )


def group_norm(
    input: Any, num_groups: int, weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> autograd.Tensor:
    """Group normalisation of an (N, C, ...) input: the C channels are split into
    ``num_groups`` groups of C / num_groups consecutive channels, and each sample's group
    (its channels and all their positions) is normalised on its own::

        y = (x - mean_group) / sqrt(var_group + eps) * weight_c + bias_c   (biased variance)

    ``weight`` and ``bias`` have one value per channel. The same in training and evaluation.
    """
    x = as_tensor(input)
    check_floating("group_norm", "input", x)
    refuse_grad("group_norm", "eps", eps)
    if x.ndim < 2:
        raise ValueError(f"group_norm: input must be (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    if isinstance(num_groups, bool) or not isinstance(num_groups, int | np.integer):
        raise TypeError(f"group_norm: num_groups must be an int, got {num_groups!r}")
    if num_groups < 1 or channels % num_groups:
        raise ValueError(
            f"group_norm: num_groups={num_groups} must divide the number of channels "
            f"(axis 1) of the input shape {x.shape}"
        )
    _check_channel_vectors("group_norm", x, weight=weight, bias=bias)
    if x.size == 0:
        return x * 0.0
    y = _normalize_rows(x, x.shape[0] * int(num_groups), eps)
    return _affine(y, weight, bias, (1, channels) + (1,) * (x.ndim - 2))


def instance_norm(
    input: Any,
    running_mean: Any = None,
    running_var: Any = None,
    weight: Any = None,
    bias: Any = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> autograd.Tensor:
    """Instance normalisation of an (N, C, L...) input: each channel of each sample is
    normalised over its own positions::

        y = (x[n, c] - mean(x[n, c])) / sqrt(var(x[n, c]) + eps) * weight_c + bias_c

    (biased variance). With ``use_input_stats=True`` (the default) those statistics are used,
    and the running statistics, if given, are updated in place with the batch averages of the
    per-instance ones, as PyTorch does: running_mean = (1 - momentum) * running_mean +
    momentum * mean_n(mean(x[n, c])) and running_var likewise with the unbiased per-instance
    variance (divided by L - 1). With ``use_input_stats=False`` the running statistics
    normalise instead.
    """
    x = as_tensor(input)
    check_floating("instance_norm", "input", x)
    refuse_grad("instance_norm", "running_mean", running_mean)
    refuse_grad("instance_norm", "running_var", running_var)
    refuse_grad("instance_norm", "momentum", momentum)
    refuse_grad("instance_norm", "eps", eps)
    if x.ndim < 3:
        raise ValueError(
            f"instance_norm: input must be (N, C, L, ...) with at least one spatial axis, "
            f"got shape {x.shape}"
        )
    _check_channel_vectors(
        "instance_norm",
        x,
        running_mean=running_mean,
        running_var=running_var,
        weight=weight,
        bias=bias,
    )
    n, channels = x.shape[0], x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError(
                "instance_norm: use_input_stats=False needs running_mean and running_var"
            )
        rm = _buffer(running_mean).reshape(shape).astype(x.dtype, copy=False)
        inv_std = 1.0 / np.sqrt(_buffer(running_var).reshape(shape).astype(x.dtype) + eps)
        return _affine((x - rm) * inv_std, weight, bias, shape)
    if math.prod(x.shape[2:]) == 1:  # one value per instance: its variance is undefined
        raise ValueError(
            f"instance_norm: expected more than 1 spatial element per channel, got input "
            f"shape {x.shape}"
        )
    if x.size == 0:
        return _affine(x * 0.0, weight, bias, shape)
    spatial = x.size // (n * channels)
    rm, rv = _buffer(running_mean), _buffer(running_var)
    if rm is not None or rv is not None:
        rows = x._data.reshape(n, channels, spatial)
        if rm is not None:
            rm *= 1 - momentum
            rm += momentum * rows.mean(axis=2).mean(axis=0)
        if rv is not None:
            rv *= 1 - momentum
            rv += momentum * rows.var(axis=2, ddof=1).mean(axis=0)
    y = _normalize_rows(x, n * channels, eps)
    return _affine(y, weight, bias, shape)


def local_response_norm(
    input: Any, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> autograd.Tensor:
    """Local response normalisation across the channels of an (N, C, ...) input (AlexNet's)::

        y_c = x_c / (k + alpha / size * sum_{c'} x_{c'}^2) ^ beta

    the sum over the ``size`` channels c - size // 2 ... c + (size - 1) // 2 that exist
    (PyTorch's window: an average of ``size`` squares, the missing channels counted as 0).
    Composed of recorded ops.
    """
    x = as_tensor(input)
    check_floating("local_response_norm", "input", x)
    for name, value in (("size", size), ("alpha", alpha), ("beta", beta), ("k", k)):
        refuse_grad("local_response_norm", name, value)
    if x.ndim < 3:
        raise ValueError(
            f"local_response_norm: input must be (N, C, ...) with 3 or more dimensions, "
            f"got shape {x.shape}"
        )
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    if x.size == 0:
        return x
    channels = x.shape[1]
    width = [(0, 0)] * x.ndim
    width[1] = (size // 2, (size - 1) // 2)
    squares = autograd.pad(x * x, tuple(width))
    window = squares[:, 0:channels]
    for i in range(1, size):  # a sliding sum over channels: size is small (AlexNet: 5)
        window = window + squares[:, i : i + channels]
    return x / ((window * (1.0 / size)) * float(alpha) + float(k)) ** float(beta)
