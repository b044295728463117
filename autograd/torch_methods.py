"""Tensor methods PyTorch programs call that are not ops of their own: asking about a tensor
(``nelement``, ``type``), viewing it like another (``view_as``, ``expand``), making new tensors
like it (``new_zeros``), comparisons by name (``eq``), PyTorch's arithmetic spellings
(``add(alpha=)``, ``addcmul``). The methods that write into the tensor are in torch_writes.py.
Installed on Tensor at import.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arguments import requires_grad as _requires_grad
from .creation import copied_out_of_graph, filled, holds_grad
from .grad_mode import is_grad_enabled
from .ops.indexing import take
from .ops.piecewise import where
from .ops.shape import broadcast_to, normalize_shape
from .tensor import Tensor, as_array
from .torch_writes import (
    IN_PLACE,
    INDEX_IN_PLACE,
    fill,
    in_place,
    masked_fill_,
    normal_,
    scatter,
    scatter_,
    uniform_,
)

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


def _put(self: Tensor, index: Any, source: Any, accumulate: bool = False) -> Tensor:
    """PyTorch's ``t.put(index, source, accumulate=False)`` as a new tensor (what ``t.put_``
    writes into t)."""
    from .ops.accumulate import torch_put

    return torch_put(self, index, source, accumulate)


def median(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """PyTorch's ``t.median(dim=None, keepdim=False)``: the lower of the two middle values (all
    elements: a 0-d tensor; along ``dim``: (values, indices)); the gradient goes to that element.
    (``autograd.median`` spelled the NumPy way is np.median, which averages them.)"""
    from .ops.order import _torch_median

    return _torch_median(self, dim, keepdim)


def nanmedian(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """PyTorch's ``t.nanmedian(dim=None, keepdim=False)``: ``t.median`` ignoring NaNs."""
    from .ops.order import _torch_nanmedian

    return _torch_nanmedian(self, dim, keepdim)


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """PyTorch's ``t.unfold(dimension, size, step)``: the windows of ``size`` elements, ``step``
    apart, along ``dimension``, as a new last dimension (a view; see ``ops.indexing.unfold``)."""
    from .ops.indexing import unfold as windows

    return windows(self, dimension, size, step)


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
    **{f"{name}_": in_place(name) for name in INDEX_IN_PLACE},
    "put_": in_place("put", _put),
    "median": median,
    "nanmedian": nanmedian,
    "unfold": unfold,
}.items():
    setattr(TorchMethods, _name, _method)
del _name, _method
