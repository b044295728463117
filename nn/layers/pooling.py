"""Average-pooling layers and channel dropout (the functions are in nn/functional/pooling.py)."""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..module import Module


class AvgPool2d(Module):
    """Mean over kh x kw windows of (N, C, H, W) inputs (``stride`` defaults to the kernel
    size; zero padding counts unless ``count_include_pad=False``)."""

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

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed ``output_size`` grid, whatever the input's H and W (the head
    of ResNet-style networks: ``AdaptiveAvgPool2d((1, 1))``)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


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
