"""Views: tensors that share memory, and which of them a write through one of them changes.

``c[0]``, ``c[1:3]``, ``c[:, 0]``, ``c.T``, ``c.reshape(...)``, ``c.diagonal()``, ``squeeze``,
``unsqueeze``, ``expand``, ``narrow``, ``select``, ``split`` return views, as in NumPy and PyTorch:
the result's array shares its input's memory, so writing into one changes the other. (NumPy's
broadcast views, ``expand`` and ``broadcast_to``, are read-only: one memory element stands for
many, and writing into them is refused, as PyTorch refuses it.)

For a recorded view (the base requires grad), a write must also change the *history* of every
tensor whose values it changes, as PyTorch does: write ``v = y[0:2]; v.zero_()`` and ``y``'s
gradient must see the zeros. So this module keeps, for each memory, the live tensors linked by
view ops (the base and its views), recorded or made while recording was on: ``family``.
autograd/rebase.py rewrites the history of each one whose elements a write reaches
(``overlap`` says which elements) -- also when a value with history is written into a view of
a tensor without one (``buf[0].copy_(h)``: ``buf`` gets the history, as in PyTorch).

Tensors sharing memory without a view op between them (``.data``, ``.detach()``) or made under
``no_grad`` are outside the graph, as in PyTorch: writing through them changes values, never
history, and the version counters (autograd/versions.py, which count memory, not tensors) make
any backward that saved the old values raise.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

import numpy as np

from .tensor import Tensor
from .versions import owner


class _Family:
    # The live tensors on one memory, by id(tensor). Dead references are pruned when the dict
    # has doubled since the last pruning (a parameter's ``p.T`` leaves one per step).
    __slots__ = ("members", "limit")

    def __init__(self) -> None:
        self.members: dict[int, weakref.ref] = {}
        self.limit = 8

    def add(self, tensor: Tensor) -> None:
        members = self.members
        ref = members.get(id(tensor))
        if ref is not None and ref() is tensor:
            return
        members[id(tensor)] = weakref.ref(tensor)
        if len(members) > self.limit:
            self.members = {k: r for k, r in members.items() if r() is not None}
            self.limit = max(8, 2 * len(self.members))


# id(owner of memory) -> its family. An entry goes away with its memory (weakref.finalize);
# a member keeps its memory alive, so an id never stands for two live memories at once.
_families: dict[int, _Family] = {}


def made(out: np.ndarray, node: Any, inputs: tuple) -> Tensor:
    """The Tensor of a recorded result ``out`` whose array is a view (``Function.apply`` calls
    this instead of ``Tensor._make`` when ``out.base`` is set): if it views an input's memory,
    the input and the result join that memory's family."""
    tensor = Tensor._make(out, node)
    _join(tensor, inputs)
    return tensor


def note_unrecorded(made: Tensor, fn: Any, inputs: tuple) -> None:
    """The same for an op that was not recorded while recording is on (``x[0]`` of a tensor
    without history; a ``Function.apply`` hook): should a value with history be written into
    one of them later (``x[0].copy_(h)``), the others must get the history too."""
    if made._data.base is not None:
        _join(made, inputs)


def _join(tensor: Tensor, inputs: tuple) -> None:
    memory = owner(tensor._data)
    shared = [x for x in inputs if isinstance(x, Tensor) and owner(x._data) is memory]
    if not shared:
        return  # a view of a temporary array of the op's own
    key = id(memory)
    family = _families.get(key)
    if family is None:
        family = _families[key] = _Family()
        with contextlib.suppress(TypeError):  # (memory without weak references keeps it)
            weakref.finalize(memory, _families.pop, key, None)
    for member in shared:
        family.add(member)
    family.add(tensor)


def family(array: np.ndarray) -> list[Tensor]:
    """The live tensors linked by view ops on ``array``'s memory (those recorded, and those
    made while recording was on); none if no such view of it was made."""
    entry = _families.get(id(owner(array)))
    if entry is None:
        return []
    return [t for t in (r() for r in entry.members.values()) if t is not None]


def addresses(array: np.ndarray) -> np.ndarray:
    """The memory address of each element of ``array`` (int64, ``array``'s shape): two arrays
    on one memory hold the same element where their addresses are equal."""
    address = np.array(array.__array_interface__["data"][0], dtype=np.int64)
    for axis, (size, stride) in enumerate(zip(array.shape, array.strides)):
        steps = np.arange(size, dtype=np.int64) * stride
        address = address + steps.reshape((-1,) + (1,) * (array.ndim - 1 - axis))
    return np.broadcast_to(address, array.shape)


def overlap(written: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Where a write into all of ``written`` reaches ``other`` (two arrays on one memory, of one
    dtype): ``(mask, index)`` of ``other``'s shape -- ``mask`` true at the elements reached,
    ``index`` the flat position in ``written`` of the element each one is -- or None if the
    write does not reach ``other`` at all."""
    mine = addresses(written).ravel()
    if mine.size == 0:
        return None
    order = np.argsort(mine, kind="stable")
    ordered = mine[order]
    theirs = addresses(other).ravel()
    found = np.minimum(np.searchsorted(ordered, theirs), ordered.size - 1)
    mask = ordered[found] == theirs
    if not mask.any():
        return None
    return mask.reshape(other.shape), order[found].reshape(other.shape)
