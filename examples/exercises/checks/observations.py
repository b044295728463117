"""Observations: what a case saw the code under test do, as plain data, and how two compare.

An observation is made of dicts (string keys), lists, tuples, NumPy arrays, numbers, bools,
strings, None and ``Raised`` (an exception the code raised, with the student's own line). It
is turned into JSON-compatible data (``to_data``) in the process that ran the code, and back
(``from_data``) in the process that compares: no pickle, so observations cannot carry code.
Arrays keep their dtype and every digit (floats are written with ``repr``).
"""

from __future__ import annotations

import json
import linecache
import os
import traceback
from typing import Any

import numpy as np

# Relative and absolute tolerance when comparing numbers: loose enough for a different but
# correct order of operations in float64, tight enough to tell every catalogued mistake apart.
RTOL = 1e-6
ATOL = 1e-9
# float32 results carry ~7 digits: compared more loosely, against a float32 reference.
RTOL32 = 2e-5

# The largest array an observation keeps the values of.
MAX_ELEMENTS = 100_000

# Where code is the checker's or a library's, not the student's (for locating their line).
_NOT_STUDENT = tuple(
    os.path.dirname(os.path.abspath(m.__file__))
    for m in (np, json)  # numpy, the standard library
) + (os.path.dirname(os.path.abspath(__file__)),)


def _library_dirs() -> tuple[str, ...]:
    import autograd
    import nn
    import optim

    return tuple(os.path.dirname(os.path.abspath(m.__file__)) for m in (autograd, nn, optim))


# Exceptions whose message says where they struck, not what went wrong.
_ANY_MESSAGE = frozenset({"RecursionError", "TimeLimit"})


class Raised:
    """An exception observed while running a case; equal to another of the same type.

    ``line`` is where the student's own code raised it (``file, line N: source``), or "".
    """

    def __init__(self, type_name: str, message: str = "", line: str = "") -> None:
        self.type = type_name
        self.message = message
        self.line = line

    @classmethod
    def from_error(cls, error: BaseException) -> Raised:
        text = str(error).splitlines()[0] if str(error) else ""
        return cls(type(error).__name__, text[:300], student_line(error))

    def __eq__(self, other: object) -> bool:
        """Same type, and same message unless the message depends on where it struck."""
        if not isinstance(other, Raised) or other.type != self.type:
            return False
        return self.type in _ANY_MESSAGE or other.message == self.message

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return f"{self.type}({self.message!r})" if self.message else self.type

    def describe(self) -> str:
        text = f"{self.type}: {self.message}" if self.message else self.type
        return f"{text} (at {self.line})" if self.line else text


def student_line(error: BaseException) -> str:
    """``where, line N: code`` for the innermost frame of the traceback that is the student's
    (not NumPy's, the library's, the standard library's or the checker's); "" if none."""
    skip = _NOT_STUDENT + _library_dirs()
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        path = os.path.abspath(frame.filename) if os.path.exists(frame.filename) else ""
        if path and path.startswith(skip):
            continue
        code = frame.line or linecache.getline(frame.filename, frame.lineno).strip()
        name = os.path.basename(frame.filename) if path else frame.filename
        found = f"{name}, line {frame.lineno}" + (f": {code.strip()}" if code else "")
    return found


# -- to and from data -----------------------------------------------------------------------------


def to_data(value: Any) -> Any:
    """A JSON-compatible form of an observation (see the module docstring)."""
    if isinstance(value, Raised):
        return {"__raised__": [value.type, value.message, value.line]}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {"__tuple__": [to_data(v) for v in value]}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, float):
        return value
    array = np.asarray(value)
    if array.size > MAX_ELEMENTS:  # no case expects one; its values are not worth the time
        return {"__object__": f"array of shape {array.shape} (too large to compare)"}
    if array.dtype.kind in "biuf":
        kind = array.dtype.str.lstrip("<>=|")
        return {"__array__": [kind, list(array.shape), array.ravel().tolist()]}
    return {"__object__": type(value).__name__}


