"""Volumes (N, C, D, H, W): ``conv3d``, ``max_pool3d``, ``avg_pool3d`` and
``adaptive_avg_pool3d``, built from the 2-D and 1-D ones.

A 3-D convolution is a sum over the kernel's depth of 2-D convolutions: each depth slice of the
input is convolved with every depth slice of the kernel in one ``conv2d`` (the kd kernel slices
stacked as output channels), and output depth i adds up the products of input slice
i sd + u dd with kernel slice u. A 3-D maximum is a maximum over depth of 2-D maxima, so
``max_pool3d`` is ``max_pool2d`` on every slice, then ``max_pool1d`` along depth; the first
maximum in (d, h, w) order takes the gradient, as in PyTorch. Both are recorded compositions:
their gradients are those of the parts."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating
from .contiguous import permute_contiguous
from .conv import check_groups, conv2d
from .pooling import (
    _adaptive_size,
    _avg_pool,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    max_pool1d,
    max_pool2d,
)

Triple = tuple[int, int, int]


def triple(fn: str, name: str, value: Any, minimum: int) -> Triple:
    """A 3-D option given as an int or three ints."""
    sizes = (value,) * 3 if isinstance(value, int | np.integer) else value
    ok = isinstance(sizes, tuple | list) and len(sizes) == 3
    if not ok or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= minimum for v in sizes
    ):
        raise ValueError(
            f"{fn}: {name} must be an int >= {minimum} or three of them, got {value!r}"
        )
    return int(sizes[0]), int(sizes[1]), int(sizes[2])


def _batched(fn: str, x: Any) -> tuple[autograd.Tensor, bool]:
    x = as_tensor(x)
    check_floating(fn, "input", x)
    if x.ndim not in (4, 5):
        raise ValueError(f"{fn}: expects an (N, C, D, H, W) or (C, D, H, W) input, got {x.shape}")
    return (x.reshape(1, *x.shape), True) if x.ndim == 4 else (x, False)


def conv3d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> autograd.Tensor:
    """3-D cross-correlation (PyTorch's conv3d): for input (N, C, D, H, W) or (C, D, H, W)
    and weight (O, C / groups, kd, kh, kw), output channel o (in group g) is

        out[n, o, i, j, k] = b[o] + sum_{c in g, u, v, t} w[o, c, u, v, t]
                             x_pad[n, c, i sd + u dd, j sh + v dh, k sw + t dw]

    with Do = (D + 2 pd - dd (kd - 1) - 1) // sd + 1 (same for H and W); ``padding`` may be
    'valid' or 'same' as in ``conv2d``."""
    fn = "conv3d"
    weight = as_tensor(weight)
    x, unbatched = _batched(fn, x)
    if weight.ndim != 5:
        raise ValueError(
            f"{fn}: weight of shape {weight.shape} does not fit input {x.shape} (need weight "
            "(O, C / groups, kd, kh, kw))"
        )
    groups = check_groups(fn, groups)
    stride, dilation = triple(fn, "stride", stride, 1), triple(fn, "dilation", dilation, 1)
    n, channels, depth, height, width = x.shape
    out_channels, per_group, kd, kh, kw = weight.shape
    if per_group * groups != channels or out_channels % groups:
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} with "
            f"groups={groups} (need C_in = weight.shape[1] * groups)"
        )
    kernel = (kd, kh, kw)
    if padding == "valid":
        sides = [(0, 0)] * 3
    elif padding == "same":
        if stride != (1, 1, 1):
            raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        sides = [(t // 2, t - t // 2) for t in totals]  # the odd element at the end
    elif isinstance(padding, str):
        raise ValueError(f"{fn}: padding must be 'same', 'valid' or sizes, got {padding!r}")
    else:
        sides = [(p, p) for p in triple(fn, "padding", padding, 0)]
    # Depth padding (and any odd 'same' element) is applied here; conv2d pads H and W.
    extra = [(sides[0][0], sides[0][1])] + [(0, r - left) for left, r in sides[1:]]
    if any(a or b for a, b in extra):
        x = autograd.pad(x, ((0, 0), (0, 0), *extra))
    depth = x.shape[2]
    out_depth = (depth - dilation[0] * (kd - 1) - 1) // stride[0] + 1
    if out_depth < 1:
        raise ValueError(
            f"{fn}: kernel {kernel} (dilation {dilation}) is larger than the padded input depth "
            f"{depth}"
        )
    slices = x.transpose(0, 2, 1, 3, 4).reshape(n * depth, channels, x.shape[3], x.shape[4])
    stacked = weight.transpose(0, 2, 1, 3, 4).reshape(out_channels * kd, per_group, kh, kw)
    planes = conv2d(
        slices,
        stacked,
        stride=stride[1:],
        padding=(sides[1][0], sides[2][0]),
        dilation=dilation[1:],
        groups=groups,
    )
    ho, wo = planes.shape[2:]
    planes = planes.reshape(n, depth, out_channels, kd, ho, wo)
    which = np.arange(out_depth)[:, None] * stride[0] + np.arange(kd) * dilation[0]
    # planes[:, which[i, u], :, u] summed over u: (Do, kd, N, O, Ho, Wo) -> (N, O, Do, Ho, Wo)
    out = permute_contiguous(planes[:, which, :, np.arange(kd)].sum(axis=1), (1, 2, 0, 3, 4))
    if bias is not None:
        bias = as_tensor(bias)
        if bias.shape != (out_channels,):
            raise ValueError(f"{fn}: bias shape {bias.shape} does not fit {out_channels} channels")
        out = out + bias.reshape(1, out_channels, 1, 1, 1)
    return out.reshape(*out.shape[1:]) if unbatched else out


def max_pool3d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """out[n, c, i, j, k] = max of the kd x kh x kw window at (i sd, j sh, k sw) of the input
    padded with -inf (elements ``dilation`` apart; ``stride`` defaults to ``kernel_size``;
    ``ceil_mode`` as in ``max_pool2d``). The gradient flows to each window's first maximum in
    (d, h, w) order; ``return_indices=True`` also returns its flat index into D x H x W."""
    fn = "max_pool3d"
    x, unbatched = _batched(fn, x)
    kernel = triple(fn, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None or stride == () else triple(fn, "stride", stride, 1)
    padding = triple(fn, "padding", padding, 0)
    dilation = triple(fn, "dilation", dilation, 1)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{fn}: padding {padding} must be at most half the kernel size {kernel}")
    if 0 in x.shape[1:]:
        raise ValueError(
            f"{fn}: input of shape {x.shape} has no values to pool: only the batch axis may be 0"
        )
    n, c, d, h, w = x.shape
    planes = max_pool2d(
        x.reshape(n, c * d, h, w),
        kernel[1:],
        stride[1:],
        padding[1:],
        dilation[1:],
        ceil_mode,
        return_indices,
    )
    planes, where = planes if return_indices else (planes, None)
    ho, wo = planes.shape[2:]
    columns = permute_contiguous(planes.reshape(n, c, d, ho, wo), (0, 1, 3, 4, 2))
    columns = columns.reshape(n, c * ho * wo, d)
    pooled = max_pool1d(
        columns, kernel[0], stride[0], padding[0], dilation[0], ceil_mode, return_indices
    )
    pooled, depth_at = pooled if return_indices else (pooled, None)
    do = pooled.shape[2]
    out = permute_contiguous(pooled.reshape(n, c, ho, wo, do), (0, 1, 4, 2, 3))
    if not return_indices:
        return out.reshape(*out.shape[1:]) if unbatched else out
    assert where is not None and depth_at is not None  # return_indices: both were returned
    chosen = depth_at.numpy().reshape(n, c, ho, wo, do).transpose(0, 1, 4, 2, 3)
    in_plane = np.take_along_axis(where.numpy().reshape(n, c, d, ho, wo), chosen, axis=2)
    indices = autograd.Tensor(np.ascontiguousarray(chosen * (h * w) + in_plane))
    if unbatched:
        return out.reshape(*out.shape[1:]), indices.reshape(*indices.shape[1:])
    return out, indices


def avg_pool3d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> autograd.Tensor:
    """out[n, c, i, j, k] = mean of the kd x kh x kw window at (i sd, j sh, k sw) of the input
    padded with zeros (which count unless ``count_include_pad=False``; ``divisor_override``
    replaces the count); ``stride`` defaults to ``kernel_size``. The mean of a box is the mean
    over depth of the 2-D means, and PyTorch's count is the product of the per-axis counts, so
    this is ``avg_pool2d`` per slice, then ``avg_pool1d`` along depth."""
    fn = "avg_pool3d"
    x, unbatched = _batched(fn, x)
    kernel = triple(fn, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None or stride == () else triple(fn, "stride", stride, 1)
    padding = triple(fn, "padding", padding, 0)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{fn}: padding {padding} must be at most half the kernel size {kernel}")
    if 0 in x.shape[1:]:
        raise ValueError(f"{fn}: input of shape {x.shape} is empty outside the batch axis")
    if divisor_override is not None and (
        isinstance(divisor_override, bool)
        or not isinstance(divisor_override, int | np.integer)
        or divisor_override == 0
    ):
        raise ValueError(f"{fn}: divisor_override must be a non-zero int, got {divisor_override!r}")
    sums = divisor_override is not None  # then pool sums (divisor 1) and divide at the end
    n, c, d, h, w = x.shape
    planes = _avg_pool(
        "avg_pool3d", x.reshape(n, c * d, h, w), 2, kernel[1:], stride[1:], padding[1:],
        ceil_mode, count_include_pad, 1 if sums else None,
    )  # fmt: skip
    ho, wo = planes.shape[2:]
    columns = permute_contiguous(planes.reshape(n, c, d, ho, wo), (0, 1, 3, 4, 2))
    pooled = _avg_pool(
        "avg_pool3d", columns.reshape(n, c * ho * wo, d), 1, kernel[0], stride[0], padding[0],
        ceil_mode, count_include_pad, 1 if sums else None,
    )  # fmt: skip
    do = pooled.shape[2]
    out = permute_contiguous(pooled.reshape(n, c, ho, wo, do), (0, 1, 4, 2, 3))
    if sums:
        out = out / np.asarray(divisor_override, dtype=x.dtype)
    return out.reshape(*out.shape[1:]) if unbatched else out


def adaptive_avg_pool3d(x: Any, output_size: Any) -> autograd.Tensor:
    """Average pooling into an ``output_size`` grid of cells (od, oh, ow): cell (i, j, k) is the
    mean of PyTorch's adaptive windows floor(i D / od) .. ceil((i + 1) D / od) - 1 (same for H
    and W; ``None`` keeps that axis). ``adaptive_avg_pool2d`` per slice, then
    ``adaptive_avg_pool1d`` along depth (a box's mean is the mean of its slices' means)."""
    fn = "adaptive_avg_pool3d"
    x, unbatched = _batched(fn, x)
    n, c, d, h, w = x.shape
    sizes = _adaptive_size(fn, output_size, (d, h, w), 3)
    planes = adaptive_avg_pool2d(x.reshape(n, c * d, h, w), sizes[1:])
    ho, wo = planes.shape[2:]
    columns = permute_contiguous(planes.reshape(n, c, d, ho, wo), (0, 1, 3, 4, 2))
    pooled = adaptive_avg_pool1d(columns.reshape(n, c * ho * wo, d), sizes[0])
    out = permute_contiguous(pooled.reshape(n, c, ho, wo, sizes[0]), (0, 1, 4, 2, 3))
    return out.reshape(*out.shape[1:]) if unbatched else out
