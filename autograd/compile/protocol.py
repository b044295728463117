"""How objects outside autograd take part in a capture: ``__compile_state__``.

autograd knows nothing of models and optimizers, yet a captured step depends on them: a
module's training flag decides whether dropout draws a mask, an optimizer's step count enters
Adam's bias correction, its state buffers are updated in place. So any object may describe what
a capture of a step that uses it depends on, by defining::

    def __compile_state__(self) -> autograd.compile.State: ...

``nn.Module`` and ``optim.Optimizer`` define it (so every model and optimizer, including your
own subclasses, takes part); an object of your own that holds tensors or numbers the step reads
can define it too. ``compile`` finds such objects among the step function's arguments, the
names it refers to (globals and closure variables, also inside helper functions and plain
objects it refers to), and the live objects registered with :func:`track` whose tensors the step
used.
"""

from __future__ import annotations

import contextlib
import types
import weakref
from dataclasses import dataclass, field
from typing import Any


@dataclass
class State:
    """What a capture of a step depends on in one object.

    * ``tensors``: Tensors whose ``.data`` and ``.grad`` the step reads or changes (parameters,
      buffers). Their arrays become inputs of the program; a ``.grad`` the step sets is written
      back after each replay; their identity is guarded.
    * ``dicts``: ``(holder, attribute, key, label)`` for dicts whose entries vary between calls
      and must be inputs, never constants: ``getattr(holder, attribute)[key]`` (or without
      ``[key]`` when key is None) -- an optimizer's per-parameter state (``step``, momentum
      buffers) and its parameter groups (``lr``, which a scheduler changes). Numbers, tuples of
      numbers and arrays in them become inputs; what the step writes into them is written back.
    * ``watch``: ``(owner, expression, label)`` values the program is only valid for:
      ``expression`` is Python with ``{}`` standing for ``owner`` (``"{}.training"``,
      ``"len({}.param_groups)"``); before each replay it is compared with its value at capture
      (``is`` for objects, ``==`` for numbers and strings): training flags, registered
      parameters, parameter groups.
    * ``patches``: ``(owner, attribute, value)`` set while the capture runs and removed after
      (an optimizer's cached constant that must not be cached from a capture).
    * ``names``: ``id(object) -> name`` for the comments of the generated code (module paths).
    * ``skip``: names of the object's attributes a replay does not depend on, or that the
      fields above cover already (an optimizer's ``defaults``): compile does not look into
      them. Every other attribute is followed: arrays in it are read at each replay, numbers
      guarded by value (a module's ``p`` or ``eps`` changed between calls captures again).
    """

    tensors: list[Any] = field(default_factory=list)
    dicts: list[tuple[Any, str, Any, str]] = field(default_factory=list)
    watch: list[tuple[Any, str, str]] = field(default_factory=list)  # (owner, expression, label)
    patches: list[tuple[Any, str, Any]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)


_tracked: weakref.WeakSet = weakref.WeakSet()


def _is_generator(value: Any) -> bool:
    # (By name: numpy.random is imported at first use, not by `import autograd`.)
    kind = type(value)
    return kind.__name__ in ("Generator", "RandomState") and kind.__module__.startswith(
        "numpy.random"
    )


def track(obj: Any) -> None:
    """Register ``obj`` (which defines ``__compile_state__``) so that a capture finds it even
    when the step reaches it in a way ``compile`` cannot see (an attribute of an attribute)."""
    _tracked.add(obj)


def tracked() -> list[Any]:
    """The live registered objects."""
    return list(_tracked)


def referenced(fn: Any, args: tuple, depth: int = 3) -> list[Any]:
    """Objects defining ``__compile_state__`` that ``fn`` can reach by name: its arguments,
    globals and closure variables it names, and (a few levels deep) the functions, plain
    containers and objects among them."""
    found: dict[int, Any] = {}
    seen: set[int] = set()

    def visit(value: Any, level: int) -> None:
        if id(value) in seen or level > depth:
            return
        seen.add(id(value))
        if _is_generator(value):
            found[id(value)] = value  # (the capture refuses it: its draws cannot be replayed)
            return
        if hasattr(type(value), "__compile_state__"):
            found[id(value)] = value
            return
        if isinstance(value, (list, tuple, set, frozenset)):
            for item in list(value)[:1000]:
                visit(item, level + 1)
        elif isinstance(value, dict):
            for item in list(value.values())[:1000]:
                visit(item, level + 1)
        elif isinstance(value, types.MethodType):
            visit(value.__self__, level)
            visit(value.__func__, level)
        elif isinstance(value, types.FunctionType):
            code = value.__code__
            for name in code.co_names:
                if name in value.__globals__:
                    visit(value.__globals__[name], level + 1)
            for cell in value.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    visit(cell.cell_contents, level + 1)
            for const in code.co_consts:
                if isinstance(const, types.CodeType):  # names used by nested functions
                    for name in const.co_names:
                        if name in value.__globals__:
                            visit(value.__globals__[name], level + 1)
        elif (
            hasattr(value, "__dict__")
            and not isinstance(value, (type, types.ModuleType))
            and level < depth
        ):
            for item in list(vars(value).values())[:100]:
                visit(item, level + 1)

    visit(fn, 0)
    for arg in args:
        visit(arg, 1)
    return list(found.values())
