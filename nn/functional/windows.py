"""Sliding windows: ``im2col`` and its adjoint ``col2im``, the machinery under convolution,
pooling, ``unfold`` and ``fold``.

``im2col`` copies every kh x kw window of the (padded) input into a row, so that a convolution
becomes one matrix product with the flattened kernels (the fused ``linear`` op) and pooling
becomes a reduction over each row. Its backward, ``col2im``, adds every window's gradient back
onto the pixels it was copied from (windows overlap when stride < kernel size). Each of the two
is the other's adjoint, which makes both differentiable any number of times. The argument
checks the window functions share (``pair``, ``single``) live here too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

Pair = tuple[int, int]


def pair(fn: str, name: str, value: Any, minimum: int) -> Pair:
    pair = (value, value) if isinstance(value, int | np.integer) else value
    ok = isinstance(pair, tuple | list) and len(pair) == 2
    if not ok or not all(isinstance(v, int | np.integer) and v >= minimum for v in pair):
        raise ValueError(
            f"{fn}: {name} must be an int >= {minimum} or a pair of them, got {value!r}"
        )
    return int(pair[0]), int(pair[1])


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
        if isinstance(grad, autograd.Tensor):  # create_graph: record the adjoint as an op
            geometry = {"kernel": kernel, "stride": stride, "padding": padding}
            return Im2Col.apply(grad, dilation=dilation, **geometry)
        return _im2col(grad, kernel, stride, padding, 0.0, dilation)


def single(fn: str, name: str, value: Any, minimum: int) -> int:
    """A 1-D option given as an int or a 1-tuple (PyTorch accepts both: ``stride=(2,)``)."""
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{fn}: {name} must be an int >= {minimum} or a 1-tuple, got {value!r}")
    return int(value)
