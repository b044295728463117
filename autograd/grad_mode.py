"""Switches that decide whether operations are recorded for backpropagation.

Recording is on by default. ``no_grad`` turns it off (evaluation, optimizer updates),
``enable_grad`` turns it back on inside a ``no_grad`` block. Both work as context managers and as
decorators (``@no_grad()``, or ``@no_grad`` as PyTorch 2 takes it too).

The switch is per thread, as in PyTorch (it lives in ``thread_state.LOCAL``, with the engine's
other per-thread switches): a thread in ``no_grad`` does not stop another one from recording.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from .thread_state import LOCAL

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backpropagation (in this thread)."""
    return LOCAL.state.grad_enabled


class _GradMode:
    """Set ``grad_enabled`` to a fixed value for a block or a decorated function."""

    enabled: bool

    def __new__(cls, *args: Any) -> Any:  # ``@no_grad`` (no parentheses) decorates at once
        return cls()(args[0]) if len(args) == 1 and callable(args[0]) else super().__new__(cls)

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
