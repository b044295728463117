"""Order statistics, as PyTorch computes them: ``median`` and ``nanmedian`` (the lower of the two
middle values), ``kthvalue``, ``mode``, ``quantile`` and ``nanquantile``, ``cummax`` and
``cummin``, ``aminmax``.

Each picks elements of x (the sorted position k of a row, found with a stable argsort, NaN
last) and gathers them with ``take_along_axis``, so the gradient flows to the selected element,
as PyTorch's does; a quantile between two sorted values is their linear interpolation, whose
weights are constants. NumPy's ``np.median`` averages the two middle values instead: a call of
``autograd.median`` spelled the NumPy way keeps NumPy's meaning (README's table).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..registry import op
from ..tensor import Tensor
from .indexing import take_along_axis
from .piecewise import where
from .reductions import ValuesIndices
from .shape import moveaxis, reshape


def _axis(fn: str, x: Tensor, dim: int) -> int:
    ndim = max(x.ndim, 1)
    if not -ndim <= dim < ndim:
        raise IndexError(f"{fn}: dim {dim} is out of range for a tensor of shape {x.shape}")
    return dim % ndim


def _pick(
    fn: str, x: Tensor, dim: int, keepdim: bool, rank: Any, nan_first: bool = False
) -> ValuesIndices:
    """The element of sorted position ``rank(sorted_rows, n_valid)`` along ``dim`` of each row,
    and its index (int64). With ``nan_first``, a row holding NaN picks its first NaN."""
    if x.ndim == 0:
        x = reshape(x, 1)
        dim, keepdim = 0, False
        squeeze_all = True
    else:
        squeeze_all = False
    dim = _axis(fn, x, dim)
    if x.shape[dim] == 0:
        raise IndexError(f"{fn}: cannot select from an empty dimension {dim} of shape {x.shape}")
    data = x._data
    order = np.argsort(data, axis=dim, kind="stable")  # NaN sort last
    valid = (~np.isnan(data)).sum(axis=dim, keepdims=True) if data.dtype.kind == "f" else None
    k = np.asarray(rank(data.shape[dim], valid), dtype=np.intp)
    k = np.broadcast_to(k, data.shape[:dim] + (1,) + data.shape[dim + 1 :])
    index = np.take_along_axis(order, k, axis=dim)
    if nan_first and valid is not None:
        has_nan = valid < data.shape[dim]
        first_nan = np.argmax(np.isnan(data), axis=dim, keepdims=True)
        index = np.where(has_nan, first_nan, index)
    values = take_along_axis(x, index, axis=dim)
    if not keepdim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    if squeeze_all:
        values, index = reshape(values, ()), index.reshape(())
    return ValuesIndices(values, Tensor(index.astype(np.int64)))


def _lower_middle(n: int, valid: Any) -> Any:
    return (n - 1) // 2


def _lower_middle_valid(n: int, valid: Any) -> Any:
    return np.maximum(valid - 1, 0) // 2 if valid is not None else (n - 1) // 2


def _shared(x: Tensor, picked: Tensor) -> Tensor:
    # The median of all elements, with PyTorch's gradient: shared evenly by the elements equal
    # to it (as max() of all elements): sum(x where x = m) / count = m.
    value = picked._data
    mask = np.isnan(x._data) if np.isnan(value) else x._data == value
    return where(mask, x, np.zeros((), x.dtype)).sum() / np.asarray(mask.sum(), dtype=x.dtype)


def _torch_median(x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
    """PyTorch's ``median``: the lower of the two middle values (no average), of all elements
    (a 0-d tensor) or along ``dim`` ((values, indices)); NaN if the row holds one. The gradient
    goes to the selected element (of all elements: shared by those equal to it, as PyTorch).
    (The registry hands ``dim`` over as ``axis``.)"""
    x = as_tensor(x)
    if axis is None:
        return _shared(x, _pick("median", reshape(x, -1), 0, False, _lower_middle, True).values)
    return _pick("median", x, axis, keepdims, _lower_middle, True)


def _torch_nanmedian(x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
    """PyTorch's ``nanmedian``: ``median`` of the values that are not NaN (NaN for a row of
    NaNs only)."""
    x = as_tensor(x)
    if axis is None:
        picked = _pick("nanmedian", reshape(x, -1), 0, False, _lower_middle_valid).values
        return _shared(x, picked)
    return _pick("nanmedian", x, axis, keepdims, _lower_middle_valid)


@op(numpy=np.median, method=False, torch=_torch_median)
def median(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """NumPy's ``np.median``: the middle value along ``axis`` (all elements for None), the mean
    of the two middle ones for an even count; NaN if the row holds one. Recorded: the gradient
    is shared by the one or two middle elements. PyTorch's meaning (``Tensor.median``, and
    ``autograd.median`` with ``dim=`` or under ``pytorch_meanings``) takes the lower one."""
    return _middle("median", as_tensor(x), axis, keepdims, nan=False)


@op(numpy=np.nanmedian, method=False, torch=_torch_nanmedian)
def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """NumPy's ``np.nanmedian``: ``median`` ignoring NaNs (the mean of the two middle values).
    PyTorch's meaning takes the lower one (see ``median``)."""
    return _middle("nanmedian", as_tensor(x), axis, keepdims, nan=True)


