"""Ops that build a larger array out of copies of the elements: repeat, tile, pad.

Every output element is a copy of one input element (or, for constant padding, a constant), so
backward adds up, for each input element, the gradients of all its copies.
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
from .indexing import scatter_add

INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")  # padding that copies x's own elements


class Repeat(Function):
    """y = each element of x repeated ``repeats`` times along ``axis`` (x flattened for None);
    dL/dx_i = the sum of dL/dy over the copies of x_i."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, repeats: Any = 1, axis: int | None = None) -> Any:
        ctx.in_shape = x.shape
        if axis is None:
            x, axis = x.reshape(-1), 0
        out = np.repeat(x, repeats, axis=axis)
        axis %= x.ndim
        # Where each output position along ``axis`` was copied from.
        source = np.repeat(np.arange(x.shape[axis]), repeats)
        ctx.source, ctx.lanes = (slice(None),) * axis + (source,), x.shape
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return scatter_add(grad, ctx.source, ctx.lanes).reshape(ctx.in_shape)


class Tile(Function):
    """y = x repeated as a block ``reps[i]`` times along each axis i (as np.tile);
    dL/dx = the sum of dL/dy over the blocks."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, reps: tuple[int, ...] = ()) -> np.ndarray:
        out = np.tile(x, reps)
        ndim = out.ndim
        shape = (1,) * (ndim - x.ndim) + x.shape
        reps = (1,) * (ndim - len(reps)) + tuple(reps)
        # The output viewed as (reps_0, shape_0, reps_1, shape_1, ...): block index, then offset.
        ctx.blocks = tuple(n for pair in zip(reps, shape) for n in pair)
        ctx.in_shape = x.shape
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        block_axes = tuple(range(0, len(ctx.blocks), 2))
        return grad.reshape(ctx.blocks).sum(axis=block_axes).reshape(ctx.in_shape)


class Pad(Function):
    """y = x with ``widths[i] = (before, after)`` extra entries on each side of axis i: a
    constant (mode "constant"), or copies of x's elements next to the edge (the other modes);
    dL/dx = the part of dL/dy where x sits (constant mode), or the sum of dL/dy over every
    position holding a copy of x_i."""

    @staticmethod
    def forward(
        ctx: Any,
        x: np.ndarray,
        widths: tuple = (),
        mode: str = "constant",
        constant_values: Any = 0,
    ) -> np.ndarray:
        ctx.in_shape = x.shape
        if mode == "constant":
            ctx.index = tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape))
            ctx.gather = False
            return np.pad(x, widths, mode="constant", constant_values=constant_values)
        # Each output position copies one input position per axis: pad 0..n-1 the same way.
        kind: Any = mode  # a mode np.pad names ("edge", "reflect", ...)
        maps = [np.pad(np.arange(n), pair, mode=kind) for n, pair in zip(x.shape, widths)]
        ctx.index, ctx.gather = np.ix_(*maps), True
        return x[ctx.index]

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        if ctx.gather:
            return scatter_add(grad, ctx.index, ctx.in_shape)
        return grad[ctx.index]


def pad_pairs(pad_width: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """NumPy's forms of ``pad_width`` (n, (n,), (before, after), one pair per axis, or a dict
    {axis: pair}) as one (before, after) pair of non-negative ints per axis."""
    pairs = np.zeros((ndim, 2), dtype=np.int64)
    if isinstance(pad_width, dict):
        for axis, pair in pad_width.items():
            pairs[axis] = np.broadcast_to(np.asarray(pair), (2,))
    else:
        widths = np.asarray(pad_width)
        if widths.dtype.kind not in "iu":
            raise TypeError(f"pad: pad_width must hold integers, got {pad_width!r}")
        try:
            pairs[...] = np.broadcast_to(widths, (ndim, 2))
        except ValueError:
            raise ValueError(
                f"pad: pad_width {pad_width!r} does not fit an array of {ndim} dimensions "
                "(give n, (before, after), or one (before, after) pair per axis)"
            ) from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width {pad_width!r} has negative entries")
    return tuple((int(b), int(a)) for b, a in pairs)


def repeat_tiled(x: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``x.repeat(*sizes)``: x tiled ``sizes[i]`` times along axis i (leading axes
    added), which is ``np.tile(x, sizes)``; d/dx adds up the gradients of the blocks."""
    if len(sizes) == 1 and np.ndim(sizes[0]) == 1:
        sizes = tuple(sizes[0])
    if len(sizes) < np.ndim(x):
        raise ValueError(
            f"repeat: PyTorch's repeat needs one count per dimension, got {len(sizes)} counts "
            f"for a tensor of shape {np.shape(x)}"
        )
    return tile(x, sizes)


@op(numpy=np.repeat, torch=repeat_tiled)
def repeat(x: Any, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
    """Each element repeated ``repeats`` times (an int, or one count per element) along
    ``axis`` (of the flattened array for None), as np.repeat and ndarray.repeat;
    d/dx_i adds up the gradients of its copies. (PyTorch's Tensor.repeat is np.tile.)"""
    if isinstance(repeats, Tensor):
        repeats = repeats._data
    return Repeat.apply(x, repeats=repeats, axis=axis)


@op(numpy=np.tile)
def tile(x: Any, reps: int | Sequence[int]) -> Tensor:
    """x repeated as a block ``reps`` times along each axis (leading axes added as needed), as
    np.tile and PyTorch's tile; d/dx adds up the gradients of the blocks."""
    given: Any = reps  # an int, a 0-d array or a sequence
    counts = (int(given),) if np.ndim(given) == 0 else tuple(int(r) for r in given)
    return Tile.apply(x, reps=counts)


@op(numpy=np.pad, method=False)
def pad(x: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    """x padded with ``pad_width`` entries before and after each axis, as np.pad. Mode
    "constant" (``constant_values``, 0 by default) and the modes that copy x's own elements,
    "edge", "reflect", "symmetric" and "wrap", are recorded; the gradient of a copied element
    adds up over its copies."""
    x = as_tensor(x)
    widths = pad_pairs(pad_width, x.ndim)
    if mode not in ("constant", *INDEX_MODES) or kwargs.get("reflect_type", "even") != "even":
        shown = repr(mode)
        if "reflect_type" in kwargs:
            shown += f" with reflect_type={kwargs['reflect_type']!r}"
        raise TypeError(
            f"np.pad: mode {shown} has no recorded derivative in backproplab, so it cannot "
            "take a Tensor; the recorded modes are 'constant', "
            f"{', '.join(map(repr, INDEX_MODES))}. To pad without gradients, use np.asarray(t) "
            "or t.detach().numpy()"
        )
    kwargs.pop("reflect_type", None)
    value = kwargs.pop("constant_values", 0) if mode == "constant" else 0
    if kwargs:
        raise TypeError(f"pad: mode {mode!r} does not take {sorted(kwargs)}")
    value = constant("pad", "constant_values", value, " (pad with 0 and add it times a mask)")
    return Pad.apply(x, widths=widths, mode=mode, constant_values=value)
