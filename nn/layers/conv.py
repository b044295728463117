"""``Conv2d``, ``ConvTranspose2d`` and ``MaxPool2d`` (im2col on NumPy; see nn.functional.conv)."""

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


class ConvTranspose2d(Module):
    """2-D transposed convolution of (N, C_in, H, W) inputs (see
    ``nn.functional.conv_transpose2d``): each input pixel scatters its kernel, weighted, onto
    an output of size Ho = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1
    (same for W). It maps a feature map back up the way a strided ``Conv2d`` maps it down
    (decoders, GAN generators).

    Weight (C_in, C_out / groups, kh, kw) and bias (C_out,), PyTorch's layout and default
    initialisation: kaiming_uniform_(a=sqrt(5)) and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
    fan_in = weight.shape[1] * kh * kw, as PyTorch computes it from the weight's shape.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        output_padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, int] = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner = "ConvTranspose2d"
        self.in_channels = check_size(owner, "in_channels", in_channels)
        self.out_channels = check_size(owner, "out_channels", out_channels)
        self.kernel_size = pair(owner, "kernel_size", kernel_size, 1)
        self.stride = pair(owner, "stride", stride, 1)
        self.padding = pair(owner, "padding", padding, 0)
        self.output_padding = pair(owner, "output_padding", output_padding, 0)
        self.dilation = pair(owner, "dilation", dilation, 1)
        self.groups = check_size(owner, "groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{owner}: groups={groups} must divide in_channels={in_channels} and "
                f"out_channels={out_channels}"
            )
        if padding_mode != "zeros":
            raise ValueError(f"{owner}: only padding_mode='zeros' is supported, as in PyTorch")
        self.padding_mode = padding_mode
        check_device(device, owner)
        dtype = floating_dtype(dtype, owner)
        shape = (self.in_channels, self.out_channels // groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation."""
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x: autograd.Tensor, output_size: Any = None) -> autograd.Tensor:
        """The transposed convolution of ``x``. ``output_size`` (optional, (Ho, Wo) or a whole
        shape ending in them) picks the output padding that gives that size, as PyTorch: a
        strided Conv2d maps several input sizes onto one output size, and this says which."""
        extra = self.output_padding
        if output_size is not None:
            extra = self._output_padding(x, output_size)
        return F.conv_transpose2d(
            x, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation
        )

    def _output_padding(self, x: Any, output_size: Any) -> tuple[int, int]:
        size = tuple(int(s) for s in output_size)[-2:]
        smallest = [
            (x.shape[-2 + axis] - 1) * self.stride[axis]
            - 2 * self.padding[axis]
            + self.dilation[axis] * (self.kernel_size[axis] - 1)
            + 1
            for axis in range(2)
        ]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]  # (PyTorch's range)
        if len(size) != 2 or not all(lo <= n <= hi for lo, n, hi in zip(smallest, size, largest)):
            raise ValueError(
                f"ConvTranspose2d: requested an output size of {tuple(output_size)}, but valid "
                f"sizes range from {smallest} to {largest} for an input of shape {x.shape}"
            )
        return size[0] - smallest[0], size[1] - smallest[1]

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.output_padding != (0, 0):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
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
