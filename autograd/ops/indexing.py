"""Indexing: ``x[index]`` and its backward, adding a gradient into indexed positions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .shape import moveaxis


def plain_index(index: Any) -> Any:
    """An index with Tensors and lists inside it turned into ndarrays (lists of bools into
    masks), as NumPy indexing expects."""
    if isinstance(index, tuple):
        return tuple(plain_index(part) for part in index)
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, list):
        array = np.asarray(index)
        # An empty list selects nothing (NumPy and PyTorch agree); np.asarray makes it float64,
        # which NumPy refuses as an index.
        return array.astype(np.intp) if array.size == 0 and array.dtype.kind == "f" else array
    return index


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
        if type(out) is not np.ndarray:  # one element: NumPy's scalar is a copy, x[i, ...] a
            out = x[(*index, ...) if type(index) is tuple else (index, ...)]  # view (PyTorch's)
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
    """zeros(shape) with ``grad`` added at ``index``: recorded for a Tensor, computed for an
    ndarray (as every backward formula must run on both)."""
    if isinstance(grad, Tensor):
        return ScatterAdd.apply(grad, index=index, shape=shape)
    return ScatterAdd.compute(grad, index=index, shape=shape)


@op(operator="[]", method=False)
def getitem(x: Any, index: Any) -> Tensor:
    """x[index] with NumPy indexing (``Tensor.__getitem__``)."""
    return GetItem.apply(x, index=plain_index(index))


class Take(GetItem):
    """y = x[..., indices, ...] along one axis (np.take): indexing with an integer array, so
    dL/dx = zeros with dL/dy added at the taken positions (repeated ones accumulate)."""

    name = "take"


class TakeAlongAxis(GetItem):
    """y[..., j, ...] = x[..., indices[..., j, ...], ...] (np.take_along_axis): indexing with
    one integer array per axis, so dL/dx = zeros with dL/dy added at the taken positions."""

    name = "take_along_axis"


class Diagonal(GetItem):
    """y[..., i] = x[..., r_i, c_i] for the diagonal's positions (np.diagonal, with the two
    axes moved last), a view of x's memory that can be written (as PyTorch's; NumPy's is
    read-only); dL/dx = zeros with dL/dy on that diagonal."""

    name = "diagonal"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, index: Any = ()) -> np.ndarray:
        _, rows, cols = index
        ctx.in_shape, ctx.index = x.shape, index
        if not rows.size:
            return x[index]
        square = x[..., rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        return np.einsum("...ii->...i", square)  # the diagonal of a square block: a view


def integer_indices(indices: Any, name: str) -> np.ndarray:
    """``indices`` as an integer ndarray (a TypeError for anything else, as NumPy's)."""
    indices = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
    if indices.dtype.kind not in "iu" and indices.size:
        raise TypeError(f"{name}: indices must be integers, got dtype {indices.dtype}")
    return indices.astype(np.intp, copy=False)


def check_bounds(indices: np.ndarray, size: int, axis: int, name: str) -> None:
    """Raise IndexError, as NumPy does, for an index outside -size..size-1."""
    outside = (indices < -size) | (indices >= size)
    if outside.any():
        raise IndexError(
            f"{name}: index {int(indices[outside][0])} is out of bounds for axis {axis} with "
            f"size {size}"
        )


@op(numpy=np.take)
def take(x: Any, indices: Any, axis: int | None = None, mode: str = "raise") -> Tensor:
    """The elements at ``indices`` along ``axis`` (of the flattened array for None), as np.take:
    the result's shape is x's with that axis replaced by the indices' shape. ``mode`` "raise"
    (negative indices count from the end), "wrap" or "clip" treats out-of-range indices."""
    x = as_tensor(x)
    indices = integer_indices(indices, "take")
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"take: axis {axis} is out of bounds for an array of {x.ndim} dimensions")
    axis %= x.ndim
    size = x.shape[axis]
    if mode == "wrap":
        indices = indices % size
    elif mode == "clip":
        indices = np.clip(indices, 0, size - 1)
    elif mode == "raise":
        check_bounds(indices, size, axis, "take")
    else:
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    return Take.apply(x, index=(slice(None),) * axis + (indices,))