def from_data(data: Any) -> Any:
    """The observation ``to_data`` wrote."""
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if isinstance(data, dict):
        if "__raised__" in data:
            return Raised(*data["__raised__"])
        if "__tuple__" in data:
            return tuple(from_data(v) for v in data["__tuple__"])
        if "__array__" in data:
            kind, shape, values = data["__array__"]
            return np.array(values, dtype=np.dtype(kind)).reshape(shape)
        if "__object__" in data:
            return Unreadable(data["__object__"])
        return {k: from_data(v) for k, v in data.items()}
    return data


class Unreadable:
    """A result that is not numbers (a function, a generator...): only its type is kept."""

    def __init__(self, type_name: str) -> None:
        self.type = type_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unreadable) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return self.type if self.type.startswith("array") else f"a {self.type} object"


def dumps(observed: Any) -> str:
    return json.dumps(to_data(observed), allow_nan=True)


def loads(text: str) -> Any:
    return from_data(json.loads(text))


# -- comparing ----------------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Whether two observations agree (numbers within RTOL/ATOL, shapes and types exactly)."""
    return first_difference(a, b) is None


def first_difference(yours: Any, expected: Any, where: str = "") -> tuple[str, Any, Any] | None:
    """``(where, yours, expected)`` for the first part of two observations that differs."""
    if isinstance(expected, (Raised, Unreadable)) or isinstance(yours, (Raised, Unreadable)):
        agree = type(yours) is type(expected) and yours == expected
        return None if agree else (where, yours, expected)
    if isinstance(expected, dict):
        if not isinstance(yours, dict) or yours.keys() != expected.keys():
            return (where, yours, expected)
        for key in expected:
            found = first_difference(yours[key], expected[key], _join(where, str(key)))
            if found:
                return found
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(yours, (tuple, list)) or len(yours) != len(expected):
            return (where, yours, expected)
        for i, (y, e) in enumerate(zip(yours, expected, strict=True)):
            found = first_difference(y, e, _join(where, f"item {i}"))
            if found:
                return found
        return None
    if isinstance(expected, bool):
        agree = isinstance(yours, (bool, np.bool_)) and bool(yours) == expected
        return None if agree else (where, yours, expected)
    if isinstance(expected, str) or expected is None:
        agree = type(yours) is type(expected) and yours == expected
        return None if agree else (where, yours, expected)
    return None if close(yours, expected) else (where, yours, expected)


def _join(where: str, key: str) -> str:
    return f"{where}, {key}" if where else key


def close(yours: Any, expected: Any) -> bool:
    """Numbers or arrays equal in shape, in float kind (float32 vs float64) and within tolerance."""
    if isinstance(yours, (str, dict, Raised, Unreadable)) or yours is None:
        return False
    try:
        y = np.asarray(yours)
        e = np.asarray(expected)
        if y.dtype.kind not in "biuf" or e.dtype.kind not in "biuf":
            return False
        if y.dtype.kind == "f" and e.dtype.kind == "f" and y.dtype != e.dtype:
            return False
        rtol = RTOL32 if e.dtype == np.float32 else RTOL
        y64, e64 = y.astype(np.float64), e.astype(np.float64)
    except (TypeError, ValueError):
        return False
    return y.shape == e.shape and bool(np.allclose(y64, e64, rtol=rtol, atol=ATOL, equal_nan=True))


def numeric(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array, or None if it is not numbers."""
    if isinstance(value, (str, dict, Raised, Unreadable)) or value is None:
        return None
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            return None
        return array.astype(np.float64)
    except (TypeError, ValueError):
        return None


def show(value: Any, limit: int = 160) -> str:
    """A printable form of an observed value, with enough digits to see a difference."""
    array = numeric(value)
    if isinstance(value, (bool, np.bool_)):
        text = str(bool(value))
    elif array is not None and array.ndim == 0:
        text = f"{float(array):.10g}"
    elif array is not None:
        text = np.array2string(array, precision=8, separator=", ", floatmode="maxprec")
        text = " ".join(text.split())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
