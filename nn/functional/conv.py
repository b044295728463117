"""2-D convolution and max pooling by im2col.

``im2col`` copies every kh x kw window of the (padded) input into a row, so that a convolution
becomes one matrix product with the flattened kernels (the fused ``linear`` op) and max pooling
becomes a max over each row. Its backward, ``col2im``, adds every window's gradient back onto
the pixels it was copied from (windows overlap when stride < kernel size). Each of the two is
the other's adjoint, which makes both differentiable any number of times.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating
from .contiguous import permute_contiguous
from .linear import linear

Pair = tuple[int, int]


def pair(fn: str, name: str, value: Any, minimum: int) -> Pair:
    pair = (value, value) if isinstance(value, int | np.integer) else value
    ok = isinstance(pair, tuple | list) and len(pair) == 2
    if not ok or not all(isinstance(v, int | np.integer) and v >= minimum for v in pair):
        raise ValueError(
            f"{fn}: {name} must be an int >= {minimum} or a pair of them, got {value!r}"
        )
    return int(pair[0]), int(pair[1])


def _out_size(fn: str, shape: tuple, kernel: Pair, stride: Pair, padding: Pair) -> Pair:
    if len(shape) != 4:
        raise ValueError(f"{fn}: input must be (N, C, H, W), got shape {shape}")
    sizes = []
    for axis, (k, s, p) in enumerate(zip(kernel, stride, padding, strict=True)):
        padded = shape[2 + axis] + 2 * p
        if padded < k:
            raise ValueError(
                f"{fn}: kernel {kernel} is larger than the padded input {shape[2:]} "
                f"(padding {padding})"
            )
        sizes.append((padded - k) // s + 1)
    return sizes[0], sizes[1]


def _im2col(
    x: np.ndarray,
    kernel: Pair,
    stride: Pair,
    padding: Pair,
    value: float,
    dilation: Pair = (1, 1),
) -> np.ndarray:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)  # a dilated window's extent
    windows = np.lib.stride_tricks.sliding_window_view(x, span, axis=(2, 3))[:, :, ::sh, ::sw]
    if dh > 1 or dw > 1:
        windows = windows[..., ::dh, ::dw]
    return np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5))  # (N, Ho, Wo, C, kh, kw)


def _col2im(
    cols: np.ndarray,
    shape: tuple,
    kernel: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair = (1, 1),
) -> Any:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    n, c, h, w = shape
    ho, wo = cols.shape[1], cols.shape[2]
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    windows = cols.transpose(0, 3, 1, 2, 4, 5)  # (N, C, Ho, Wo, kh, kw)
    for i in range(kh):
        for j in range(kw):
            top, left = i * dh, j * dw
            out[:, :, top : top + sh * ho : sh, left : left + sw * wo : sw] += windows[..., i, j]
    return out[:, :, ph : ph + h, pw : pw + w]


class Im2Col(autograd.Function):
    """(N, C, H, W) -> (N, Ho, Wo, C, kh, kw): every window of the input padded with
    ``pad_value`` (window elements ``dilation`` apart). Backward: col2im (window gradients
    summed back onto their pixels)."""

    name = "im2col"
    implementation_detail = True  # drawings may hide it (draw_graph hide_implementation=)

    @staticmethod
    def forward(
        ctx: Any,
        x: np.ndarray,
        kernel: Pair,
        stride: Pair,
        padding: Pair,
        pad_value: float = 0.0,
        dilation: Pair = (1, 1),
    ) -> np.ndarray:
        ctx.geometry = (x.shape, kernel, stride, padding, dilation)
        return _im2col(x, kernel, stride, padding, pad_value, dilation)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        shape, kernel, stride, padding, dilation = ctx.geometry
        if isinstance(grad, autograd.Tensor):  # create_graph: record the adjoint as an op
            return Col2Im.apply(
                grad,
                shape=shape,
                kernel=kernel,
                stride=stride,
                padding=padding,
                dilation=dilation,
            )
        return _col2im(grad, shape, kernel, stride, padding, dilation)


class Col2Im(autograd.Function):
    """The adjoint of ``Im2Col``: every window's values added back onto the pixels it covers
    (the backward of im2col, and the scattering step of a transposed convolution)."""

    name = "col2im"

    @staticmethod
    def forward(
        ctx: Any,
        cols: np.ndarray,
        shape: tuple,
        kernel: Pair,
        stride: Pair,
        padding: Pair,
        dilation: Pair = (1, 1),
    ) -> np.ndarray:
        ctx.geometry = (kernel, stride, padding, dilation)
        return np.ascontiguousarray(_col2im(cols, shape, kernel, stride, padding, dilation))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        kernel, stride, padding, dilation = ctx.geometry
        return Im2Col.apply(grad, kernel=kernel, stride=stride, padding=padding, dilation=dilation)


class WindowMax(autograd.Function):
    """y = max over the last axis. The gradient goes to the first maximal element only (as
    PyTorch's max pooling; the engine's ``max`` would split it between ties)."""

    name = "window_max"

    @staticmethod
    def forward(ctx: Any, cols: np.ndarray) -> np.ndarray:
        first = cols.argmax(axis=-1)[..., None]
        ctx.save_for_backward((np.arange(cols.shape[-1]) == first).astype(cols.dtype))
        return np.take_along_axis(cols, first, axis=-1)[..., 0]

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return grad[..., None] * mask


def conv2d(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0
) -> autograd.Tensor:
    """2-D cross-correlation (PyTorch's conv2d): for input (N, C, H, W) and weight
    (O, C, kh, kw), out[n, o, i, j] = b[o] + sum_{c,u,v} w[o, c, u, v] *
    x_pad[n, c, i*sh + u, j*sw + v], with Ho = (H + 2 ph - kh) // sh + 1 (same for W)."""
    x, weight = as_tensor(x), as_tensor(weight)
    check_floating("conv2d", "input", x)
    stride = pair("conv2d", "stride", stride, 1)
    padding = pair("conv2d", "padding", padding, 0)
    if weight.ndim != 4 or x.ndim != 4 or weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"conv2d: input shape {x.shape} does not fit weight shape {weight.shape} "
            "(need input (N, C, H, W) and weight (O, C, kh, kw) with the same C)"
        )
    if x.shape[0] and x.shape[1] and 0 in x.shape[2:]:  # (PyTorch allows N or C of 0 only)
        raise ValueError(
            f"conv2d: input of shape {x.shape} has no pixels: only the batch and channel axes "
            "may be 0"
        )
    kernel = (weight.shape[2], weight.shape[3])
    ho, wo = _out_size("conv2d", x.shape, kernel, stride, padding)
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding)
    n, out_channels = x.shape[0], weight.shape[0]
    # Sizes written out, not -1: NumPy cannot infer -1 when another axis is 0 (an empty batch).
    patch = weight.shape[1] * kernel[0] * kernel[1]
    rows = cols.reshape(n * ho * wo, patch)
    out = linear(rows, weight.reshape(out_channels, patch), bias)
    return permute_contiguous(out.reshape(n, ho, wo, out_channels), (0, 3, 1, 2))


