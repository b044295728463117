"""PyTorch's index-accumulate family: values added, copied or filled into a tensor at positions
an index names (``scatter_add``, ``scatter_reduce``, ``index_add``, ``index_copy``,
``index_fill``, ``masked_scatter``, ``put``, ``take_along_dim``).

Each is composed of recorded ops: the values placed are ``ScatterAdd`` (adding into zeros, which
accumulates repeated positions), the tensor kept elsewhere is ``where``. So the gradients are
those ops' gradients: dL/dx = dL/dy where x's value survives, and dL/dsource = dL/dy at the
position each source element went to. The in-place forms (``x.index_add_(...)``) are these
results written into x (autograd/torch_writes.py's ``in_place``), so x's history moves.

Writes that overwrite (``index_copy``, ``put`` without accumulate) at a position named twice keep
the last write, as NumPy's assignment does (PyTorch says the result is undefined); while the
source requires grad they are refused, since which write wins has no derivative.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arguments import constant, requires_grad
from ..conversion import as_tensor
from ..registry import op
from ..tensor import Tensor
from .indexing import ScatterAdd, take_along_axis
from .piecewise import where
from .shape import reshape


def _index(fn: str, index: Any) -> np.ndarray:
    index = np.asarray(index._data if isinstance(index, Tensor) else index)
    if index.dtype.kind not in "iu" and index.size:
        raise TypeError(f"{fn}: index must be an integer tensor, got dtype {index.dtype}")
    return index.astype(np.intp, copy=False)


def _dim(fn: str, dim: int, ndim: int) -> int:
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"{fn}: dim {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % max(ndim, 1)


def _bounds(fn: str, index: np.ndarray, size: int, dim: int, negative: bool = False) -> np.ndarray:
    low = -size if negative else 0
    outside = (index < low) | (index >= size)
    if outside.any():
        raise IndexError(
            f"{fn}: index {int(index[outside][0])} is out of bounds for dimension {dim} with "
            f"size {size}"
        )
    return index % size if negative and size else index


def _source(fn: str, x: Tensor, source: Any) -> Tensor:
    # A source of x's dtype (a number or array becomes a constant tensor).
    source = source if isinstance(source, Tensor) else Tensor(np.asarray(source, dtype=x.dtype))
    return source if source.dtype == x.dtype else source.astype(x.dtype)


def _scatter_positions(fn: str, x: Tensor, dim: int, index: np.ndarray, src: Any) -> tuple:
    # PyTorch's scatter rule: index has x's number of dims; index.shape[d] <= src.shape[d] for
    # every d and <= x.shape[d] for d != dim; position i of index names x[i with index[i] at dim].
    if index.ndim != x.ndim:
        raise ValueError(
            f"{fn}: index of shape {index.shape} must have as many dimensions as self of shape "
            f"{x.shape}"
        )
    src_shape = np.shape(src._data if isinstance(src, Tensor) else src)
    for d, n in enumerate(index.shape):
        if (d != dim and n > x.shape[d]) or (src_shape and n > src_shape[d]):
            raise ValueError(
                f"{fn}: index of shape {index.shape} is larger than self {x.shape} (apart from "
                f"dim {dim}) or src {src_shape} in dimension {d}"
            )
    _bounds(fn, index, x.shape[dim], dim)
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _leading(source: Tensor, shape: tuple[int, ...]) -> Tensor:
    # src's first shape elements in each dimension (PyTorch reads only those).
    if source.ndim == 0:
        return source.broadcast_to(shape) if shape else source
    if source.shape == shape:
        return source
    return source[tuple(slice(0, n) for n in shape)]


@op()
def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Tensor:
    """PyTorch's ``scatter_add``: y = x, with ``src[i, j]`` added to ``y[index[i, j], j]`` for
    dim 0 (and so on); repeated positions accumulate. dL/dx = dL/dy; ``dL/dsrc[i, j] =
    dL/dy[index[i, j], j]`` (``grad.gather(dim, index)``), 0 for src elements not read."""
    x = as_tensor(x)
    dim = _dim("scatter_add", dim, x.ndim)
    index = _index("scatter_add", index)
    positions = _scatter_positions("scatter_add", x, dim, index, src)
    source = _leading(_source("scatter_add", x, src), index.shape)
    return x + ScatterAdd.apply(source, index=positions, shape=x.shape)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


@op()
def scatter_reduce(
    x: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True
) -> Tensor:
    """PyTorch's ``scatter_reduce``: y[p] = reduce(x[p] (if ``include_self``), the src values
    scattered to p), for reduce "sum", "prod", "mean", "amax", "amin"; positions nothing is
    scattered to keep x. Gradients as PyTorch's: sum and mean are linear; amax and amin share
    dL/dy evenly among the values equal to the result; prod's is the product of the others."""
    if reduce not in _REDUCTIONS:
        raise ValueError(f"scatter_reduce: reduce must be one of {_REDUCTIONS}, got {reduce!r}")
    x = as_tensor(x)
    dim = _dim("scatter_reduce", dim, x.ndim)
    index = _index("scatter_reduce", index)
    positions = _scatter_positions("scatter_reduce", x, dim, index, src)
    source = _leading(_source("scatter_reduce", x, src), index.shape)
    counts = np.zeros(x.shape, dtype=np.int64)
    np.add.at(counts, positions, 1)
    hit = counts > 0
    if reduce in ("sum", "mean"):
        total = ScatterAdd.apply(source, index=positions, shape=x.shape)
        if include_self:
            total = total + x
        if reduce == "sum":
            return where(hit, total, x)
        n = counts + include_self
        if x.dtype.kind == "f":
            mean = total / np.maximum(n, 1).astype(x.dtype)
        else:  # PyTorch divides integers with floor division here
            mean = Tensor(np.floor_divide(total._data, np.maximum(n, 1)))
        return where(hit, mean, x)
    # amax, amin, prod: reduce each position's group of values, gathered as rows
    return _reduce_groups(x, positions, source, reduce, include_self, hit)


