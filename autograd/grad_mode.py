"""Switches that decide whether operations are recorded for backpropagation.

Recording is on by default. ``no_grad`` turns it off (evaluation, optimizer updates),
``enable_grad`` turns it back on inside a ``no_grad`` block. Both work as context managers and as
decorators.

All of these switches are per thread, as in PyTorch: a thread that enters ``no_grad`` (an
evaluator) does not stop another thread (a trainer) from recording. A new thread starts with
recording on, anomaly mode off and no recorders or scopes, whatever its parent had.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """One thread's engine switches, read on every op (so: plain attributes, no properties)."""

    __slots__ = ("grad_enabled", "anomaly", "recorders", "scopes")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        # Objects with a ``record(node, output_array)`` method (see autograd.trace); empty = off.
        self.recorders: list[Any] = []
        # Labels pushed by ``autograd.scope``; the innermost is stamped on each new graph node.
        self.scopes: list[Any] = []


class _PerThread(threading.local):
    """Holds the calling thread's ``_State`` (``__init__`` runs once in each thread).

    The switches sit in a plain slotted object behind one per-thread attribute: an op reads
    ``LOCAL.state`` once and then plain slots, which is much cheaper than reading four
    attributes of a ``threading.local`` itself.
    """

    def __init__(self) -> None:
        self.state = _State()


LOCAL = _PerThread()


def current() -> _State:
    """The calling thread's switches (the hot path reads ``LOCAL.state`` inline instead)."""
    return LOCAL.state


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backpropagation (in this thread)."""
    return LOCAL.state.grad_enabled


class _GradMode:
    """Set ``grad_enabled`` to a fixed value for a block or a decorated function."""

    enabled: bool

    def __enter__(self) -> None:
        state = LOCAL.state
        self._previous = state.grad_enabled
        state.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        LOCAL.state.grad_enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = type(self)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return func(*args, **kwargs)

        return cast(F, wrapper)  # functools.wraps keeps func's signature


class no_grad(_GradMode):
    """Do not record operations: results have no ``grad_fn`` and never require grad.

    Use it for evaluation and for parameter updates (``w.data -= lr * w.grad`` needs no graph)::

        with autograd.no_grad():
            prediction = model(x)
    """

    enabled = False


class enable_grad(_GradMode):
    """Record operations again, even inside a ``no_grad`` block."""

    enabled = True
