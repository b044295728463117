"""Where a tensor that is not in the graph came from, so a drawing can show the learner's input.

An op whose inputs need no gradient is not recorded (PyTorch does the same: nothing to
differentiate). A model's first ops often are such ops: a convolution copies its input's windows
(``im2col``), attention swaps the axes of its tokens. The recorded ops then start from the copy,
an anonymous array, and a drawing would show that copy instead of ``images`` or ``tokens``.

So while recording is on, the result of an unrecorded op remembers, weakly, the tensors it was
computed from (those not computed themselves: the sources of a chain of such ops) and the names
of the ops along the way (at most ``MAX_OPS``). Nothing here keeps an array alive, and nothing
is kept under ``no_grad``. ``draw_graph`` draws the sources, once each, and one small dashed op
vertex for the unrecorded ops, where the copy enters the recorded graph.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

MAX_OPS = 4  # op names kept per chain (a longer chain says "…" first)
# Ops that only move or copy numbers around (reshape, transpose, slicing a packed weight): inside
# a module they are how it is implemented, not what it computes, and drawings may hide them. A
# Function of one's own joins them with ``implementation_detail = True`` (nn's im2col).
IMPLEMENTATION_OPS = frozenset({"reshape", "transpose", "getitem", "broadcastto", "copy", "astype"})
MAX_SOURCES = 4

_ORIGINS: dict[int, tuple[weakref.ref, Origin]] = {}


class Origin(NamedTuple):
    """The unrecorded ops (names, first to last) that made a tensor from ``sources``."""

    ops: tuple[str, ...]
    sources: tuple[weakref.ref, ...]
    moves_only: bool = False  # every op only moved numbers (see ``IMPLEMENTATION_OPS``)

    def alive_sources(self) -> list[Any]:
        """The source tensors still alive (a source that died leaves the chain unexplained)."""
        return [t for t in (ref() for ref in self.sources) if t is not None]


def moves_only(fn: Any) -> bool:
    """True for an op that only moves numbers around (see ``IMPLEMENTATION_OPS``)."""
    return fn.name in IMPLEMENTATION_OPS or bool(getattr(fn, "implementation_detail", False))


def note(out: Any, fn: Any, inputs: tuple) -> None:
    """Remember that ``out`` was computed by the unrecorded op ``fn`` from ``inputs``."""
    op = fn.name
    moves = moves_only(fn)
    ops: tuple[str, ...] = ()
    found: dict[int, weakref.ref] = {}  # by id: a weakref's == would compare the Tensors
    for value in inputs:
        if not hasattr(value, "_node"):  # a constant
            continue
        origin = origin_of(value)
        if origin is None:
            found.setdefault(id(value), weakref.ref(value))
        else:
            ops = ops or origin.ops
            moves = moves and origin.moves_only
            for ref in origin.sources:
                source = ref()
                if source is not None:
                    found.setdefault(id(source), ref)
    if not found:
        return
    sources = list(found.values())
    ops = (*ops, op)
    if len(ops) > MAX_OPS:
        ops = ("…", *ops[-MAX_OPS + 1 :])
    key = id(out)
    entry = Origin(ops, tuple(sources[:MAX_SOURCES]), moves)
    _ORIGINS[key] = (weakref.ref(out, _forget(_ORIGINS, key)), entry)


def origin_of(tensor: Any) -> Origin | None:
    """How ``tensor`` was made outside the graph, or None (made by the user, or recorded)."""
    entry = _ORIGINS.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        return None
    return entry[1]


_ARRAY_NAMES: dict[int, tuple[weakref.ref, str]] = {}


def name_array(array: Any, name: str) -> Any:
    """Give an array a library passes to an op its name in drawings (nn's ``"dropout mask"``);
    returns the array. Kept weakly, like an origin."""
    key = id(array)
    _ARRAY_NAMES[key] = (weakref.ref(array, _forget(_ARRAY_NAMES, key)), name)
    return array


def array_name(array: Any) -> str | None:
    """The name ``name_array`` gave ``array``, or None."""
    entry = _ARRAY_NAMES.get(id(array))
    if entry is None or entry[0]() is not array:
        return None
    return entry[1]


def _forget(table: dict, key: int) -> Any:
    """The weakref callback that drops ``table[key]`` when its object goes."""
    return lambda _: table.pop(key, None)
