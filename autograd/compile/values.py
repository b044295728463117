"""The stand-ins a capture runs the step on: ``Traced`` arrays and ``Sym`` numbers.

During a capture the step runs for real (it is the eager call the user asked for), but every
array it works on is a ``Traced``: a thin wrapper around the real ndarray that forwards each
NumPy operation to the real array *and* writes it down as one line of the program
(``t7 = np.maximum(t6, 0)``). Operators, methods, ``np.*`` ufuncs (NEP 13) and functions (NEP 18)
all pass through it. What it cannot forward without losing track of the data (``float(t)``,
``bool(t)``, ``np.asarray(t)`` by code the capture does not see) is a *read*: the tape decides
whether that read becomes a check, a guard, or a reason to run eagerly.

``Sym`` is the same idea for Python numbers that vary between calls: an optimizer's step count,
its learning rate, a value read with ``.item()``. Arithmetic on a Sym is written down
(``c3 = 1 - b1 ** s0``); a branch on one becomes a guard or a check.
"""

from __future__ import annotations

import operator
from threading import get_ident
from typing import Any

import numpy as np

# Attributes that describe an array without reading its values: guards fix them (shapes and
# dtypes), so the program may use them as constants.
STATIC = frozenset(
    {"shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides", "flags", "base"}
)
# Methods that change the array in place (besides operators like ``+=`` and ``out=``).
IN_PLACE = frozenset({"fill", "sort", "put", "partition", "resize", "setflags", "itemset"})
# Methods whose result is a Python value read from the data.
READS = frozenset({"tolist", "tobytes", "tofile", "dump", "dumps", "__reduce__"})


class Traced:
    """An ndarray (or NumPy scalar) seen by a capture: operations run on ``real`` and are
    recorded on ``tape`` under the name ``sym``."""

    __slots__ = ("real", "sym", "_tape", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, real: Any, sym: str, tape: Any) -> None:
        self.real = real
        self.sym = sym
        self._tape = tape

    @property
    def tape(self) -> Any:
        """The tape recording now: its own while its capture runs (in the capture's thread);
        after, the running capture's (which treats this one as a plain array) or none
        (operations just compute)."""
        own = self._tape
        if own.active:
            if own.thread == get_ident():
                return own
            own.fail("another thread used the step's arrays while it was being captured")
            return _IDLE[0]
        return running()

    # isinstance(t, np.ndarray) holds, as for the array it stands for (engine checks use it).
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self.real)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # NumPy probing for its buffer: make it ask __array__
            raise AttributeError(name)
        value = getattr(self.real, name)
        if name in STATIC:
            return value
        if callable(value):
            return _Method(self, name)
        return self.tape.attribute(self, name)

    @property
    def T(self) -> Any:  # noqa: N802 - NumPy's name
        return self.tape.attribute(self, "T")

    def __len__(self) -> int:
        return len(self.real)

    def __hash__(self) -> int:
        return id(self)

    # NumPy's protocols: every ufunc and array function that meets a Traced is recorded.
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return self.tape.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return self.tape.function(func, args, kwargs)

    # Reads: the value leaves the array for Python.
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        self.tape.read(self, "np.asarray")
        real = np.asarray(self.real)
        return real if dtype is None else real.astype(dtype)

    def __bool__(self) -> bool:
        return self.tape.branch(self, bool, "bool")

    def __float__(self) -> float:
        return self.tape.branch(self, float, "float")

    def __int__(self) -> int:
        return self.tape.branch(self, int, "int")

    def __index__(self) -> int:
        return self.tape.branch(self, operator.index, "operator.index")

    def __iter__(self) -> Any:
        return iter([self[i] for i in range(len(self.real))])

    def __repr__(self) -> str:
        self.tape.read(self, "repr")
        return repr(self.real)

    def __str__(self) -> str:
        self.tape.read(self, "str")
        return str(self.real)

    def __format__(self, spec: str) -> str:
        self.tape.read(self, "format")
        return format(self.real, spec)

    def __getitem__(self, index: Any) -> Any:
        return self.tape.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self.tape.setitem(self, index, value)

    def __abs__(self) -> Any:
        return self.tape.function(np.abs, (self,), {})

    def __copy__(self) -> Any:
        return self.tape.method(self, "copy", (), {})

    def __deepcopy__(self, memo: Any) -> Any:
        return self.tape.method(self, "copy", (), {})


# The tape of the capture running now (at most one), and the tape that records nothing.
_RUNNING: list[Any] = [None]
_IDLE: list[Any] = [None]


def running() -> Any:
    """The running capture's tape (to this thread, the one capturing), or the idle tape (it
    computes without recording)."""
    tape = _RUNNING[0]
    return tape if tape is not None and tape.thread == get_ident() else _IDLE[0]


def set_running(tape: Any) -> None:
    _RUNNING[0] = tape


class _Method:
    """``traced.name`` for a method: calling it records ``t9 = t3.name(...)``."""

    __slots__ = ("owner", "name")

    def __init__(self, owner: Traced, name: str) -> None:
        self.owner, self.name = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.owner.tape.method(self.owner, self.name, args, kwargs)