def _middle(fn: str, x: Tensor, axis: Any, keepdims: bool, nan: bool) -> Tensor:
    interpolation = "midpoint"
    return _quantile(fn, x, 0.5, axis, keepdims, interpolation, nan)


@op()
def kthvalue(x: Any, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """PyTorch's ``kthvalue``: the k-th smallest element (k = 1 is the minimum) along ``dim`` and
    its index; the gradient goes to that element."""
    x = as_tensor(x)
    n = x.shape[_axis("kthvalue", x, dim)] if x.ndim else 1
    if not 1 <= k <= n:
        raise IndexError(f"kthvalue: k={k} is out of range for dim {dim} of shape {x.shape}")
    return _pick("kthvalue", x, dim, keepdim, lambda n, valid: k - 1)


@op()
def mode(x: Any, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """PyTorch's ``mode``: the most frequent value along ``dim`` (the smallest of equally
    frequent ones) and the index of its last occurrence; the gradient goes to that element."""
    x = as_tensor(x)
    squeeze_all = x.ndim == 0
    if squeeze_all:
        x, dim, keepdim = reshape(x, 1), 0, False
    dim = _axis("mode", x, dim)
    if x.shape[dim] == 0:
        raise IndexError(f"mode: cannot select from an empty dimension {dim} of shape {x.shape}")
    rows = np.moveaxis(x._data, dim, -1)
    flat = rows.reshape(-1, rows.shape[-1])
    n = flat.shape[1]
    ordered = np.sort(flat, axis=1)
    # Runs of equal values in each sorted row: the longest run's value (the first, i.e. the
    # smallest, among equally long ones), then its last occurrence in the row (PyTorch's).
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    steps = np.arange(n)
    first = np.maximum.accumulate(np.where(starts, steps, 0), axis=1)
    ends = np.ones(ordered.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    from_the_end = np.maximum.accumulate(np.where(ends[:, ::-1], steps, 0), axis=1)
    last = (n - 1 - from_the_end)[:, ::-1]
    lengths = last - first + 1
    best = ordered[np.arange(len(ordered)), np.argmax(lengths, axis=1)]
    matches = (flat == best[:, None]) | (np.isnan(flat) & np.isnan(best)[:, None])
    found = n - 1 - np.argmax(matches[:, ::-1], axis=1)
    index = np.expand_dims(found.reshape(rows.shape[:-1]), dim)
    out = take_along_axis(x, index, axis=dim)
    if not keepdim:
        out, index = out.squeeze(dim), index.squeeze(dim)
    if squeeze_all:
        out, index = reshape(out, ()), index.reshape(())
    return ValuesIndices(out, Tensor(index.astype(np.int64)))


_INTERPOLATIONS = ("linear", "lower", "higher", "nearest", "midpoint")


def _quantile(
    fn: str, x: Tensor, q: Any, axis: Any, keepdims: bool, interpolation: str, nan: bool
) -> Tensor:
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"{fn}: interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}"
        )
    if x.dtype.kind != "f":
        raise TypeError(f"{fn}: input must be a floating tensor, got dtype {x.dtype}")
    q = np.asarray(constant(fn, "q", q), dtype=x.dtype)
    if q.ndim > 1:
        raise ValueError(f"{fn}: q must be a number or 1-D, got shape {q.shape}")
    if ((q < 0) | (q > 1)).any():
        raise ValueError(f"{fn}: q must be in [0, 1], got {q.tolist()}")
    shape = x.shape
    if axis is None:
        rows, axis_ = reshape(x, -1), 0
    else:
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{fn}: dim must be one int or None, got {axis!r}")
        axis_ = _axis(fn, x, int(axis)) if x.ndim else 0
        rows = x if x.ndim else reshape(x, 1)
    rows = moveaxis(rows, axis_, -1)  # (..., n)
    n = rows.shape[-1]
    if n == 0:
        raise IndexError(f"{fn}: cannot take a quantile of an empty dimension (shape {shape})")
    data = rows._data
    isnan = np.isnan(data)
    order = np.argsort(data, axis=-1, kind="stable")  # NaN last
    count = (~isnan).sum(axis=-1, keepdims=True) if nan else np.full(data.shape[:-1] + (1,), n)
    qs = q.reshape((-1,) + (1,) * data.ndim)  # (Q, 1.., 1)
    position = qs * (np.maximum(count, 1) - 1)  # (Q, ..., 1)
    below = np.floor(position).astype(np.intp)
    above = np.ceil(position).astype(np.intp)
    if interpolation == "nearest":
        below = above = np.round(position).astype(np.intp)  # (halves to even, as PyTorch)
    elif interpolation == "lower":
        above = below
    elif interpolation == "higher":
        below = above
    weight = {"linear": position - below, "midpoint": np.full_like(position, 0.5)}.get(
        interpolation, np.zeros_like(position)
    )
    weight = np.where(above == below, 0, weight).astype(x.dtype)
    stacked = reshape(rows, (1,) + rows.shape)
    low = take_along_axis(stacked, np.take_along_axis(order[None], below, axis=-1), axis=-1)
    high = take_along_axis(stacked, np.take_along_axis(order[None], above, axis=-1), axis=-1)
    out = low + weight * (high - low) if weight.any() else low
    undefined = isnan.all(axis=-1, keepdims=True) if nan else isnan.any(axis=-1, keepdims=True)
    if undefined.any():
        out = where(np.broadcast_to(undefined, out.shape), np.asarray(np.nan, x.dtype), out)
    out = out.squeeze(-1)  # (Q, ...)
    if keepdims:
        if axis is None:
            out = reshape(out, out.shape[:1] + (1,) * len(shape))
        elif len(shape):
            out = reshape(out, out.shape[:1] + shape[:axis_] + (1,) + shape[axis_ + 1 :])
    return out if q.ndim else reshape(out, out.shape[1:])


@op(numpy=np.quantile, method=True)
def quantile(
    x: Any,
    q: Any,
    axis: Any = None,
    keepdims: bool = False,
    *,
    interpolation: str = "linear",
    method: str | None = None,
) -> Tensor:
    """The q-th quantiles along ``axis`` (of all elements for None), as PyTorch's ``quantile``
    and NumPy's: with n values sorted, position q (n - 1) between sorted values i and i + 1 is
    interpolated as ``interpolation`` (NumPy's ``method``) says: "linear" v_i + (q (n - 1) - i)
    (v_(i+1) - v_i), "lower", "higher", "nearest" (halves to even), "midpoint". A 1-D q puts its
    dimension first. NaN where the row holds one. The gradient flows to the sorted values used,
    with the interpolation's weights; q is a constant."""
    chosen = method if method is not None else interpolation
    return _quantile("quantile", as_tensor(x), q, axis, keepdims, chosen, nan=False)


@op(numpy=np.nanquantile, method=True)
def nanquantile(
    x: Any,
    q: Any,
    axis: Any = None,
    keepdims: bool = False,
    *,
    interpolation: str = "linear",
    method: str | None = None,
) -> Tensor:
    """``quantile`` ignoring NaNs (NaN for a row of NaNs only), as PyTorch's ``nanquantile``
    and NumPy's."""
    chosen = method if method is not None else interpolation
    return _quantile("nanquantile", as_tensor(x), q, axis, keepdims, chosen, nan=True)


def _running(fn: str, x: Any, dim: int, better: Any) -> ValuesIndices:
    x = as_tensor(x)
    if x.ndim == 0:
        return ValuesIndices(x * 1, Tensor(np.zeros((), dtype=np.int64)))
    dim = _axis(fn, x, dim)
    data = x._data
    best = better.accumulate(data, axis=dim)
    positions = np.arange(data.shape[dim]).reshape((-1,) + (1,) * (data.ndim - dim - 1))
    # The last index holding the running extreme (PyTorch's rule for ties), or the NaN's.
    holds = (data == best) | (np.isnan(data) if data.dtype.kind == "f" else False)
    index = np.maximum.accumulate(np.where(holds, positions, 0), axis=dim)
    return ValuesIndices(take_along_axis(x, index, axis=dim), Tensor(index.astype(np.int64)))


@op()
def cummax(x: Any, dim: int) -> ValuesIndices:
    """PyTorch's ``cummax``: y_i = max(x_0..x_i) along ``dim`` and the index of that maximum (the
    last one among equals); the gradient of y_i goes to x at that index. A NaN stays."""
    return _running("cummax", x, dim, np.maximum)


@op()
def cummin(x: Any, dim: int) -> ValuesIndices:
    """PyTorch's ``cummin``: y_i = min(x_0..x_i) along ``dim`` and its index (the last among
    equals); the gradient of y_i goes to x at that index."""
    return _running("cummin", x, dim, np.minimum)


class MinMax(NamedTuple):
    """What PyTorch's ``aminmax`` returns."""

    min: Tensor
    max: Tensor


@op()
def aminmax(x: Any, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
    """PyTorch's ``aminmax``: (``amin``, ``amax``) of all elements or along ``dim``; tied
    extremes share the gradient evenly, as ``amin``/``amax``."""
    x = as_tensor(x)
    if x.size == 0:
        raise ValueError(f"aminmax: cannot reduce an empty tensor of shape {x.shape}")
    if dim is None:
        if keepdim and x.ndim:
            return MinMax(x.min(axis=None, keepdims=True), x.max(axis=None, keepdims=True))
        return MinMax(x.min(axis=None), x.max(axis=None))
    return MinMax(x.min(axis=dim, keepdims=keepdim), x.max(axis=dim, keepdims=keepdim))
