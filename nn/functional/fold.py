"""PyTorch's ``unfold`` and ``fold``: im2col and col2im themselves, in PyTorch's layout.

``unfold`` copies every sliding block of an (N, C, H, W) input into a column of an
(N, C * kh * kw, L) result, L being the number of blocks; a convolution is then
``weight.reshape(O, -1) @ unfold(x)``. ``fold`` is its adjoint: it adds every column back
onto the block it came from (overlapping blocks sum), so ``fold(unfold(x))`` is x times the
number of blocks covering each pixel. Both are ``windows.Im2Col`` / ``windows.Col2Im`` with the axes
reordered, and differentiable any number of times."""

from __future__ import annotations

from typing import Any

import autograd

from .checks import as_tensor
from .contiguous import permute_contiguous
from .windows import Col2Im, Im2Col, Pair, pair


def _options(fn: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple:
    return (
        pair(fn, "kernel_size", kernel_size, 1),
        pair(fn, "dilation", dilation, 1),
        pair(fn, "padding", padding, 0),
        pair(fn, "stride", stride, 1),
    )


def _blocks(
    fn: str, size: tuple, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair
) -> Pair:
    """How many blocks fit along each axis: (size + 2p - d (k - 1) - 1) // s + 1."""
    room = [size[a] + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1 for a in range(2)]
    blocks = (room[0] // stride[0] + 1, room[1] // stride[1] + 1)
    if min(room) < 0:
        raise ValueError(
            f"{fn}: no block fits: spatial size {tuple(size)} with kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, stride={stride} gives "
            f"{max(blocks[0], 0)} x {max(blocks[1], 0)} blocks"
        )
    return blocks


def unfold(
    x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> autograd.Tensor:
    """The sliding blocks of an (N, C, H, W) or (C, H, W) input as columns:
    out[n, (c, u, v), l] = x_pad[n, c, i sh + u dh, j sw + v dw] for block l = i Wo + j, shape
    (N, C * kh * kw, Ho * Wo) with Ho = (H + 2 ph - dh (kh - 1) - 1) // sh + 1 (same for W).

    Examples:
        >>> import autograd, nn.functional as F
        >>> image = autograd.arange(9.0).reshape(1, 1, 3, 3)
        >>> blocks = F.unfold(image, 2)  # four 2 x 2 blocks, one per column
        >>> blocks.shape, blocks[0, :, 0].tolist()
        ((1, 4, 4), [0.0, 1.0, 3.0, 4.0])
    """
    fn = "unfold"
    x = as_tensor(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"unfold: expects an (N, C, H, W) or (C, H, W) input, got {x.shape}")
    kernel, dilation, padding, stride = _options(fn, kernel_size, dilation, padding, stride)
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape(1, *x.shape)
    n, c = x.shape[0], x.shape[1]
    if 0 in x.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(f"unfold: input of shape {x.shape} is empty outside the batch axis")
    ho, wo = _blocks(fn, x.shape[2:], kernel, dilation, padding, stride)
    cols = Im2Col.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    rows = cols.reshape(n, ho * wo, c * kernel[0] * kernel[1])
    out = permute_contiguous(rows, (0, 2, 1))
    return out.reshape(*out.shape[1:]) if unbatched else out


def fold(
    x: Any,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> autograd.Tensor:
    """The adjoint of ``unfold``: columns (N, C * kh * kw, L) or (C * kh * kw, L) added back
    onto their blocks of an (N, C, *output_size) result, out[n, c, i sh + u dh - ph,
    j sw + v dw - pw] += x[n, (c, u, v), i Wo + j]; L must be the number of blocks that fit.

    Examples:
        >>> import autograd, nn.functional as F
        >>> image = autograd.arange(9.0).reshape(1, 1, 3, 3)
        >>> F.fold(F.unfold(image, 2), (3, 3), 2)[0, 0].tolist()  # x times its block count
        [[0.0, 2.0, 2.0], [6.0, 16.0, 10.0], [6.0, 14.0, 8.0]]
    """
    fn = "fold"
    x = as_tensor(x)
    if x.ndim not in (2, 3):
        raise ValueError(
            f"fold: expects an (N, C * kh * kw, L) or (C * kh * kw, L) input, got {x.shape}"
        )
    size = pair(fn, "output_size", output_size, 1)
    kernel, dilation, padding, stride = _options(fn, kernel_size, dilation, padding, stride)
    unbatched = x.ndim == 2
    if unbatched:
        x = x.reshape(1, *x.shape)
    n, rows, length = x.shape
    patch = kernel[0] * kernel[1]
    ho, wo = _blocks(fn, size, kernel, dilation, padding, stride)
    if rows % patch or length != ho * wo:
        raise ValueError(
            f"fold: input of shape {tuple(x.shape)} does not fit output_size={size}, "
            f"kernel_size={kernel}, dilation={dilation}, padding={padding}, stride={stride}: "
            f"need C * {patch} rows and {ho} x {wo} = {ho * wo} blocks (the last axis)"
        )
    c = rows // patch
    cols = permute_contiguous(x, (0, 2, 1)).reshape(n, ho, wo, c, kernel[0], kernel[1])
    out = Col2Im.apply(
        cols, shape=(n, c, *size), kernel=kernel, stride=stride, padding=padding, dilation=dilation
    )
    return out.reshape(*out.shape[1:]) if unbatched else out
