"""Ops that move elements to other positions of an array of the same shape: flip, roll, sort.

Each is a permutation of the elements, so backward moves every gradient entry back to where its
element came from (the inverse permutation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .axes import Axis, normalize_axis
from .indexing import take_along_axis
from .reductions import ValuesIndices
from .shape import ravel


@op(numpy=np.flip)
class Flip(Function):
    """y = x with the order of its elements reversed along ``axis`` (every axis for None);
    dL/dx = dL/dy reversed along the same axes."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None) -> np.ndarray:
        ctx.axes = normalize_axis(axis, x.ndim, "flip")
        return np.flip(x, ctx.axes)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return np.flip(grad, ctx.axes)


class Roll(Function):
    """y = x shifted by ``shift`` places along ``axis``, the elements pushed off one end coming
    back at the other (over the flattened array for axis None);  dL/dx = dL/dy rolled by
    -shift."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, shift: Any = 0, axis: Any = None) -> np.ndarray:
        out = np.roll(x, shift, axis=axis)
        ctx.back = (-shift if np.ndim(shift) == 0 else [-s for s in shift]), axis
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        back, axis = ctx.back
        return np.roll(grad, back, axis=axis)


class Sort(Function):
    """y = x sorted along ``axis``: y = take_along_axis(x, p) for the sorting permutation p;
    dL/dx = dL/dy put back where each element came from, take_along_axis(dL/dy, p^-1)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int = -1, kind: Any = None) -> Any:
        order = np.argsort(x, axis=axis, kind=kind)
        if ctx.needs_input_grad:
            ctx.axis, ctx.inverse = axis, np.argsort(order, axis=axis)
        return np.take_along_axis(x, order, axis=axis)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return np.take_along_axis(grad, ctx.inverse, axis=ctx.axis)


@op(numpy=np.roll)
def roll(x: Any, shift: int | Sequence[int], axis: Axis = None) -> Tensor:
    """Shift elements by ``shift`` places along ``axis``, wrapping around (the flattened array
    when axis is None), as np.roll."""
    given: Any = constant("roll", "shift", shift)  # an int, a 0-d array or a sequence
    shifts = int(given) if np.ndim(given) == 0 else [int(s) for s in given]
    where: Any = axis
    axes = where if where is None or np.ndim(where) == 0 else tuple(where)
    return Roll.apply(x, shift=shifts, axis=axes)


def sort_with_indices(
    x: Any, axis: int = -1, descending: bool = False, stable: bool = False
) -> ValuesIndices:
    """PyTorch's ``sort(x, dim=-1, descending=False)`` (and ``x.sort(...)``): the sorted values
    and where they came from; the values are gathered from x, so their gradient flows back."""
    x = as_tensor(x)
    indices = sort_order(x._data, axis, descending)
    values = take_along_axis(x, indices, axis=axis)
    return ValuesIndices(values, Tensor(indices.astype(np.int64)))


def sort_order(data: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """The stable sorting permutation along ``axis``, as PyTorch's: NaN counts as the largest
    value (last ascending, first descending), and equal values keep their order either way.
    Descending is the ascending order of the reversed array, reversed (sorting -x instead would
    put NaN last, and wrap unsigned integers)."""
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    flipped = np.argsort(np.flip(data, axis), axis=axis, kind="stable")
    return data.shape[axis] - 1 - np.flip(flipped, axis)


@op(numpy=np.sort, method=False, torch=sort_with_indices)
def sort(
    x: Any,
    axis: int | None = -1,
    kind: str | None = None,
    order: Any = None,
    *,
    stable: bool | None = None,
) -> Tensor:
    """The elements sorted in ascending order along ``axis`` (flattened for None), as np.sort;
    each gradient entry goes back to the element that landed there. Spelled the PyTorch way
    (``dim=``, ``descending=``) it returns values and indices; the method ``x.sort()`` is
    PyTorch's (ndarray.sort sorts in place, which a recorded tensor cannot)."""
    if order is not None:
        raise ValueError("sort: order= applies to structured arrays, which Tensors are not")
    if stable:
        kind = "stable"
    if axis is None:
        x, axis = ravel(x), -1
    return Sort.apply(x, axis=axis, kind=kind)


op(method="sort", export=False)(sort_with_indices)


@op(numpy=np.rot90)
def rot90(x: Any, k: int = 1, dims: Sequence[int] = (0, 1), axes: Sequence[int] | None = None):
    """x rotated by 90 degrees ``k`` times in the plane of ``dims`` (NumPy's ``axes``), from the
    first towards the second, as torch.rot90 and np.rot90: a flip and a swap of the two axes,
    so dL/dx is dL/dy rotated back."""
    from .shape import swapaxes

    x = as_tensor(x)
    first, second = dims if axes is None else axes
    if x.ndim < 2 or first % max(x.ndim, 1) == second % max(x.ndim, 1):
        raise ValueError(f"rot90: dims {tuple(dims)} must name two different axes of {x.shape}")
    for d in (first, second):
        if not -x.ndim <= d < x.ndim:
            raise ValueError(f"rot90: dim {d} is out of range for a tensor of shape {x.shape}")
    k %= 4
    if k == 1:
        return swapaxes(Flip.apply(x, axis=second), first, second)
    if k == 2:
        return Flip.apply(x, axis=(first, second))
    if k == 3:
        return Flip.apply(swapaxes(x, first, second), axis=second)
    return x * 1 if x._requires_grad else Tensor(x._data.copy())
