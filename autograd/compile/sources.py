"""Where the arrays a step finds outside its arguments live: their *sources*, as torch.compile
calls them.

A step may reach arrays through its closure and globals, through containers and attributes
(``buffers[k]``, ``self.mask``, a dict of tensors, a module attribute holding an ndarray). A
replay must read each of them where it lives *at that call*: a user may replace it between
calls, and a constant baked into the program would go stale. So before a capture runs, this
walk follows the step's globals, closure variables and object arguments (and, from them,
attributes, dicts, lists and tuples, a few levels deep) and notes the path of every ndarray and
Tensor it meets, as Python code the program can evaluate (``C3.cell_contents.buffers['k']``).
The capture then swaps each such array for a stand-in, so that what the step computes from it
is recorded, and the program loads the ones it uses by their paths, with guards on their type,
shape and dtype.
"""

from __future__ import annotations

import contextlib
import dis
import inspect
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..tensor import Tensor

MAX_DEPTH = 6  # steps from a root (a closure variable, a global, an argument) or a model
MAX_ITEMS = 256  # items looked at per container
MAX_OBJECTS = 4000  # objects looked at per capture


@dataclass
class Slot:
    """Where a value was found: ``code`` evaluates to it in the program's namespace;
    ``container``/``kind``/``key`` say how to put a stand-in there and take it back
    (``kind`` is "item" for a dict's or list's item (an object's ``__dict__`` included),
    "cell" for a closure cell, "" for a slot that cannot be written: a tuple's item)."""

    code: str
    container: Any
    kind: str
    key: Any
    depth: int
    owner: Any = None  # the object whose attribute this is (None for other slots)
    # For an item of a list, tuple or dict: the code of that container and its length when
    # the walk saw it (a Python loop over it, unrolled by the capture, depends on it).
    parent: str = ""
    size: int = 0


@dataclass
class Found:
    """Every ndarray and Tensor the walk met (by ``id``), each with the slots holding it, and
    the objects defining ``__compile_state__`` (models, optimizers) with theirs."""

    arrays: dict[int, tuple[Any, list[Slot]]] = field(default_factory=dict)
    tensors: dict[int, tuple[Any, list[Slot]]] = field(default_factory=dict)
    participants: dict[int, tuple[Any, list[Slot]]] = field(default_factory=dict)
    # Python numbers, strings, bools and None held by attributes and dict entries (not list or
    # tuple items) below the roots: a replay skips the Python that read them, so their values
    # are guarded (and a step that changes one at every call is not replayed).
    numbers: list[tuple[Slot, Any]] = field(default_factory=list)
    truncated: bool = False


_NUMBERS = (int, float, bool, str, type(None))


def _key_code(key: Any) -> str | None:
    if type(key) in (str, int, bool) or key is None:
        return repr(key)
    return None


def walk(
    roots: list[tuple[str, Any, Any, str, Any]],
    skip: set[int],
    skip_attributes: dict[int, list[str]] | None = None,
) -> Found:
    """Follow ``roots`` (``(code, value, container, kind, key)``); ``skip`` holds ids of
    objects not to enter (the optimizer dicts the capture already swapped), and
    ``skip_attributes`` per object id the attributes not to follow (``State.skip``)."""
    skip_attributes = skip_attributes or {}
    found = Found()
    seen: set[int] = set()
    queue = [
        (value, code, container, kind, key, None, "", 1)
        for code, value, container, kind, key in roots
    ]
    count = 0
    while queue:
        value, code, container, kind, key, owner, parent, depth = queue.pop(0)
        size = len(container) if parent else 0
        slot = Slot(code, container, kind, key, depth, owner, parent, size)
        vid = id(value)
        if type(value) is np.ndarray:
            found.arrays.setdefault(vid, (value, []))[1].append(slot)
            continue
        if isinstance(value, Tensor):
            found.tensors.setdefault(vid, (value, []))[1].append(slot)
            continue
        if hasattr(type(value), "__compile_state__") and not isinstance(value, type):
            found.participants.setdefault(vid, (value, []))[1].append(slot)
            depth = min(depth, 1)  # (a model counts levels afresh: its layers nest deeply)
        if type(value) in _NUMBERS and type(container) is dict and depth >= 2:
            if not (key == "training" and hasattr(type(owner), "__compile_state__")):
                found.numbers.append((slot, value))  # (a module's flag is watched already)
            continue
        if vid in seen or vid in skip or depth >= MAX_DEPTH:
            continue
        if getattr(type(value), "__compile_opaque__", False):
            continue  # a compiled step (its counters change at every call) and the like
        if value is None or isinstance(
            value, (int, float, complex, str, bytes, type, types.ModuleType, np.generic)
        ):
            continue
        seen.add(vid)
        count += 1
        if count > MAX_OBJECTS:
            found.truncated = True
            break
        attributes = getattr(value, "__dict__", None)
        ignored = skip_attributes.get(vid, ())
        is_container = type(value) in (list, tuple, dict)
        for child in _children(value, code, found):
            holder = value if child[2] is attributes and attributes is not None else None
            if holder is not None and child[4] in ignored:
                continue
            queue.append((*child, holder, code if is_container else "", depth + 1))
    return found


