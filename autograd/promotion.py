"""PyTorch's type promotion (``torch.result_type``) for ops that combine two operands.

NumPy and PyTorch agree when both operands share a dtype, which is nearly always. They differ
when kinds mix: a float32 tensor times an int64 tensor is float64 in NumPy and float32 in
PyTorch. backproplab follows PyTorch:

* categories rank bool < integer < floating; the result has the highest category present;
* operands rank by priority: tensors with dimensions, then 0-d tensors, then Python numbers.
  A lower-priority operand decides the dtype only when its category is higher (a float32 matrix
  times a float64 0-d tensor is float32; an int64 matrix times 2.5 is float32);
* a Python float counts as float32 (PyTorch's default dtype), a Python int as int64;
* NumPy arrays and NumPy scalars combined with Tensors count as tensors of their dtype (a NumPy
  scalar as a 0-d tensor).

Within one category, dtypes promote as in NumPy (int8 with uint8 is int16, float16 with
float32 is float32); an integer with a floating dtype gives the floating one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor

_FLOAT32 = np.dtype(np.float32)
_INT64 = np.dtype(np.int64)
_BOOL = np.dtype(bool)
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # category: bool < integer < floating


def _promote(a: np.dtype | None, b: np.dtype | None) -> np.dtype | None:
    """PyTorch's promote_types: an integer or bool with a floating dtype gives the floating one;
    otherwise NumPy's promotion (which agrees within a category)."""
    if a is None or b is None:
        return a if b is None else b
    ra, rb = _RANK[a.kind], _RANK[b.kind]
    if ra != rb:
        return a if ra > rb else b
    return np.promote_types(a, b)


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    # The higher-priority group keeps its dtype unless the lower one has a higher category.
    if higher is None:
        return lower
    if lower is None or _RANK[higher.kind] >= _RANK[lower.kind]:
        return higher
    return _promote(higher, lower)


def _classify(value: Any) -> tuple[int, np.dtype]:
    """(priority: 0 dimensioned tensor, 1 zero-dim tensor, 2 Python number; dtype)."""
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.ndarray):
        return (0 if value.ndim else 1), value.dtype
    if isinstance(value, np.generic):
        return 1, value.dtype
    if isinstance(value, bool):
        return 2, _BOOL
    if isinstance(value, int):
        return 2, _INT64
    if isinstance(value, float):
        return 2, _FLOAT32
    array = np.asarray(value)  # a list: a tensor under the library's dtype rules
    if array.dtype.kind not in _RANK:
        raise TypeError(f"result_type: cannot promote {type(value).__name__}")
    if array.dtype.kind == "f":
        return (0 if array.ndim else 1), _FLOAT32
    return (0 if array.ndim else 1), (_INT64 if array.dtype.kind in "iu" else array.dtype)


def result_type(*operands: Any) -> np.dtype:
    """The dtype PyTorch gives an elementwise op on ``operands`` (``torch.result_type``)."""
    groups: list[np.dtype | None] = [None, None, None]
    for value in operands:
        priority, dtype = _classify(value)
        if dtype.kind not in _RANK:
            raise TypeError(f"result_type: cannot promote dtype {dtype}")
        current = groups[priority]
        groups[priority] = dtype if current is None else _promote(current, dtype)
    result = _combine(groups[0], _combine(groups[1], groups[2]))
    assert result is not None
    return result


def promoted(a: Any, b: Any) -> tuple[Any, Any]:
    """``a`` and ``b`` with any Tensor or array whose dtype differs from their PyTorch result
    type converted to it (a recorded, differentiable cast for a Tensor); Python numbers are
    left to NumPy, which gives them the dtype of the other operand."""
    # The common cases first, in a few attribute reads: two tensors of one dtype, or a
    # floating tensor with a Python number (NumPy already gives the tensor's dtype).
    if type(a) is Tensor:
        if type(b) is Tensor:
            if a._data.dtype == b._data.dtype:
                return a, b
        elif type(b) in (float, int) and a._data.dtype.kind == "f":
            return a, b
    elif type(b) is Tensor and type(a) in (float, int) and b._data.dtype.kind == "f":
        return a, b
    try:
        dtype = result_type(a, b)
    except TypeError:
        return a, b  # not numbers (a string, a dict): the op itself says what it cannot take
    try:
        agrees = np.result_type(_numpy_view(a), _numpy_view(b)) == dtype
    except OverflowError:  # a Python int too large for the other operand's integer dtype
        agrees = False
    if agrees:
        return a, b  # NumPy agrees: no cast, so the graph keeps the operands as they are
    return _cast(a, dtype), _cast(b, dtype)


def _numpy_view(value: Any) -> Any:
    # What NumPy's promotion sees of an operand: the dtype of an array, a Python number itself
    # (a "weak" scalar under NEP 50).
    if isinstance(value, Tensor):
        return value._data.dtype
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if isinstance(value, (bool, int, float)):
        return value
    return np.asarray(value).dtype


def _cast(value: Any, dtype: np.dtype) -> Any:
    if isinstance(value, Tensor):
        return value if value._data.dtype == dtype else value.astype(dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        return value if value.dtype == dtype else value.astype(dtype)
    if isinstance(value, (bool, int, float)):
        return value  # a weak scalar: NumPy gives it the other operand's (now final) dtype
    return np.asarray(value, dtype=dtype)


def true_division_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """``promoted(a, b)``, and float32 (PyTorch's default dtype) if that is not floating:
    PyTorch's true division of integers gives floats."""
    a, b = promoted(a, b)
    if _kind(a) != "f" and _kind(b) != "f":
        a = _cast(a, _FLOAT32) if not isinstance(a, (bool, int)) else float(a)
        b = _cast(b, _FLOAT32) if not isinstance(b, (bool, int)) else float(b)
    return a, b


def _kind(value: Any) -> str:
    if isinstance(value, Tensor):
        return value._data.dtype.kind
    return np.asarray(value).dtype.kind


def floating(*inputs: Any) -> tuple[Any, ...]:
    """The inputs of an op whose values are floating (exp, sqrt, sin, ...), each integer or
    bool Tensor or array converted to float32, PyTorch's default dtype: ``x.sqrt()`` of an
    int64 tensor is float32, as in PyTorch, where NumPy would give float64 (as ``/`` of two
    integer tensors already is). Floating inputs are returned as they are."""
    for value in inputs:
        if type(value) is not Tensor or value._data.dtype.kind != "f":
            return tuple(_floating(v) for v in inputs)
    return inputs


def _floating(value: Any) -> Any:
    kind = _kind(value) if isinstance(value, (Tensor, np.ndarray, np.generic)) else "f"
    if kind in "biu":
        return _cast(value, _FLOAT32)
    return value


def promoted_floating(a: Any, b: Any) -> tuple[Any, Any]:
    """``promoted(a, b)``, then ``floating``: two operands of PyTorch's result type, float32 if
    that is an integer type (``arctan2``, ``hypot``, ``logaddexp`` of integer tensors)."""
    if type(a) is Tensor and type(b) is Tensor:
        dtype = a._data.dtype
        if dtype == b._data.dtype and dtype.kind == "f":
            return a, b
    try:
        dtype = result_type(a, b)
    except TypeError:
        return a, b  # not numbers: the op itself says what it cannot take
    if dtype.kind != "f":
        dtype = _FLOAT32
    return _cast(a, dtype), _cast(b, dtype)
