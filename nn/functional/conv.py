"""Convolutions: conv1d, conv2d and their transposes, built on the sliding windows of
``windows.Im2Col`` (a convolution is one matrix product of every window with the flattened
kernels) and ``windows.Col2Im`` (a transposed convolution scatters each input pixel's weighted
kernel back onto the output). The 1-D functions run the 2-D ones on images of height 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating
from .contiguous import permute_contiguous
from .linear import linear
from .windows import Col2Im, Im2Col, Pair, pair, single


def check_groups(fn: str, groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int | np.integer) or groups < 1:
        raise ValueError(f"{fn}: groups must be an int >= 1, got {groups!r}")
    return int(groups)


def same_padding(kernel: Pair, dilation: Pair) -> tuple[Pair, Pair]:
    """padding='same' (stride 1): each axis is padded by d (k - 1) in all, half on each side
    and the odd one at the end, as PyTorch does. Returns (both sides, extra at the end)."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    return (totals[0] // 2, totals[1] // 2), (totals[0] % 2, totals[1] % 2)


def _resolve_padding(
    fn: str, padding: Any, kernel: Pair, stride: Pair, dilation: Pair
) -> tuple[Pair, Pair]:
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(
                f"{fn}: padding='same' is not supported for strided convolutions "
                f"(stride {stride}), as in PyTorch"
            )
        return same_padding(kernel, dilation)
    if isinstance(padding, str):
        raise ValueError(f"{fn}: padding must be 'same', 'valid' or sizes, got {padding!r}")
    return pair(fn, "padding", padding, 0), (0, 0)


def _convolve(
    fn: str,
    x: autograd.Tensor,
    weight: autograd.Tensor,
    bias: Any,
    stride: Pair,
    padding: Any,
    dilation: Pair,
    groups: int,
    shown: tuple[tuple, tuple],
) -> autograd.Tensor:
    """The convolution of a 4-D ``x`` with a 4-D ``weight`` (conv1d passes height 1): im2col,
    then one matrix product per group. ``shown`` are the shapes the caller's error messages
    name (the user's own, not the 4-D ones)."""
    x_shape, w_shape = shown
    n, channels = x.shape[0], x.shape[1]
    out_channels, per_group = weight.shape[0], weight.shape[1]
    if per_group * groups != channels or out_channels % groups:
        raise ValueError(
            f"{fn}: input shape {x_shape} does not fit weight shape {w_shape} with "
            f"groups={groups} (need C_in = weight.shape[1] * groups and groups dividing "
            "weight.shape[0])"
        )
    if n and channels and 0 in x.shape[2:]:  # (PyTorch allows N or C of 0 only)
        raise ValueError(
            f"{fn}: input of shape {x_shape} has no pixels: only the batch and channel axes "
            "may be 0"
        )
    kernel = (weight.shape[2], weight.shape[3])
    padding, extra = _resolve_padding(fn, padding, kernel, stride, dilation)
    if extra != (0, 0):  # 'same' with an even dilated kernel: the odd pixel goes at the end
        x = autograd.pad(x, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
    sizes = []
    for axis in range(2):
        span = dilation[axis] * (kernel[axis] - 1) + 1
        padded = x.shape[2 + axis] + 2 * padding[axis]
        if padded < span:
            raise ValueError(
                f"{fn}: kernel {tuple(w_shape[2:])} is larger than the padded input "
                f"{tuple(x_shape[2 - len(w_shape) :])} (padding {padding}, dilation {dilation}: "
                f"a window spans {span}, the padded input is {padded} long)"
            )
        sizes.append((padded - span) // stride[axis] + 1)
    ho, wo = sizes
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    # Sizes written out, not -1: NumPy cannot infer -1 when another axis is 0 (an empty batch).
    patch = per_group * kernel[0] * kernel[1]
    if groups == 1:
        rows = cols.reshape(n * ho * wo, patch)
        out = linear(rows, weight.reshape(out_channels, patch), bias)
    else:  # a product per group: (groups, N*Ho*Wo, patch) @ (groups, patch, O / groups)
        rows = cols.reshape(n * ho * wo, groups, patch).transpose(1, 0, 2)
        kernels = weight.reshape(groups, out_channels // groups, patch).transpose(0, 2, 1)
        out = (rows @ kernels).transpose(1, 0, 2).reshape(n * ho * wo, out_channels)
        if bias is not None:
            bias = as_tensor(bias)
            if bias.shape != (out_channels,):
                raise ValueError(
                    f"{fn}: bias shape {bias.shape} does not fit {out_channels} output channels"
                )
            out = out + bias
    return permute_contiguous(out.reshape(n, ho, wo, out_channels), (0, 3, 1, 2))


def conv2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> autograd.Tensor:
    """2-D cross-correlation (PyTorch's conv2d): for input (N, C, H, W) or (C, H, W) and weight
    (O, C / groups, kh, kw), output channel o (in group g) is

        out[n, o, i, j] = b[o] + sum_{c in g, u, v} w[o, c, u, v] x_pad[n, c, i sh + u dh,
                                                                         j sw + v dw]

    with Ho = (H + 2 ph - dh (kh - 1) - 1) // sh + 1 (same for W). ``padding`` is an int, a
    pair, 'valid' (no padding) or 'same' (stride 1; output size = input size, the odd pixel of
    padding at the end)."""
    fn = "conv2d"
    x, weight = as_tensor(x), as_tensor(weight)
    check_floating(fn, "input", x)
    if weight.ndim != 4 or x.ndim not in (3, 4):
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} "
            "(need input (N, C, H, W) or (C, H, W) and weight (O, C / groups, kh, kw))"
        )
    shown = (x.shape, weight.shape)
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape(1, *x.shape)
    out = _convolve(
        fn,
        x,
        weight,
        bias,
        pair(fn, "stride", stride, 1),
        padding,
        pair(fn, "dilation", dilation, 1),
        check_groups(fn, groups),
        shown,
    )
    return out.reshape(*out.shape[1:]) if unbatched else out


def conv1d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> autograd.Tensor:
    """1-D cross-correlation (PyTorch's conv1d): for input (N, C, L) or (C, L) and weight
    (O, C / groups, k), output channel o (in group g) is

        out[n, o, i] = b[o] + sum_{c in g, u} w[o, c, u] x_pad[n, c, i s + u d]

    with Lo = (L + 2 p - d (k - 1) - 1) // s + 1; ``padding`` may be 'valid' or 'same' as in
    ``conv2d``. Computed as ``conv2d`` on images of height 1 (the same im2col and gradients).

    Examples:
        >>> import autograd, nn.functional as F
        >>> x = autograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])  # (N, C, L)
        >>> F.conv1d(x, autograd.tensor([[[1.0, -1.0]]])).tolist()  # x[i] - x[i + 1]
        [[[-2.0, 1.0, -3.0, 1.0]]]
        >>> F.conv1d(x, autograd.ones(1, 1, 3), padding="same").tolist()  # sums of 3
        [[[4.0, 6.0, 10.0, 11.0, 9.0]]]
    """
    fn = "conv1d"
    x, weight = as_tensor(x), as_tensor(weight)
    check_floating(fn, "input", x)
    if weight.ndim != 3 or x.ndim not in (2, 3):
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} "
            "(need input (N, C, L) or (C, L) and weight (O, C / groups, k))"
        )
    shown = (x.shape, weight.shape)
    unbatched = x.ndim == 2
    n, channels, length = (1, *x.shape) if unbatched else x.shape
    if not isinstance(padding, str):
        padding = (0, single(fn, "padding", padding, 0))
    out = _convolve(
        fn,
        x.reshape(n, channels, 1, length),
        weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2]),
        bias,
        (1, single(fn, "stride", stride, 1)),
        padding,
        (1, single(fn, "dilation", dilation, 1)),
        check_groups(fn, groups),
        shown,
    )
    n_out, c_out, _, l_out = out.shape
    return out.reshape(c_out, l_out) if unbatched else out.reshape(n_out, c_out, l_out)


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
    if weight.ndim != 4 or x.ndim not in (3, 4):
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} (need input "
            "(N, C_in, H, W) or (C_in, H, W) and weight (C_in, C_out / groups, kh, kw))"
        )
    shown = (x.shape, weight.shape)
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape(1, *x.shape)
    out = _transposed(
        fn,
        x,
        weight,
        bias,
        pair(fn, "stride", stride, 1),
        pair(fn, "padding", padding, 0),
        pair(fn, "output_padding", output_padding, 0),
        check_groups(fn, groups),
        pair(fn, "dilation", dilation, 1),
        shown,
    )
    return out.reshape(*out.shape[1:]) if unbatched else out


