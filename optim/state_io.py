"""Conversions between live optimizer/scheduler state and checkpoint-friendly values.

A checkpoint holds only plain values (NumPy arrays, Python numbers and strings, lists, dicts) so
that ``nn.save`` can flatten it into an ``.npz``. Such a round trip changes types: a Python
number comes back as a 0-d array, a list as a 1-d array, an int dict key as the string ``"0"``,
and a list of dicts may come back as a dict keyed ``"0", "1", ...``. The readers here accept
every one of those forms, so ``load_state_dict`` works on a dict straight from ``state_dict()``
and on one that went through a file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_index", "as_list", "to_plain", "to_python"]


def to_plain(value: Any) -> Any:
    """Return a checkpoint-friendly copy: arrays copied, tuples as lists, NumPy scalars as
    Python numbers (recursively through lists and dicts)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def to_python(value: Any) -> Any:
    """Turn 0-d arrays and NumPy scalars back into Python scalars and arrays into lists
    (recursively), undoing what an ``.npz`` round trip does to plain values."""
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    return value


def as_index(key: Any, where: str) -> int:
    """Read an integer index that may have been stored as an int, a digit string or a 0-d
    array."""
    try:
        index = int(to_python(key))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected an integer index, got {key!r}") from None
    return index


def as_list(value: Any, where: str) -> list[Any]:
    """Read a list that may have been stored as a list, tuple, 1-d array, or a dict keyed by
    the positions ``0..n-1`` (as ints or digit strings)."""
    if isinstance(value, dict):
        by_index = {as_index(k, where): v for k, v in value.items()}
        if sorted(by_index) != list(range(len(by_index))):
            raise ValueError(f"{where}: expected keys 0..{len(by_index) - 1}, got {list(value)}")
        return [by_index[i] for i in range(len(by_index))]
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise ValueError(f"{where}: expected a list, got an array of shape {value.shape}")
        return list(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
