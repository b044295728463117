"""Axis arguments as NumPy takes them (None for every axis, an int, or a tuple of ints), and
the shapes a reduction goes through."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

Axis = int | tuple[int, ...] | None


def normalize_axis(axis: Axis, ndim: int, op: str) -> tuple[int, ...]:
    """Turn ``axis`` into a sorted tuple of non-negative axes, with an error naming ``op``."""
    if axis is None:
        return tuple(range(ndim))
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
    return tuple(1 if i in axes else size for i, size in enumerate(shape))


def expand(grad: Any, shape: tuple[int, ...]) -> Any:
    """``grad`` (of a keepdims shape) broadcast to ``shape``: the backward of a reduction, where
    every input element receives the gradient of the output element it fed.

    On a Tensor this is the recorded ``np.broadcast_to``. On an ndarray it is a new array filled
    by broadcasting: the same values, several times cheaper than ``np.broadcast_to``'s Python
    wrapper on small arrays, and writeable, so it can become a leaf's ``.grad`` without a copy.
    """
    if isinstance(grad, Tensor):  # (autograd.compile's stand-in arrays take the array path)
        return np.broadcast_to(grad, shape)
    out = np.empty(shape, dtype=grad.dtype)
    out[...] = grad
    return out
