"""Lazy layers: ``LazyLinear`` reads ``in_features`` from its first input, and
``LazyBatchNorm1d/2d/3d`` and ``LazyInstanceNorm1d/2d/3d`` read ``num_features``.

Until the first forward their parameters are ``UninitializedParameter``s and their running
statistics ``UninitializedBuffer``s (no shape, no values). The first forward gives them their
shapes and initial values and turns the module into the ordinary layer (``nn.Linear``,
``nn.BatchNorm2d``, ...: its class changes, as in PyTorch). Loading a state dict before that
gives the placeholders the loaded shapes and values instead, which the first forward keeps.

As PyTorch's documentation says: run one forward pass (a "dry run" with a batch of the right
shape) before creating the optimizer and before ``state_dict()``. The parameters are materialised
in place, so an optimizer made earlier does see them, but a state dict taken earlier holds the
empty placeholders.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import UninitializedBuffer, UninitializedParameter
from .linear import Linear
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    _BatchNorm,
)


class LazyLinear(Linear):
    """y = x W^T + b with ``in_features`` inferred from the last axis of the first input;
    then exactly ``nn.Linear(in_features, out_features, bias)`` (same initialisation: every
    entry uniform in (-1/sqrt(in_features), 1/sqrt(in_features))). Before the first forward,
    ``in_features`` is 0."""

    cls_to_become = Linear

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        Module.__init__(self)
        check_device(device, "LazyLinear")
        dtype = floating_dtype(dtype, "LazyLinear")
        self.in_features = 0
        self.out_features = check_size("LazyLinear", "out_features", out_features, allow_zero=True)
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter still waits for its shape."""
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def reset_parameters(self) -> None:
        """``Linear``'s initialisation once the shapes are known (nothing before)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, x: autograd.Tensor) -> None:
        """Give the parameters their shapes from ``x`` (in_features = x.shape[-1]) and draw
        them; parameters already given values (by ``load_state_dict``) are kept."""
        if x.ndim == 0:
            raise ValueError("LazyLinear: the first input needs a feature axis, got a 0-d input")
        if self.has_uninitialized_params():
            self.in_features = x.shape[-1]
            shapes = {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}
            for name, p in self._parameters.items():
                if isinstance(p, UninitializedParameter):
                    p.materialize(shapes[name])
            self.reset_parameters()
        else:
            self.in_features = self.weight.shape[1]
        self.__class__ = self.cls_to_become  # type: ignore[assignment]  # as PyTorch's

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        self.initialize_parameters(x)
        return self.forward(x)  # Linear's, now that the class has changed


class _LazyNorm(_BatchNorm):
    """Shared by the lazy batch and instance norms: ``num_features`` is the size of the first
    input's channel axis; weight starts at 1, bias at 0, running mean at 0 and running variance
    at 1, as the eager layers'."""

    cls_to_become: type[_BatchNorm] = BatchNorm1d
    _spatial: int | None = None  # instance norms: axes after the channel axis (unbatched input)

    def __init__(
        self,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        Module.__init__(self)
        cls = type(self).__name__
        check_device(device, cls)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{cls}: momentum must be in [0, 1] or None, got {momentum}")
        dtype = floating_dtype(dtype, cls)
        self.num_features = 0
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        for name in ("weight", "bias"):
            self.register_parameter(name, UninitializedParameter(dtype=dtype) if affine else None)
        for name in ("running_mean", "running_var"):
            buffer = UninitializedBuffer(dtype=dtype) if track_running_stats else None
            self.register_buffer(name, buffer)
        count = autograd.Tensor(np.array(0, dtype=np.int64)) if track_running_stats else None
        self.register_buffer("num_batches_tracked", count)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or running statistic still waits for its shape."""
        entries = [*self._parameters.values(), *self._buffers.values()]
        return any(isinstance(t, UninitializedParameter | UninitializedBuffer) for t in entries)

    def initialize_parameters(self, x: autograd.Tensor) -> None:
        """num_features from the channel axis of ``x``; placeholders take shape (num_features,)
        and their initial values (those given by ``load_state_dict`` are kept)."""
        axis = 1 if self._spatial is None or x.ndim == self._spatial + 2 else 0
        if x.ndim <= axis:
            raise ValueError(f"{type(self).__name__}: input shape {x.shape} has no channel axis")
        self.num_features = x.shape[axis]
        fills = {"weight": 1.0, "bias": 0.0, "running_mean": 0.0, "running_var": 1.0}
        for name, t in [*self._parameters.items(), *self._buffers.items()]:
            if isinstance(t, UninitializedParameter | UninitializedBuffer):
                t.materialize((self.num_features,))
                t._data[...] = fills[name]
        self.__class__ = self.cls_to_become  # type: ignore[assignment]  # as PyTorch's

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        self.initialize_parameters(x)
        return self.forward(x)  # the eager layer's, now that the class has changed


class LazyBatchNorm1d(_LazyNorm):
    """``nn.BatchNorm1d`` with ``num_features`` read from the first input's axis 1."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNorm):
    """``nn.BatchNorm2d`` with ``num_features`` read from the first input's axis 1."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNorm):
    """``nn.BatchNorm3d`` with ``num_features`` read from the first input's axis 1."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNorm):
    """``nn.InstanceNorm1d`` with ``num_features`` read from the first input's channel axis.
    PyTorch's lazy instance norms default to ``affine=True`` and ``track_running_stats=True``
    (the eager ones to False), and so do these."""

    cls_to_become, _spatial = InstanceNorm1d, 1


class LazyInstanceNorm2d(_LazyNorm):
    """``nn.InstanceNorm2d`` with ``num_features`` read from the first input's channel axis
    (defaults as ``LazyInstanceNorm1d``)."""

    cls_to_become, _spatial = InstanceNorm2d, 2


class LazyInstanceNorm3d(_LazyNorm):
    """``nn.InstanceNorm3d`` with ``num_features`` read from the first input's channel axis
    (defaults as ``LazyInstanceNorm1d``)."""

    cls_to_become, _spatial = InstanceNorm3d, 3