# (Python operator text, operator function) for the binary dunders Traced forwards.
BINARY: dict[str, tuple[str, Any]] = {
    "add": ("+", operator.add),
    "sub": ("-", operator.sub),
    "mul": ("*", operator.mul),
    "truediv": ("/", operator.truediv),
    "floordiv": ("//", operator.floordiv),
    "mod": ("%", operator.mod),
    "pow": ("**", operator.pow),
    "matmul": ("@", operator.matmul),
    "and": ("&", operator.and_),
    "or": ("|", operator.or_),
    "xor": ("^", operator.xor),
}
COMPARE: dict[str, tuple[str, Any]] = {
    "lt": ("<", operator.lt),
    "le": ("<=", operator.le),
    "gt": (">", operator.gt),
    "ge": (">=", operator.ge),
    "eq": ("==", operator.eq),
    "ne": ("!=", operator.ne),
}
IN_PLACE_OPS: dict[str, tuple[str, Any]] = {
    "add": ("+=", operator.iadd),
    "sub": ("-=", operator.isub),
    "mul": ("*=", operator.imul),
    "truediv": ("/=", operator.itruediv),
    "floordiv": ("//=", operator.ifloordiv),
    "mod": ("%=", operator.imod),
    "pow": ("**=", operator.ipow),
    "matmul": ("@=", operator.imatmul),
    "and": ("&=", operator.iand),
    "or": ("|=", operator.ior),
    "xor": ("^=", operator.ixor),
}
UNARY: dict[str, tuple[str, Any]] = {
    "neg": ("-", operator.neg),
    "pos": ("+", operator.pos),
    "invert": ("~", operator.invert),
}


def _install_array_operators() -> None:
    def binary(text: str, fn: Any) -> Any:
        return lambda self, other: self.tape.binary(text, fn, self, other)

    def reflected(text: str, fn: Any) -> Any:
        return lambda self, other: self.tape.binary(text, fn, other, self)

    def in_place(text: str, fn: Any) -> Any:
        return lambda self, other: self.tape.in_place(text, fn, self, other)

    def unary(text: str, fn: Any) -> Any:
        return lambda self: self.tape.unary(text, fn, self)

    for name, (text, fn) in BINARY.items():
        setattr(Traced, f"__{name}__", binary(text, fn))
        setattr(Traced, f"__r{name}__", reflected(text, fn))
    for name, (text, fn) in COMPARE.items():
        setattr(Traced, f"__{name}__", binary(text, fn))
    for name, (text, fn) in IN_PLACE_OPS.items():
        setattr(Traced, f"__i{name}__", in_place(text, fn))
    for name, (text, fn) in UNARY.items():
        setattr(Traced, f"__{name}__", unary(text, fn))


_install_array_operators()


class Sym:
    """A Python number that varies between calls (a step count, a learning rate, a value read
    with ``.item()``), named ``sym`` in the program. ``kind`` is "input" (known before the
    program runs: a branch on it becomes a guard) or "data" (computed by the step: a branch on
    it becomes a check inside the program)."""

    __slots__ = ("value", "sym", "_tape", "kind")
    # An op's forward receives a Sym as the Python number itself (autograd/function.py), so that
    # NumPy gives it the other operand's dtype at replay too: ``float64 tensor * lr`` stays exact.
    stands_for_a_number = True

    def __init__(self, value: Any, sym: str, tape: Any, kind: str) -> None:
        self.value, self.sym, self._tape, self.kind = value, sym, tape, kind

    @property
    def tape(self) -> Any:
        """As ``Traced.tape``: its own tape while its capture runs in this thread."""
        return Traced.tape.fget(self)  # type: ignore[attr-defined]

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return self.tape.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return self.tape.function(func, args, kwargs)

    def __bool__(self) -> bool:
        return self.tape.branch(self, bool, "bool")

    def __float__(self) -> float:
        return self.tape.branch(self, float, "float")

    def __int__(self) -> int:
        return self.tape.branch(self, int, "int")

    def __index__(self) -> int:
        return self.tape.branch(self, operator.index, "operator.index")

    def __neg__(self) -> Any:
        return self.tape.number("-", operator.neg, self, None)

    def __pos__(self) -> Any:
        return self.tape.number("+", operator.pos, self, None)

    def __abs__(self) -> Any:
        return self.tape.number("abs", abs, self, None)

    def __round__(self, ndigits: Any = None) -> Any:
        return round(self.tape.branch(self, float, "float"), ndigits)

    def __hash__(self) -> int:
        return hash(self.tape.branch(self, _same, ""))

    def __repr__(self) -> str:
        return self.tape.shown(self, repr)

    def __str__(self) -> str:
        return self.tape.shown(self, str)

    def __format__(self, spec: str) -> str:
        return self.tape.shown(self, lambda v: format(v, spec))


def _same(value: Any) -> Any:
    return value


def _install_number_operators() -> None:
    def binary(text: str, fn: Any) -> Any:
        return lambda self, other: self.tape.number(text, fn, self, other)

    def reflected(text: str, fn: Any) -> Any:
        return lambda self, other: self.tape.number(text, fn, other, self)

    def compare(fn: Any) -> Any:
        return lambda self, other: self.tape.compare(fn, self, other)

    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
        text, fn = BINARY[name]
        setattr(Sym, f"__{name}__", binary(text, fn))
        setattr(Sym, f"__r{name}__", reflected(text, fn))
    for name, (_, fn) in COMPARE.items():
        setattr(Sym, f"__{name}__", compare(fn))


_install_number_operators()


def real(value: Any) -> Any:
    """``value`` with every Traced and Sym inside it replaced by what it stands for."""
    kind = type(value)
    if kind is Traced or kind is Sym:
        return value.real if kind is Traced else value.value
    if kind is tuple or kind is list:
        return kind(real(v) for v in value)
    if kind is dict:
        return {k: real(v) for k, v in value.items()}
    return value


def involves(value: Any) -> bool:
    """Whether a Traced or a Sym hides anywhere in ``value`` (nested tuples, lists, dicts)."""
    kind = type(value)
    if kind is Traced or kind is Sym:
        return True
    if kind is tuple or kind is list:
        return any(involves(v) for v in value)
    if kind is dict:
        return any(involves(v) for v in value.values())
    return False
