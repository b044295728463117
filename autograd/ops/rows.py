"""Sums and maxima along one axis, kept (``keepdims=True``), fast on short rows.

The fused ops (softmax and log-softmax in ``autograd.ops.softmax``; layer norm and attention in
``nn.functional``) reduce along the last axis of arrays like (256, 14, 14) or (896, 64): many
short rows, and NumPy's reductions pay a fixed cost per row. Here a sum along the last axis (or
down the columns of a matrix) is a matrix-vector product with a vector of ones (a float32 sum is
still accumulated in float32, as NumPy does), and a maximum along a short last axis is taken
across the rows of the transposed copy. Anything else is NumPy's own reduction. The
measurements: docs/guides/speed.md.

``sum_along`` also runs on Tensors (the product is ``np.dot``, which is recorded), so backward
formulas may use it under ``create_graph``; ``max_along`` is for forward passes (arrays).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

_BLAS = (np.dtype(np.float32), np.dtype(np.float64))
_SHORT = 64  # rows shorter than this: the transposed maximum is faster


@cache
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    ones = np.ones((n, 1), dtype=dtype)
    ones.flags.writeable = False  # shared by every call
    return ones


def _last(x: Any, axis: int) -> bool:
    return axis == -1 or axis == x.ndim - 1


def sum_along(x: Any, axis: int) -> Any:
    """``x.sum(axis=axis, keepdims=True)``, for arrays and Tensors."""
    shape = x.shape
    if x.dtype in _BLAS and 0 not in shape:
        if _last(x, axis):
            n = shape[-1]
            return np.dot(x.reshape(-1, n), _ones(n, x.dtype)).reshape(*shape[:-1], 1)
        if axis == 0 and x.ndim == 2:  # the columns' sums, as a row
            return np.dot(_ones(shape[0], x.dtype).T, x)
    return x.sum(axis=axis, keepdims=True)


def max_along(x: np.ndarray, axis: int) -> np.ndarray:
    """``x.max(axis=axis, keepdims=True)`` of an array."""
    shape = x.shape
    if _last(x, axis) and x.ndim > 1 and 0 < shape[-1] < _SHORT and 0 not in shape:
        rows = np.ascontiguousarray(x.reshape(-1, shape[-1]).T)
        return rows.max(axis=0).reshape(*shape[:-1], 1)
    return x.max(axis=axis, keepdims=True)
