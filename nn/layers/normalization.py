"""Normalisation layers: ``BatchNorm1d/2d/3d``, ``InstanceNorm1d/2d/3d``, ``GroupNorm``,
``LayerNorm``, ``RMSNorm`` and ``LocalResponseNorm``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter


def _reset_affine(module: Module) -> None:
    """PyTorch's reset of a normalisation layer's affine parameters: weight 1, bias 0."""
    if module.weight is not None:
        init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        init.zeros_(module.bias)


class _BatchNorm(Module):
    """Shared by BatchNorm1d/2d; ``_ndims`` lists the input ranks the subclass accepts."""

    _ndims: tuple[int, ...] = ()
    _shapes: str = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        cls = type(self).__name__
        check_device(device, cls)
        self.num_features = check_size(cls, "num_features", num_features)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{cls}: momentum must be in [0, 1] or None, got {momentum}")
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = floating_dtype(dtype, cls)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:  # (through versions.write: a saved copy would notice)
            autograd.versions.write(self.running_mean, 0)
            autograd.versions.write(self.running_var, 1)
            autograd.versions.write(self.num_batches_tracked, 0)

    def reset_parameters(self) -> None:
        """Running statistics reset, weight 1 and bias 0 (as at construction)."""
        self.reset_running_stats()
        _reset_affine(self)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        cls = type(self).__name__
        if x.ndim not in self._ndims:
            raise ValueError(f"{cls}: expected input of shape {self._shapes}, got {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{cls}: input has {x.shape[1]} channels (axis 1), the layer "
                f"{self.num_features}; input shape {x.shape}"
            )
        update = self.training and self.track_running_stats
        factor = 0.0
        if update:
            seen = int(self.num_batches_tracked._data) + 1
            # momentum=None means a cumulative average over all batches seen so far.
            factor = 1.0 / seen if self.momentum is None else self.momentum
        use_running = not self.training and self.track_running_stats
        y = F.batch_norm(
            x,
            self.running_mean if update or use_running else None,
            self.running_var if update or use_running else None,
            self.weight,
            self.bias,
            training=not use_running,
            momentum=factor,
            eps=self.eps,
        )
        if update:
            self.num_batches_tracked._data += 1
        return y

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel c::

        y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c

    Training: batch mean and biased variance over N (and L); running_mean and running_var
    (the latter from the unbiased variance, n / (n - 1)) move by ``momentum``:
    r = (1 - momentum) * r + momentum * batch_stat (``momentum=None``: a cumulative average);
    ``num_batches_tracked`` counts updates. Evaluation (``eval()``): the running statistics
    are used instead. ``affine=False`` drops weight and bias, ``bias=False`` only the bias;
    ``track_running_stats=False`` always normalises with the batch's statistics. ``dtype``
    (float32 by default) is the parameters' and running statistics'; ``device`` must be the CPU.
    """

    _ndims = (2, 3)
    _shapes = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, statistics over N, H and W (as
    ``BatchNorm1d``)."""

    _ndims = (4,)
    _shapes = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) inputs, statistics over N, D, H and W (as
    ``BatchNorm1d``)."""

    _ndims = (5,)
    _shapes = "(N, C, D, H, W)"


