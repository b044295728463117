"""Switches that decide whether operations are recorded for backpropagation.

Recording is on by default. ``no_grad`` turns it off (evaluation, optimizer updates),
``enable_grad`` turns it back on inside a ``no_grad`` block. Both work as context managers and as
decorators.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """Process-wide engine switches, read on every op (so: plain attributes, no properties)."""

    __slots__ = ("grad_enabled", "anomaly", "recorders", "scopes")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        # Objects with a ``record(node, output_array)`` method (see autograd.trace); empty = off.
        self.recorders: list[Any] = []
        # Labels pushed by ``autograd.scope``; the innermost is stamped on each new graph node.
        self.scopes: list[Any] = []


STATE = _State()


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backpropagation."""
    return STATE.grad_enabled


class _GradMode:
    """Set ``grad_enabled`` to a fixed value for a block or a decorated function."""

    enabled: bool

    def __enter__(self) -> None:
        self._previous = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = type(self)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


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
