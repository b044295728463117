"""Joining tensors: concatenate along an axis, stack along a new one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .shape import expand_dims


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
            grad[before + (slice(start, stop),)] if need else None
            for start, stop, need in zip(bounds, bounds[1:], ctx.needs_input_grad)
        )


@op(numpy=(np.concatenate, getattr(np, "concat", ())), method=False, aliases=("cat",))
def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as np.concatenate."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: need at least one tensor")
    return Concatenate.apply(*tensors, axis=axis)


@op(numpy=np.stack, method=False)
def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis, as np.stack."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: need at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    return concatenate([expand_dims(t, axis) for t in tensors], axis=axis)
