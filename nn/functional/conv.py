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


def _im2col(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, value: float) -> np.ndarray:
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5))  # (N, Ho, Wo, C, kh, kw)


def _col2im(cols: np.ndarray, shape: tuple, kernel: Pair, stride: Pair, padding: Pair) -> Any:
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    n, c, h, w = shape
    ho, wo = cols.shape[1], cols.shape[2]
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    windows = cols.transpose(0, 3, 1, 2, 4, 5)  # (N, C, Ho, Wo, kh, kw)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] += windows[..., i, j]
    return out[:, :, ph : ph + h, pw : pw + w]


class Im2Col(autograd.Function):
    """(N, C, H, W) -> (N, Ho, Wo, C, kh, kw): every window of the input padded with
    ``pad_value``. Backward: col2im (window gradients summed back onto their pixels)."""

    name = "im2col"
    implementation_detail = True  # drawings may hide it (draw_graph hide_implementation=)

    @staticmethod
    def forward(
        ctx: Any, x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, pad_value: float = 0.0
    ) -> np.ndarray:
        ctx.geometry = (x.shape, kernel, stride, padding)
        return _im2col(x, kernel, stride, padding, pad_value)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        shape, kernel, stride, padding = ctx.geometry
        if isinstance(grad, autograd.Tensor):  # create_graph: record the adjoint as an op
            return Col2Im.apply(grad, shape=shape, kernel=kernel, stride=stride, padding=padding)
        return _col2im(grad, shape, kernel, stride, padding)


class Col2Im(autograd.Function):
    """The adjoint of ``Im2Col`` (used when differentiating its backward)."""

    name = "col2im"

    @staticmethod
    def forward(
        ctx: Any, cols: np.ndarray, shape: tuple, kernel: Pair, stride: Pair, padding: Pair
    ) -> np.ndarray:
        ctx.geometry = (kernel, stride, padding)
        return np.ascontiguousarray(_col2im(cols, shape, kernel, stride, padding))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        kernel, stride, padding = ctx.geometry
        return Im2Col.apply(grad, kernel=kernel, stride=stride, padding=padding)


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
    return out.reshape(n, ho, wo, out_channels).transpose(0, 3, 1, 2)


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
    return pooled.transpose(0, 3, 1, 2)
