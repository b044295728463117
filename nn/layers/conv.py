"""``Conv1d``, ``Conv2d``, ``Conv3d``, ``ConvTranspose1d`` and ``ConvTranspose2d`` (im2col on
NumPy; see nn.functional.conv and nn.functional.volume). One base class per kind holds what
the 1-D, 2-D and 3-D layers share: PyTorch's arguments, parameter shapes, initialisation and
repr."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..functional.volume import triple
from ..functional.windows import pair, single
from ..module import Module
from ..parameter import Parameter
from .linear import reset_weight_and_bias

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _sizes(owner: str, name: str, value: Any, minimum: int, dims: int) -> tuple[int, ...]:
    """An option as a tuple of ``dims`` ints, as PyTorch stores it (``kernel_size=(3,)``)."""
    if dims == 1:
        return (single(owner, name, value, minimum),)
    if dims == 3:
        return triple(owner, name, value, minimum)
    return pair(owner, name, value, minimum)


class _ConvNd(Module):
    """What Conv1d and Conv2d share: PyTorch's arguments and attributes, a weight of shape
    (C_out, C_in / groups, *kernel_size) and a bias (C_out,), and PyTorch's default
    initialisation: weight kaiming_uniform_(a=sqrt(5)) and bias, i.e. U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) with fan_in = C_in / groups * prod(kernel_size)."""

    dims = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner, dims = type(self).__name__, self.dims
        self.in_channels = check_size(owner, "in_channels", in_channels)
        self.out_channels = check_size(owner, "out_channels", out_channels)
        self.kernel_size = _sizes(owner, "kernel_size", kernel_size, 1, dims)
        self.stride = _sizes(owner, "stride", stride, 1, dims)
        self.dilation = _sizes(owner, "dilation", dilation, 1, dims)
        self.groups = check_size(owner, "groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{owner}: groups={groups} must divide in_channels={in_channels} and "
                f"out_channels={out_channels}"
            )
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"{owner}: padding must be 'same', 'valid' or sizes, got {padding!r}"
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(
                    f"{owner}: padding='same' is not supported for strided convolutions "
                    f"(stride {self.stride}), as in PyTorch"
                )
            self.padding: Any = padding
        else:
            self.padding = _sizes(owner, "padding", padding, 0, dims)
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"{owner}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}"
            )
        self.padding_mode = padding_mode
        check_device(device, owner)
        dtype = floating_dtype(dtype, owner)
        shape = (self.out_channels, self.in_channels // groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation."""
        reset_weight_and_bias(self.weight, self.bias)

    def _edge_padding(self) -> tuple[int, ...]:
        """``F.pad``'s sizes (last axis first) for a padding_mode other than 'zeros'."""
        if self.padding == "valid":
            return (0, 0) * self.dims
        sizes: list[int] = []
        for axis in reversed(range(self.dims)):
            if self.padding == "same":  # the odd element at the end, as PyTorch
                total = self.dilation[axis] * (self.kernel_size[axis] - 1)
                sizes += [total // 2, total - total // 2]
            else:
                sizes += [self.padding[axis]] * 2
        return tuple(sizes)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        convolve = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[self.dims]
        padding = self.padding
        if self.padding_mode != "zeros":  # pad first, then convolve without padding
            x = F.pad(x, self._edge_padding(), mode=self.padding_mode)
            padding = 0
        return convolve(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation, as PyTorch) of (N, C_in, L) or (C_in, L) inputs with
    a weight of shape (C_out, C_in / groups, k) and a bias (C_out,): see ``nn.functional.conv1d``.
    ``padding`` is an int, 'valid' or 'same'; ``padding_mode`` 'zeros', 'reflect', 'replicate'
    or 'circular'. PyTorch's default initialisation; ``dtype`` defaults to float32.

    Examples:
        >>> import autograd, nn
        >>> conv = nn.Conv1d(2, 4, 3, padding="same", padding_mode="reflect")
        >>> conv
        Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, padding_mode=reflect)
        >>> conv.weight.shape, conv(autograd.zeros(8, 2, 50)).shape  # (N, C, L) in and out
        ((4, 2, 3), (8, 4, 50))
    """

    dims = 1


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation, as PyTorch) of (N, C_in, H, W) or (C_in, H, W)
    inputs with a weight of shape (C_out, C_in / groups, kh, kw), optional bias (C_out,),
    stride, padding (ints, 'valid' or 'same'), dilation, groups and ``padding_mode``.

    Default initialisation as PyTorch: weight kaiming_uniform_(a=sqrt(5)) and bias, i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in / groups * kh * kw. ``dtype`` defaults
    to float32; ``device`` must be the CPU (see ``nn.devices``).
    """

    dims = 2


