"""``Compiled``: the callable ``autograd.compile`` returns, and its small cache of programs.

Each call tries the cached programs, newest first; the first whose guards hold replays. If none
does, the call runs eagerly while capturing a new program (kept if the call left the state it
depends on in the shape it found it). A step that cannot be captured (it prints a value, branches
on data after changing state, uses ``create_graph``...) runs eagerly from then on, with one
warning naming the line; so does one that needs a new capture on nearly every call.

Threads: calls of one compiled step take turns (a lock per step; a replay holds no other
state). One capture runs at a time in the process; a call that would capture while another
thread captures runs eagerly instead, and what other threads do meanwhile is not recorded.
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any

from .capture import Capture
from .program import Miss, Program
from .warning import CompileWarning

CAPTURING = threading.Lock()  # held while a capture runs, in whichever thread


class Compiled:
    """A step function with its captured programs (see :func:`compile`)."""

    __compile_opaque__ = True  # a capture does not look inside (its counters are not state)

    def __init__(self, fn: Callable[..., Any], cache_size: int = 4, max_captures: int = 16):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.cache_size = cache_size
        self.max_captures = max_captures
        self.programs: list[Program] = []
        self.captures = 0
        self.replays = 0
        self.eager_calls = 0
        self.eager_reason: str | None = None
        self._lock = threading.RLock()
        self._name = getattr(fn, "__name__", "step")
        if not self._name.isidentifier() or self._name.startswith("<"):
            self._name = "step"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # One call at a time: a second thread waits for the first to finish (calls on one
        # model run one after another, never interleaved op by op).
        with self._lock:
            return self._call(args, kwargs)

    def _call(self, args: tuple, kwargs: dict) -> Any:
        if kwargs or self.eager_reason is not None:
            if kwargs and self.eager_reason is None:
                self._give_up("keyword arguments are not captured; pass them positionally", 4)
            self.eager_calls += 1
            return self.fn(*args, **kwargs)
        for program in self.programs:
            try:
                result = program.run(*args)
            except Miss:
                continue
            program.replays += 1
            self.replays += 1
            return result
        return self._capture(args)

    def _capture(self, args: tuple) -> Any:
        if self.captures >= self.max_captures:
            self._give_up(
                f"{self.captures} captures: its guards change on nearly every call (a number "
                "argument or hyperparameter its Python branches on? a number it changes "
                "itself, a counter, which a replay would not change?)"
            )
            self.eager_calls += 1
            return self.fn(*args)
        # A capture swaps NumPy's constructors and the library generator process-wide: one at
        # a time. While another thread captures, this call runs eagerly (waiting could
        # deadlock a step that waits for this thread).
        if not CAPTURING.acquire(blocking=False):
            self.eager_calls += 1
            return self.fn(*args)
        try:
            self.captures += 1
            result, captured = Capture(self.fn, args).run()
        finally:
            CAPTURING.release()
        tape = captured.tape
        if tape.broken is not None:
            tape.release()
            self._give_up(tape.broken)
            return result
        if captured.stationary:
            try:
                program = Program(captured, self._name)
            except Exception as error:  # noqa: BLE001 - a program we cannot build: stay eager
                tape.release()
                self._give_up(f"the captured program does not compile ({error})")
                return result
            self.programs.insert(0, program)
            del self.programs[self.cache_size :]
        tape.release()  # stand-ins that outlive the capture must not keep its arrays alive
        return result

    def _give_up(self, reason: str, stacklevel: int = 5) -> None:
        self.eager_reason = reason
        self.programs.clear()
        warnings.warn(
            f"autograd.compile({self._name}): running eagerly: {reason}",
            CompileWarning,
            stacklevel=stacklevel,  # (the user's call: __call__, _call, _capture, here)
        )

    @property
    def source(self) -> str | None:
        """The newest captured program as Python source (None before a program is kept)."""
        return self.programs[0].source if self.programs else None

    def reset(self) -> None:
        """Forget every program and the reason to run eagerly: the next call captures again."""
        self.programs.clear()
        self.eager_reason = None
        self.captures = 0

    def __repr__(self) -> str:
        lines = [
            f"compiled {self._name}: {self.captures} capture(s), {self.replays} replay(s), "
            f"{self.eager_calls} eager call(s); {len(self.programs)} program(s) cached "
            f"(at most {self.cache_size})"
        ]
        if self.eager_reason:
            lines.append(f"  runs eagerly: {self.eager_reason}")
        for i, program in enumerate(self.programs):
            lines.append(
                f"  program {i}: {program.lines} lines, replayed {program.replays} time(s); guards:"
            )
            lines.extend(f"    {label}" for label in program.guards)
        return "\n".join(lines)