def conv_transpose1d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> autograd.Tensor:
    """1-D transposed convolution (PyTorch's conv_transpose1d), the adjoint of ``conv1d``: for
    input (N, C_in, L) or (C_in, L) and weight (C_in, C_out / groups, k), with o in the group
    of c, out[n, o, i s + u d - p] += x[n, c, i] w[c, o', u], plus b[o];
    Lo = (L - 1) s - 2 p + d (k - 1) + output_padding + 1. Computed as ``conv_transpose2d`` on
    images of height 1."""
    fn = "conv_transpose1d"
    x, weight = as_tensor(x), as_tensor(weight)
    check_floating(fn, "input", x)
    if weight.ndim != 3 or x.ndim not in (2, 3):
        raise ValueError(
            f"{fn}: input shape {x.shape} does not fit weight shape {weight.shape} (need input "
            "(N, C_in, L) or (C_in, L) and weight (C_in, C_out / groups, k))"
        )
    shown = (x.shape, weight.shape)
    unbatched = x.ndim == 2
    n, channels, length = (1, *x.shape) if unbatched else x.shape
    out = _transposed(
        fn,
        x.reshape(n, channels, 1, length),
        weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2]),
        bias,
        (1, single(fn, "stride", stride, 1)),
        (0, single(fn, "padding", padding, 0)),
        (0, single(fn, "output_padding", output_padding, 0)),
        check_groups(fn, groups),
        (1, single(fn, "dilation", dilation, 1)),
        shown,
    )
    n_out, c_out, _, l_out = out.shape
    return out.reshape(c_out, l_out) if unbatched else out.reshape(n_out, c_out, l_out)


def _transposed(
    fn: str,
    x: autograd.Tensor,
    weight: autograd.Tensor,
    bias: Any,
    stride: Pair,
    padding: Pair,
    extra: Pair,
    groups: int,
    dilation: Pair,
    shown: tuple[tuple, tuple],
) -> autograd.Tensor:
    """The transposed convolution of a 4-D ``x`` and weight (see ``conv_transpose2d``)."""
    if weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"{fn}: input shape {shown[0]} does not fit weight shape {shown[1]} (the input's "
            "channels must equal weight.shape[0])"
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
            f"{fn}: input of shape {shown[0]} with weight shape {shown[1]}, stride {stride}, "
            f"padding {padding} and dilation {dilation} gives an empty output "
            f"({size[0]} x {size[1]})"
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
    return out
