"""NumPy-style functions on Tensors: ``autograd.exp(x)``, ``autograd.maximum(a, b)``, ...

Each is a thin wrapper that applies one op (or, for var/std/stack, a few). Names, ``axis`` and
``keepdims`` follow NumPy. Arguments that are not Tensors become constant Tensors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub
from .ops.elementwise import (
    Abs,
    Clip,
    Cos,
    Exp,
    Log,
    Maximum,
    Minimum,
    Relu,
    Sigmoid,
    Sin,
    Sqrt,
    Tanh,
    Where,
)
from .ops.movement import BroadcastTo, Concatenate, GetItem, Reshape, Transpose
from .ops.reductions import LogSumExp, Max, Mean, Min, Sum, normalize_axis
from .tensor import Tensor

Axis = int | tuple[int, ...] | None


def as_tensor(value: Any) -> Tensor:
    """``value`` itself if it is a Tensor, else a new constant Tensor (library dtype rules)."""
    return value if isinstance(value, Tensor) else Tensor(value)


def _binary(op: Any, a: Any, b: Any) -> Tensor:
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor(a)
    return op.apply(a, b)


# ----- arithmetic -------------------------------------------------------------------------------
def add(a: Any, b: Any) -> Tensor:
    """a + b, broadcasting as NumPy."""
    return _binary(Add, a, b)


def subtract(a: Any, b: Any) -> Tensor:
    """a - b, broadcasting as NumPy."""
    return _binary(Sub, a, b)


def multiply(a: Any, b: Any) -> Tensor:
    """a * b elementwise, broadcasting as NumPy."""
    return _binary(Mul, a, b)


def divide(a: Any, b: Any) -> Tensor:
    """a / b elementwise (true division), broadcasting as NumPy."""
    return _binary(Div, a, b)


def power(a: Any, b: Any) -> Tensor:
    """a ** b elementwise; d/da = b a^(b-1), d/db = a^b ln a."""
    return _binary(Pow, a, b)


def negative(a: Any) -> Tensor:
    """-a."""
    return Neg.apply(as_tensor(a))


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with np.matmul's rules: 1-D operands are promoted to a row (first) or a
    column (second) and the added axis removed again; leading axes broadcast as batches."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must have at least one dimension, got shapes {a.shape} and "
            f"{b.shape} (use * to multiply by a scalar)"
        )
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last axis "
            f"of the first) != {inner_b} ({'only' if b.ndim == 1 else 'second-to-last'} axis "
            "of the second)"
        )
    if a.ndim >= 2 and b.ndim >= 2:
        return MatMul.apply(a, b)
    out = MatMul.apply(
        a.reshape(1, -1) if a.ndim == 1 else a, b.reshape(-1, 1) if b.ndim == 1 else b
    )
    drop = ([-2] if a.ndim == 1 else []) + ([-1] if b.ndim == 1 else [])
    shape = [s for i, s in enumerate(out.shape) if i - out.ndim not in drop]
    return out.reshape(tuple(shape))


def dot(a: Any, b: Any) -> Tensor:
    """np.dot: sum over the last axis of ``a`` and the second-to-last of ``b`` (its only axis
    when 1-D), dot(a, b)[i.., j.., m] = sum_k a[i.., k] b[j.., k, m]; a 0-d operand multiplies.

    For a ``b`` of at most two axes this is ``matmul``; NumPy's ``np.dot`` skips matmul's
    broadcasting machinery, which is why the library's 2-D kernels call it (and why it is
    recorded here, so those backward formulas differentiate again).
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim <= 2:
        return matmul(a, b)
    # b (j.., k, m): bring k to the front, flatten the rest, one 2-D product, unflatten.
    k, m = b.shape[-2], b.shape[-1]
    if a.shape[-1] != k:
        raise ValueError(
            f"dot: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last axis of "
            f"the first) != {k} (second-to-last axis of the second)"
        )
    front = b.transpose(b.ndim - 2, *range(b.ndim - 2), b.ndim - 1).reshape(k, -1)
    return matmul(a.reshape(-1, k), front).reshape(*a.shape[:-1], *b.shape[:-2], m)


# ----- elementwise ------------------------------------------------------------------------------
def exp(x: Any) -> Tensor:
    """e^x;  d/dx = e^x."""
    return Exp.apply(as_tensor(x))


def log(x: Any) -> Tensor:
    """Natural logarithm;  d/dx = 1/x."""
    return Log.apply(as_tensor(x))


def sqrt(x: Any) -> Tensor:
    """Square root;  d/dx = 1 / (2 sqrt x)."""
    return Sqrt.apply(as_tensor(x))


def abs(x: Any) -> Tensor:  # noqa: A001 - NumPy's name
    """|x|;  d/dx = sign(x)."""
    return Abs.apply(as_tensor(x))


def sin(x: Any) -> Tensor:
    """sin x;  d/dx = cos x."""
    return Sin.apply(as_tensor(x))


def cos(x: Any) -> Tensor:
    """cos x;  d/dx = -sin x."""
    return Cos.apply(as_tensor(x))


