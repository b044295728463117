"""Version counters: how backward notices that an array it saved was changed in place.

Backward formulas read the arrays their forward saved (``Mul`` saves both factors). If one of
them is changed in place between the forward and the backward (``w -= lr * w.grad``, an
optimizer step), the formula would silently use the new value. So every change made in place
through backproplab (Tensor in-place arithmetic, optimizer steps, ``load_state_dict``,
``nn.init``) is reported with ``bump``, and reading saved arrays back in backward
(``ctx.saved_tensors``) raises if any of them was changed after it was saved.

Versions belong to memory, not to Tensors: a view or a ``detach()``-ed copy shares its owner's
memory, so changing it in place counts for the owner too. Writing through ``.data`` directly
(``t.data[0] = 1``) bypasses the library and is not seen, as in PyTorch.

How it stays cheap: each bump takes the next number of one process-wide ``clock`` and stamps it
on the memory it changed. An op notes the clock when it saves; in backward, an unchanged clock
proves nothing was changed at all (the usual case, one comparison), and otherwise each saved
array's stamp says whether it changed after the op noted the clock.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

import numpy as np

clock = 0  # how many in-place changes the process has made through the library

# id(owner of the memory) -> [number of changes, clock at the latest]. Only changed memory has an
# entry; it goes away with the memory (weakref.finalize), and an owner stays alive as long as any
# array saved for backward views it, so an id never stands for two live owners at once.
_changes: dict[int, list[int]] = {}


def owner(array: np.ndarray) -> Any:
    """The object that owns ``array``'s memory: the array itself, or the base of a view."""
    base = array.base
    return array if base is None else base


def bump(*arrays: np.ndarray) -> None:
    """Record that the memory of each of ``arrays`` was just changed in place (an optimizer
    passes all the parameters of a step in one call)."""
    global clock
    clock += 1
    now = clock
    for array in arrays:
        base = array.base  # (owner() written out: this runs for every parameter at every step)
        memory = array if base is None else base
        key = id(memory)
        try:
            entry = _changes[key]
        except KeyError:
            entry = _changes[key] = [0, 0]
            # The entry goes with the memory. (Memory owned by an object without weak
            # references, such as bytes, keeps its entry.)
            with contextlib.suppress(TypeError):
                weakref.finalize(memory, _changes.pop, key, None)
        entry[0] += 1
        entry[1] = now


def write(target: Any, value: Any, index: Any = ...) -> None:
    """``target[index] = value`` (NumPy's assignment: broadcast, cast to target's dtype), then
    ``bump``: the one way the library writes new values into memory a graph may have saved.

    ``target`` is a Tensor (its ``.data`` is written) or an ndarray. nn.init, load_state_dict,
    Embedding's padding row, the LR finder's restore and Tensor's in-place methods use it; code
    that changes arrays itself with ``out=`` (optimizer rules) calls ``bump`` right after.
    """
    array = getattr(target, "data", target) if not isinstance(target, np.ndarray) else target
    array[index] = value
    bump(array)


# id(owner of memory) for memory that a recorded op's result shares with one of its inputs (a
# recorded view: getitem with slices, reshape, transpose, ...). An in-place change of such memory
# on a recorded tensor would change the other tensor's values behind its history: refused.
_viewed: dict[int, bool] = {}


def note_view(out: np.ndarray, inputs: Any) -> None:
    """Called for a recorded result whose array is a view: remember its memory if it is one of
    the inputs' memory (not a private temporary of the op's forward)."""
    memory = owner(out)
    if not any(isinstance(a, np.ndarray) and owner(a) is memory for a in inputs):
        return
    key = id(memory)
    if key not in _viewed:
        _viewed[key] = True
        with contextlib.suppress(TypeError):
            weakref.finalize(memory, _viewed.pop, key, None)


def is_viewed(array: np.ndarray) -> bool:
    """Whether a recorded view shares ``array``'s memory (see ``note_view``)."""
    return id(owner(array)) in _viewed


def version(array: Any) -> int:
    """How many times ``array``'s memory was changed in place through the library (0 for
    anything that is not an ndarray)."""
    if not isinstance(array, np.ndarray):
        return 0
    entry = _changes.get(id(owner(array)))
    return 0 if entry is None else entry[0]


def changed_since(array: Any, then: int) -> bool:
    """Whether ``array``'s memory was changed in place after the clock read ``then``."""
    if not isinstance(array, np.ndarray):
        return False
    entry = _changes.get(id(owner(array)))
    return entry is not None and entry[1] > then
