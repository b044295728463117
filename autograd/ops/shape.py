"""Ops that change the shape or the order of axes without arithmetic.

Their backward moves the gradient back the same way: reshape it back, transpose by the inverse
permutation, or convert it back to the input's dtype.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..devices import check_device
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from ..versions import owner
from .axes import Axis, normalize_axis


class Reshape(Function):
    """y = x viewed with a new shape;  dL/dx = dL/dy reshaped to x's shape."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        try:
            out = x.reshape(shape)
        except ValueError:
            raise ValueError(f"cannot reshape an array of shape {x.shape} into {shape}") from None
        ctx.in_shape = x.shape
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.reshape(ctx.in_shape)


class Transpose(Function):
    """y = x with its axes permuted;  dL/dx = dL/dy permuted back by the inverse permutation."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axes: tuple[int, ...] | None = None) -> np.ndarray:
        ndim = x.ndim
        given = axes
        if axes is None:
            axes = tuple(reversed(range(ndim)))
        axes = tuple(a + ndim if a < 0 else a for a in axes)
        if sorted(axes) != list(range(ndim)):
            raise ValueError(f"axes {given} are not a permutation of the {ndim} axes")
        ctx.inverse = tuple(int(i) for i in np.argsort(axes))
        return x.transpose(axes)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.transpose(ctx.inverse)


class BroadcastTo(Function):
    """y = x repeated along broadcast axes;  dL/dx = dL/dy summed over the copies (the engine
    does that summing for every op, so backward only passes the gradient on)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"cannot broadcast shape {x.shape} to {shape}") from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


class Astype(Function):
    """y = x converted to ``dtype``;  dL/dx = dL/dy converted back to x's dtype."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, dtype: Any = None) -> np.ndarray:
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.astype(ctx.in_dtype)


def normalize_shape(shape: tuple) -> tuple[int, ...]:
    """Ints given separately (``f(2, 3)``) or as one tuple or list (``f((2, 3))``), as a tuple:
    a shape, or an order of axes."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


@op(numpy=np.reshape)
def reshape(x: Any, *shape: Any) -> Tensor:
    """The same elements in a new shape (one axis may be -1); ``reshape(x, 2, 3)`` or a tuple.
    The result shares x's memory where NumPy can, and is a copy where it cannot."""
    return Reshape.apply(x, shape=normalize_shape(shape))


@op()
def view(x: Any, *shape: Any) -> Tensor:
    """PyTorch's ``view``: ``reshape`` that always shares x's memory (a write into one writes
    into the other), and raises, as PyTorch does, where the elements' layout would need a copy
    (after a transpose: use ``reshape``, or ``contiguous().view``)."""
    x = as_tensor(x)
    out = Reshape.apply(x, shape=normalize_shape(shape))
    if out._data.size and owner(out._data) is not owner(x._data):
        raise RuntimeError(
            f"view: shape {x.shape} cannot be viewed as {out.shape} without a copy (its "
            "elements are not laid out in that order, e.g. after a transpose); use "
            ".reshape(...) or .contiguous().view(...)"
        )
    return out


def transpose_two(x: Any, dim0: int, dim1: int) -> Tensor:
    """PyTorch's transpose: exchange the two dimensions ``dim0`` and ``dim1``."""
    return swapaxes(x, dim0, dim1)


@op(numpy=np.transpose, torch=transpose_two)
def transpose(x: Any, *axes: Any) -> Tensor:
    """Permute axes (reverse them when none are given), as ``ndarray.transpose``:
    ``transpose(x, (2, 0, 1))`` or ``x.transpose(2, 0, 1)``.

    Two axes given as two separate ints are PyTorch's spelling, which exchanges them
    (``x.transpose(0, 1)`` is the transpose of a matrix, not NumPy's identity permutation)."""
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
        return swapaxes(x, *axes)
    order = normalize_shape(axes) if axes and axes != (None,) else None
    return Transpose.apply(x, axes=order)


@op()
def permute(x: Any, *dims: Any) -> Tensor:
    """The axes in the order ``dims`` (PyTorch's name; NumPy's ``transpose(x, dims)``)."""
    return Transpose.apply(x, axes=normalize_shape(dims))


@op()
def t(x: Any) -> Tensor:
    """The transpose of a matrix; a 0-d or 1-d tensor is returned as it is (PyTorch's ``t``)."""
    x = as_tensor(x)
    if x.ndim > 2:
        raise ValueError(f"t: expects a tensor of at most 2 dimensions, got shape {x.shape}")
    return x if x.ndim < 2 else Transpose.apply(x, axes=(1, 0))


@op(numpy=np.swapaxes, aliases=("swapdims",))
def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    x = as_tensor(x)
    for axis in (axis1, axis2):
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(
                f"swapaxes: axis {axis} is out of bounds for a tensor of shape {x.shape}"
            )
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return Transpose.apply(x, axes=tuple(order))


@op()
def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """All elements in one axis (row-major), or with PyTorch's ``start_dim``/``end_dim`` the
    axes from ``start_dim`` to ``end_dim`` merged into one. A reshape: the data is shared with
    x where NumPy can (as PyTorch's flatten; ``ndarray.flatten`` always copies)."""
    x = as_tensor(x)
    if x.ndim == 0:
        return reshape(x, 1)
    first, last = (normalize_axis(d, x.ndim, "flatten")[0] for d in (start_dim, end_dim))
    if first > last:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = math.prod(x.shape[first : last + 1])
    return reshape(x, (*x.shape[:first], merged, *x.shape[last + 1 :]))