class _InstanceNorm(_BatchNorm):
    """Shared by InstanceNorm1d/2d/3d: ``_spatial`` axes after the channel axis, and an
    optional batch axis in front."""

    _spatial: int = 1

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias
        )

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        cls, k = type(self).__name__, self._spatial
        if x.ndim not in (k + 1, k + 2):
            raise ValueError(
                f"{cls}: expected a {k + 1}-D (unbatched) or {k + 2}-D input, got shape {x.shape}"
            )
        axis = x.ndim - k - 1
        if x.shape[axis] != self.num_features:
            message = (
                f"{cls}: input has {x.shape[axis]} channels (axis {axis}), the layer "
                f"{self.num_features}; input shape {x.shape}"
            )
            if self.affine:
                raise ValueError(message)
            warnings.warn(message + " (num_features is unused with affine=False)", stacklevel=2)
        batched = x if x.ndim == k + 2 else x.reshape(1, *x.shape)
        # PyTorch's instance norm never counts batches, and momentum=None means no update.
        y = F.instance_norm(
            batched,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            use_input_stats=self.training or not self.track_running_stats,
            momentum=0.0 if self.momentum is None else self.momentum,
            eps=self.eps,
        )
        return y if x.ndim == k + 2 else y.reshape(x.shape)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L) inputs: each channel of each sample is
    normalised over its L positions::

        y = (x[n, c] - mean(x[n, c])) / sqrt(var(x[n, c]) + eps) * weight_c + bias_c

    PyTorch's defaults: ``affine=False`` (no weight or bias; with ``affine=True`` weight starts
    at 1 and bias at 0) and ``track_running_stats=False`` (always the instance's statistics).
    With ``track_running_stats=True``, training updates running_mean and running_var with the
    batch averages of the per-instance mean and unbiased variance, moved by ``momentum``
    (``None``: no update, as PyTorch), and evaluation normalises with them;
    ``num_batches_tracked`` is kept but, as in PyTorch, not counted.
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W) inputs, statistics over H and W
    of each channel of each sample (as ``InstanceNorm1d``)."""

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W) inputs, statistics over D, H
    and W of each channel of each sample (as ``InstanceNorm1d``)."""

    _spatial = 3


class GroupNorm(Module):
    """Group normalisation of (N, C, ...) inputs: the C channels are split into
    ``num_groups`` groups of consecutive channels, each group of each sample normalised over
    its channels and positions::

        y = (x - mean_group) / sqrt(var_group + eps) * weight_c + bias_c   (biased variance)

    ``weight`` (ones) and ``bias`` (zeros) have one value per channel (``affine=False`` drops
    both, ``bias=False`` only the bias). The same in training and evaluation.
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        check_device(device, "GroupNorm")
        self.num_groups = check_size("GroupNorm", "num_groups", num_groups)
        self.num_channels = check_size("GroupNorm", "num_channels", num_channels)
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                f"({num_groups})"
            )
        self.eps = eps
        self.affine = affine
        dtype = floating_dtype(dtype, "GroupNorm")
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(num_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0 (as at construction)."""
        _reset_affine(self)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight, the mean over the last
    ``len(normalized_shape)`` axes of each sample; ``eps=None`` is the machine epsilon of the
    input's dtype (PyTorch's default); weight starts at 1 (``elementwise_affine=False`` drops
    it). ``dtype`` defaults to float32; ``device`` must be the CPU."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "RMSNorm")
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        if not shape or not all(isinstance(s, int) and s > 0 for s in shape):
            raise ValueError(
                f"RMSNorm: normalized_shape must be positive ints, got {normalized_shape!r}"
            )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(shape, dtype=floating_dtype(dtype, "RMSNorm")))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        """Weight 1 (as at construction)."""
        _reset_affine(self)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class LocalResponseNorm(Module):
    """Local response normalisation across channels (AlexNet's)::

        y_c = x_c / (k + alpha / size * sum of x_{c'}^2 over the size channels around c) ^ beta

    (see ``nn.functional.local_response_norm``). No parameters."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over the last
    ``len(normalized_shape)`` axes of each sample (biased variance); weight starts at 1 and
    bias at 0. ``dtype`` defaults to float32; ``device`` must be the CPU."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "LayerNorm")
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        if not shape or not all(isinstance(s, int) and s > 0 for s in shape):
            raise ValueError(
                f"LayerNorm: normalized_shape must be positive ints, got {normalized_shape!r}"
            )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = floating_dtype(dtype, "LayerNorm")
        if elementwise_affine:
            self.weight = Parameter(np.ones(shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0 (as at construction)."""
        _reset_affine(self)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
