"""Counting and searching, as PyTorch computes them: ``bincount``, ``searchsorted``,
``bucketize``, ``unique_consecutive``, ``count_nonzero``, ``isin``.

Their results are integers or bools (no gradient, as in PyTorch), except ``bincount``'s weighted
sums, which are linear in the weights and recorded (dL/dweight_i = dL/dy at x_i's bin).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arguments import constant_array, requires_grad
from ..conversion import as_tensor
from ..registry import op
from ..tensor import Tensor
from .indexing import ScatterAdd


def _plain(value: Any) -> np.ndarray:
    # The values of an argument whose result is integers (no derivative to drop, as PyTorch)
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def _integers(fn: str, name: str, value: Any) -> np.ndarray:
    array = constant_array(fn, name, value)
    if array.dtype.kind not in "iub":
        raise TypeError(f"{fn}: {name} must be an integer tensor, got dtype {array.dtype}")
    return array


@op(numpy=np.bincount)
def bincount(x: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """PyTorch's ``bincount`` (NumPy's): y[b] = the number of times b occurs in the 1-D
    non-negative integer x (int64), or the sum of ``weights`` at those places; length
    max(x) + 1, at least ``minlength``. Weighted sums keep a floating weight's dtype (float64
    for integer weights), as PyTorch; recorded for weights: dL/dweights_i = dL/dy[x_i]."""
    data = _integers("bincount", "x", x)
    if data.ndim != 1:
        raise ValueError(f"bincount: x must be 1-D, got shape {data.shape}")
    if data.size and data.min() < 0:
        raise ValueError(f"bincount: x must be non-negative, got {int(data.min())}")
    length = max(int(data.max()) + 1 if data.size else 0, int(minlength))
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if weights is None:
        return Tensor(np.bincount(data, minlength=length).astype(np.int64))
    w = as_tensor(weights)
    if w.shape != data.shape:
        raise ValueError(f"bincount: weights of shape {w.shape} must have x's shape {data.shape}")
    if w.dtype.kind != "f":
        w = w.astype(np.float64)
    if requires_grad(w):
        return ScatterAdd.apply(w, index=(data.astype(np.intp),), shape=(length,))
    return Tensor(np.bincount(data, weights=w._data, minlength=length).astype(w.dtype))


def _search_side(fn: str, side: Any, right: bool) -> Any:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(f"{fn}: side must be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise ValueError(f"{fn}: side='left' and right=True contradict each other")
    return side


@op(numpy=np.searchsorted)
def searchsorted(
    sorted_sequence: Any,
    values: Any,
    side: str | None = None,
    sorter: Any = None,
    *,
    right: bool = False,
    out_int32: bool = False,
) -> Tensor:
    """Where each of ``values`` would go in ``sorted_sequence`` to keep it sorted (int64, or
    int32 with ``out_int32``): the first index i with values <= s[i] (``side="left"``), or
    values < s[i] (``side="right"`` / ``right=True``), as PyTorch and NumPy. An N-D sequence
    searches each of its rows (its last dimension) for the matching row of values (PyTorch's
    rule); ``sorter`` holds the indices that sort each row. No gradient (integers)."""
    sequence = _plain(sorted_sequence)
    scalar = not isinstance(values, (Tensor, np.ndarray, list, tuple))
    wanted = _plain(values)
    chosen = _search_side("searchsorted", side, right)
    if sorter is not None:
        order = _integers("searchsorted", "sorter", sorter)
        if order.shape != sequence.shape:
            raise ValueError(
                f"searchsorted: sorter of shape {order.shape} must have sorted_sequence's shape "
                f"{sequence.shape}"
            )
        sequence = np.take_along_axis(sequence, order.astype(np.intp), axis=-1)
    if sequence.ndim == 0:
        raise ValueError("searchsorted: sorted_sequence must have at least one dimension")
    out: Any
    if sequence.ndim == 1:
        out = np.searchsorted(sequence, wanted, side=chosen)
    else:
        if wanted.shape[:-1] != sequence.shape[:-1]:
            raise ValueError(
                f"searchsorted: values of shape {wanted.shape} must match sorted_sequence "
                f"{sequence.shape} in all but the last dimension"
            )
        rows = sequence.reshape(-1, sequence.shape[-1])
        targets = wanted.reshape(rows.shape[0], -1)
        out = np.stack([np.searchsorted(r, t, side=chosen) for r, t in zip(rows, targets)])
        out = out.reshape(wanted.shape)
    out = np.asarray(out, dtype=np.int32 if out_int32 else np.int64)
    return Tensor(out.reshape(()) if scalar else out)


@op(method=False)
def bucketize(x: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """PyTorch's ``bucketize``: the bucket index of each element of x among the 1-D increasing
    ``boundaries``: i with boundaries[i-1] < x <= boundaries[i] (``right=False``), or
    boundaries[i-1] <= x < boundaries[i] (``right=True``); int64. No gradient."""
    edges = _plain(boundaries)
    if edges.ndim != 1:
        raise ValueError(f"bucketize: boundaries must be 1-D, got shape {edges.shape}")
    data = _plain(x)
    out = np.searchsorted(edges, data, side="right" if right else "left")
    return Tensor(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


@op()
def unique_consecutive(
    x: Any, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
) -> Any:
    """PyTorch's ``unique_consecutive``: x with each run of equal consecutive elements (of the
    flattened x, or equal slices along ``dim``) kept once; with ``return_inverse``, which run
    each element belongs to; with ``return_counts``, each run's length. No gradient: x is
    refused when it requires grad (as ``unique``)."""
    data = constant_array("unique_consecutive", "x", x)
    rows: np.ndarray
    if dim is None:
        rows = data.reshape(-1)
        moved = rows
    else:
        if not -data.ndim <= dim < data.ndim:
            raise IndexError(f"unique_consecutive: dim {dim} is out of range for {data.shape}")
        moved = np.moveaxis(data, dim, 0)
        rows = moved.reshape(moved.shape[0], -1)
    if rows.shape[0] == 0:
        starts = np.zeros(0, dtype=bool)
    else:
        differs = rows[1:] != rows[:-1]
        differs = differs if differs.ndim == 1 else differs.any(axis=1)
        starts = np.concatenate([[True], differs])
    values = moved[starts]
    if dim is not None:
        values = np.moveaxis(values, 0, dim)
    result = [Tensor(values)]
    if return_inverse:
        inverse = np.cumsum(starts) - 1
        result.append(Tensor(inverse.reshape(data.shape if dim is None else -1).astype(np.int64)))
    if return_counts:
        bounds = np.append(np.flatnonzero(starts), starts.size)
        result.append(Tensor(np.diff(bounds).astype(np.int64)))
    return result[0] if len(result) == 1 else tuple(result)


@op(numpy=np.count_nonzero)
def count_nonzero(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The number of non-zero elements (of all, or along ``axis``), an int64 tensor, as PyTorch
    (``dim=``) and NumPy. No gradient."""
    data = x._data if isinstance(x, Tensor) else np.asarray(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    out = np.count_nonzero(data, axis=axis, keepdims=keepdims)
    return Tensor(np.asarray(out, dtype=np.int64))


@op(numpy=np.isin, method=False)
def isin(
    elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False
) -> Tensor:
    """True where an element of ``elements`` is among ``test_elements`` (False with
    ``invert``), a bool tensor of elements' shape, as PyTorch and NumPy."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return Tensor(np.isin(a, b, assume_unique=assume_unique, invert=invert))