def tanh(x: Any) -> Tensor:
    """tanh x;  d/dx = 1 - tanh^2 x."""
    return Tanh.apply(as_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^-x);  d/dx = s (1 - s)."""
    return Sigmoid.apply(as_tensor(x))


def relu(x: Any) -> Tensor:
    """max(x, 0);  d/dx = 1 for x > 0 else 0."""
    return Relu.apply(as_tensor(x))


def clip(x: Any, lo: float | None = None, hi: float | None = None) -> Tensor:
    """min(max(x, lo), hi);  d/dx = 1 inside [lo, hi], else 0."""
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of lo and hi")
    return Clip.apply(as_tensor(x), lo=lo, hi=hi)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise max(a, b); the gradient goes to the larger, split evenly on ties."""
    return _binary(Maximum, a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min(a, b); the gradient goes to the smaller, split evenly on ties."""
    return _binary(Minimum, a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """a where ``cond`` is true, else b (all three broadcast together)."""
    if isinstance(cond, Tensor):
        cond = cond.data
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor(a)
    return Where.apply(np.asarray(cond, dtype=bool), a, b)


# ----- reductions -------------------------------------------------------------------------------
def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (all axes by default)."""
    return Sum.apply(as_tensor(x), axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis``."""
    return Mean.apply(as_tensor(x), axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis``; ties share the gradient evenly."""
    return Max.apply(as_tensor(x), axis=axis, keepdims=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis``; ties share the gradient evenly."""
    return Min.apply(as_tensor(x), axis=axis, keepdims=keepdims)


def var(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance sum((x - mean)^2) / (n - ddof) over ``axis`` (NumPy's default ddof=0)."""
    x = as_tensor(x)
    axes = normalize_axis(axis, x.ndim, "var")
    count = math.prod([x.shape[a] for a in axes])
    if count - ddof <= 0:
        raise ValueError(f"var: ddof={ddof} leaves no degrees of freedom for {count} elements")
    centered = x - x.mean(axis=axes, keepdims=True)
    return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)


def std(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation sqrt(var(x, axis, ddof))."""
    return var(x, axis=axis, ddof=ddof, keepdims=keepdims).sqrt()


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(e^x)) over ``axis``, computed stably; d/dx = softmax(x)."""
    return LogSumExp.apply(as_tensor(x), axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum (an integer tensor; not differentiable)."""
    return Tensor(np.argmax(as_tensor(x).data, axis=axis, keepdims=keepdims))


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum (an integer tensor; not differentiable)."""
    return Tensor(np.argmin(as_tensor(x).data, axis=axis, keepdims=keepdims))


# ----- shape and movement -----------------------------------------------------------------------
def normalize_shape(shape: tuple) -> tuple[int, ...]:
    """Ints given separately (``f(2, 3)``) or as one tuple or list (``f((2, 3))``), as a tuple:
    a shape, or an order of axes."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def reshape(x: Any, *shape: Any) -> Tensor:
    """The same elements in a new shape (one axis may be -1); ``reshape(x, 2, 3)`` or a tuple."""
    return Reshape.apply(as_tensor(x), shape=normalize_shape(shape))


def transpose(x: Any, *axes: Any) -> Tensor:
    """Permute axes (reverse them when none are given), as ``ndarray.transpose``."""
    axes = normalize_shape(axes) if axes else None
    return Transpose.apply(as_tensor(x), axes=axes)


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


def flatten(x: Any) -> Tensor:
    """All elements in one axis (row-major): ``reshape(x, -1)``, so the data is shared with x
    where NumPy can (as PyTorch's flatten; ``ndarray.flatten`` always copies)."""
    return reshape(x, -1)


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


def expand_dims(x: Any, axis: int | tuple[int, ...]) -> Tensor:
    """Insert axes of size 1 at ``axis`` positions of the result, as np.expand_dims."""
    x = as_tensor(x)
    new_axes = normalize_axis(
        axis, x.ndim + (1 if isinstance(axis, int) else len(axis)), "expand_dims"
    )
    sizes = iter(x.shape)
    shape = tuple(1 if i in new_axes else next(sizes) for i in range(x.ndim + len(new_axes)))
    return reshape(x, shape)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """x repeated along new or size-1 axes to ``shape``, as np.broadcast_to."""
    return BroadcastTo.apply(as_tensor(x), shape=tuple(shape))


def take(x: Any, index: Any) -> Tensor:
    """x[index] with NumPy indexing (used by ``Tensor.__getitem__``)."""
    return GetItem.apply(as_tensor(x), index=_plain_index(index))


def _plain_index(index: Any) -> Any:
    # Tensors and lists inside an index become ndarrays; lists of bools become masks.
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as np.concatenate."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: need at least one tensor")
    if not any(isinstance(t, Tensor) for t in tensors):
        tensors[0] = Tensor(tensors[0])
    return Concatenate.apply(*tensors, axis=axis)


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis, as np.stack."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: need at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    return concatenate([expand_dims(t, axis) for t in tensors], axis=axis)
