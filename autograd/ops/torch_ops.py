"""Ops PyTorch programs use that NumPy spells differently or lacks: triangles, masking, splitting,
top-k, gather, rounding, finiteness tests, closeness, histograms, batched and matrix-vector
products, repeat_interleave. Most are composed of recorded
ops (so their gradients are those ops' gradients); the rounding functions are one class each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..arguments import constant, constant_array, requires_grad
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .indexing import ScatterAdd, diagonal, take_along_axis
from .linalg import _pytorch_norm, matmul
from .piecewise import where
from .reductions import ValuesIndices
from .reorder import sort_order
from .shape import reshape
from .tiling import Repeat, pad


def _array(x: Any) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _triangle_mask(x: Tensor, diagonal: int, upper: bool) -> np.ndarray:
    if x.ndim < 2:
        raise ValueError(f"tril/triu: need at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    below = np.tri(rows, cols, diagonal - upper, dtype=bool)
    return ~below if upper else below


@op(numpy=np.tril)
def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two axes: y[i, j] = x[i, j] where j <= i + diagonal, else
    0;  dy/dx = that same mask."""
    x = as_tensor(x)
    return where(_triangle_mask(x, diagonal, upper=False), x, 0)


@op(numpy=np.triu)
def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two axes: y[i, j] = x[i, j] where j >= i + diagonal, else
    0;  dy/dx = that same mask."""
    x = as_tensor(x)
    return where(_triangle_mask(x, diagonal, upper=True), x, 0)


@op()
def masked_fill(x: Any, mask: Any, value: Any) -> Tensor:
    """PyTorch's ``masked_fill``: ``value`` where ``mask`` is true, x elsewhere (the mask
    broadcasts to x's shape);  dy/dx = not mask, dy/dvalue = mask (for a 0-d Tensor value)."""
    x = as_tensor(x)
    mask = _array(mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: the mask must be a bool tensor, got {mask.dtype}")
    np.broadcast_shapes(mask.shape, x.shape)  # raises naming both shapes if they do not fit
    if requires_grad(value):  # recorded (PyTorch's masked_fill with a 0-d Tensor value)
        if value.size != 1:
            raise ValueError(f"masked_fill: value must have one element, got shape {value.shape}")
        return where(mask, value.reshape(()).astype(x.dtype), x)
    value = value.item() if isinstance(value, Tensor) else value
    return where(mask, np.asarray(value, dtype=x.dtype), x)


@op()
def split(x: Any, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``split``: pieces of ``split_size_or_sections`` elements along ``dim`` (the last
    one shorter if need be), or pieces of the listed sizes; each piece is a recorded slice."""
    x = as_tensor(x)
    length = x.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: the split size must be positive, got {size}")
        sizes = [min(size, length - start) for start in range(0, length, size)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != length:
            raise ValueError(
                f"split: sizes {sizes} add up to {sum(sizes)}, not to the length {length} of "
                f"dim {dim} (shape {x.shape})"
            )
    pieces, start = [], 0
    before = (slice(None),) * (dim % x.ndim)
    for size in sizes:
        pieces.append(x[before + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


@op()
def chunk(x: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``chunk``: ``chunks`` pieces along ``dim`` of ceil(length / chunks) elements
    (fewer pieces if the length runs out)."""
    x = as_tensor(x)
    length = x.shape[dim]
    return split(x, max(1, -(-length // chunks)), dim)


@op(method="norm", export=False)
def tensor_norm(
    x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None
) -> Tensor:
    """PyTorch's ``Tensor.norm(p="fro", dim=None, keepdim=False)``: the p-norm of all elements
    (``dim=None``) or along ``dim``, as ``torch.norm`` (see ``linalg._pytorch_norm``)."""
    return _pytorch_norm(x, p, dim, keepdim, dtype)


@op()
def topk(
    x: Any,
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002
) -> ValuesIndices:
    """PyTorch's ``topk``: the ``k`` largest (or smallest) entries along ``dim`` and where they
    are, largest first; the values are gathered from x, so their gradient flows back there."""
    x = as_tensor(x)
    data = x._data
    if not 0 <= k <= data.shape[dim]:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of shape {x.shape}")
    indices = np.take(sort_order(data, dim, largest), np.arange(k), axis=dim)
    return ValuesIndices(take_along_axis(x, indices, axis=dim), Tensor(indices.astype(np.int64)))


@op()
def gather(x: Any, dim: int, index: Any) -> Tensor:
    """PyTorch's ``gather``: ``y[i, j] = x[index[i, j], j]`` for dim 0 (and so on), which is
    ``take_along_axis(x, index, axis=dim)``; the gradient adds back into the picked entries."""
    return take_along_axis(x, _array(index), axis=dim)


class Rounding(Function):
    """A step function of x (floor, ceil, round, trunc, sign);  dy/dx = 0 where it is defined
    (PyTorch's convention at the jumps too). As in PyTorch, ``x.floor()`` is recorded (its result
    requires grad, with a zero gradient); NumPy's ``np.floor(t)`` keeps returning a result cut
    from the graph."""

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * 0


@op()
class Floor(Rounding):
    """y = the largest integer <= x, elementwise;  dy/dx = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.floor(x)


@op()
class Ceil(Rounding):
    """y = the smallest integer >= x, elementwise;  dy/dx = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.ceil(x)


class Round(Rounding):
    """y = x rounded to the nearest integer, halves to even (as PyTorch);  dy/dx = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.round(x)


@op()
class Trunc(Rounding):
    """y = x with its fractional part dropped (towards zero);  dy/dx = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.trunc(x)


@op(aliases=("sgn",))
class Sign(Rounding):
    """y = -1, 0 or 1 by the sign of x;  dy/dx = 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return np.sign(x)


@op()
def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's and NumPy's name
    """x rounded to the nearest integer (halves to even), or to ``decimals`` places;
    dy/dx = 0."""
    if decimals:
        scale = 10.0 ** constant("round", "decimals", decimals)
        return Round.apply(as_tensor(x) * scale) / scale
    return Round.apply(x)


def _flags(fn: Any, x: Any) -> Tensor:
    return Tensor(fn(_array(x)))  # a bool tensor: no gradient


@op(numpy=np.isfinite)
def isfinite(x: Any) -> Tensor:
    """True where x is neither infinite nor NaN (a bool tensor)."""
    return _flags(np.isfinite, x)


@op(numpy=np.isnan)
def isnan(x: Any) -> Tensor:
    """True where x is NaN (a bool tensor)."""
    return _flags(np.isnan, x)


@op(numpy=np.isinf)
def isinf(x: Any) -> Tensor:
    """True where x is +inf or -inf (a bool tensor)."""
    return _flags(np.isinf, x)


@op(numpy=np.isclose)
def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """|a - b| <= atol + rtol |b| elementwise (a bool tensor), as PyTorch and NumPy."""
    rtol_, atol_ = _array(rtol), _array(atol)  # a Tensor tolerance must not dispatch back here
    return Tensor(np.isclose(_array(a), _array(b), rtol=rtol_, atol=atol_, equal_nan=equal_nan))


@op(numpy=np.allclose)
def allclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether ``isclose(a, b)`` holds everywhere (a Python bool)."""
    rtol_, atol_ = _array(rtol), _array(atol)  # a Tensor tolerance must not dispatch back here
    return bool(np.allclose(_array(a), _array(b), rtol=rtol_, atol=atol_, equal_nan=equal_nan))


class Histogram(NamedTuple):
    """What PyTorch's ``histogram`` returns."""

    hist: Tensor
    bin_edges: Tensor


@op()
def histogram(
    x: Any,
    bins: Any = 100,
    *,
    range: tuple[float, float] | None = None,  # noqa: A002 - PyTorch's name
    weight: Any = None,
    density: bool = False,
) -> Histogram:
    """PyTorch's ``histogram``: counts of x's values in ``bins`` equal bins over ``range`` (x's
    min to max by default), or in the bins whose edges ``bins`` lists; with ``weight``, the sum
    of the weights of the values in each bin (over ``sum * bin width`` with ``density``).

    x may require grad (a histogram of activations in the middle of a graph): the counts only
    jump as x moves (derivative 0 almost everywhere, as ``histc``), but equal bins over x's own
    range have edges ``min + (max - min) k / bins``, recorded through x.min() and x.max(), and a
    density divides by their widths, so both carry x's true gradient. Recorded for ``weight`` (a
    bin's sum is linear in it: dL/dweight_i = dL/dhist at x_i's bin). Given edges or ``range``
    are refused when they require grad (PyTorch has no derivative for them either)."""
    data = _array(x)  # the counts are piecewise constant in x; the edges are recorded below
    edges = constant("histogram", "bins", bins)
    if range is not None:
        range = tuple(constant("histogram", "range", r) for r in range)
    bin_edges = np.histogram_bin_edges(data, edges, range=range).astype(data.dtype)
    if requires_grad(weight):
        hist = _weighted_counts(data, bin_edges, weight)
    else:
        weights = None if weight is None else _array(weight)
        counts, _ = np.histogram(data, bin_edges, weights=weights)
        hist = Tensor(counts.astype(data.dtype))
    edges_t = Tensor(bin_edges)
    if range is None and np.ndim(edges) == 0 and requires_grad(x):
        edges_t = _edges_following(as_tensor(x), bin_edges)
    if density:
        hist = hist / (hist.sum() * (edges_t[1:] - edges_t[:-1]))
    return Histogram(hist, edges_t)


def _edges_following(x: Tensor, bin_edges: np.ndarray) -> Tensor:
    # edge_k = lo + (hi - lo) * k / bins with lo, hi = x's min and max (NumPy widens an empty
    # range by 0.5 each side, a constant shift); the values are NumPy's own edges exactly.
    lo, hi = x.min(), x.max()
    fraction = Tensor((np.arange(bin_edges.size) / (bin_edges.size - 1)).astype(bin_edges.dtype))
    recorded = lo + (hi - lo) * fraction
    return recorded + Tensor(bin_edges - recorded._data)


def _weighted_counts(data: np.ndarray, bin_edges: np.ndarray, weight: Tensor) -> Tensor:
    # np.histogram's bins: [e_k, e_k+1), the last one closed; values outside are left out.
    count = bin_edges.size - 1
    values = data.reshape(-1)
    which = np.searchsorted(bin_edges, values, side="right") - 1
    which[values == bin_edges[-1]] = count - 1
    inside = (which >= 0) & (which < count)
    if weight.shape != data.shape:
        raise ValueError(
            f"histogram: weight of shape {weight.shape} must have x's shape {data.shape}"
        )
    picked = weight.reshape(-1)[inside]
    return ScatterAdd.apply(picked, index=(which[inside],), shape=(count,)).astype(data.dtype)


@op()
def histc(x: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """PyTorch's ``histc``: counts in ``bins`` equal bins from ``min`` to ``max`` (x's own min
    and max when both are 0); values outside are ignored; no gradient."""
    data = _array(x)
    low, high = float(_array(min)), float(_array(max))  # (the counts are constant in them)
    if low == high == 0:
        low, high = float(data.min()), float(data.max())
    if low == high:
        low, high = low - 1, high + 1
    hist, _ = np.histogram(data[(data >= low) & (data <= high)], bins, range=(low, high))
    return Tensor(hist.astype(data.dtype))


def _nonzero_rows(x: Any, *, as_tuple: bool = False) -> Any:
    """PyTorch's ``nonzero``: the indices of the non-zero entries, one row per entry (shape
    (n, ndim), int64), or with ``as_tuple=True`` one index tensor per dimension."""
    found = np.nonzero(_array(x))
    if as_tuple:
        return tuple(Tensor(i.astype(np.int64)) for i in found)
    return Tensor(np.stack(found, axis=1).astype(np.int64))


@op(numpy=np.nonzero, method="nonzero", torch=_nonzero_rows)
def nonzero(x: Any) -> tuple[Tensor, ...]:
    """The indices of the non-zero entries, one int64 tensor per dimension, as np.nonzero and
    ndarray.nonzero; PyTorch's rows (n, ndim) when spelled with ``as_tuple=`` or under
    ``pytorch_meanings`` (converted code)."""
    return _nonzero_rows(x, as_tuple=True)


@op()
def unique(
    x: Any,
    sorted: bool = True,  # noqa: A002 - PyTorch's name
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """PyTorch's ``unique``: the distinct values, sorted (and, as asked, the index of each input
    value among them and how often each occurs). No gradient: x is refused when it requires grad
    (which of equal values a distinct value came from is not a derivative; PyTorch has none)."""
    data = constant_array("unique", "x", x)
    # (NumPy's stubs type each combination of the two flags apart; these are known only here.)
    wanted: dict[str, Any] = {"return_inverse": return_inverse, "return_counts": return_counts}
    out = np.unique(data, axis=dim, **wanted)
    if not (return_inverse or return_counts):
        return Tensor(out)
    values, *rest = out
    if return_inverse:
        rest[0] = rest[0].reshape(data.shape if dim is None else -1)
    return (Tensor(values), *(Tensor(r.astype(np.int64)) for r in rest))


@op(numpy=np.argsort)
def argsort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """Where each sorted value came from along ``dim`` (an integer tensor; no gradient)."""
    return Tensor(sort_order(_array(x), dim, descending))


@op()
def select(x: Any, dim: int, index: int) -> Tensor:
    """PyTorch's ``select``: the slice at ``index`` along ``dim`` (that dimension removed),
    ``x[:, index]`` for dim 1 -- a recorded view."""
    x = as_tensor(x)
    return x[(slice(None),) * (dim % x.ndim) + (index,)]


@op()
def unbind(x: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``unbind``: the slices along ``dim``, that dimension removed -- ``select(x, dim,
    i)`` for each i, each a recorded view."""
    x = as_tensor(x)
    if not -x.ndim <= dim < x.ndim:
        raise ValueError(f"unbind: dim {dim} is out of range for a tensor of shape {x.shape}")
    return tuple(select(x, dim, i) for i in range(x.shape[dim]))


@op()
def mv(a: Any, vec: Any) -> Tensor:
    """PyTorch's ``mv``: the matrix-vector product y_i = sum_j a_ij vec_j for a 2-D a and a 1-D
    vec (``matmul`` restricted to those shapes)."""
    a, vec = as_tensor(a), as_tensor(vec)
    if a.ndim != 2 or vec.ndim != 1 or a.shape[1] != vec.shape[0]:
        raise ValueError(
            f"mv: expected a matrix (n, m) and a vector (m,), got shapes {a.shape} and {vec.shape}"
        )
    return matmul(a, vec)


@op()
def repeat_interleave(
    x: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """PyTorch's ``repeat_interleave``: each element repeated ``repeats`` times (an int, or one
    count per element along ``dim``) along ``dim`` -- of the flattened tensor for None -- which
    is NumPy's ``repeat``; d/dx adds up the gradients of the copies. With one argument,
    ``repeat_interleave(counts)`` is ``arange(len(counts))`` with entry i repeated counts[i]
    times (int64). ``output_size`` is only checked."""
    if repeats is None:
        counts = constant_array("repeat_interleave", "repeats", x)
        out = Tensor(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    else:
        counts = constant_array("repeat_interleave", "repeats", repeats)
        if counts.dtype.kind not in "iu":
            raise TypeError(f"repeat_interleave: repeats must be integers, got {counts.dtype}")
        x = as_tensor(x)
        if dim is not None and not -x.ndim <= dim < max(x.ndim, 1):
            raise IndexError(
                f"repeat_interleave: dim {dim} out of range for a tensor of shape {x.shape}"
            )
        out = Repeat.apply(x, repeats=counts.reshape(-1) if counts.ndim else int(counts), axis=dim)
    if output_size is not None and out.shape[0 if dim is None else dim] != output_size:
        raise ValueError(
            f"repeat_interleave: output_size={output_size} but the result has "
            f"{out.shape[0 if dim is None else dim]} entries along the repeated dimension"
        )
    return out


@op(method=False)
def numel(x: Any) -> int:
    """PyTorch's ``torch.numel(x)``: the number of elements (``x.numel()``, NumPy's ``size``)."""
    return int(np.size(_array(x)))


@op(numpy=np.array_equal, method=False)
def array_equal(a: Any, b: Any, equal_nan: bool = False) -> bool:
    """Whether a and b have the same shape and the same elements (a Python bool), as NumPy's
    ``array_equal`` (PyTorch's ``torch.equal`` and ``a.equal(b)``; ``autograd.equal`` is that
    under ``pytorch_meanings``)."""
    return bool(np.array_equal(_array(a), _array(b), equal_nan=equal_nan))


@op(numpy=np.diag)
def diag(x: Any, k: int = 0) -> Tensor:
    """A 1-D x as the ``k``-th diagonal of a square matrix (zeros elsewhere; k > 0 above the main
    diagonal), or the ``k``-th diagonal of a 2-D x as a vector: np.diag, and PyTorch's
    ``torch.diag(x, diagonal)``. Recorded: the matrix is x times the identity, padded, so
    dL/dx_i is dL/dy at x_i's place; the vector is ``diagonal``'s."""
    x = as_tensor(x)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag: x must be 1-D or 2-D, got shape {x.shape}")
    square = reshape(x, (-1, 1)) * Tensor(np.eye(x.shape[0], dtype=x.dtype))
    shift = abs(int(k))
    widths = ((0, shift), (shift, 0)) if k >= 0 else ((shift, 0), (0, shift))
    return pad(square, widths) if shift else square
