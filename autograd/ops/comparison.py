"""Comparisons: boolean results, which carry no gradient by nature (their derivative is zero
wherever it exists). They are computed on the plain arrays and never recorded."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor


def _plain(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


_OPERANDS = (Tensor, np.ndarray, np.generic, int, float, bool, list, tuple)


def _compare(ufunc: Any, a: Any, b: Any) -> Any:
    if not isinstance(b, _OPERANDS) or not isinstance(a, _OPERANDS):
        return NotImplemented  # let the other object answer (pytest.approx, a sentinel, ...)
    return Tensor._make(np.asarray(ufunc(_plain(a), _plain(b))), None)


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


@op(numpy=np.equal, operator="==", method=False)
def equal(a: Any, b: Any) -> Tensor:
    """a == b elementwise, a boolean tensor."""
    return _compare(np.equal, a, b)


@op(numpy=np.not_equal, operator="!=", method=False)
def not_equal(a: Any, b: Any) -> Tensor:
    """a != b elementwise, a boolean tensor."""
    return _compare(np.not_equal, a, b)


@op(numpy=np.invert, operator="~", method=False)
def invert(a: Any) -> Tensor:
    """~a: logical not of a boolean tensor (``~mask``), bitwise not of an integer one."""
    return Tensor._make(np.asarray(np.invert(_plain(a))), None)


@op(numpy=np.all)
def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (over ``axis``) is true, a boolean tensor."""
    return Tensor._make(np.asarray(np.all(_plain(x), axis=axis, keepdims=keepdims)), None)


@op(numpy=np.any)
def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (over ``axis``) is true, a boolean tensor."""
    return Tensor._make(np.asarray(np.any(_plain(x), axis=axis, keepdims=keepdims)), None)
