"""Pooling over 1-D and 2-D windows: max and average, fixed (``max_pool2d``, ``avg_pool1d``) or
sized to give a chosen output (``adaptive_max_pool2d``, ``adaptive_avg_pool1d``), and channel
dropout (``dropout2d``). Built on the windows of ``windows.Im2Col`` (and indexing, for adaptive
max pooling's uneven windows) with recorded reductions: an average spreads its gradient evenly
over the window, a maximum sends it to the window's first maximal element, as PyTorch. The 1-D
functions run the 2-D ones on images of height 1."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, refuse_grad
from .contiguous import permute_contiguous
from .inplace import write_in_place
from .linear import dropout_mask
from .windows import Im2Col, _im2col, pair, single

Pair = tuple[int, int]


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


def _batched(fn: str, x: Any, dims: int) -> tuple[autograd.Tensor, bool]:
    """``x`` as (N, C, *spatial) with ``dims`` spatial axes; an unbatched (C, *spatial) input
    gets a batch axis of 1 (the second result says so)."""
    x = as_tensor(x)
    check_floating(fn, "input", x)
    if x.ndim not in (dims + 1, dims + 2):
        spatial = "L" if dims == 1 else "H, W"
        raise ValueError(
            f"{fn}: expects an (N, C, {spatial}) or (C, {spatial}) input, got shape {x.shape}"
        )
    if x.ndim == dims + 1:
        return x.reshape(1, *x.shape), True
    return x, False


def _image(x: autograd.Tensor) -> autograd.Tensor:
    """(N, C, L) -> (N, C, 1, L): a 1-D signal as an image of height 1."""
    return x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])


def _unbatch(out: Any, unbatched: bool, dims: int) -> Any:
    """Undo ``_batched`` and the height-1 image of a 1-D pooling."""
    if dims == 1:
        out = out.reshape(out.shape[0], out.shape[1], out.shape[3])
    return out.reshape(*out.shape[1:]) if unbatched else out


def _window_options(fn: str, dims: int, kernel_size: Any, stride: Any, padding: Any) -> tuple:
    """kernel, stride (default: the kernel) and padding as pairs; a 1-D option becomes (1, k),
    (1, s), (0, p)."""
    if dims == 1:
        kernel = (1, single(fn, "kernel_size", kernel_size, 1))
        stride = kernel if stride is None or stride == () else (1, single(fn, "stride", stride, 1))
        padding = (0, single(fn, "padding", padding, 0))
    else:
        kernel = pair(fn, "kernel_size", kernel_size, 1)
        stride = kernel if stride is None or stride == () else pair(fn, "stride", stride, 1)
        padding = pair(fn, "padding", padding, 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        shown = (padding[1], kernel[1]) if dims == 1 else (padding, kernel)
        raise ValueError(
            f"{fn}: padding {shown[0]} must be at most half the kernel size {shown[1]}"
        )
    return kernel, stride, padding


def _output_length(
    fn: str, length: int, k: int, s: int, p: int, d: int, ceil_mode: bool
) -> tuple[int, int]:
    """PyTorch's pooling output length along one axis, and the padding the last window needs
    past the end (ceil_mode's partial window): Lo = floor or ceil((L + 2p - d (k - 1) - 1) / s)
    + 1, less one if ceil_mode's last window would start in the right padding."""
    span = d * (k - 1) + 1
    room = length + 2 * p - span
    if room < 0:
        raise ValueError(
            f"{fn}: the window spans {span} but the padded input is {length + 2 * p} long "
            f"(length {length}, padding {p})"
        )
    out = (-(-room // s) if ceil_mode else room // s) + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    return out, max(0, (out - 1) * s + span - (length + 2 * p))


def _check_values(fn: str, x: autograd.Tensor, shown: tuple) -> None:
    if 0 in x.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(
            f"{fn}: input of shape {shown} has no values to pool: only the batch axis may be 0"
        )


def _max_pool(
    fn: str,
    x: Any,
    dims: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    return_indices: bool,
) -> Any:
    x, unbatched = _batched(fn, x, dims)
    shown = x.shape[1:] if unbatched else x.shape
    kernel, stride, padding = _window_options(fn, dims, kernel_size, stride, padding)
    dilation = (
        (1, single(fn, "dilation", dilation, 1)) if dims == 1 else pair(fn, "dilation", dilation, 1)
    )
    _check_values(fn, x, shown)
    n, c, h, w = (x := _image(x) if dims == 1 else x).shape
    (ho, eh), (wo, ew) = (
        _output_length(fn, x.shape[2 + a], kernel[a], stride[a], padding[a], dilation[a], ceil_mode)
        for a in range(2)
    )
    if eh or ew:  # ceil_mode: -inf past the end completes the last, partial window
        x = autograd.pad(x, ((0, 0), (0, 0), (0, eh), (0, ew)), constant_values=-np.inf)
    geometry = {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    cols = Im2Col.apply(x, pad_value=-np.inf, **geometry)
    windows = cols.reshape(n, ho, wo, c, kernel[0] * kernel[1])
    pooled = _unbatch(permute_contiguous(WindowMax.apply(windows), (0, 3, 1, 2)), unbatched, dims)
    if not return_indices:
        return pooled
    # Where each maximum came from, as a flat index into the input's H x W (or L) positions.
    places = np.arange(h * w).reshape(1, 1, h, w)
    places = np.pad(places, ((0, 0), (0, 0), (0, eh), (0, ew)), constant_values=-1)
    where = _im2col(places, value=-1, **geometry).reshape(1, ho, wo, 1, -1)
    first = windows.numpy().argmax(axis=-1)[..., None]
    found = np.take_along_axis(np.broadcast_to(where, windows.shape), first, axis=-1)[..., 0]
    indices = autograd.Tensor(np.ascontiguousarray(found.transpose(0, 3, 1, 2)))
    return pooled, _unbatch(indices, unbatched, dims)


def max_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """out[n, c, i, j] = max of the kh x kw window at (i sh, j sw) of the input padded with
    -inf (window elements ``dilation`` apart); ``stride`` defaults to ``kernel_size``;
    Ho = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1 (ceil with ``ceil_mode``, same for W).
    The gradient flows to each window's first maximum. ``return_indices=True`` also returns
    where each maximum is, as a flat index into the input's H x W. Input (N, C, H, W) or
    (C, H, W)."""
    return _max_pool(
        "max_pool2d", x, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """out[n, c, i] = max of x_pad[n, c, i s + u d] over u < k, for input (N, C, L) or (C, L)
    padded with -inf; ``stride`` defaults to ``kernel_size``; Lo = floor((L + 2p - d (k - 1) -
    1) / s) + 1 (ceil with ``ceil_mode``). The gradient flows to each window's first maximum;
    ``return_indices=True`` also returns each maximum's position along L.

    Examples:
        >>> import autograd, nn.functional as F
        >>> x = autograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
        >>> out, where = F.max_pool1d(x, 2, ceil_mode=True, return_indices=True)
        >>> out.tolist(), where.tolist()  # windows [1, 3], [2, 5], [4]
        ([[[3.0, 5.0, 4.0]]], [[[1, 3, 4]]])
    """
    return _max_pool(
        "max_pool1d", x, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _avg_pool(
    fn: str,
    x: Any,
    dims: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> autograd.Tensor:
    x, unbatched = _batched(fn, x, dims)
    shown = x.shape[1:] if unbatched else x.shape
    if 0 in x.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(
            f"{fn}: input of shape {shown} is empty outside the batch axis (only N may be 0)"
        )
    kernel, stride, padding = _window_options(fn, dims, kernel_size, stride, padding)
    if divisor_override is not None and (
        isinstance(divisor_override, bool)
        or not isinstance(divisor_override, int | np.integer)
        or divisor_override == 0
    ):
        raise ValueError(f"{fn}: divisor_override must be a non-zero int, got {divisor_override!r}")
    n, c, h, w = (x := _image(x) if dims == 1 else x).shape
    (ho, eh), (wo, ew) = (
        _output_length(fn, x.shape[2 + a], kernel[a], stride[a], padding[a], 1, ceil_mode)
        for a in range(2)
    )
    if eh or ew:  # ceil_mode: the partial last window; its missing part does not count
        x = autograd.pad(x, ((0, 0), (0, 0), (0, eh), (0, ew)))
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding, pad_value=0.0)
    sums = cols.reshape(n, ho, wo, c, kernel[0] * kernel[1]).sum(axis=-1)
    if divisor_override is not None:
        divisor: Any = divisor_override
    elif (count_include_pad or padding == (0, 0)) and not (eh or ew):
        divisor = kernel[0] * kernel[1]
    else:  # PyTorch's count: the window within the padded input, or within the input itself
        counts = []
        for axis, (size, outs) in enumerate(zip((h, w), (ho, wo))):
            k, s, p = kernel[axis], stride[axis], padding[axis]
            start = np.arange(outs) * s - p
            end = np.minimum(start + k, size + p)
            if not count_include_pad:
                start, end = np.maximum(start, 0), np.minimum(end, size)
            counts.append(end - start)
        divisor = (counts[0][:, None] * counts[1][None, :]).reshape(1, ho, wo, 1)
    out = permute_contiguous(sums / np.asarray(divisor, dtype=x.dtype), (0, 3, 1, 2))
    return _unbatch(out, unbatched, dims)


def avg_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> autograd.Tensor:
    """out[n, c, i, j] = mean of the kh x kw window at (i sh, j sw) of the input padded with
    zeros (the zeros count unless ``count_include_pad=False``; ``divisor_override`` replaces the
    count); ``stride`` defaults to ``kernel_size``; ``ceil_mode`` keeps a last partial window
    (its part past the padding does not count). d out / d x = 1 / divisor for every element of
    the window. Input (N, C, H, W) or (C, H, W)."""
    return _avg_pool(
        "avg_pool2d",
        x,
        2,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> autograd.Tensor:
    """out[n, c, i] = mean of x_pad[n, c, i s : i s + k] for input (N, C, L) or (C, L) padded
    with zeros (which count unless ``count_include_pad=False``); ``stride`` defaults to
    ``kernel_size``; ``ceil_mode`` as in ``avg_pool2d``."""
    return _avg_pool(
        "avg_pool1d", x, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


def adaptive_windows(length: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive windows along one axis: window i covers floor(i L / out) ..
    ceil((i + 1) L / out) - 1. Returns their starts and ends (exclusive)."""
    i = np.arange(out)
    return (i * length) // out, -((-(i + 1) * length) // out)


def _adaptive_size(fn: str, output_size: Any, spatial: tuple, dims: int) -> tuple[int, ...]:
    sizes = (output_size,) * dims if not isinstance(output_size, tuple | list) else output_size
    if len(sizes) != dims or not all(
        s is None or (isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 0)
        for s in sizes
    ):
        raise ValueError(
            f"{fn}: output_size must be {'an int' if dims == 1 else 'an int or a pair'} of sizes "
            f">= 0 (None keeps that axis), got {output_size!r}"
        )
    return tuple(int(length if s is None else s) for s, length in zip(sizes, spatial))


def adaptive_avg_pool2d(x: Any, output_size: Any) -> autograd.Tensor:
    """Average pooling into an ``output_size`` grid: output cell (i, j) is the mean of rows
    floor(i H / oh) .. ceil((i + 1) H / oh) - 1 and the same for columns (PyTorch's windows;
    ``None`` in ``output_size`` keeps that dimension). Input (N, C, H, W) or (C, H, W)."""
    fn = "adaptive_avg_pool2d"
    x, unbatched = _batched(fn, x, 2)
    out = _adaptive_avg(fn, x, _adaptive_size(fn, output_size, x.shape[2:], 2), x.shape)
    return _unbatch(out, unbatched, 2)


def adaptive_avg_pool1d(x: Any, output_size: Any) -> autograd.Tensor:
    """Average pooling into ``output_size`` cells: cell i of input (N, C, L) or (C, L) is the
    mean of positions floor(i L / out) .. ceil((i + 1) L / out) - 1 (PyTorch's windows).

    Examples:
        >>> import autograd, nn.functional as F
        >>> x = autograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]], dtype=autograd.float64)
        >>> F.adaptive_avg_pool1d(x, 2).tolist()  # windows [0, 3) and [2, 5): they overlap
        [[[2.0, 3.6666666666666665]]]
    """
    fn = "adaptive_avg_pool1d"
    x, unbatched = _batched(fn, x, 1)
    (size,) = _adaptive_size(fn, output_size, x.shape[2:], 1)
    out = _adaptive_avg(fn, _image(x), (1, size), x.shape)
    return _unbatch(out, unbatched, 1)


def _adaptive_avg(fn: str, x: autograd.Tensor, size: tuple, shown: tuple) -> autograd.Tensor:
    height, width = x.shape[2:]
    oh, ow = size
    if (oh, ow) == (1, 1):  # the global average (as PyTorch: NaN for an image without pixels)
        return x.mean(axis=(2, 3), keepdims=True)
    if not height or not width or not oh or not ow:  # as PyTorch: N and C may be 0, not the rest
        raise ValueError(f"{fn}: input of shape {shown} has no pixels, or output_size is 0")
    if height % oh == 0 and width % ow == 0 and x.shape[1]:  # equal windows: one pooling
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


def _adaptive_max(fn: str, x: Any, dims: int, output_size: Any, return_indices: bool) -> Any:
    x, unbatched = _batched(fn, x, dims)
    shown = x.shape[1:] if unbatched else x.shape
    size = _adaptive_size(fn, output_size, x.shape[2:], dims)
    if dims == 1:
        x, size = _image(x), (1, size[0])
    n, c, h, w = x.shape
    if not h or not w or 0 in size:  # as PyTorch: N and C may be 0, not the rest
        raise ValueError(f"{fn}: input of shape {shown} has no pixels, or output_size is 0")
    # Every window's positions, its last one repeated to the widest window's length: the
    # repeats cannot change the maximum, nor which element is its first occurrence.
    axes = []
    for length, out in zip((h, w), size):
        start, end = adaptive_windows(length, out)
        span = np.arange(int((end - start).max()))
        axes.append(np.minimum(start[:, None] + span, end[:, None] - 1))
    rows, cols = axes[0][:, None, :, None], axes[1][None, :, None, :]
    windows = x[:, :, rows, cols]  # (N, C, oh, ow, kh, kw)
    flat = windows.reshape(n, c, size[0], size[1], rows.shape[2] * cols.shape[3])
    pooled = _unbatch(WindowMax.apply(flat), unbatched, dims)
    if not return_indices:
        return pooled
    first = flat.numpy().argmax(axis=-1)[..., None]
    where = np.broadcast_to((rows * w + cols).reshape(1, 1, *size, -1), flat.shape)
    indices = autograd.Tensor(np.take_along_axis(where, first, axis=-1)[..., 0])
    return pooled, _unbatch(indices, unbatched, dims)


def adaptive_max_pool2d(x: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling into an ``output_size`` grid: cell (i, j) is the max over rows
    floor(i H / oh) .. ceil((i + 1) H / oh) - 1 and the same for columns (PyTorch's windows;
    ``None`` keeps that dimension). The gradient flows to each window's first maximum;
    ``return_indices=True`` also returns where it is, a flat index into H x W."""
    return _adaptive_max("adaptive_max_pool2d", x, 2, output_size, return_indices)


def adaptive_max_pool1d(x: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling into ``output_size`` cells: cell i of input (N, C, L) or (C, L) is the max of
    positions floor(i L / out) .. ceil((i + 1) L / out) - 1; ``return_indices=True`` also
    returns each maximum's position along L."""
    return _adaptive_max("adaptive_max_pool1d", x, 1, output_size, return_indices)


def dropout2d(
    x: Any, p: float = 0.5, training: bool = True, inplace: bool = False
) -> autograd.Tensor:
    """Channel dropout: in training, each channel of each sample (a whole (H, W) map) is zeroed
    with probability ``p`` and the rest scaled by 1 / (1 - p); in evaluation, y = x. A 3-D
    input is (N, C, L), as in PyTorch 2 (with its warning), not one unbatched image.
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
        raise ValueError(f"dropout2d: expects (N, C, H, W) or (N, C, L), got shape {x.shape}")
    if x.ndim == 3:  # PyTorch 2 reads a 3-D input as a batch of sequences, and warns
        warnings.warn(
            "dropout2d: a 3-D input is read as (N, C, L), as PyTorch does: each channel of each "
            "sample is zeroed as a whole; use dropout1d to say so, or add a batch axis for one "
            "(C, H, W) image",
            UserWarning,
            stacklevel=2,
        )
        return x * dropout_mask(x.shape[:-1] + (1,), p, x.dtype)
    return x * dropout_mask(x.shape[:-2] + (1, 1), p, x.dtype)
