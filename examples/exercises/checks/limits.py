"""A time limit for running the student's code, on every platform (no SIGALRM).

A watchdog thread raises ``TimeLimitExceeded`` in the thread running the code once the limit
has passed (CPython's ``PyThreadState_SetAsyncExc``), and again every half second in case the
code swallows it with a bare ``except:``. That stops Python-level loops; a single NumPy call
that runs for minutes is stopped when it returns. The grading process (``check.py``) also
kills a notebook's whole process after its total budget, which stops anything.

The limit of a case is generous: ``FACTOR`` times the reference's own time on that case, and
never under ``minimum_seconds()`` (10 s unless ``BACKPROPLAB_CHECK_MIN_SECONDS`` says otherwise).
``BACKPROPLAB_CHECK_MAX_SECONDS`` caps it: tests use both to keep a hanging submission short.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any

FACTOR = 50.0
DEFAULT_MINIMUM = 10.0


class TimeLimitExceeded(BaseException):
    """Raised inside the student's code when its time is up (a BaseException, so that
    ``except Exception`` in their code does not swallow it)."""


def minimum_seconds() -> float:
    try:
        return float(os.environ.get("BACKPROPLAB_CHECK_MIN_SECONDS", DEFAULT_MINIMUM))
    except ValueError:
        return DEFAULT_MINIMUM


def limit_for(reference_seconds: float | None) -> float:
    """The time limit of a case whose reference took ``reference_seconds``."""
    scaled = FACTOR * reference_seconds if reference_seconds else 0.0
    limit = max(minimum_seconds(), scaled)
    try:
        return min(limit, float(os.environ.get("BACKPROPLAB_CHECK_MAX_SECONDS", "inf")))
    except ValueError:
        return limit


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


def call_with_time_limit(fn: Callable[[], Any], seconds: float) -> Any:
    """``fn()``, or TimeLimitExceeded raised inside it once ``seconds`` have passed."""
    target = threading.get_ident()
    lock = threading.Lock()
    done = threading.Event()
    fired = []

    def watch() -> None:
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                fired.append(True)
                _raise_in(target, TimeLimitExceeded)
            if done.wait(0.5):
                return

    watchdog = threading.Thread(target=watch, name="check time limit", daemon=True)
    watchdog.start()
    try:
        return fn()
    finally:
        while True:  # the watchdog may strike even here: retry until it is stopped
            try:
                with lock:
                    done.set()
                    if fired:  # an exception may still be pending for this thread: cancel it
                        _raise_in(target, None)
                break
            except TimeLimitExceeded:
                continue
        watchdog.join()
