"""Switches that decide whether operations are recorded for backpropagation.

Recording is on by default. ``no_grad`` turns it off (evaluation, optimizer updates),
``enable_grad`` turns it back on inside a ``no_grad`` block. Both work as context managers and as
decorators (``@no_grad()``, or ``@no_grad`` as PyTorch 2 takes it too).

The switch is per thread, as in PyTorch (it lives in ``thread_state.LOCAL``, with the engine's
other per-thread switches): a thread in ``no_grad`` does not stop another one from recording.
"""

from __future__ import annotations

from .thread_state import LOCAL, Switch


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backpropagation (in this thread)."""
    return LOCAL.state.grad_enabled


class no_grad(Switch):
    """Do not record operations: results have no ``grad_fn`` and never require grad.

    Use it for evaluation and for parameter updates (``w.data -= lr * w.grad`` needs no graph)::

        with autograd.no_grad():
            prediction = model(x)
    """

    setting, value = "grad_enabled", False


class enable_grad(Switch):
    """Record operations again, even inside a ``no_grad`` block."""

    setting, value = "grad_enabled", True