def max_pool2d(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> autograd.Tensor:
    """out[n, c, i, j] = max of the kh x kw window at (i*sh, j*sw) of the input padded with
    -inf; ``stride`` defaults to ``kernel_size``. The gradient flows to the maximum."""
    x = as_tensor(x)
    check_floating("max_pool2d", "input", x)
    kernel = pair("max_pool2d", "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else pair("max_pool2d", "stride", stride, 1)
    padding = pair("max_pool2d", "padding", padding, 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(
            f"max_pool2d: padding {padding} must be at most half the kernel size {kernel}"
        )
    if x.ndim == 4 and 0 in x.shape[1:]:  # (an empty batch is fine, as in PyTorch)
        raise ValueError(
            f"max_pool2d: input of shape {x.shape} has no values to pool: only the batch axis "
            "may be 0"
        )
    ho, wo = _out_size("max_pool2d", x.shape, kernel, stride, padding)
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding, pad_value=-np.inf)
    n, c = x.shape[0], x.shape[1]
    pooled = WindowMax.apply(cols.reshape(n, ho, wo, c, kernel[0] * kernel[1]))
    return permute_contiguous(pooled, (0, 3, 1, 2))


def conv_transpose2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> autograd.Tensor:
    """2-D transposed convolution (PyTorch's conv_transpose2d), the adjoint of ``conv2d``: every
    input pixel scatters its weighted kernel onto the output. For input (N, C_in, H, W) and
    weight (C_in, C_out / groups, kh, kw), with o in the group of c,

        out[n, o, i*sh + u*dh - ph, j*sw + v*dw - pw] += x[n, c, i, j] * w[c, o', u, v]

    plus b[o], where Ho = (H - 1) sh - 2 ph + dh (kh - 1) + output_padding_h + 1 (same for W).
    ``output_padding`` (< stride or dilation) adds rows and columns at the bottom and right:
    it picks one of the input sizes a strided conv2d maps onto the same output size.

    Composed of recorded ops: one matrix product gives every input pixel's weighted kernel
    (N, H, W, C_out, kh, kw), and ``Col2Im`` adds those windows onto the output, exactly as
    conv2d's backward adds the gradients of its windows onto the input. Gradients follow: the
    product's, and col2im's adjoint, which is im2col (conv2d's own forward step)."""
    fn = "conv_transpose2d"
    x, weight = as_tensor(x), as_tensor(weight)
    check_floating(fn, "input", x)
    stride = pair(fn, "stride", stride, 1)
    padding = pair(fn, "padding", padding, 0)
    dilation = pair(fn, "dilation", dilation, 1)
    extra = pair(fn, "output_padding", output_padding, 0)
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape(1, *x.shape)
    if isinstance(groups, bool) or not isinstance(groups, int | np.integer) or groups < 1:
        raise ValueError(f"{fn}: groups must be an int >= 1, got {groups!r}")
    if weight.ndim != 4 or x.ndim != 4 or weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} (need input "
            "(N, C_in, H, W) or (C_in, H, W) and weight (C_in, C_out / groups, kh, kw))"
        )
    c_in, per_group, kh, kw = weight.shape
    if c_in % groups:
        raise ValueError(f"{fn}: groups={groups} does not divide the {c_in} input channels")
    for axis in range(2):
        if extra[axis] >= max(stride[axis], dilation[axis]):
            raise ValueError(
                f"{fn}: output_padding {extra} must be smaller than the stride {stride} or the "
                f"dilation {dilation}"
            )
    n, _, h, w = x.shape
    size = [
        (length - 1) * s - 2 * p + d * (k - 1) + e + 1
        for length, s, p, d, k, e in zip((h, w), stride, padding, dilation, (kh, kw), extra)
    ]
    if min(size) < 1 or 0 in (h, w):
        raise ValueError(
            f"{fn}: input of shape {x.shape} with kernel {(kh, kw)}, stride {stride}, padding "
            f"{padding} and dilation {dilation} gives an empty output ({size[0]} x {size[1]})"
        )
    c_out = per_group * groups
    patch = per_group * kh * kw
    rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, c_in)  # one row per input pixel
    if groups == 1:
        windows = rows @ weight.reshape(c_in, patch)
    else:  # a product per group: (groups, N*H*W, C_in/g) @ (groups, C_in/g, patch)
        grouped = rows.reshape(n * h * w, groups, c_in // groups).transpose(1, 0, 2)
        windows = (grouped @ weight.reshape(groups, c_in // groups, patch)).transpose(1, 0, 2)
    cols = windows.reshape(n, h, w, c_out, kh, kw)
    out = Col2Im.apply(
        cols,
        shape=(n, c_out, size[0], size[1]),
        kernel=(kh, kw),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    if bias is not None:
        bias = as_tensor(bias)
        if bias.shape != (c_out,):
            raise ValueError(f"{fn}: bias shape {bias.shape} does not fit {c_out} output channels")
        out = out + bias.reshape(1, c_out, 1, 1)
    return out.reshape(*out.shape[1:]) if unbatched else out
