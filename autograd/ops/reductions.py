"""Reductions over ``axis`` (None, an int or a tuple) with NumPy's ``keepdims``.

A reduction's backward first puts the reduced axes back (size 1) and then spreads the gradient
over the input's shape: every input element that fed an output element receives its gradient.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function

Axis = int | tuple[int, ...] | None


_ALL_AXES = [tuple(range(n)) for n in range(8)]


def normalize_axis(axis: Axis, ndim: int, op: str) -> tuple[int, ...]:
    """Turn ``axis`` into a sorted tuple of non-negative axes, with an error naming ``op``."""
    if axis is None:
        return _ALL_AXES[ndim] if ndim < len(_ALL_AXES) else tuple(range(ndim))
    if type(axis) is int and -ndim <= axis < ndim:  # the usual case, without the loop below
        return (axis + ndim if axis < 0 else axis,)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of bounds for an array of {ndim} dimensions")
        normalized.append(int(a) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(normalized))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape of a reduction over ``axes`` with ``keepdims=True``."""
    if len(axes) == len(shape):  # a full reduction, the usual loss.sum() / loss.mean()
        return (1,) * len(shape)
    return tuple(1 if i in axes else size for i, size in enumerate(shape))


def spread(grad: Any, shape: tuple[int, ...]) -> Any:
    """Broadcast a keepdims-shaped gradient to ``shape``.

    On plain arrays a filled new array is several times cheaper than np.broadcast_to (a Python
    function) and is writeable, so the engine can hand it to a leaf without copying; Tensors go
    through np.broadcast_to to stay recorded.
    """
    if type(grad) is np.ndarray:
        out = np.empty(shape, dtype=grad.dtype)
        out[...] = grad
        return out
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """y = sum of x over ``axis``;  dy/dx_i = 1 for every element i that was summed."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "sum")
        ctx.in_shape, ctx.kept = x.shape, kept_shape(x.shape, axes)
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return spread(grad.reshape(ctx.kept), ctx.in_shape)


class Mean(Function):
    """y = (1/n) sum of x over ``axis``;  dy/dx_i = 1/n."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "mean")
        ctx.in_shape, ctx.kept = x.shape, kept_shape(x.shape, axes)
        ctx.count = math.prod([x.shape[a] for a in axes])
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4:
            # The same arithmetic as x.mean() (sum in x's dtype, then divide), without its
            # Python wrapper, which costs more than the sum itself on small arrays.
            return x.sum(axis=axes, keepdims=keepdims) / ctx.count
        return x.mean(axis=axes, keepdims=keepdims)  # integers (float64 result), float16

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return spread(grad.reshape(ctx.kept) / ctx.count, ctx.in_shape)


class _Extreme(Function):
    """Shared max/min: the gradient goes to the extreme elements, split evenly between ties."""

    pick: Any = None

    @classmethod
    def _forward(cls, ctx: Any, x: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
        if x.size == 0:
            raise ValueError(f"{cls.name}: the array is empty")
        axes = normalize_axis(axis, x.ndim, cls.name)
        out = cls.pick(x, axis=axes, keepdims=True)
        if ctx.needs_input_grad:  # recorded: work out who shares the gradient
            hits = (x == out).astype(x.dtype)
            ctx.save_for_backward(hits / hits.sum(axis=axes, keepdims=True))
            ctx.kept = out.shape
        return out if keepdims else out.squeeze(axis=axes)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (share,) = ctx.saved_tensors
        return grad.reshape(ctx.kept) * share


class Max(_Extreme):
    """y = max of x over ``axis``;  dy/dx_i = 1/k for the k elements equal to the max, else 0."""

    pick = np.ndarray.max  # the method, not np.max: same result without a Python wrapper

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        return Max._forward(ctx, x, axis, keepdims)


class Min(_Extreme):
    """y = min of x over ``axis``;  dy/dx_i = 1/k for the k elements equal to the min, else 0."""

    pick = np.ndarray.min

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        return Min._forward(ctx, x, axis, keepdims)


class LogSumExp(Function):
    """y = log(sum(e^x)) over ``axis``, computed as m + log(sum(e^(x - m))) with m = max x;
    dy/dx_i = e^(x_i - y) (the softmax)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "logsumexp")
        shift = x.max(axis=axes, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)  # all -inf (or inf) rows: no shift
        with np.errstate(divide="ignore"):
            out = np.log(np.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        ctx.kept = out.shape
        if not keepdims:
            out = out.reshape([s for i, s in enumerate(x.shape) if i not in axes])
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        return grad.reshape(ctx.kept) * np.exp(x - out.reshape(ctx.kept))
