"""Tensor methods PyTorch programs call that are not ops of their own: asking about a tensor
(``nelement``, ``type``), viewing it like another (``view_as``, ``expand``), making new tensors
like it (``new_zeros``), comparisons by name (``eq``), and in-place fills (``normal_``,
``uniform_``, ``scatter_``, ``masked_fill_``: item assignments, recorded when they must be, as
autograd/inplace.py's ``put`` says). Installed on Tensor at import.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arguments import constant
from .arguments import requires_grad as _requires_grad
from .creation import copied_out_of_graph, filled, holds_grad
from .grad_mode import is_grad_enabled
from .inplace import put, with_history
from .ops.indexing import take
from .ops.piecewise import where
from .ops.shape import broadcast_to, normalize_shape
from .rebase import rewrite
from .sampling import Generator, rng
from .tensor import Tensor, as_array

# dtype -> the name PyTorch's ``t.type()`` gives it
_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def nelement(self: Tensor) -> int:
    """PyTorch's older name for ``numel()``: the number of elements."""
    return self._data.size


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """The tensor itself if its data is one C-ordered block, else a recorded copy that is, as
    PyTorch's (so that writing into ``t.T.contiguous()`` leaves ``t`` alone there too)."""
    if self._data.flags.c_contiguous:
        return self
    return self.reshape(-1).reshape(self.shape)  # (NumPy's row-major copy, recorded)


def is_contiguous(self: Tensor, memory_format: Any = None) -> bool:
    """Whether the data is one C-ordered block of memory."""
    return bool(self._data.flags.c_contiguous)