def _reduce_groups(
    x: Tensor, positions: tuple, source: Tensor, reduce: str, include_self: bool, hit: np.ndarray
) -> Tensor:
    # Every value that goes into position p, padded into a (positions, longest group) table with
    # the reduction's identity; then the reduction along the rows (recorded).
    flat_target = np.ravel_multi_index(
        tuple(np.broadcast_to(p, source.shape) for p in positions), x.shape
    ).ravel()
    values = source.reshape(-1)
    if include_self:
        flat_target = np.concatenate([np.arange(x.size), flat_target])
        values = _concat(x.reshape(-1), values)
    order = np.argsort(flat_target, kind="stable")
    target = flat_target[order]
    starts = np.searchsorted(target, np.arange(x.size))
    column = np.arange(target.size) - starts[target]
    width = int(column.max(initial=-1)) + 1
    identity = {"prod": 1, "amax": -np.inf, "amin": np.inf}[reduce]
    if x.dtype.kind != "f" and reduce != "prod":
        info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
        identity = (info.min if reduce == "amax" else info.max) if info else identity
    table = Tensor(np.full((x.size, max(width, 1)), identity, dtype=x.dtype))
    if width:
        placed = ScatterAdd.apply(values[order], index=(target, column), shape=table.shape)
        filled = np.zeros(table.shape, dtype=bool)
        filled[target, column] = True
        table = where(filled, placed, table)
    if reduce == "prod":
        out = table.prod(axis=1)
    else:  # (the maxima's gradient is shared among ties, as PyTorch's)
        out = table.max(axis=1) if reduce == "amax" else table.min(axis=1)
    return where(hit, reshape(out, x.shape), x)


def _concat(a: Tensor, b: Tensor) -> Tensor:
    from .joining import concatenate

    return concatenate([a, b])


