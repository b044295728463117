"""Comparisons: boolean results, which carry no gradient by nature (their derivative is zero
wherever it exists). They are computed on the plain arrays and never recorded."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor


def _plain(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


_OPERANDS = (Tensor, np.ndarray, np.generic, int, float, bool, list, tuple)


def _compare(ufunc: Any, a: Any, b: Any) -> Any:
    if not isinstance(b, _OPERANDS) or not isinstance(a, _OPERANDS):
        return NotImplemented  # let the other object answer (pytest.approx, a sentinel, ...)
    return Tensor._make(np.asarray(ufunc(_plain(a), _plain(b))), None)


def _bitwise(ufunc: Any, a: Any, b: Any) -> Any:
    for value in (a, b):
        kind = np.asarray(_plain(value)).dtype.kind if isinstance(value, _OPERANDS) else "b"
        if kind not in "biu":
            raise TypeError(
                f"{ufunc.__name__}: needs boolean or integer tensors, got dtype "
                f"{np.asarray(_plain(value)).dtype} (for floats use logical_{ufunc.__name__[8:]})"
            )
    return _compare(ufunc, a, b)


@op(numpy=np.less, operator="<", method=False)
def less(a: Any, b: Any) -> Tensor:
    """a < b elementwise, a boolean tensor."""
    return _compare(np.less, a, b)


@op(numpy=np.less_equal, operator="<=", method=False)
def less_equal(a: Any, b: Any) -> Tensor:
    """a <= b elementwise, a boolean tensor."""
    return _compare(np.less_equal, a, b)


@op(numpy=np.greater, operator=">", method=False)
def greater(a: Any, b: Any) -> Tensor:
    """a > b elementwise, a boolean tensor."""
    return _compare(np.greater, a, b)


@op(numpy=np.greater_equal, operator=">=", method=False)
def greater_equal(a: Any, b: Any) -> Tensor:
    """a >= b elementwise, a boolean tensor."""
    return _compare(np.greater_equal, a, b)


def equal_whole(a: Any, b: Any) -> bool:
    """PyTorch's ``torch.equal(a, b)``: True if ``a`` and ``b`` have the same shape and the same
    elements, else False -- one Python bool (NumPy's ``np.array_equal``)."""
    return bool(np.array_equal(_plain(a), _plain(b)))


@op(numpy=np.equal, operator="==", method=False, torch=equal_whole)
def equal(a: Any, b: Any) -> Tensor:
    """a == b elementwise, a boolean tensor (NumPy's ``np.equal``; the ``==`` operator). Under
    ``autograd.pytorch_meanings`` the function means PyTorch's ``torch.equal``: one bool, True
    if the shapes and all elements are equal."""
    return _compare(np.equal, a, b)


@op(numpy=np.not_equal, operator="!=", method=False)
def not_equal(a: Any, b: Any) -> Tensor:
    """a != b elementwise, a boolean tensor."""
    return _compare(np.not_equal, a, b)


@op(numpy=np.invert, operator="~", method=False)
def invert(a: Any) -> Tensor:
    """~a: logical not of a boolean tensor (``~mask``), bitwise not of an integer one."""
    return Tensor._make(np.asarray(np.invert(_plain(a))), None)


@op(numpy=np.bitwise_and, operator="&", method=False)
def bitwise_and(a: Any, b: Any) -> Tensor:
    """a & b elementwise: logical and of boolean tensors (``mask & (x > 0)``), bitwise of integer
    ones."""
    return _bitwise(np.bitwise_and, a, b)


@op(numpy=np.bitwise_or, operator="|", method=False)
def bitwise_or(a: Any, b: Any) -> Tensor:
    """a | b elementwise: logical or of boolean tensors, bitwise of integer ones."""
    return _bitwise(np.bitwise_or, a, b)


@op(numpy=np.bitwise_xor, operator="^", method=False)
def bitwise_xor(a: Any, b: Any) -> Tensor:
    """a ^ b elementwise: logical exclusive or of boolean tensors, bitwise of integer ones."""
    return _bitwise(np.bitwise_xor, a, b)


@op(numpy=np.logical_and)
def logical_and(a: Any, b: Any) -> Tensor:
    """Elementwise "both are nonzero", a boolean tensor (any dtype)."""
    return _compare(np.logical_and, a, b)


@op(numpy=np.logical_or)
def logical_or(a: Any, b: Any) -> Tensor:
    """Elementwise "either is nonzero", a boolean tensor (any dtype)."""
    return _compare(np.logical_or, a, b)


@op(numpy=np.logical_xor)
def logical_xor(a: Any, b: Any) -> Tensor:
    """Elementwise "exactly one is nonzero", a boolean tensor (any dtype)."""
    return _compare(np.logical_xor, a, b)


@op(numpy=np.logical_not)
def logical_not(a: Any) -> Tensor:
    """Elementwise "is zero", a boolean tensor (any dtype)."""
    return Tensor._make(np.asarray(np.logical_not(_plain(a))), None)


@op(numpy=np.all)
def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (over ``axis``) is true, a boolean tensor."""
    return Tensor._make(np.asarray(np.all(_plain(x), axis=axis, keepdims=keepdims)), None)


@op(numpy=np.any)
def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (over ``axis``) is true, a boolean tensor."""
    return Tensor._make(np.asarray(np.any(_plain(x), axis=axis, keepdims=keepdims)), None)
