"""The engine's per-thread switches: grad mode, anomaly mode, recorders and scopes.

Every op reads them, so they live in one plain slotted object per thread (``LOCAL.state``):
``grad_mode.py`` turns recording on and off through it, ``anomaly.py`` its checks,
``autograd.trace`` its recorders and ``autograd.scope`` its labels. ``Switch`` is how a block or
a decorated function sets one of them and puts the previous value back.

All of these switches are per thread, as in PyTorch: a thread that enters ``no_grad`` (an
evaluator) does not stop another thread (a trainer) from recording. A new thread starts with
recording on, anomaly mode off and no recorders or scopes, whatever its parent had.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast


class State:
    """One thread's engine switches, read on every op (so: plain attributes, no properties)."""

    __slots__ = ("grad_enabled", "anomaly", "recorders", "scopes")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        # Objects with a ``record(node, output_array)`` method (see autograd.trace); empty = off.
        self.recorders: list[Any] = []
        # Labels pushed by ``autograd.scope``; the innermost is stamped on each new graph node.
        self.scopes: list[Any] = []


class PerThread(threading.local):
    """Holds the calling thread's ``State`` (``__init__`` runs once in each thread).

    The switches sit in a plain slotted object behind one per-thread attribute: an op reads
    ``LOCAL.state`` once and then plain slots, which is much cheaper than reading four
    attributes of a ``threading.local`` itself.
    """

    def __init__(self) -> None:
        self.state = State()


LOCAL = PerThread()


def current() -> State:
    """The calling thread's switches (the hot path reads ``LOCAL.state`` inline instead)."""
    return LOCAL.state


F = TypeVar("F", bound=Callable[..., Any])


class Switch:
    """Set one of the calling thread's switches for a block or a decorated function.

    A subclass names the switch (``setting``, an attribute of ``State``) and the value it takes
    inside (``value``). The previous value comes back at the end, even on an exception, so blocks
    nest. As in PyTorch, a switch with no arguments also decorates without parentheses:
    ``@no_grad`` as well as ``@no_grad()``.
    """

    setting: str
    value: Any

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:  # ``@switch``, no parentheses
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        state = LOCAL.state
        self._previous = getattr(state, self.setting)
        setattr(state, self.setting, self.value)

    def __exit__(self, *exc: object) -> None:
        setattr(LOCAL.state, self.setting, self._previous)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def switched(*args: Any, **kwargs: Any) -> Any:
            with copy.copy(self):  # a fresh one per call: calls may nest or run in two threads
                return func(*args, **kwargs)

        return cast(F, switched)  # functools.wraps keeps func's signature
