"""What a capture puts in place of NumPy's and the library's own while the step runs.

NumPy's array constructors become recorders (what they build is a stand-in or known as made
during the capture), the library's random generator records each draw, ``numpy.random``'s
global functions and ``create_graph`` backward refuse (a replay could not repeat them), and a
recorder finds the leaf tensors the step uses that no participant reported. The ``Capture``
driver installs them for the call and takes them away after.
"""

from __future__ import annotations

import contextlib
import os
import sys
from threading import get_ident
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import Tensor
from .tape import Tape
from .values import Traced, involves, real
from .where import LIBRARY

if TYPE_CHECKING:
    from .capture import Capture, Captured

# NumPy's array constructors: what they build from a stand-in is recorded; what they build from
# plain values is made during the capture from constants (see Tape._fresh).
CONSTRUCTORS = (
    "array",
    "asarray",
    "asanyarray",
    "ascontiguousarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "arange",
    "eye",
    "identity",
    "linspace",
    "take",  # its NEP 18 dispatch ignores the indices
)
# numpy.random's global functions draw from a generator the program cannot replay.
GLOBAL_RANDOM = (
    "rand",
    "randn",
    "random",
    "random_sample",
    "normal",
    "uniform",
    "randint",
    "permutation",
    "shuffle",
    "choice",
    "binomial",
    "standard_normal",
    "seed",
    "default_rng",
    "integers",
    "bernoulli",
)


_AS_ARRAY = (np.asarray, np.asanyarray)
# Whose new arrays become stand-ins: backproplab's own Python code (ops, layers, optimizers),
# minus this package. Any other caller gets a real array: NumPy's Python code builds results from
# real arrays, and a compiled routine (a generator's draw, a user's Cython) may call np.empty
# through the module and write into what it gets. Those arrays are remembered as made during
# the capture (see Tape._fresh).
_PYTHON_CALLERS = LIBRARY
_INTERNAL = (os.path.dirname(os.path.abspath(__file__)) + os.sep,)


class RecordingGenerator:
    """The library generator during a capture: each draw is recorded (an input of every
    replay, drawn in the same order as eager, so a seeded run is bitwise equal)."""

    def __init__(self, real_generator: Any, tape: Tape, captured: Captured) -> None:
        self._real, self._tape, self._captured = real_generator, tape, captured

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)
        if not callable(method):
            self._tape.fail(f"the step reads the generator's .{name}")
            return method
        tape, captured = self._tape, self._captured

        def draw(*args: Any, **kwargs: Any) -> Any:
            result = method(*real(args), **real(kwargs))
            if tape.thread != get_ident():  # another thread's draw: not this step's
                return result
            uses: list[str] = []
            call = tape._call_args(args, kwargs, uses)
            captured.draws = True
            written = (args[0],) if name in ("shuffle",) and args else ()
            return tape.emit(f"_rng.{name}({call})", result, uses, written=written, effect=True)

        return draw


def recording_constructor(tape: Tape, original: Any) -> Any:
    # A new array made during the capture is a stand-in too (a later write into it is data),
    # recorded as the constructor call; asarray of an outside array returns that array.
    def construct(*args: Any, **kwargs: Any) -> Any:
        args = _tensor_arrays(args)  # np.asarray(t): the array t holds, a stand-in here
        if tape.thread != get_ident():  # another thread, running its own code meanwhile
            if involves(args) or involves(kwargs):
                tape.fail("another thread used the step's arrays while it was being captured")
            return original(*real(args), **real(kwargs))
        if (
            original in _AS_ARRAY
            and len(args) == 1
            and not kwargs
            and type(args[0]) is Traced
            and isinstance(args[0].real, np.ndarray)
        ):
            return args[0]  # already an array: nothing to do
        if involves(args) or involves(kwargs):
            return tape.function(original, args, kwargs)
        result = original(*args, **kwargs)
        if type(result) is not np.ndarray or any(result is a for a in args):
            return result
        caller = sys._getframe(1).f_code.co_filename
        if caller.startswith(_PYTHON_CALLERS) and not caller.startswith(_INTERNAL):
            code = f"{tape._function_name(original)}({tape._call_args(args, kwargs, [])})"
            return tape.emit(code, result, [])
        tape.fresh[id(result)] = result
        return result

    construct.__wrapped__ = original  # type: ignore[attr-defined]
    return construct


def _tensor_arrays(values: Any) -> Any:
    """``values`` with each Tensor (in lists and tuples too) replaced by the array it holds,
    which NumPy would get from its ``__array__``: during a capture a stand-in, which NumPy
    cannot take from ``__array__``, so it is handed over directly."""
    kind = type(values)
    if kind is tuple or kind is list:
        return kind(_tensor_arrays(v) for v in values)
    return values._data if isinstance(values, Tensor) else values


def refusing(tape: Tape, original: Any, why: str) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        if tape.thread == get_ident():
            tape.fail(why)
        return original(*real(args), **real(kwargs))

    return refused


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Any:
    missing = object()
    before = owner.__dict__.get(name, missing) if hasattr(owner, "__dict__") else missing
    setattr(owner, name, value)
    try:
        yield
    finally:
        if before is missing:
            with contextlib.suppress(AttributeError):
                delattr(owner, name)
        else:
            setattr(owner, name, before)


class Discover:
    """A recorder (see autograd.trace): leaf tensors the step uses that no participant
    reported. One that requires grad (a parameter kept outside any module or optimizer) becomes
    an input at its first use; one that does not is data the step found outside its arguments,
    which a replay could not find again (``batch[0]`` may hold another tensor next call)."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture

    def record(self, node: Any, out: Any) -> None:
        for link in node.inputs:
            if isinstance(link, Tensor) and type(link._data) is not Traced:
                if link._requires_grad:
                    self.capture.add_tensor(link, link.name or "")
                else:
                    self.capture.tape.fail(
                        f"the step reads a tensor of shape {link.shape} that is not one of "
                        "its arguments (nor a parameter or buffer); pass it as an argument"
                    )


__all__ = [
    "CONSTRUCTORS",
    "GLOBAL_RANDOM",
    "Discover",
    "RecordingGenerator",
    "patched",
    "recording_constructor",
    "refusing",
]