@op(numpy=np.take_along_axis, method=False)
def take_along_axis(x: Any, indices: Any, axis: int | None = -1) -> Tensor:
    """y[..., j, ...] = x[..., indices[..., j, ...], ...] along ``axis``, the other axes matched
    by position (broadcasting), as np.take_along_axis; with axis None, x is flattened and
    indices is 1-D. The usual partner of argsort / argmax with keepdims=True."""
    x = as_tensor(x)
    indices = integer_indices(indices, "take_along_axis")
    if axis is None:
        x, axis = x.reshape(-1), 0
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {indices.shape} need as many dimensions as the "
            f"array of shape {x.shape}"
        )
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"take_along_axis: axis {axis} is out of bounds for an array of {x.ndim} dimensions"
        )
    axis %= x.ndim
    check_bounds(indices, x.shape[axis], axis, "take_along_axis")
    # Along every other axis, position k takes from position k (an arange shaped to broadcast).
    index = tuple(
        indices if i == axis else np.arange(n).reshape([-1 if j == i else 1 for j in range(x.ndim)])
        for i, n in enumerate(x.shape)
    )
    return TakeAlongAxis.apply(x, index=index)


@op(numpy=np.diagonal)
def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonal x[..., i, i + offset] of the 2-D slices over ``axis1`` and ``axis2``, as a
    last axis: a view, as PyTorch's (writing into it writes into x)."""
    x = as_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"diagonal: needs at least two dimensions, got shape {x.shape}")
    moved = moveaxis(x, (axis1, axis2), (-2, -1))
    rows, cols = moved.shape[-2:]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    start = np.arange(length)
    return Diagonal.apply(moved, index=(Ellipsis, start - min(offset, 0), start + max(offset, 0)))


class Unfold(GetItem):
    """y[..., w, ..., j] = x[..., w * step + j, ...]: the windows of ``size`` elements every
    ``step`` along one axis, as a last axis (PyTorch's ``Tensor.unfold``). A view of x's memory
    (read-only where windows overlap, as PyTorch refuses writes there); dL/dx adds dL/dy back
    at each window's elements (overlaps accumulate)."""

    name = "unfold"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, index: Any = (), window: Any = ()) -> np.ndarray:
        dim, size, step, count = window
        ctx.in_shape, ctx.index = x.shape, index
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1 :] + (size,)
        strides = (
            x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1 :] + (x.strides[dim],)
        )
        return windows_view(x, shape, strides, writeable=step >= size)


def windows_view(x: np.ndarray, shape: tuple, strides: tuple, writeable: bool) -> np.ndarray:
    """A strided view of x's memory whose ``base`` is the array owning that memory (as NumPy's
    own views have), so that version counters and writes through views (autograd/views.py) see
    it as that memory; a copy where the owner is not an array to view."""
    owner = x.base if x.base is not None else x
    try:
        if not isinstance(owner, np.ndarray):
            raise TypeError("not an ndarray")
        offset = x.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
        view = np.ndarray(shape, x.dtype, buffer=owner, offset=offset, strides=strides)
    except (TypeError, ValueError):  # (memory from elsewhere, negative strides): a copy
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False).copy()
    view.flags.writeable = writeable and x.flags.writeable
    return view


def unfold(x: Any, dimension: int, size: int, step: int) -> Tensor:
    """PyTorch's ``Tensor.unfold(dimension, size, step)``: every window of ``size`` elements
    along ``dimension``, ``step`` apart, as a new last dimension: shape (..., (n - size) // step
    + 1, ..., size). A view; the gradient adds back into the windows' elements."""
    x = as_tensor(x)
    ndim = max(x.ndim, 1)
    if not -ndim <= dimension < ndim:
        raise IndexError(f"unfold: dimension {dimension} is out of range for shape {x.shape}")
    if x.ndim == 0:
        x = x.reshape(1)
    dim = dimension % ndim
    length = x.shape[dim]
    if not 0 <= size <= length or step <= 0:
        raise ValueError(
            f"unfold: size {size} must be between 0 and the length {length} of dimension {dim} "
            f"(shape {x.shape}), and step {step} positive"
        )
    count = (length - size) // step + 1
    out_shape = x.shape[:dim] + (count,) + x.shape[dim + 1 :] + (size,)
    grid = list(np.indices(out_shape, sparse=True))
    index = tuple(grid[a] if a != dim else grid[dim] * step + grid[-1] for a in range(x.ndim))
    return Unfold.apply(x, index=index, window=(dim, size, step, count))
