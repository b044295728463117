"""``Conv2d`` and ``MaxPool2d`` (im2col on NumPy; see ``nn.functional.conv``)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..functional.conv import pair
from ..module import Module
from ..parameter import Parameter
from .linear import reset_weight_and_bias


class Conv2d(Module):
    """2-D convolution (cross-correlation, as PyTorch) of (N, C_in, H, W) inputs with a
    weight of shape (C_out, C_in, kh, kw), optional bias (C_out,), stride and zero padding.

    Default initialisation as PyTorch: weight kaiming_uniform_(a=sqrt(5)) and bias, i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in * kh * kw. ``dtype`` defaults to
    float32; ``device`` must be the CPU (see ``nn.devices``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_channels = check_size("Conv2d", "in_channels", in_channels)
        self.out_channels = check_size("Conv2d", "out_channels", out_channels)
        self.kernel_size = pair("Conv2d", "kernel_size", kernel_size, 1)
        self.stride = pair("Conv2d", "stride", stride, 1)
        self.padding = pair("Conv2d", "padding", padding, 0)
        check_device(device, "Conv2d")
        dtype = floating_dtype(dtype, "Conv2d")
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation."""
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    """Max over kh x kw windows of (N, C, H, W) inputs (``stride`` defaults to the kernel
    size, padding counts as -inf); the gradient goes to each window's first maximum."""

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
