"""Version counters: how backward notices that an array it saved was changed in place.

If ``Mul`` saved ``w`` and ``w -= lr * w.grad`` runs before backward, the formula would silently
use the new ``w``. So every write into memory through the library goes through ``write`` (or
``bump`` right after an ``out=`` computation), and ``ctx.saved_tensors`` raises if a saved array
was changed after it was saved. Versions belong to memory, not to Tensors: writing into a view
or a ``detach()``-ed copy counts for the owner too. Each bump stamps the memory with the next
tick of one process-wide ``clock``; an op notes the clock when it saves, so an unchanged clock
proves in one comparison that nothing at all was changed.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

import numpy as np

clock = 0  # how many in-place changes the process has made through the library

# id(owner of the memory) -> [number of changes, clock at the latest]. An entry goes away with
# its memory (weakref.finalize), and an array saved for backward keeps its owner alive, so an id
# never stands for two live owners at once.
_changes: dict[int, list[int]] = {}


def owner(array: np.ndarray) -> Any:
    """The object that owns ``array``'s memory: the array itself, or the base of a view."""
    base = array.base
    return array if base is None else base


def write(target: Any, value: Any, index: Any = ...) -> None:
    """``target[index] = value`` (NumPy's assignment: broadcast, cast to target's dtype), then
    ``bump``: the one way to write into memory a graph may have saved. ``target`` is a Tensor
    (its array ``._data`` is written) or an ndarray."""
    array = target if isinstance(target, np.ndarray) else target._data
    array[index] = value
    bump(array)


def bump(*arrays: np.ndarray) -> None:
    """Record that the memory of each of ``arrays`` was just changed in place."""
    global clock
    clock += 1
    for array in arrays:
        base = array.base
        memory = array if base is None else base  # a view's owner
        key = id(memory)
        entry = _changes.get(key)
        if entry is None:
            entry = _changes[key] = [0, 0]
            with contextlib.suppress(TypeError):  # (memory without weak references keeps it)
                weakref.finalize(memory, _changes.pop, key, None)
        entry[0] += 1
        entry[1] = clock


def version(array: Any) -> int:
    """How many times ``array``'s memory was changed in place through the library."""
    entry = _entry(array)
    return 0 if entry is None else entry[0]


def changed_since(array: Any, then: int) -> bool:
    """Whether ``array``'s memory was changed in place after the clock read ``then``."""
    entry = _entry(array)
    return entry is not None and entry[1] > then


def _entry(array: Any) -> list[int] | None:
    if not isinstance(array, np.ndarray):
        return None  # a number saved for backward: never changed in place
    return _changes.get(id(owner(array)))
