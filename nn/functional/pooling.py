"""Average pooling over 2-D windows, fixed (``avg_pool2d``) or sized to give a chosen output
(``adaptive_avg_pool2d``), and channel dropout (``dropout2d``). Built on the windows of
``conv.Im2Col`` and recorded means, so the gradient of each output spreads evenly over its
window."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, refuse_grad
from .contiguous import permute_contiguous
from .conv import Im2Col, _out_size, pair
from .inplace import write_in_place
from .linear import dropout_mask


def avg_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> autograd.Tensor:
    """out[n, c, i, j] = mean of the kh x kw window at (i*sh, j*sw) of the input padded with
    zeros (the zeros count unless ``count_include_pad=False``); ``stride`` defaults to
    ``kernel_size``. d out / d x = 1 / (window size) for every element of the window."""
    x = as_tensor(x)
    check_floating("avg_pool2d", "input", x)
    if x.ndim != 4:
        raise ValueError(f"avg_pool2d: expects an (N, C, H, W) input, got shape {x.shape}")
    if 0 in x.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(
            f"avg_pool2d: input of shape {x.shape} is empty outside the batch axis "
            "(only N may be 0)"
        )
    if ceil_mode:
        raise NotImplementedError("avg_pool2d: ceil_mode=True is not supported")
    kernel = pair("avg_pool2d", "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else pair("avg_pool2d", "stride", stride, 1)
    padding = pair("avg_pool2d", "padding", padding, 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(
            f"avg_pool2d: padding {padding} must be at most half the kernel size {kernel}"
        )
    ho, wo = _out_size("avg_pool2d", x.shape, kernel, stride, padding)
    n, c = x.shape[0], x.shape[1]
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding, pad_value=0.0)
    sums = cols.reshape(n, ho, wo, c, kernel[0] * kernel[1]).sum(axis=-1)
    if divisor_override is not None:
        divisor: Any = divisor_override
    elif count_include_pad or padding == (0, 0):
        divisor = kernel[0] * kernel[1]
    else:  # how many real (unpadded) elements each window holds
        ones = np.ones((1, 1, *x.shape[2:]), dtype=x.dtype)
        counts = Im2Col.compute(ones, kernel=kernel, stride=stride, padding=padding, pad_value=0.0)
        divisor = np.asarray(counts).reshape(1, ho, wo, 1, -1).sum(axis=-1)
    return permute_contiguous(sums / np.asarray(divisor, dtype=x.dtype), (0, 3, 1, 2))


def adaptive_avg_pool2d(x: Any, output_size: Any) -> autograd.Tensor:
    """Average pooling into an ``output_size`` grid: output cell (i, j) is the mean of rows
    floor(i H / oh) .. ceil((i + 1) H / oh) - 1 and the same for columns (PyTorch's windows;
    ``None`` in ``output_size`` keeps that dimension)."""
    x = as_tensor(x)
    check_floating("adaptive_avg_pool2d", "input", x)
    if x.ndim != 4:
        raise ValueError(f"adaptive_avg_pool2d: expects an (N, C, H, W) input, got {x.shape}")
    height, width = x.shape[2:]
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
    oh, ow = oh or height, ow or width
    if (oh, ow) == (1, 1):  # the global average (as PyTorch: NaN for an image without pixels)
        return x.mean(axis=(2, 3), keepdims=True)
    if not height or not width:  # as PyTorch: N and C may be 0, the image may not
        raise ValueError(f"adaptive_avg_pool2d: input of shape {x.shape} has no pixels")
    if height % oh == 0 and width % ow == 0:  # equal windows: one strided pooling
        return avg_pool2d(x, (height // oh, width // ow))
    rows = []
    for i in range(oh):
        top, bottom = (i * height) // oh, math.ceil((i + 1) * height / oh)
        cells = []
        for j in range(ow):
            left, right = (j * width) // ow, math.ceil((j + 1) * width / ow)
            cells.append(x[:, :, top:bottom, left:right].mean(axis=(2, 3)))
        rows.append(autograd.stack(cells, axis=-1))
    return autograd.stack(rows, axis=-2)


def dropout2d(
    x: Any, p: float = 0.5, training: bool = True, inplace: bool = False
) -> autograd.Tensor:
    """Channel dropout: in training, each channel of each sample (a whole (H, W) map) is zeroed
    with probability ``p`` and the rest scaled by 1 / (1 - p); in evaluation, y = x.
    ``inplace=True`` writes y into x's memory and returns x (see nn/functional/inplace.py)."""
    if inplace and training and p != 0.0:
        return write_in_place(as_tensor(x), lambda old: dropout2d(old, p), "dropout2d_")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: p must be between 0 and 1, got {p}")
    refuse_grad("dropout2d", "p", p)  # the mask is a draw: no derivative with respect to p
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expects (N, C, H, W) or (C, H, W), got shape {x.shape}")
    shape = x.shape[:-2] + (1, 1)
    return x * dropout_mask(shape, p, x.dtype)