def _children(value: Any, code: str, found: Found) -> list[tuple[Any, str, Any, str, Any]]:
    """``(child, code, container, kind, key)`` for what ``value`` holds."""
    out: list[tuple[Any, str, Any, str, Any]] = []
    kind = type(value)
    if kind is list or kind is tuple:
        items = list(value)
        if len(items) > MAX_ITEMS:
            found.truncated = True
        writable = "item" if kind is list else ""
        for i, v in enumerate(items[:MAX_ITEMS]):
            out.append((v, f"{code}[{i}]", value, writable, i))
    elif kind is dict:
        entries = list(value.items())
        if len(entries) > MAX_ITEMS:
            found.truncated = True
        for k, v in entries[:MAX_ITEMS]:
            text = _key_code(k)
            if text is not None:
                out.append((v, f"{code}[{text}]", value, "item", k))
    elif isinstance(value, types.FunctionType):
        out.extend(function_roots(value, code))
    elif isinstance(value, types.MethodType):
        out.append((value.__self__, f"{code}.__self__", None, "", None))
        out.append((value.__func__, f"{code}.__func__", None, "", None))
    elif isinstance(value, (set, frozenset)):
        pass  # no path to an item of a set
    else:
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            for name, v in list(attributes.items())[:MAX_ITEMS]:
                if isinstance(name, str) and name.isidentifier():
                    out.append((v, f"{code}.{name}", attributes, "item", name))
    return out


def function_roots(fn: Any, code: str) -> list[tuple[Any, str, Any, str, Any]]:
    """What a function reads from outside: its closure cells' contents and the globals it
    names (also in nested functions), as ``(value, code, container, kind, key)``."""
    out: list[tuple[Any, str, Any, str, Any]] = []
    for i, cell in enumerate(fn.__closure__ or ()):
        with contextlib.suppress(ValueError):  # an empty cell
            out.append(
                (cell.cell_contents, f"{code}.__closure__[{i}].cell_contents", cell, "cell", None)
            )
    names = global_names(fn.__code__)
    space = fn.__globals__
    for name in sorted(names):
        if name in space:
            out.append((space[name], f"{code}.__globals__[{name!r}]", space, "item", name))
    return out


def global_names(code: Any) -> set[str]:
    """The global names ``code`` (and the functions defined in it) reads: ``co_names`` also
    holds attribute names (``opt.step`` puts "step" there), which must not be taken for
    globals."""
    names = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            names.add(instruction.argval)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= global_names(const)
    return names


def put(slot: Slot, value: Any) -> None:
    """Store ``value`` in ``slot`` (a stand-in, or the real array back)."""
    if slot.kind == "item":
        slot.container[slot.key] = value
    elif slot.kind == "cell":
        slot.container.cell_contents = value


def get(slot: Slot) -> Any:
    """What ``slot`` holds now."""
    if slot.kind == "item":
        return (
            slot.container.get(slot.key)
            if type(slot.container) is dict
            else slot.container[slot.key]
        )
    if slot.kind == "cell":
        return slot.container.cell_contents
    return None


__all__ = ["Found", "Slot", "function_roots", "get", "put", "walk"]
