"""PyTorch's Tensor methods that write into the tensor: fills (``normal_``, ``uniform_``,
``fill``, ``masked_fill_``), ``scatter_`` (and ``scatter`` on a copy), and the in-place forms
of math methods (``exp_``, ``addcmul_``, ...). Each is an item assignment, recorded when it
must be, as autograd/inplace.py's ``put`` says: a tensor with history moves it to a new node
(autograd/rebase.py). Installed on Tensor with the rest of torch_methods.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arguments import constant
from .arguments import requires_grad as _requires_grad
from .inplace import put, with_history
from .ops.piecewise import where
from .ops.shape import broadcast_to
from .rebase import rewrite
from .sampling import Generator, rng
from .tensor import Tensor, as_array


# ----- fills in place (as parameter initialisation does; recorded on a tensor with history) -----
def normal_(
    self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of N(mean, std^2), in place (dL/d(old) = 0)."""
    mean, std = constant("normal_", "mean", mean), constant("normal_", "std", std)
    return put(self, ..., mean + std * rng(generator).standard_normal(self.shape), "normal_")


def uniform_(
    self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of the uniform distribution on [a, b), in place (dL/d(old) = 0)."""
    a, b = constant("uniform_", "a", a), constant("uniform_", "b", b)
    return put(self, ..., rng(generator).uniform(a, b, self.shape), "uniform_")


def fill(self: Tensor, value: Any) -> None:
    """NumPy's ``ndarray.fill``: every element becomes ``value``, in place (``fill_`` is
    PyTorch's spelling, which returns the tensor)."""
    put(self, ..., value if isinstance(value, Tensor) else as_array(value), "fill")


def masked_fill_(self: Tensor, mask: Any, value: Any) -> Tensor:
    """``value`` where ``mask`` is true, in place: ``t[mask] = value`` (the mask broadcast to
    the tensor's shape)."""
    mask = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    mask = np.broadcast_to(mask.astype(bool, copy=False), self.shape)
    return put(self, mask, value if isinstance(value, Tensor) else as_array(value), "masked_fill_")


def _positions(fn: str, shape: tuple[int, ...], dim: int, index: Any) -> tuple:
    """The positions ``scatter`` writes, as a NumPy index: position ``i`` of ``index`` names
    ``out[i_0, ..., index[i], ..., i_n]`` (``index`` replaces coordinate ``dim``)."""
    index = np.asarray(index._data if isinstance(index, Tensor) else index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{fn}: index must be integers, got dtype {index.dtype}")
    if index.ndim != len(shape):
        raise ValueError(
            f"{fn}: index of shape {index.shape} must have the {len(shape)} dims of shape {shape}"
        )
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim % len(shape)] = index.astype(np.intp)
    return tuple(grid)


def _source(source: Any, index_shape: tuple[int, ...]) -> Any:
    # src's first index.shape elements (PyTorch reads only those), or a number.
    if not np.ndim(source):
        return source
    return source[tuple(slice(0, n) for n in index_shape)]


def scatter_(
    self: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
) -> Tensor:
    """PyTorch's ``scatter_``: ``self[index[i, j], j] = src[i, j]`` for dim 0 (and so on), in place;
    ``src`` may be a number (the one-hot idiom ``y.scatter_(1, labels.unsqueeze(1), 1.0)``).
    An item assignment: recorded when it must be (autograd/inplace.py's ``put``). With
    ``reduce="add"`` or ``"multiply"``, src is added or multiplied in instead (repeated
    positions accumulate): ``scatter_reduce_`` with "sum" or "prod"."""
    if reduce is not None:  # PyTorch's reduce="add" / "multiply": scatter_reduce_'s sum / prod
        return _scatter_reduced("scatter_", self, dim, index, src, value, reduce)
    source = value if src is None else src
    positions = _positions("scatter_", self.shape, dim, index)
    if not isinstance(source, Tensor):
        source = np.asarray(source, dtype=self.dtype)
    return put(self, positions, _source(source, positions[dim].shape), "scatter_")


def _scatter_reduced(
    fn: str, self: Tensor, dim: int, index: Any, src: Any, value: Any, reduce: Any
) -> Tensor:
    # PyTorch's scatter with reduce="add" or "multiply": scatter_reduce's "sum" or "prod" with
    # self included (in place for scatter_), src a tensor or the number ``value``.
    modes = {"add": "sum", "multiply": "prod"}
    if reduce not in modes:
        raise ValueError(f"{fn}: reduce must be 'add' or 'multiply', got {reduce!r}")
    source = value if src is None else src
    if not isinstance(source, Tensor):
        shape = np.shape(index._data if isinstance(index, Tensor) else index)
        source = Tensor(np.full(shape, source, dtype=self.dtype))
    method = self.scatter_reduce_ if fn == "scatter_" else self.scatter_reduce
    return method(dim, index, source, modes[reduce])


def scatter(
    self: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
) -> Tensor:
    """``scatter_`` on a copy: y = self, with ``y[index[i, j], j] = src[i, j]`` for dim 0.
    Recorded when self or src requires grad: dL/dself = dL/dy where nothing was written, 0
    elsewhere; dL/dsrc[i, j] = dL/dy at the position src[i, j] went to (PyTorch's
    ``grad.gather(dim, index)``). A position written twice is refused when src requires grad
    (which write wins has no derivative)."""
    if reduce is not None:
        return _scatter_reduced("scatter", self, dim, index, src, value, reduce)
    source = value if src is None else src
    if not (_requires_grad(self) or _requires_grad(source)):
        return scatter_(Tensor(self._data.copy()), dim, index, src, value=value)
    from .ops.indexing import ScatterAdd  # (the op library imports this module's neighbours)

    positions = _positions("scatter", self.shape, dim, index)
    shape = positions[dim].shape
    counts = np.zeros(self.shape, dtype=np.int64)
    np.add.at(counts, positions, 1)
    if _requires_grad(source) and counts.max(initial=0) > 1:
        raise RuntimeError(
            "scatter: index names a position twice while src requires grad (which write wins "
            "has no derivative); index each position once"
        )
    if not isinstance(source, Tensor):
        source = Tensor(np.asarray(source, dtype=self.dtype))
    source = _source(source, shape).astype(self.dtype)
    placed = ScatterAdd.apply(broadcast_to(source, shape), index=positions, shape=self.shape)
    return where(counts > 0, placed, self)


def in_place(name: str, function: Any = None) -> Any:
    """The Tensor method ``name_`` (``exp_``, ``addcmul_``, ...: one per name in ``IN_PLACE``),
    PyTorch's in-place ``name``: the method's result written into the tensor itself. Its
    history moves to the new node when it has one (autograd/rebase.py, with the old values as
    the op's input); refused on a leaf that requires grad outside no_grad, as PyTorch does; a
    result whose dtype cannot be cast back (``sqrt_`` of an int tensor) raises, as in PyTorch.
    ``function(t, ...)`` computes the result where the method is not ``t.name`` (``put_``)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        def compute(old: Tensor, *operands: Any) -> Tensor:
            if function is not None:
                result = function(old, *operands, **kwargs)
            else:
                result = getattr(old, name)(*operands, **kwargs)
            if not np.can_cast(result.dtype, self.dtype, "same_kind"):
                raise RuntimeError(
                    f"{name}_: result type {result.dtype} can't be cast to the tensor's dtype "
                    f"{self.dtype} in place; use t = t.{name}(...) or convert t first"
                )
            return result

        if with_history(self, *args, *kwargs.values()):
            return rewrite(self, compute, f"{name}_", *args)
        return put(self, ..., compute(self, *args), f"{name}_")

    method.__name__ = f"{name}_"
    method.__qualname__ = "in_place"  # (where the reference documents it: this factory)
    method.__doc__ = f"PyTorch's in-place ``{name}_``: ``t.{name}(...)`` written into t."
    return method


# PyTorch's in-place math methods (the optimizers written by hand use several)
IN_PLACE = (
    "exp", "log", "sqrt", "abs", "neg", "relu", "sigmoid", "tanh", "square", "floor", "ceil",
    "round", "sign", "reciprocal", "pow", "sin", "cos", "log1p", "expm1", "trunc", "addcmul",
    "addcdiv", "lerp", "tril", "triu", "log2", "log10", "erf", "sinh", "cosh",
    "erfc", "erfinv", "lgamma", "digamma", "sinc", "frac", "sgn", "i0",
)  # fmt: skip

# PyTorch's in-place index-accumulate methods (autograd/ops/accumulate.py computes each result)
INDEX_IN_PLACE = (
    "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill", "masked_scatter",
    "index_put",
)  # fmt: skip