class Conv3d(_ConvNd):
    """3-D convolution (cross-correlation, as PyTorch) of (N, C_in, D, H, W) or
    (C_in, D, H, W) inputs with a weight of shape (C_out, C_in / groups, kd, kh, kw) and a bias
    (C_out,): see ``nn.functional.conv3d``. Options and initialisation as ``Conv2d``."""

    dims = 3


class _ConvTransposeNd(Module):
    """What ConvTranspose1d and ConvTranspose2d share: weight (C_in, C_out / groups, *kernel)
    and bias (C_out,) in PyTorch's layout and default initialisation: kaiming_uniform_(a=sqrt(5))
    and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] * prod(kernel), as
    PyTorch computes it from the weight's shape."""

    dims = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner, dims = type(self).__name__, self.dims
        self.in_channels = check_size(owner, "in_channels", in_channels)
        self.out_channels = check_size(owner, "out_channels", out_channels)
        self.kernel_size = _sizes(owner, "kernel_size", kernel_size, 1, dims)
        self.stride = _sizes(owner, "stride", stride, 1, dims)
        self.padding = _sizes(owner, "padding", padding, 0, dims)
        self.output_padding = _sizes(owner, "output_padding", output_padding, 0, dims)
        self.dilation = _sizes(owner, "dilation", dilation, 1, dims)
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
        """The transposed convolution of ``x``. ``output_size`` (optional: the output's
        spatial sizes, or a whole shape ending in them) picks the output padding that gives that
        size, as PyTorch: a strided convolution maps several input sizes onto one output size,
        and this says which."""
        extra: Any = self.output_padding
        if output_size is not None:
            extra = self._output_padding(x, output_size)
        transpose = F.conv_transpose1d if self.dims == 1 else F.conv_transpose2d
        return transpose(
            x, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation
        )

    def _output_padding(self, x: Any, output_size: Any) -> tuple[int, ...]:
        dims = self.dims
        size = tuple(int(s) for s in output_size)[-dims:]
        smallest = [
            (x.shape[-dims + axis] - 1) * self.stride[axis]
            - 2 * self.padding[axis]
            + self.dilation[axis] * (self.kernel_size[axis] - 1)
            + 1
            for axis in range(dims)
        ]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]  # (PyTorch's range)
        if len(size) != dims or not all(
            lo <= n <= hi for lo, n, hi in zip(smallest, size, largest)
        ):
            raise ValueError(
                f"{type(self).__name__}: requested an output size of {tuple(output_size)}, but "
                f"valid sizes range from {smallest} to {largest} for an input of shape {x.shape}"
            )
        return tuple(n - m for n, m in zip(size, smallest))

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution of (N, C_in, L) or (C_in, L) inputs (see
    ``nn.functional.conv_transpose1d``): Lo = (L - 1) stride - 2 padding + dilation (k - 1) +
    output_padding + 1. Weight (C_in, C_out / groups, k), PyTorch's layout and init."""

    dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution of (N, C_in, H, W) inputs (see
    ``nn.functional.conv_transpose2d``): each input pixel scatters its kernel, weighted, onto
    an output of size Ho = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1
    (same for W). It maps a feature map back up the way a strided ``Conv2d`` maps it down
    (decoders, GAN generators).

    Weight (C_in, C_out / groups, kh, kw) and bias (C_out,), PyTorch's layout and default
    initialisation: kaiming_uniform_(a=sqrt(5)) and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
    fan_in = weight.shape[1] * kh * kw, as PyTorch computes it from the weight's shape.
    """

    dims = 2
