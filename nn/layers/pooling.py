"""Pooling layers and channel dropout (the functions are in nn/functional/pooling.py). The
attributes and reprs are PyTorch's, so a printed model reads the same in both libraries."""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..functional.windows import single
from ..module import Module


class _MaxPoolNd(Module):
    dims = 2

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: autograd.Tensor) -> Any:
        pool = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[self.dims]
        return pool(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Max over windows of ``kernel_size`` of (N, C, L) or (C, L) inputs (``stride`` defaults
    to the kernel size, padding counts as -inf); the gradient goes to each window's first
    maximum; ``return_indices=True`` also returns the maxima's positions."""

    dims = 1


class MaxPool2d(_MaxPoolNd):
    """Max over kh x kw windows of (N, C, H, W) or (C, H, W) inputs (``stride`` defaults to
    the kernel size, padding counts as -inf); the gradient goes to each window's first
    maximum; ``return_indices=True`` also returns the maxima's flat positions in H x W."""

    dims = 2


class MaxPool3d(_MaxPoolNd):
    """Max over kd x kh x kw windows of (N, C, D, H, W) or (C, D, H, W) inputs (``stride``
    defaults to the kernel size, padding counts as -inf); the gradient goes to each window's
    first maximum; ``return_indices=True`` also returns the maxima's flat positions in
    D x H x W."""

    dims = 3


class AvgPool1d(Module):
    """Mean over windows of ``kernel_size`` of (N, C, L) or (C, L) inputs (``stride``
    defaults to the kernel size; zero padding counts unless ``count_include_pad=False``).
    Options are stored as 1-tuples, as PyTorch does."""

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = (single("AvgPool1d", "kernel_size", kernel_size, 1),)
        self.stride = (
            self.kernel_size
            if stride is None or stride == ()
            else (single("AvgPool1d", "stride", stride, 1),)
        )
        self.padding = (single("AvgPool1d", "padding", padding, 0),)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.avg_pool1d(
            x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    """What AvgPool2d and AvgPool3d share: PyTorch's options, attributes and repr."""

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def _options(self) -> tuple:
        return (
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Mean over kh x kw windows of (N, C, H, W) or (C, H, W) inputs (``stride`` defaults to
    the kernel size; zero padding counts unless ``count_include_pad=False``)."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.avg_pool2d(x, *self._options())


class AvgPool3d(_AvgPoolNd):
    """Mean over kd x kh x kw windows of (N, C, D, H, W) or (C, D, H, W) inputs (``stride``
    defaults to the kernel size; zero padding counts unless ``count_include_pad=False``)."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.avg_pool3d(x, *self._options())


class _AdaptivePoolNd(Module):
    """What the adaptive pooling layers share: ``output_size`` (and ``return_indices`` for max
    pooling), PyTorch's attribute names and repr."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Average pooling of (N, C, L) or (C, L) inputs into ``output_size`` cells, whatever L."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Average pooling to a fixed ``output_size`` grid, whatever the input's H and W (the head
    of ResNet-style networks: ``AdaptiveAvgPool2d((1, 1))``)."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) inputs to a fixed ``output_size``
    grid, whatever D, H and W."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.adaptive_avg_pool3d(x, self.output_size)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, L) or (C, L) inputs into ``output_size`` cells, whatever L
    (``return_indices=True`` also returns the maxima's positions)."""

    def forward(self, x: autograd.Tensor) -> Any:
        return F.adaptive_max_pool1d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed ``output_size`` grid, whatever the input's H and W
    (``return_indices=True`` also returns the maxima's flat positions in H x W)."""

    def forward(self, x: autograd.Tensor) -> Any:
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class Dropout2d(Module):
    """Channel dropout in training (whole feature maps zeroed with probability ``p``, the rest
    scaled by 1 / (1 - p)); the identity in evaluation."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = p
        self.inplace = inplace  # PyTorch's: write the result into the input's memory

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.dropout2d(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}" + (", inplace=True" if self.inplace else "")