@op(numpy=np.squeeze)
def squeeze(x: Any, axis: Axis = None) -> Tensor:
    """Remove axes of size 1 (all of them, or those in ``axis``, which must have size 1)."""
    x = as_tensor(x)
    if axis is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
    else:
        axes = normalize_axis(axis, x.ndim, "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1"
                )
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes))


@op(numpy=np.expand_dims, aliases=("unsqueeze",))
def expand_dims(x: Any, axis: int | tuple[int, ...]) -> Tensor:
    """Insert axes of size 1 at ``axis`` positions of the result, as np.expand_dims."""
    x = as_tensor(x)
    count = 1 if isinstance(axis, int) else len(axis)
    new_axes = normalize_axis(axis, x.ndim + count, "expand_dims")
    sizes = iter(x.shape)
    shape = tuple(1 if i in new_axes else next(sizes) for i in range(x.ndim + len(new_axes)))
    return reshape(x, shape)


@op(numpy=np.broadcast_to)
def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """x repeated along new or size-1 axes to ``shape``, as np.broadcast_to."""
    return BroadcastTo.apply(x, shape=tuple(shape))


@op(numpy=getattr(np, "astype", ()))
def astype(x: Any, dtype: Any) -> Tensor:
    """Convert to ``dtype`` (differentiable between floating types; an integer or bool result
    is cut from the graph, as the derivative of rounding is zero)."""
    x = as_tensor(x)
    if np.dtype(dtype) == x.dtype:
        return x
    return Astype.apply(x, dtype=dtype)


@op(method="to", export=False)
def to(x: Any, *args: Any, dtype: Any = None, device: Any = None, **options: Any) -> Tensor:
    """PyTorch's ``t.to(...)``: ``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or
    ``to(other_tensor)`` (its dtype). The device must be the CPU; the dtype change is
    ``astype``. Options such as ``non_blocking`` and ``copy`` are accepted and ignored."""
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str) or type(arg).__name__ == "device":
            device = arg
        else:
            dtype = arg
    check_device(device, "to")
    return as_tensor(x) if dtype is None else astype(x, dtype)


def _converter(dtype: Any, name: str) -> Any:
    def convert(x: Any) -> Tensor:
        return astype(x, dtype)

    convert.__name__ = convert.__qualname__ = name
    convert.__doc__ = f"PyTorch's ``t.{name}()``: ``astype({np.dtype(dtype).name})``."
    return op(method=name, export=False)(convert)


# PyTorch's dtype methods: each is astype to one dtype (``autograd.float`` is a dtype name).
half, float_, double, long, int_, short, char, byte, bool_ = (
    _converter(dtype, name)
    for dtype, name in [
        (np.float16, "half"),
        (np.float32, "float"),
        (np.float64, "double"),
        (np.int64, "long"),
        (np.int32, "int"),
        (np.int16, "short"),
        (np.int8, "char"),
        (np.uint8, "byte"),
        (np.bool_, "bool"),
    ]
)


@op(numpy=np.moveaxis, aliases=("movedim",))
def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move axes ``source`` to positions ``destination``, the others keeping their order
    (a transpose; the gradient is transposed back)."""
    x = as_tensor(x)
    source = normalize_axis_list(source, x.ndim, "moveaxis")
    destination = normalize_axis_list(destination, x.ndim, "moveaxis")
    if len(source) != len(destination):
        raise ValueError(
            f"moveaxis: source {source} and destination {destination} must have the same length"
        )
    order = [a for a in range(x.ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return Transpose.apply(x, axes=tuple(order))


def normalize_axis_list(axis: int | Sequence[int], ndim: int, name: str) -> list[int]:
    """Axes in the order given (not sorted), made non-negative, checked for range and repeats."""
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{name}: axis {a} is out of bounds for an array of {ndim} dimensions")
    axes = [int(a) % ndim for a in axes]
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: repeated axis in {axis}")
    return axes


@op(numpy=np.ravel)
def ravel(x: Any, order: str = "C") -> Tensor:
    """All elements in one axis, in row-major order: ``reshape(x, -1)``."""
    if order != "C":
        raise ValueError(f"ravel: only order='C' (row-major) is supported, got order={order!r}")
    return reshape(x, -1)


def at_least(arrays: tuple, ndim: int, pad: Any) -> Any:
    """Each array as a Tensor with at least ``ndim`` axes; ``pad(shape)`` gives the new shape of
    one with fewer. One array comes back alone, several as a tuple (as NumPy 2)."""
    results = []
    for array in arrays:
        tensor = as_tensor(array)
        results.append(tensor if tensor.ndim >= ndim else reshape(tensor, pad(tensor.shape)))
    return results[0] if len(results) == 1 else tuple(results)


@op(numpy=np.atleast_1d, method=False)
def atleast_1d(*arrays: Any) -> Any:
    """Views with at least one axis: a 0-d tensor becomes shape (1,)."""
    return at_least(arrays, 1, lambda shape: (1,))


@op(numpy=np.atleast_2d, method=False)
def atleast_2d(*arrays: Any) -> Any:
    """Views with at least two axes: () becomes (1, 1), (n,) becomes (1, n)."""
    return at_least(arrays, 2, lambda shape: (1,) * (2 - len(shape)) + shape)


@op(numpy=np.atleast_3d, method=False)
def atleast_3d(*arrays: Any) -> Any:
    """Views with at least three axes: () becomes (1, 1, 1), (n,) becomes (1, n, 1),
    (m, n) becomes (m, n, 1)."""

    def pad(shape: tuple[int, ...]) -> tuple[int, ...]:
        return (1, *shape, 1) if len(shape) == 1 else (*shape, 1) + (1,) * (2 - len(shape))

    return at_least(arrays, 3, pad)