def stride(self: Tensor, dim: int | None = None) -> Any:
    """PyTorch's ``stride``: how many elements to step in memory to move one place along each
    dimension (NumPy's byte ``strides`` over the item size), or along ``dim``. A transpose's
    strides are its base's reversed; a broadcast (``expand``) dimension's stride is 0."""
    steps = tuple(s // self._data.itemsize for s in self._data.strides)
    return steps if dim is None else steps[dim]


def element_size(self: Tensor) -> int:
    """PyTorch's ``element_size``: the bytes one element takes (4 for float32; NumPy's
    ``itemsize``)."""
    return self._data.itemsize


def storage_offset(self: Tensor) -> int:
    """PyTorch's ``storage_offset``: where the tensor's first element sits in the memory it
    shares with the tensor it is a view of, counted in elements (0 for a tensor that owns its
    memory; ``points[1]`` of a (3, 2) tensor starts at 2)."""
    base = self._data
    while isinstance(base.base, np.ndarray):
        base = base.base
    start = base.__array_interface__["data"][0]
    return (self._data.__array_interface__["data"][0] - start) // self._data.itemsize


def _reshape_in_place(self: Tensor, shape: tuple[int, ...], what: str, instead: str) -> Tensor:
    # The tensor keeps its memory and only changes how it is seen: its views and version stay.
    # A tensor in the graph, or with a .grad, would keep the old shape there: refused (PyTorch
    # refuses a leaf outside no_grad too); a bare leaf under no_grad is reshaped, as in PyTorch.
    if self._requires_grad and (
        is_grad_enabled() or self._node is not None or self._grad is not None
    ):
        raise RuntimeError(
            f"{what}: in-place shape change of a tensor that requires grad is not supported; "
            f"use {instead}"
        )
    self._data = self._data.reshape(shape)
    return self


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """PyTorch's ``unsqueeze_``: the tensor itself, now with a dimension of size 1 inserted at
    ``dim`` (its memory unchanged). Refused for a tensor that requires grad."""
    position = dim if dim >= 0 else self.ndim + 1 + dim
    if not 0 <= position <= self.ndim:
        raise IndexError(
            f"unsqueeze_: dim {dim} out of range for a tensor of shape {self.shape} "
            f"(expected -{self.ndim + 1} to {self.ndim})"
        )
    shape = self.shape[:position] + (1,) + self.shape[position:]
    return _reshape_in_place(self, shape, "unsqueeze_", "t = t.unsqueeze(dim)")


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """PyTorch's ``squeeze_``: the tensor itself without its dimensions of size 1 (only ``dim``,
    or the dims in a tuple, when given; a named dim of another size stays). Refused for a
    tensor that requires grad."""
    if dim is None:
        dims = {d for d, size in enumerate(self.shape) if size == 1}
    else:
        dims = {d % self.ndim for d in (dim if isinstance(dim, tuple) else (dim,))}
        dims = {d for d in dims if self.shape[d] == 1}
    shape = tuple(size for d, size in enumerate(self.shape) if d not in dims)
    return _reshape_in_place(self, shape, "squeeze_", "t = t.squeeze()")


def type(self: Tensor, dtype: Any = None) -> Any:  # noqa: A001 - PyTorch's name
    """With no argument, the type's name as PyTorch spells it (``"torch.FloatTensor"``, so
    printed output matches); with a dtype, the tensor converted to it (``astype``)."""
    if dtype is None:
        return "torch." + _TYPE_NAMES.get(self.dtype.name, self.dtype.name)
    if isinstance(dtype, str) and dtype.startswith("torch."):
        names = {v: k for k, v in _TYPE_NAMES.items()}
        dtype = names[dtype.removeprefix("torch.")]
    return self.astype(dtype)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """The tensor converted to ``other``'s dtype."""
    return self.astype(other.dtype)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``view(other.shape)``: the tensor's memory seen in ``other``'s shape."""
    return self.view(other.shape)


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes`` (-1 keeps a dimension); a recorded
    ``broadcast_to``, whose gradient sums over the broadcast dimensions."""
    shape = list(normalize_shape(sizes))
    offset = len(shape) - self.ndim
    if offset < 0:
        raise ValueError(f"expand: {tuple(shape)} has fewer dimensions than shape {self.shape}")
    for i, size in enumerate(shape):
        if size == -1:
            if i < offset:
                raise ValueError(f"expand: -1 is not allowed for a new leading dimension {i}")
            shape[i] = self.shape[i - offset]
    return broadcast_to(self, tuple(shape))


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``expand(other.shape)``."""
    return broadcast_to(self, other.shape)


def _new(self: Tensor, array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(array, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, **_: Any):
    """Zeros of ``size`` with this tensor's dtype (or ``dtype``)."""
    return _new(self, np.zeros(normalize_shape(size), dtype or self.dtype), requires_grad)


def new_ones(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, **_: Any):
    """Ones of ``size`` with this tensor's dtype (or ``dtype``)."""
    return _new(self, np.ones(normalize_shape(size), dtype or self.dtype), requires_grad)


def new_empty(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, **_: Any):
    """A tensor of ``size`` with this tensor's dtype, its values not set."""
    return _new(self, np.empty(normalize_shape(size), dtype or self.dtype), requires_grad)


def new_full(
    self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """``fill_value`` everywhere in a tensor of ``size`` with this tensor's dtype (recorded when
    ``fill_value`` is a Tensor that requires grad: dL/d(fill_value) = sum of dL/dy)."""
    if _requires_grad(fill_value):
        return filled("new_full", size, fill_value, dtype or self.dtype, None)
    shape = normalize_shape((size,))
    return _new(self, np.full(shape, fill_value, dtype or self.dtype), requires_grad)


def new_tensor(self: Tensor, data: Any, *, dtype: Any = None, requires_grad: bool = False):
    """A copy of ``data`` as a tensor of this tensor's dtype (or ``dtype``), cut from the graph
    (a warning says so if ``data`` requires grad, as PyTorch's)."""
    if holds_grad(data):
        copied_out_of_graph("new_tensor")
    array = np.array(as_array(data), dtype=dtype or self.dtype, copy=True)
    return _new(self, array, requires_grad)


def bmm(self: Tensor, mat2: Any) -> Tensor:
    """PyTorch's batched matrix product: ``self`` (b, n, m) times ``mat2`` (b, m, p) gives
    (b, n, p), out[i] = self[i] @ mat2[i] (``@`` itself, restricted to 3-D operands)."""
    other = mat2 if isinstance(mat2, Tensor) else Tensor(as_array(mat2))
    a, b = self.shape, other.shape
    if len(a) != 3 or len(b) != 3 or a[0] != b[0] or a[2] != b[1]:
        raise ValueError(
            f"bmm: needs (b, n, m) and (b, m, p) tensors, got shapes {a} and {b} "
            "(for other shapes use @ / matmul, which broadcasts)"
        )
    return self @ other


def amax(self: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """PyTorch's ``amax``: the maxima over ``dim`` (an int or a tuple; all axes by default),
    values only; tied maxima share the gradient evenly (as PyTorch's amax)."""
    axis = None if dim == () else dim
    return self.max(axis=axis, keepdims=keepdim)


def amin(self: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """PyTorch's ``amin``: the minima over ``dim`` (all axes by default), values only."""
    axis = None if dim == () else dim
    return self.min(axis=axis, keepdims=keepdim)


def rsqrt(self: Tensor) -> Tensor:
    """1 / sqrt(x), elementwise."""
    return 1.0 / self.sqrt()


def clamp_min(self: Tensor, min: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``clamp(min=min)``: max(x, min)."""
    return self.clamp(min=min)


def clamp_max(self: Tensor, max: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``clamp(max=max)``: min(x, max)."""
    return self.clamp(max=max)


def true_divide(self: Tensor, other: Any) -> Tensor:
    """``self / other`` (true division, floats out)."""
    return self / other


def reshape_as(self: Tensor, other: Any) -> Tensor:
    """``self.reshape(other.shape)``."""
    return self.reshape(tuple(other.shape))


def masked_select(self: Tensor, mask: Any) -> Tensor:
    """The elements of ``self`` where ``mask`` (broadcast with it) is True, as a 1-D tensor in
    row-major order; the gradient flows back to those elements."""
    where_true = np.asarray(getattr(mask, "_data", mask), dtype=bool)
    shape = np.broadcast_shapes(self.shape, where_true.shape)
    full = self if self.shape == shape else broadcast_to(self, shape)
    return full[np.broadcast_to(where_true, shape)]


def eq(self: Tensor, other: Any) -> Tensor:
    """``self == other`` elementwise, by PyTorch's name (a bool tensor)."""
    return self == other


def ne(self: Tensor, other: Any) -> Tensor:
    """``self != other`` elementwise (a bool tensor)."""
    return self != other


def lt(self: Tensor, other: Any) -> Tensor:
    """``self < other`` elementwise (a bool tensor)."""
    return self < other


def le(self: Tensor, other: Any) -> Tensor:
    """``self <= other`` elementwise (a bool tensor)."""
    return self <= other


def gt(self: Tensor, other: Any) -> Tensor:
    """``self > other`` elementwise (a bool tensor)."""
    return self > other


def ge(self: Tensor, other: Any) -> Tensor:
    """``self >= other`` elementwise (a bool tensor)."""
    return self >= other


def where_method(self: Tensor, condition: Any, other: Any) -> Tensor:
    """PyTorch's ``x.where(condition, y)``: x where ``condition`` holds, else y."""
    return where(condition, self, other)


def index_select(self: Tensor, dim: int, index: Any) -> Tensor:
    """The entries at ``index`` (1-D) along ``dim``: ``take(x, index, axis=dim)``, recorded."""
    return take(self, index, axis=dim)


def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The slice ``start:start + length`` along ``dim`` (a recorded view)."""
    return self[(slice(None),) * (dim % self.ndim) + (slice(start, start + length),)]


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
    An item assignment: recorded when it must be (autograd/inplace.py's ``put``)."""
    if reduce is not None:
        raise NotImplementedError("scatter_: reduce= is not supported; use np.add.at on arrays")
    source = value if src is None else src
    positions = _positions("scatter_", self.shape, dim, index)
    if not isinstance(source, Tensor):
        source = np.asarray(source, dtype=self.dtype)
    return put(self, positions, _source(source, positions[dim].shape), "scatter_")


def scatter(self: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """``scatter_`` on a copy: y = self, with ``y[index[i, j], j] = src[i, j]`` for dim 0.
    Recorded when self or src requires grad: dL/dself = dL/dy where nothing was written, 0
    elsewhere; dL/dsrc[i, j] = dL/dy at the position src[i, j] went to (PyTorch's
    ``grad.gather(dim, index)``). A position written twice is refused when src requires grad
    (which write wins has no derivative)."""
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


def equal(self: Tensor, other: Any) -> bool:
    """PyTorch's ``t.equal(other)``: True if ``other`` has this tensor's shape and elements (one
    bool; the elementwise comparison is ``t == other`` or ``t.eq(other)``)."""
    from .ops.comparison import equal_whole

    return equal_whole(self, other)


def _is_one(alpha: Any) -> bool:
    # a plain 1 adds other itself (a Tensor alpha is recorded as a factor)
    return isinstance(alpha, (int, float)) and alpha == 1


def add(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``t.add(other, alpha=1)``: t + alpha * other (the ``+`` operator's op; the
    method is kept apart so that ``+`` itself stays one call)."""
    return self + (other if _is_one(alpha) else alpha * other)


def subtract(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``t.sub(other, alpha=1)`` (also ``t.subtract``): t - alpha * other."""
    return self - (other if _is_one(alpha) else alpha * other)


def addcmul(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """PyTorch's ``addcmul``: self + value * tensor1 * tensor2 (recorded as those ops)."""
    return self + value * tensor1 * tensor2


def addcdiv(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """PyTorch's ``addcdiv``: self + value * tensor1 / tensor2 (recorded as those ops)."""
    return self + value * tensor1 / tensor2


def lerp(self: Tensor, end: Any, weight: Any) -> Tensor:
    """PyTorch's ``lerp``: self + weight * (end - self), the straight line from self to end."""
    return self + weight * (end - self)


def in_place(name: str) -> Any:
    """The Tensor method ``name_`` (``exp_``, ``addcmul_``, ...: one per name in ``IN_PLACE``),
    PyTorch's in-place ``name``: the method's result written into the tensor itself. Its
    history moves to the new node when it has one (autograd/rebase.py, with the old values as
    the op's input); refused on a leaf that requires grad outside no_grad, as PyTorch does; a
    result whose dtype cannot be cast back (``sqrt_`` of an int tensor) raises, as in PyTorch."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        def compute(old: Tensor, *operands: Any) -> Tensor:
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
)  # fmt: skip


class TorchMethods:
    """The methods ``autograd/__init__.py`` installs on Tensor (with ``install_attributes``)."""


for _name, _method in {
    "nelement": nelement,
    "contiguous": contiguous,
    "is_contiguous": is_contiguous,
    "stride": stride,
    "storage_offset": storage_offset,
    "element_size": element_size,
    "unsqueeze_": unsqueeze_,
    "squeeze_": squeeze_,
    "type": type,
    "type_as": type_as,
    "view_as": view_as,
    "expand": expand,
    "expand_as": expand_as,
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_empty": new_empty,
    "new_full": new_full,
    "new_tensor": new_tensor,
    "eq": eq,
    "bmm": bmm,
    "amax": amax,
    "amin": amin,
    "rsqrt": rsqrt,
    "clamp_min": clamp_min,
    "clamp_max": clamp_max,
    "true_divide": true_divide,
    "reshape_as": reshape_as,
    "masked_select": masked_select,
    "equal": equal,
    "ne": ne,
    "lt": lt,
    "le": le,
    "gt": gt,
    "ge": ge,
    "where": where_method,
    "index_select": index_select,
    "narrow": narrow,
    "normal_": normal_,
    "uniform_": uniform_,
    "masked_fill_": masked_fill_,
    "fill": fill,
    "scatter_": scatter_,
    "scatter": scatter,
    "add": add,
    "subtract": subtract,
    "sub": subtract,
    "addcmul": addcmul,
    "addcdiv": addcdiv,
    "lerp": lerp,
    **{f"{name}_": in_place(name) for name in IN_PLACE},
}.items():
    setattr(TorchMethods, _name, _method)
del _name, _method
