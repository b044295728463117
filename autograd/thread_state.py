"""The engine's per-thread switches: grad mode, anomaly mode, recorders and scopes.

Every op reads them, so they live in one plain slotted object per thread (``LOCAL.state``):
``grad_mode.py`` turns recording on and off through it, ``anomaly.py`` its checks,
``autograd.trace`` its recorders and ``autograd.scope`` its labels.

All of these switches are per thread, as in PyTorch: a thread that enters ``no_grad`` (an
evaluator) does not stop another thread (a trainer) from recording. A new thread starts with
recording on, anomaly mode off and no recorders or scopes, whatever its parent had.
"""

from __future__ import annotations

import threading
from typing import Any


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