def _along(dim: int, ndim: int, index: np.ndarray) -> tuple:
    # x[..., index, ...] with index at ``dim``
    return (slice(None),) * dim + (index,)


def _index_source(fn: str, x: Tensor, dim: int, index: np.ndarray, source: Any) -> Tensor:
    if index.ndim > 1:
        raise ValueError(f"{fn}: index must be 0-D or 1-D, got shape {index.shape}")
    source = _source(fn, x, source)
    expected = x.shape[:dim] + (index.size,) + x.shape[dim + 1 :]
    if source.shape != expected and not (source.ndim == 0 and index.size == 1):
        raise ValueError(
            f"{fn}: source of shape {source.shape} must have self's shape {x.shape} with "
            f"dim {dim} of length {index.size} (the index's), i.e. {expected}"
        )
    return source.reshape(expected) if source.shape != expected else source


@op()
def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``index_add``: y = x, with ``alpha * source[..., i, ...]`` added to
    ``y[..., index[i], ...]`` along ``dim``; repeated indices accumulate. dL/dx = dL/dy;
    dL/dsource[..., i, ...] = alpha * dL/dy[..., index[i], ...]."""
    x = as_tensor(x)
    if x.ndim == 0:
        return reshape(index_add(reshape(x, 1), dim, index, reshape(source, 1), alpha=alpha), ())
    alpha = constant("index_add", "alpha", alpha)
    dim = _dim("index_add", dim, x.ndim)
    index = _index("index_add", index).reshape(-1)
    _bounds("index_add", index, x.shape[dim], dim)
    source = _index_source("index_add", x, dim, index, source)
    scaled = source if alpha == 1 else source * np.asarray(alpha, dtype=x.dtype)
    return x + ScatterAdd.apply(scaled, index=_along(dim, x.ndim, index), shape=x.shape)


def _overwrite(fn: str, x: Tensor, where_: tuple, source: Tensor, mask: np.ndarray, twice: bool):
    # y = source placed at ``where_`` where mask holds, x elsewhere; a position named twice
    # keeps its last write (NumPy's assignment), refused while source requires grad.
    if twice:
        if requires_grad(source):
            raise RuntimeError(
                f"{fn}: the index names a position more than once while source requires grad; "
                "which write wins is not defined (PyTorch says so), so neither is a derivative. "
                "Index each position once"
            )
        out = x._data.copy() if not requires_grad(x) else None
        if out is not None:
            out[where_] = source._data
            return Tensor(out)
        placed = np.zeros(x.shape, dtype=x.dtype)
        placed[where_] = source._data
        return where(mask, placed, x)
    return where(mask, ScatterAdd.apply(source, index=where_, shape=x.shape), x)


@op()
def index_copy(x: Any, dim: int, index: Any, source: Any) -> Tensor:
    """PyTorch's ``index_copy``: y = x, with ``y[..., index[i], ...] = source[..., i, ...]``
    along ``dim``. dL/dx = dL/dy where nothing was copied, 0 elsewhere; dL/dsource[..., i, ...]
    = dL/dy[..., index[i], ...]. A repeated index keeps the last copy (refused when source
    requires grad)."""
    x = as_tensor(x)
    if x.ndim == 0:
        return reshape(index_copy(reshape(x, 1), dim, index, reshape(source, 1)), ())
    dim = _dim("index_copy", dim, x.ndim)
    index = _index("index_copy", index).reshape(-1)
    _bounds("index_copy", index, x.shape[dim], dim)
    source = _index_source("index_copy", x, dim, index, source)
    mask = np.zeros(x.shape[dim], dtype=bool)
    mask[index] = True
    mask = mask.reshape((-1,) + (1,) * (x.ndim - dim - 1))
    twice = np.unique(index).size < index.size
    return _overwrite("index_copy", x, _along(dim, x.ndim, index), source, mask, twice)


@op()
def index_fill(x: Any, dim: int, index: Any, value: Any) -> Tensor:
    """PyTorch's ``index_fill``: y = x with every element at ``index`` along ``dim`` set to
    ``value`` (a number, or a 0-d tensor, recorded: dL/dvalue = the sum of dL/dy there);
    dL/dx = dL/dy elsewhere. Negative indices count from the end."""
    x = as_tensor(x)
    dim = _dim("index_fill", dim, x.ndim)
    index = _index("index_fill", index).reshape(-1)
    size = x.shape[dim] if x.ndim else 1
    index = _bounds("index_fill", index, size, dim, negative=True)
    if isinstance(value, Tensor) and value.ndim:
        raise ValueError(f"index_fill: value must be a number or 0-d tensor, got {value.shape}")
    mask = np.zeros(size, dtype=bool)
    mask[index] = True
    mask = mask.reshape((-1,) + (1,) * (x.ndim - dim - 1)) if x.ndim else mask.reshape(())
    return where(mask, _source("index_fill", x, value), x)


@op()
def masked_scatter(x: Any, mask: Any, source: Any) -> Tensor:
    """PyTorch's ``masked_scatter``: y = x, with the elements where ``mask`` (broadcast to x's
    shape) is true replaced by source's first elements in row-major order. dL/dx = dL/dy where
    the mask is false; dL/dsource = dL/dy at the masked places, in order (0 for the rest)."""
    x = as_tensor(x)
    mask = np.asarray(mask._data if isinstance(mask, Tensor) else mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_scatter: mask must be a bool tensor, got dtype {mask.dtype}")
    try:
        shape = np.broadcast_shapes(mask.shape, x.shape)
    except ValueError:
        raise ValueError(
            f"masked_scatter: mask of shape {mask.shape} does not broadcast with self of shape "
            f"{x.shape}"
        ) from None
    mask = np.broadcast_to(mask, shape)
    x = x.broadcast_to(shape) if x.shape != shape else x
    source = _source("masked_scatter", x, source)
    count = int(mask.sum())
    if source.size < count:
        raise ValueError(
            f"masked_scatter: source of shape {source.shape} has {source.size} elements, but "
            f"the mask selects {count}"
        )
    taken = reshape(source, -1)[:count]
    return where(mask, ScatterAdd.apply(taken, index=np.nonzero(mask), shape=shape), x)


@op()
def take_along_dim(x: Any, indices: Any, dim: int | None = None) -> Tensor:
    """PyTorch's ``take_along_dim``: ``y[..., j, ...] = x[..., indices[..., j, ...], ...]`` along
    ``dim``, x and indices broadcast against each other in the other dimensions; with dim None,
    both are flattened. Negative indices count from the end. dL/dx adds dL/dy back into the
    taken positions."""
    x = as_tensor(x)
    indices = _index("take_along_dim", indices)
    if dim is None:
        return take_along_axis(x.reshape(-1), indices.reshape(-1), axis=0)
    dim = _dim("take_along_dim", dim, x.ndim)
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_dim: indices of shape {indices.shape} must have as many dimensions as "
            f"input of shape {x.shape}"
        )
    others = [i for i in range(x.ndim) if i != dim]
    try:
        common = np.broadcast_shapes(
            *(tuple(s[i] for i in others) for s in (x.shape, indices.shape))
        )
    except ValueError:
        raise ValueError(
            f"take_along_dim: input of shape {x.shape} and indices of shape {indices.shape} do "
            f"not broadcast outside dim {dim}"
        ) from None
    full = list(common)
    x_shape = tuple(full[:dim] + [x.shape[dim]] + full[dim:])
    i_shape = tuple(full[:dim] + [indices.shape[dim]] + full[dim:])
    x = x.broadcast_to(x_shape) if x.shape != x_shape else x
    return take_along_axis(x, np.broadcast_to(indices, i_shape), axis=dim)


def torch_put(x: Any, index: Any, source: Any, accumulate: bool = False) -> Tensor:
    """PyTorch's ``put`` (``x.put_`` in place): y = x flattened, with ``y[index[i]] =
    source[i]`` (or ``+=`` with ``accumulate``, where repeated indices add up), reshaped back;
    negative indices count from the end. The gradients are index_copy's (or index_add's)."""
    x = as_tensor(x)
    index = _index("put", index).reshape(-1)
    index = _bounds("put", index, x.size, 0, negative=True)
    source = _source("put", x, source)
    if source.size != index.size:
        raise ValueError(
            f"put: source has {source.size} elements (shape {source.shape}) but index has "
            f"{index.size}"
        )
    flat = reshape(x, -1)
    values = reshape(source, -1)
    write = index_add if accumulate else index_copy
    return reshape(write(flat, 0, index, values), x.shape)


@op(torch=torch_put)
def put(x: Any, indices: Any, values: Any, mode: str = "raise") -> None:
    """NumPy's ``ndarray.put``: ``x.flat[indices] = values``, in place (returns None;
    ``values`` repeated if shorter; ``mode`` "raise", "wrap" or "clip" for indices out of
    range), written as ``x.put_`` is, so x's history moves when it has one. PyTorch's ``put``
    returns a new tensor instead: that meaning with ``accumulate=`` or under
    ``pytorch_meanings`` (converted code). (``np.put(t, ...)`` itself is NumPy's write into the
    tensor, counted as an in-place change: autograd/numpy_protocol.py.)"""
    if not isinstance(x, Tensor):
        raise TypeError(f"put: x must be a Tensor to write into, got {type(x).__name__}")
    index = _index("put", indices).reshape(-1)
    if mode == "wrap":
        index = index % max(x.size, 1)
    elif mode == "clip":
        index = np.clip(index, 0, max(x.size - 1, 0))
    elif mode != "raise":
        raise ValueError(f"put: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    values = reshape(_source("put", x, values), -1)
    if index.size and values.size != index.size:
        if not values.size:
            raise ValueError("put: values is empty but indices is not")
        values = values[np.arange(index.size) % values.size]  # (NumPy repeats them)
    x.put_(index, values[: index.size])


def _index_tuple(fn: str, indices: Any) -> tuple:
    if not isinstance(indices, (tuple, list)):
        raise TypeError(
            f"{fn}: indices must be a tuple of index tensors, got {type(indices).__name__}"
        )
    parts = []
    for i in indices:
        part = np.asarray(i._data if isinstance(i, Tensor) else i)
        if part.dtype.kind not in "iub":
            raise TypeError(
                f"{fn}: indices must be integer or bool tensors, got dtype {part.dtype}"
            )
        parts.append(part)
    return tuple(parts)


@op()
def index_put(x: Any, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """PyTorch's ``index_put``: y = x with ``y[indices] = values`` (``indices`` a tuple of index
    tensors, one per leading dimension, as in ``x[i, j]``; values broadcast), or ``+=`` with
    ``accumulate``, where repeated positions add up. dL/dx = dL/dy where nothing was written
    (everywhere with ``accumulate``); dL/dvalues = dL/dy at the positions written. Without
    ``accumulate``, a position named twice keeps the last write (refused while values require
    grad, as ``index_copy``)."""
    x = as_tensor(x)
    index = _index_tuple("index_put", indices)
    try:
        shape = x._data[index].shape
    except IndexError as error:
        raise IndexError(
            f"index_put: indices do not fit self of shape {x.shape}: {error}"
        ) from None
    source = _source("index_put", x, values)
    try:
        source = source.broadcast_to(shape) if source.shape != shape else source
    except ValueError:
        raise ValueError(
            f"index_put: values of shape {source.shape} do not broadcast to the indexed shape "
            f"{shape}"
        ) from None
    if accumulate:
        return x + ScatterAdd.apply(source, index=index, shape=x.shape)
    flat = np.arange(x.size).reshape(x.shape)[index].ravel()
    twice = np.unique(flat).size < flat.size
    mask = np.zeros(x.shape, dtype=bool)
    mask[index] = True
    return _overwrite("index_put", x, index, source, mask, twice)
