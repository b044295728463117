"""The tape: what a capture writes down while the step runs, one NumPy call per line.

Each operation on a ``Traced`` array runs on the real array first (the capture *is* the eager
call, so its results are the user's results) and is then written down as a ``Line``: the code,
the names it defines and uses, whether it changes something that outlives the call (an
in-place update of a parameter or optimizer buffer, a draw from the generator), and a comment
naming the op and module it came from.

Python values the step reads from its data are the other half: a branch on one
(``if loss.item() > 5``) becomes a *check* line that the program re-runs (a mismatch abandons the
program before it has changed anything, and the step runs eagerly); a branch on a number that
only depends on the inputs (a hyperparameter) becomes a *guard*; a value printed or kept
(``print(loss)``, ``losses.append(float(loss))``) is a *break*: the program would skip it, so
the step keeps running eagerly, with a warning naming the line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np

from ..tensor import Tensor
from .values import _IDLE, COMPARE, IN_PLACE, READS, STATIC, Sym, Traced, involves, real
from .where import library_line, user_line


def _set_idle(tape: Any) -> None:
    _IDLE[0] = tape


# NumPy's constructors as imported (a capture wraps them in the numpy module while it runs).
ORIGINALS = {
    name: getattr(np, name)
    for name in (
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
        "take",
    )
}


class Break(Exception):  # noqa: N818 - a graph break, as torch.compile calls it
    """Raised inside the tape's bookkeeping only; never escapes a capture."""


@dataclass
class Line:
    """One statement of the program."""

    code: str
    comment: str = ""
    defines: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    effect: bool = False  # changes something outside the program (keep even if unused)
    check: bool = False  # a check on data: must run before any effect


