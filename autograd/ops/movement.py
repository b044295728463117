"""Ops that move elements around without arithmetic: reshape, transpose, broadcast, index, join.

Their backward moves the gradient back the same way: reshape it back, transpose by the inverse
permutation, scatter it into the indexed positions, or slice it apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, _NullContext
from ..tensor import Tensor


class Reshape(Function):
    """y = x viewed with a new shape;  dL/dx = dL/dy reshaped to x's shape."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        try:
            out = x.reshape(shape)
        except ValueError:
            raise ValueError(f"cannot reshape an array of shape {x.shape} into {shape}") from None
        ctx.in_shape = x.shape
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.reshape(ctx.in_shape)


class Transpose(Function):
    """y = x with its axes permuted;  dL/dx = dL/dy permuted back by the inverse permutation."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axes: tuple[int, ...] | None = None) -> np.ndarray:
        if axes is None:  # reversed axes (``.T``): the permutation is its own inverse
            ctx.inverse = None
            return x.transpose()
        ndim = x.ndim
        given = axes
        axes = tuple(a + ndim if -ndim <= a < 0 else a for a in axes)
        if sorted(axes) != list(range(ndim)):
            raise ValueError(f"axes {given} are not a permutation of the {ndim} axes")
        # Inverse permutation in plain Python: np.argsort costs microseconds on tiny inputs.
        inverse = [0] * ndim
        for position, axis in enumerate(axes):
            inverse[axis] = position
        ctx.inverse = tuple(inverse)
        return x.transpose(axes)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.transpose() if ctx.inverse is None else grad.transpose(ctx.inverse)


class BroadcastTo(Function):
    """y = x repeated along broadcast axes;  dL/dx = dL/dy summed over the copies (the engine
    does that summing for every op, so backward only passes the gradient on)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"cannot broadcast shape {x.shape} to {shape}") from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


class Astype(Function):
    """y = x converted to ``dtype``;  dL/dx = dL/dy converted back to x's dtype."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, dtype: Any = None) -> np.ndarray:
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.astype(ctx.in_dtype)


def has_integer_array(index: Any) -> bool:
    """True if ``index`` selects with an integer array, so positions may repeat."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, np.ndarray) and p.dtype.kind in "iu" for p in parts)


class GetItem(Function):
    """y = x[index] (ints, slices, None, Ellipsis, integer arrays, boolean masks);
    dL/dx = zeros with dL/dy added at the indexed positions (repeated positions accumulate)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, index: Any = ()) -> np.ndarray:
        try:
            out = x[index]
        except IndexError as error:
            raise ValueError(f"index {index!r} does not fit shape {x.shape}: {error}") from None
        ctx.in_shape, ctx.index = x.shape, index
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return scatter_add(grad, ctx.index, ctx.in_shape)


class ScatterAdd(Function):
    """y = zeros(shape) with x added at ``index``;  dL/dx = (dL/dy)[index].  (GetItem's
    backward, kept as an op so that indexing can be differentiated twice.)"""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, index: Any = (), shape: tuple[int, ...] = ()) -> Any:
        out = np.zeros(shape, dtype=x.dtype)
        if has_integer_array(index):
            np.add.at(out, index, x)  # repeated positions must add up, not overwrite
        else:
            out[index] = x
        ctx.index = index
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad[ctx.index]


def scatter_add(grad: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """ScatterAdd on a Tensor (recorded) or directly on an ndarray (plain backward)."""
    if isinstance(grad, Tensor):
        return ScatterAdd.apply(grad, index=index, shape=shape)
    return ScatterAdd.forward(_NullContext(), grad, index=index, shape=shape)


class Concatenate(Function):
    """y = the inputs joined along ``axis``;  dL/dx_k = the slice of dL/dy that x_k filled."""

    @staticmethod
    def forward(ctx: Any, *arrays: np.ndarray, axis: int = 0) -> np.ndarray:
        out = np.concatenate(arrays, axis=axis)
        ctx.axis = axis % out.ndim
        ctx.bounds = np.cumsum([0] + [a.shape[ctx.axis] for a in arrays]).tolist()
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        before = (slice(None),) * ctx.axis
        bounds = ctx.bounds
        return tuple(
            grad[(*before, slice(start, stop))] if need else None
            for start, stop, need in zip(bounds, bounds[1:], ctx.needs_input_grad)
        )