@dataclass
class Tape:
    """Everything one capture wrote down (see the module docstring)."""

    lines: list[Line] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # id(real array) -> its name
    roots: dict[str, str] = field(default_factory=dict)  # name of a view -> name of its base
    persistent: set[str] = field(default_factory=set)  # names of arrays that outlive the call
    fresh: dict[int, Any] = field(default_factory=dict)  # arrays made during the capture
    guards: dict[str, Any] = field(default_factory=dict)  # input Sym name -> value it must keep
    keep: list[Any] = field(default_factory=list)  # holds ids in ``names`` alive
    broken: str | None = None
    effects_started: bool = False
    counter: int = 0
    module_names: dict[int, str] = field(default_factory=dict)
    active: bool = False  # True while its capture runs
    thread: int = 0  # the capturing thread's id (other threads' operations are not recorded)
    numbers: set[str] = field(default_factory=set)  # names of Python numbers (Syms)
    inputs_by_name: dict[str, Any] = field(default_factory=dict)  # input Sym name -> value
    param_names: dict[int, str] = field(default_factory=dict)  # id(array) -> parameter name
    # id(array) -> where: arrays the step can reach but the capture could not swap (a tuple's)
    unswappable: dict[int, str] = field(default_factory=dict)

    # ----- names ------------------------------------------------------------------------------
    def new_name(self, prefix: str = "t") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any, prefix: str = "K") -> str:
        for name, known in self.constants.items():
            if known is value:
                return name
        name = self.new_name(prefix)
        self.constants[name] = value
        return name

    def wrap(self, value: Any, name: str | None = None) -> Any:
        """A Traced for an array or NumPy scalar result, named ``name`` (a new name if None)."""
        # (Not remembered by id: a capture must not keep every intermediate alive.)
        return Traced(value, name or self.new_name(), self)

    def input_array(self, value: np.ndarray, name: str) -> Traced:
        """An array that exists before the call (a parameter, a gradient, optimizer state)."""
        self.persistent.add(name)
        return self.wrap(value, name)

    def input_number(self, value: Any, name: str) -> Sym:
        self.numbers.add(name)
        return Sym(value, name, self, "input")

    def release(self) -> None:
        """Drop what only the capture needed (the program keeps its own constants)."""
        self.keep.clear()
        self.names.clear()
        self.lines.clear()
        self.constants = {}
        self.roots.clear()
        self.unswappable.clear()

    # ----- breaking ---------------------------------------------------------------------------
    def fail(self, reason: str) -> None:
        """Mark this capture as not replayable (the first reason is kept)."""
        if self.broken is None:
            inside = library_line()
            self.broken = f"{reason} ({user_line()}{'; in ' + inside if inside else ''})"

    def read(self, traced: Traced, how: str) -> None:
        self.fail(f"the step reads an array's values ({how})")

    # ----- formatting arguments ---------------------------------------------------------------
    def ref(self, value: Any, uses: list[str]) -> str:
        """The code for ``value`` as an argument; names it depends on go into ``uses``."""
        kind = type(value)
        if (kind is Traced or kind is Sym) and value._tape is not self:
            value = value.real if kind is Traced else value.value  # from an earlier capture
            kind = type(value)
        if kind is Traced or kind is Sym:
            uses.append(value.sym)
            return value.sym
        if kind is np.ndarray:
            return self._plain(value, uses)
        if value is None or kind in (bool, int, str) or value is Ellipsis:
            return "..." if value is Ellipsis else repr(value)
        if kind is float:
            return repr(value) if np.isfinite(value) else f"float({str(value)!r})"
        if kind is tuple:
            inner = ", ".join(self.ref(v, uses) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if kind is list and len(value) > 16:
            return self.constant(value)
        if kind is list:
            return "[" + ", ".join(self.ref(v, uses) for v in value) + "]"
        if kind is dict:
            return "{" + ", ".join(f"{k!r}: {self.ref(v, uses)}" for k, v in value.items()) + "}"
        if kind is slice:
            parts = [self.ref(v, uses) for v in (value.start, value.stop, value.step)]
            return f"slice({', '.join(parts)})"
        if isinstance(value, np.dtype):
            return repr(value.name)
        if isinstance(value, type) and issubclass(value, np.generic):
            return f"np.{value.__name__}"
        name = getattr(value, "__name__", None)
        if isinstance(value, np.ufunc) and name and getattr(np, name, None) is value:
            return f"np.{name}"
        return self.constant(value)

    def _plain(self, value: np.ndarray, uses: list[str]) -> str:
        # A bare ndarray inside a recorded operation: seen before, made during the capture
        # from constants (a fresh copy each call), or from outside (read where it lives).
        name = self.names.get(id(value))
        if name is None:
            base = value.base if value.base is not None else value
            if id(base) in self.fresh or id(value) in self.fresh:
                name = self._fresh(value, base)
            elif id(value) in self.unswappable or id(base) in self.unswappable:
                where = self.unswappable.get(id(value)) or self.unswappable[id(base)]
                self.fail(
                    f"the step uses an array it reaches through a tuple ({where}), which a "
                    "replay could not read again; pass it as an argument or keep it in a list"
                )
                name = self.constant(value, "K")
            else:
                name = self.constant(value, "K")
                self.names[id(value)] = name
                self.keep.append(value)
        uses.append(name)
        return name

    def _fresh(self, value: np.ndarray, base: np.ndarray) -> str:
        base_name = self.names.get(id(base))
        if base_name is None:
            snapshot = self.constant(np.array(base), "Z")
            base_name = self.new_name()
            self.lines.append(
                Line(f"{base_name} = {snapshot}.copy()", "made from constants", (base_name,))
            )
            self.names[id(base)] = base_name
            self.keep.append(base)
        if value is base:
            return base_name
        name = self.new_name()
        offset = value.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        code = f"{name} = _view({base_name}, {offset}, {value.shape}, {value.strides})"
        self.lines.append(Line(code, "a view of it", (name,), (base_name,)))
        self.roots[name] = self.roots.get(base_name, base_name)
        self.names[id(value)] = name
        self.keep.append(value)
        return name

    # ----- emitting ---------------------------------------------------------------------------
    def emit(
        self,
        expression: str,
        result: Any,
        uses: list[str],
        written: tuple[Any, ...] = (),
        effect: bool = False,
    ) -> Any:
        """Write ``name = expression`` (or the bare statement) and wrap ``result``."""
        if not self.active:  # the idle tape: stand-ins outliving their capture just compute
            return _same_object(result, written) if written else result
        written_names = []
        for target in written:
            if type(target) is Traced and target._tape is not self:
                target = target.real  # a stand-in from an earlier capture: a plain array here
            if type(target) is Traced:
                written_names.append(self.roots.get(target.sym, target.sym))
                written_names.append(target.sym)
            elif type(target) is np.ndarray:
                name = self.names.get(id(target))
                base = target.base if target.base is not None else target
                if name is None and id(base) not in self.fresh and id(target) not in self.fresh:
                    self.fail("the step writes into an array the capture does not know")
                    return _wrap_result(self, result, None)
                name = self._plain(target, [])
                written_names.append(self.roots.get(name, name))
                written_names.append(name)
        for name in written_names:
            if name in self.persistent:  # a lasting change: no check may come after it
                effect = True
                self.effects_started = True
        comment = self.comment()
        if result is None or (written and _is_written(result, written)):
            self.lines.append(Line(expression, comment, tuple(written_names), tuple(uses), effect))
            if result is None:
                return None
            return _same_object(result, written)
        out = _wrap_result(self, result, None)
        names = _names_of(out)
        if not names:
            self.lines.append(Line(expression, comment, tuple(written_names), tuple(uses), effect))
            return out
        target = names[0] if len(names) == 1 and type(out) is Traced else ", ".join(names)
        if type(out) in (tuple, list) and len(names) == 1:
            target += ","
        self.lines.append(
            Line(f"{target} = {expression}", comment, (*names, *written_names), tuple(uses), effect)
        )
        return out

    # ----- what Traced forwards ---------------------------------------------------------------
    def binary(self, text: str, fn: Any, a: Any, b: Any) -> Any:
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            return NotImplemented  # (see _holds_tensor)
        result = fn(real(a), real(b))
        if result is NotImplemented:
            return result
        uses: list[str] = []
        code = f"{self.ref(a, uses)} {text} {self.ref(b, uses)}"
        return self.emit(code, result, uses)

    def in_place(self, text: str, fn: Any, a: Traced, b: Any) -> Any:
        result = fn(a.real, real(b))
        uses: list[str] = []
        code = f"{self.ref(a, uses)} {text} {self.ref(b, uses)}"
        self.emit(code, None, uses, written=(a,))
        if result is a.real:
            return a
        return self.wrap(result)  # (an in-place operator that made a new object)

    def unary(self, text: str, fn: Any, a: Traced) -> Any:
        uses: list[str] = []
        return self.emit(f"{text}{self.ref(a, uses)}", fn(a.real), uses)

    def getitem(self, a: Traced, index: Any) -> Any:
        result = a.real[real(index)]
        uses: list[str] = []
        code = f"{self.ref(a, uses)}[{self._index(index, uses)}]"
        out = self.emit(code, result, uses)
        if (
            type(out) is Traced
            and isinstance(result, np.ndarray)
            and result.base is not None
            and np.may_share_memory(result, a.real)
        ):
            self.roots[out.sym] = self.roots.get(a.sym, a.sym)
        return out

    def setitem(self, a: Traced, index: Any, value: Any) -> None:
        a.real[real(index)] = real(value)
        uses: list[str] = []
        code = f"{self.ref(a, uses)}[{self._index(index, uses)}] = {self.ref(value, uses)}"
        self.emit(code, None, uses, written=(a,))

    def _index(self, index: Any, uses: list[str]) -> str:
        items = index if type(index) is tuple else (index,)
        parts = []
        for item in items:
            if type(item) is slice:
                start, stop, step = (
                    "" if v is None else self.ref(v, uses)
                    for v in (item.start, item.stop, item.step)
                )
                parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
            else:
                parts.append(self.ref(item, uses))
        if type(index) is tuple and len(index) == 1:
            return parts[0] + ","
        return ", ".join(parts) if parts else "()"

    def attribute(self, a: Traced, name: str) -> Any:
        value = getattr(a.real, name)
        if isinstance(value, (np.ndarray, np.generic)):
            uses: list[str] = []
            out = self.emit(f"{self.ref(a, uses)}.{name}", value, uses)
            if type(out) is Traced and isinstance(value, np.ndarray):
                self.roots[out.sym] = self.roots.get(a.sym, a.sym)
            return out
        self.fail(f"the step uses the array attribute .{name}")
        return value

    def method(self, a: Traced, name: str, args: tuple, kwargs: dict) -> Any:
        if name == "item" and self.active:
            value = a.real.item(*real(args))
            uses: list[str] = [a.sym]
            code = f"{a.sym}.item({', '.join(self.ref(v, uses) for v in args)})"
            sym = self.new_name("c")
            self.lines.append(Line(f"{sym} = {code}", self.comment(), (sym,), tuple(uses)))
            return Sym(value, sym, self, "data")
        if _holds_tensor(args) or _holds_tensor(tuple(kwargs.values())):
            self.fail(f"the step passes a Tensor to an array's .{name}()")
        if name in READS:
            self.fail(f"the step reads an array's values (.{name}())")
            return getattr(a.real, name)(*real(args), **real(kwargs))
        result = getattr(a.real, name)(*real(args), **real(kwargs))
        uses = []
        code = f"{self.ref(a, uses)}.{name}({self._call_args(args, kwargs, uses)})"
        written: tuple[Any, ...] = (a,) if name in IN_PLACE else ()
        if "out" in kwargs:
            written += _flat(kwargs["out"])
        out = self.emit(code, result, uses, written=written)
        if (
            type(out) is Traced
            and isinstance(result, np.ndarray)
            and result.base is not None
            and np.may_share_memory(result, a.real)
        ):
            self.roots[out.sym] = self.roots.get(a.sym, a.sym)
        return out

    def _call_args(self, args: tuple, kwargs: dict, uses: list[str]) -> str:
        parts = [self.ref(v, uses) for v in args]
        parts += [f"{k}={self.ref(v, uses)}" for k, v in kwargs.items()]
        return ", ".join(parts)

    def ufunc(self, ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
        if _holds_tensor(inputs) or _holds_tensor(tuple(kwargs.values())):
            return NotImplemented
        plain_kwargs = real(kwargs)
        if "out" in plain_kwargs:
            plain_kwargs["out"] = tuple(real(v) for v in kwargs["out"])
        result = getattr(ufunc, method)(*real(inputs), **plain_kwargs)
        uses: list[str] = []
        name = self.ref(ufunc, uses)
        call = name if method == "__call__" else f"{name}.{method}"
        written: tuple[Any, ...] = ()
        shown = dict(kwargs)
        if "out" in kwargs:
            outs = kwargs["out"]
            written = tuple(outs)
            shown["out"] = outs[0] if len(outs) == 1 else outs
        if method == "at":
            written += (inputs[0],)
        code = f"{call}({self._call_args(inputs, shown, uses)})"
        return self.emit(code, result, uses, written=written)

    def function(self, func: Any, args: tuple, kwargs: dict) -> Any:
        if _holds_tensor(args) or _holds_tensor(tuple(kwargs.values())):
            return NotImplemented
        result = func(*real(args), **real(kwargs))
        uses: list[str] = []
        code = f"{self._function_name(func)}({self._call_args(args, kwargs, uses)})"
        written = _flat(kwargs["out"]) if "out" in kwargs else ()
        if func is np.copyto:
            written += (args[0],)
        out = self.emit(code, result, uses, written=written)
        # Views (reshape, transpose, broadcast_to, sliding windows): writes through them change
        # the array they came from.
        first = args[0] if args else None
        if (
            type(out) is Traced
            and type(first) is Traced
            and isinstance(result, np.ndarray)
            and result.base is not None
            and np.may_share_memory(result, first.real)
        ):
            self.roots[out.sym] = self.roots.get(first.sym, first.sym)
        return out

    def _function_name(self, func: Any) -> str:
        name = getattr(func, "__name__", None)
        if name in ORIGINALS and getattr(func, "__wrapped__", func) is ORIGINALS[name]:
            return f"np.{name}"
        if name and getattr(np, name, None) is func:
            return f"np.{name}"
        module = getattr(func, "__module__", "") or ""
        for path in ("linalg", "lib.stride_tricks", "fft"):
            space: Any = np
            for part in path.split("."):
                space = getattr(space, part, None)
            if name and space is not None and getattr(space, name, None) is func:
                return f"np.{path}.{name}"
        del module
        return self.constant(func, "F")

    # ----- Python numbers ---------------------------------------------------------------------
    def number(self, text: str, fn: Any, a: Any, b: Any) -> Any:
        if not (_plain_number(a) and (b is None or _plain_number(b))):
            # An array or a Tensor (``lr * t``, ``s - w``): its own reflected operator records
            # the Sym as an input; computing here would bake its value into the program.
            return NotImplemented
        value = fn(real(a)) if b is None and text in ("-", "+", "abs") else fn(real(a), real(b))
        if value is NotImplemented:
            return value
        uses: list[str] = []
        if text == "abs":
            code = f"abs({self.ref(a, uses)})"
        elif b is None:
            code = f"{text}{self.ref(a, uses)}"
        else:
            code = f"{self.ref(a, uses)} {text} {self.ref(b, uses)}"
        kind = "data" if any(_kind(v) == "data" for v in (a, b)) else "input"
        if not isinstance(value, (int, float, np.generic)):
            return value
        if not self.active:
            return value
        name = self.new_name("c")
        self.numbers.add(name)
        self.lines.append(Line(f"{name} = {code}", self.comment(), (name,), tuple(uses)))
        return Sym(value, name, self, kind)

    def compare(self, fn: Any, a: Any, b: Any) -> Any:
        if isinstance(a, (np.ndarray, Traced)) or isinstance(b, (np.ndarray, Traced)):
            return NotImplemented
        result = fn(real(a), real(b))
        if not self.active:
            return result
        if _kind(a) == "data" or _kind(b) == "data":
            text = next(t for t, f in COMPARE.values() if f is fn)
            uses: list[str] = []
            test = f"({self.ref(a, uses)} {text} {self.ref(b, uses)})"
            self._check(test, bool(result), uses)
        for side in (a, b):
            if _kind(side) == "input":
                self._guard(side)
        return result

    def branch(self, value: Any, convert: Any, how: str) -> Any:
        """A Python decision on ``value`` (``bool``) or a conversion (``float``, ``int``): fix
        what it saw (a guard on inputs, a check on data before any lasting change), or give up
        replaying."""
        result = convert(value.real if type(value) is Traced else value.value)
        if not self.active or value._tape is not self:
            return result
        if type(value) is Sym and value.kind == "input":
            self._guard(value)
        elif how == "bool":
            uses: list[str] = []
            self._check(f"bool({self.ref(value, uses)})", result, uses)
        else:
            self.fail(f"the step converts a value it computed with {how or 'hash'}()")
        return result

    def _guard(self, value: Sym) -> None:
        for name, seen in self._leaves(value):
            self.guards[name] = seen

    def _check(self, test: str, expected: bool, uses: list[str]) -> None:
        if self.effects_started:
            self.fail("the step branches on a value it computed after changing its state")
            return
        self.lines.append(
            Line(
                f"if {test} is not {expected}: raise _Miss",
                "the branch the capture took",
                (),
                tuple(uses),
                check=True,
            )
        )

    def _leaves(self, value: Sym) -> list[tuple[str, Any]]:
        # The input numbers a Sym was computed from: a guard fixes each of them.
        found = []
        wanted = {value.sym}
        for line in reversed(self.lines):
            if wanted & set(line.defines):
                wanted |= set(line.uses)
        for name in wanted:
            if name in self.inputs_by_name:
                found.append((name, self.inputs_by_name[name]))
        return found

    def shown(self, value: Sym, show: Any) -> str:
        if not self.active:
            return show(value.value)
        if value.kind == "input":
            self._guard(value)
        else:
            self.fail("the step prints or formats a value it computed")
        return show(value.value)

    # ----- where we are -----------------------------------------------------------------------
    def comment(self) -> str:
        """The op and module the current line comes from, found on the call stack."""
        frame: FrameType | None = sys._getframe(2)
        op = where = ""
        while frame is not None:
            code = frame.f_code
            qual = getattr(code, "co_qualname", code.co_name)
            if not op and code.co_name in ("forward", "backward", "compute") and "." in qual:
                op = qual.rsplit(".", 2)[0] + (" backward" if code.co_name == "backward" else "")
            elif not op and code.co_name in ("update", "_update"):
                op = qual.rsplit(".", 1)[0] + " update"
            if code.co_name == "run_backward" and "node" in frame.f_locals:
                scope = frame.f_locals["node"].scope
                where = where or self._module(scope)
            if code.co_name == "apply" and "ctx" in frame.f_locals:
                ctx = frame.f_locals["ctx"]
                where = where or self._module(getattr(ctx, "scope", None))
            if code.co_name == "step" and "param" in frame.f_locals and not where:
                where = self.param_names.get(id(frame.f_locals["param"]), "")
            frame = frame.f_back
        if not where:
            from ..grad_mode import LOCAL

            scopes = LOCAL.state.scopes  # (this thread's)
            if scopes:
                where = self._module(scopes[-1])
        return f"{op} ({where})" if op and where else op or where

    def _module(self, scope: Any) -> str:
        while scope is not None:
            name = self.module_names.get(id(scope.label))
            if name:
                return name
            if isinstance(scope.label, str):
                return scope.label
            scope = scope.parent
        return ""


def _identity(value: Any) -> Any:
    return value


def _kind(value: Any) -> str:
    return value.kind if type(value) is Sym else ""


def _flat(value: Any) -> tuple[Any, ...]:
    return tuple(value) if type(value) is tuple else (value,)


def _is_written(result: Any, written: tuple[Any, ...]) -> bool:
    return any(real(t) is result for t in written)


def _same_object(result: Any, written: tuple[Any, ...]) -> Any:
    for target in written:
        if real(target) is result:
            return target
    return result


def _wrap_result(tape: Tape, result: Any, name: str | None) -> Any:
    if isinstance(result, (np.ndarray, np.generic)):
        return tape.wrap(result, name)
    if (
        type(result) in (tuple, list)
        and result
        and all(isinstance(v, (np.ndarray, np.generic)) for v in result)
    ):
        return type(result)(tape.wrap(v) for v in result)
    if result is None or type(result) in (bool, int, float, str):
        if type(result) is not type(None) and type(result) is not str:
            pass
        return result
    if isinstance(result, tuple) and all(type(v) in (int, bool, type(None)) for v in result):
        return result  # a shape: fixed by the guards
    if isinstance(result, tuple):  # (a named tuple of arrays and the like)
        tape.fail(f"the step uses a NumPy function returning {type(result).__name__}")
    return result


def _names_of(value: Any) -> list[str]:
    if type(value) is Traced:
        return [value.sym]
    if type(value) in (tuple, list):
        return [v.sym for v in value if type(v) is Traced]
    return []


def _holds_tensor(values: tuple) -> bool:
    """Whether a Tensor is among ``values`` (in lists and tuples too). A stand-in met first by
    NumPy (``x.numpy() * w``, ``np.where(mask, w, 0)``) then hands the call over to the
    Tensor's own operator or NumPy protocol, which records the op with the stand-in as an
    operand; computing it here on the real values would bake them into the program."""
    for value in values:
        if isinstance(value, Tensor):  # (a Parameter too)
            return True
        if type(value) in (tuple, list) and _holds_tensor(tuple(value)):
            return True
    return False


def _plain_number(value: Any) -> bool:
    """Whether arithmetic with a Sym on ``value`` is arithmetic on numbers (written down here)."""
    return type(value) is Sym or isinstance(value, (int, float, complex, np.generic))


_set_idle(Tape())  # the tape stand-ins outliving their capture use: it records nothing

__all__ = ["Break", "Line", "STATIC", "Tape", "involves", "user_line"]
