"""Capture: run the step once for real, on stand-ins that write every NumPy call down.

Before the call, every array the step may read or change is swapped for a ``Traced`` stand-in
(the arguments' arrays, each participant's tensors, optimizer buffers) and every number that
varies between calls for a ``Sym`` (step counts, hyperparameters); NumPy's array constructors
and the library's random generator are wrapped so that what they make is known too. After the
call everything is put back (the real arrays, holding the eager results) and the tape holds the
program. This module is the driver; what it puts in NumPy's and the generator's place is in
``standins``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import engine_helpers as _engine_helpers
from .. import random as _random
from ..grad_mode import LOCAL
from ..tensor import Tensor
from . import protocol, sources
from .standins import (
    CONSTRUCTORS,
    GLOBAL_RANDOM,
    Discover,
    RecordingGenerator,
    patched,
    recording_constructor,
    refusing,
)
from .tape import Line, Tape
from .values import Sym, Traced, involves, real, set_running
from .where import user_line


@dataclass
class Captured:
    """What a capture produced: the tape and the bookkeeping the program generator needs."""

    tape: Tape
    arg_names: list[str]
    arg_kinds: list[tuple[str, Any]]  # per argument: (kind, what its guard compares)
    tensors: list[tuple[str, Any, Any, Any]] = field(
        default_factory=list
    )  # (sym, tensor, grad, label)
    # (name, where, label, the dict, {entry: (value, stand-in)}) per optimizer dict
    dicts: list[tuple[str, str, str, dict, dict]] = field(default_factory=list)
    loads: list[tuple[str, str]] = field(default_factory=list)  # (name, code) read before the body
    writes: list[Line] = field(default_factory=list)
    watch: list[tuple[str, Any, str]] = field(default_factory=list)  # (code, expected, label)
    # Tensors whose array the step replaces (``p.data = p.data - lr * p.grad``): data syms.
    replaced: set[str] = field(default_factory=set)
    # Arrays found outside the arguments: (name, code, shape, dtype, tensor?, other codes).
    outside: list[tuple[str, str, Any, Any, bool, list[str]]] = field(default_factory=list)
    # Objects the step reaches through attributes or containers: (code, object, label).
    paths: list[tuple[str, Any, str]] = field(default_factory=list)
    # The lengths of the lists and dicts holding the outside arrays it uses: code -> length.
    sizes: dict[str, int] = field(default_factory=dict)
    # Numbers (and strings, bools, None) held there: (code, value, label), guarded by value.
    numbers: list[tuple[str, Any, str]] = field(default_factory=list)
    result_code: str = "None"
    result_uses: tuple[str, ...] = ()
    stationary: bool = True
    draws: bool = False
    grad_enabled: bool = True
    namespace: dict[str, Any] = field(default_factory=dict)


class Capture:
    """One capture of ``fn(*args)`` (see the module docstring)."""

    def __init__(self, fn: Any, args: tuple) -> None:
        self.fn, self.args = fn, args
        self.tape = Tape()
        self.tape.inputs_by_name = {}
        self.tape.param_names = {}
        self.captured = Captured(self.tape, [], [])
        self.restore: list[Any] = []
        self.tensor_ids: dict[int, str] = {}
        self.constants = self.captured.namespace

    # ----- inputs -----------------------------------------------------------------------------
    def bind(self, value: Any, prefix: str) -> str:
        name = self.tape.constant(value, prefix)
        return name

    def add_tensor(self, tensor: Any, label: str) -> None:
        if id(tensor) in self.tensor_ids:
            return
        index = len(self.captured.tensors)
        holder = self.bind(tensor, "P")
        data_name = f"p{index}"
        self.tensor_ids[id(tensor)] = data_name
        data, grad = tensor._data, tensor._grad
        if type(data) is Traced:
            return
        self.tape.constants[data_name] = data
        tensor._data = self.tape.input_array(data, data_name)
        grad_name = None
        if grad is not None and type(grad) is not Traced:
            grad_name = f"g{index}"
            tensor._grad = self.tape.input_array(grad, grad_name)
        self.captured.tensors.append((data_name, tensor, grad_name, label or tensor.name or ""))
        self.tape.param_names[id(tensor)] = label
        # (Whether it had a gradient, not the gradient: ``zero_grad`` inside the step frees it
        # while the capture runs, as it does in eager.)
        self.restore.append((tensor, data, grad is not None, holder))

    def add_dict(self, holder: Any, attribute: str, key: Any, label: str) -> None:
        try:
            container = getattr(holder, attribute)
            target = container if key is None else container[key]
        except (KeyError, IndexError, AttributeError):
            return
        if not isinstance(target, dict) or any(d[3] is target for d in self.captured.dicts):
            return
        index = len(self.captured.dicts)
        name = f"D{index}"
        holder_name = self.bind(holder, "H")
        where = f"{holder_name}.{attribute}"
        if key is not None:
            where += f"[{self.tape.ref(key, []) if not isinstance(key, int) else key}]"
        swapped = {}
        for entry, value in list(target.items()):
            if entry == "params":
                continue
            stand_in = self._stand_in(value, f"{_ident(entry)}_{index}")
            if stand_in is not None:
                target[entry] = stand_in
                swapped[entry] = (value, stand_in)
        self.captured.dicts.append((name, where, label, target, swapped))

    def _stand_in(self, value: Any, name: str) -> Any:
        kind = type(value)
        if kind in (int, float, bool):
            self.tape.inputs_by_name[name] = value
            return self.tape.input_number(value, name)
        if kind is tuple and value and all(type(v) in (int, float, bool) for v in value):
            parts = []
            for i, v in enumerate(value):
                self.tape.inputs_by_name[f"{name}_{i}"] = v
                parts.append(self.tape.input_number(v, f"{name}_{i}"))
            return tuple(parts)
        if kind is np.ndarray:
            return self.tape.input_array(value, name)
        return None

    # ----- what the step finds outside its arguments ----------------------------------------
    def _roots(self) -> list[tuple[str, Any, Any, str, Any]]:
        fn = self.fn
        roots: list[tuple[str, Any, Any, str, Any]] = []
        if inspect.ismethod(fn):
            roots.append((self.tape.constant(fn.__self__, "K"), fn.__self__, None, "", None))
            fn = fn.__func__
        if isinstance(fn, types.FunctionType):
            for cell in fn.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    code = f"{self.tape.constant(cell, 'C')}.cell_contents"
                    roots.append((code, cell.cell_contents, cell, "cell", None))
            space = fn.__globals__
            where = self.tape.constant(space, "G")
            for value, _code, container, kind, key in sources.function_roots(fn, ""):
                if container is space:
                    roots.append((f"{where}[{key!r}]", value, container, kind, key))
        elif not isinstance(fn, types.BuiltinFunctionType):
            roots.append((self.tape.constant(fn, "K"), fn, None, "", None))  # a callable object
        for name, (kind, _), arg in zip(
            self.captured.arg_names, self.captured.arg_kinds, self.args
        ):
            if kind == "object":
                roots.append((name, arg, None, "", None))
        return roots

    def _outside(self) -> None:
        """Swap every array the step can reach outside its arguments and its participants'
        tensors (``buffers[k]``, ``self.mask``, a dict of tensors...) for a stand-in read where
        it lives: the program loads the ones it uses from there at each call (see sources)."""
        skip = {id(d[3]) for d in self.captured.dicts}
        ignored = {id(obj): state.skip for obj, state in self.states if state.skip}
        found = sources.walk(self._roots(), skip, ignored)
        self.found = found
        self.swapped: list[tuple[Any, Any, Any, list[Any]]] = []  # (stand-in, real, tensor, slots)
        for array, slots in found.arrays.values():
            if id(array) in self.tape.names:
                continue
            if any(slot.kind == "" for slot in slots):  # (a tuple's item: cannot be swapped)
                self.tape.unswappable[id(array)] = slots[0].code
                self.tape.keep.append(array)
                continue
            name = f"a{len(self.swapped)}"
            stand_in = self.tape.input_array(array, name)
            for slot in slots:
                sources.put(slot, stand_in)
            self.swapped.append((stand_in, array, None, slots))
        for tensor, slots in found.tensors.values():
            data = tensor._data
            if type(data) is Traced or type(data) is not np.ndarray:
                continue  # a parameter, a buffer or an argument: known already
            if tensor._requires_grad:
                continue  # a parameter outside any module: an input at its first use (Discover)
            name = f"a{len(self.swapped)}"
            stand_in = self.tape.input_array(data, name)
            tensor._data = stand_in
            self.swapped.append((stand_in, data, tensor, slots))

    def _put_back_outside(self) -> None:
        for stand_in, array, tensor, slots in getattr(self, "swapped", ()):
            if tensor is not None:
                now = tensor._data
                tensor._data = array if now is stand_in else real(now)
                if now is not stand_in:
                    self.tape.fail(f"the step replaces the array of {slots[0].code}")
                continue
            for slot in slots:
                now = sources.get(slot)
                if now is stand_in:
                    sources.put(slot, array)
                else:
                    if involves(now):
                        sources.put(slot, real(now))
                    self.tape.fail(f"the step stores a new value in {slot.code}")

    def _outside_inputs(self, used: set[str]) -> None:
        """The program's loads of the outside arrays it uses, and guards on the paths by which
        the step reached its models, optimizers and loose parameters."""
        captured = self.captured
        for stand_in, array, tensor, slots in getattr(self, "swapped", ()):
            if stand_in.sym not in used:
                continue
            codes = [slot.code for slot in slots]
            captured.outside.append(
                (stand_in.sym, codes[0], array.shape, array.dtype, tensor is not None, codes[1:])
            )
            for slot in slots:  # (a loop over the list or dict holding it was unrolled)
                if slot.parent and slot.parent not in captured.sizes:
                    captured.sizes[slot.parent] = slot.size
        found = getattr(self, "found", None)
        if found is None:
            return
        for slot, value in found.numbers:
            owner = slot.owner
            if owner is not None and id(owner) in found.participants:
                code = f"{self.tape.constant(owner, 'M')}.{slot.key}"  # (a short path)
                name = self.tape.module_names.get(id(owner)) or type(owner).__name__
                label = f"{name}.{slot.key}"
            else:
                code = label = slot.code
            captured.numbers.append((code, value, label))
        wanted = {id(t) for sym, t, g, _ in captured.tensors if sym in used or g in used}
        for obj, slots in found.participants.values():
            if id(obj) in self.referenced:
                self._path_guards(obj, slots, type(obj).__name__)
        for tensor, slots in found.tensors.values():
            if id(tensor) in wanted and id(tensor) not in self.reported:
                self._path_guards(tensor, slots, tensor.name or "tensor")

    def _path_guards(self, obj: Any, slots: list[Any], label: str) -> None:
        # (Depth 1 is a closure variable or global itself: _bindings guards those.)
        for slot in slots:
            if slot.depth >= 2:
                self.captured.paths.append((slot.code, obj, f"{label} at {slot.code}"))

    # ----- the run ----------------------------------------------------------------------------
    def run(self) -> tuple[Any, Captured]:
        tape, captured = self.tape, self.captured
        states = self._participants()
        # The widest participant first: a model's own names (0.weight) win over a child's.
        # (Objects the step names come first, so that its own parameters are p0, p1, ...)
        ordered = sorted(states, key=lambda s: (id(s[0]) not in self.referenced, -len(s[1].names)))
        self.reported = {id(t) for _obj, state in states for t in state.tensors}
        for _obj, state in ordered:
            for tensor in state.tensors:
                self.add_tensor(tensor, state.names.get(id(tensor), ""))
            for key, value in state.names.items():
                tape.module_names.setdefault(key, value)
        for _obj, state in states:
            for holder, attribute, key, label in state.dicts:
                self.add_dict(holder, attribute, key, label)
        args = self._arguments()
        self._outside()
        before = self._watched(states)
        generator = _random.get_generator()
        stand_in = RecordingGenerator(generator, tape, captured)
        patches = [
            (np, name, recording_constructor(tape, getattr(np, name))) for name in CONSTRUCTORS
        ]
        patches += [
            (
                np.random,
                name,
                refusing(
                    tape,
                    getattr(np.random, name),
                    f"numpy.random.{name} inside the step draws numbers a "
                    "replay cannot draw again; use autograd.get_generator()",
                ),
            )
            for name in GLOBAL_RANDOM
            if hasattr(np.random, name)
        ]
        patches.append((_engine_helpers, "stand_in_array", _array_of_stand_in))
        patches.append(
            (
                _engine_helpers,
                "recorded_backward",
                refusing(
                    tape,
                    _engine_helpers.recorded_backward,
                    "backward with create_graph=True cannot be captured",
                ),
            )
        )
        for _, state in states:
            patches.extend(state.patches)
        state = LOCAL.state  # this thread's switches: the capture runs in this thread
        captured.grad_enabled = state.grad_enabled
        if state.anomaly:
            tape.fail("detect_anomaly is on")
        if state.recorders:
            tape.fail("a trace is recording")
        _random._generator = stand_in  # type: ignore[assignment]  # (draws like one)
        state.recorders.append(Discover(self))
        tape.thread = threading.get_ident()
        tape.active = True
        set_running(tape)
        try:
            with contextlib.ExitStack() as stack:
                for owner, name, value in patches:
                    stack.enter_context(patched(owner, name, value))
                result = self.fn(*args)
        finally:
            set_running(None)
            tape.active = False
            state.recorders.pop()
            if _random._generator is stand_in:
                _random._generator = generator
            else:
                tape.fail("the step re-seeds the library generator")
            self._put_back()
            self._put_back_outside()
        found = getattr(self, "found", None)
        held = [*getattr(found, "arrays", {}).values(), *getattr(found, "tensors", {}).values()]
        for _, slots in held:
            if any(slot.parent and len(slot.container) != slot.size for slot in slots):
                captured.stationary = False  # the step adds to a container it reads arrays from
        for slot, value in getattr(found, "numbers", ()):
            now = sources.get(slot)
            if now is not value and (type(now) is not type(value) or now != value):
                captured.stationary = False  # the step changes it: replaying would skip that
        if self._watched(states) != before:
            captured.stationary = False  # the call changed what its own guards look at
        result_code, uses = self._result(result)
        captured.result_code, captured.result_uses = result_code, tuple(uses)
        self._watch(states)
        return _plain_result(result), captured

    def _watched(self, states: list[tuple[Any, Any]]) -> list[Any]:
        values = []
        for _, state in states:
            for owner, expression, _label in state.watch:
                try:
                    value = eval(_watch_code(expression), {"owner": owner})  # noqa: S307
                except Exception:  # noqa: BLE001
                    value = None
                values.append(id(value) if not isinstance(value, (int, float, str)) else value)
        return values

    def _participants(self) -> list[tuple[Any, Any]]:
        found = {id(o): o for o in protocol.referenced(self.fn, self.args)}
        self.referenced = set(found)
        for obj in protocol.tracked():
            found.setdefault(id(obj), obj)
        states = []
        for obj in found.values():
            if isinstance(obj, (np.random.Generator, np.random.RandomState)):
                self.tape.fail(
                    "the step can reach a NumPy random generator of its own, whose draws a "
                    "replay cannot repeat; draw from autograd.get_generator()"
                )
                continue
            try:
                states.append((obj, obj.__compile_state__()))
            except Exception as error:  # noqa: BLE001 - a broken participant only costs speed
                self.tape.fail(f"{type(obj).__name__}.__compile_state__ raised {error!r}")
        self.states = states
        return states

    def _arguments(self) -> list[Any]:
        captured, tape = self.captured, self.tape
        try:
            names = list(inspect.signature(self.fn).parameters)
        except (TypeError, ValueError):
            names = []
        out = []
        for i, arg in enumerate(self.args):
            name = names[i] if i < len(names) and names[i].isidentifier() else f"arg{i}"
            if name.startswith("*") or name in captured.arg_names:
                name = f"arg{i}"
            captured.arg_names.append(name)
            kind = type(arg)
            if kind is Tensor:
                if arg._node is not None or arg._requires_grad:
                    tape.fail(f"argument {name} requires grad (pass a plain input)")
                    captured.arg_kinds.append(("object", arg))
                    out.append(arg)
                    continue
                data = arg._data
                sym = f"{name}_data"
                arg._data = tape.wrap(data, sym)
                self.restore.append((arg, data, arg._grad is not None, None))
                captured.arg_kinds.append(("tensor", (data.shape, data.dtype)))
                out.append(arg)
            elif kind is np.ndarray:
                captured.arg_kinds.append(("array", (arg.shape, arg.dtype)))
                out.append(tape.wrap(arg, name))
            elif kind in (int, float):
                captured.arg_kinds.append(("number", kind))
                tape.inputs_by_name[name] = arg
                out.append(tape.input_number(arg, name))
            elif arg is None or kind in (bool, str):
                captured.arg_kinds.append(("equal", arg))
                out.append(arg)
            else:
                captured.arg_kinds.append(("object", arg))
                out.append(arg)
        return out

    def _put_back(self) -> None:
        """Real arrays and numbers back where the stand-ins were; what changed becomes a
        write-back line of the program."""
        _tape, captured = self.tape, self.captured
        for tensor, data, had_grad, holder in self.restore:
            if holder is None:  # an argument
                tensor._data = data
                continue
            now_data, now_grad = tensor._data, tensor._grad
            sym = self.tensor_ids[id(tensor)]
            if type(now_data) is not Traced or now_data.sym != sym:
                self._write(f"{holder}._data", now_data)
                captured.replaced.add(sym)  # (``p.data = ...``: read from the tensor each call)
            tensor._data = real(now_data)
            grad_sym = f"g{sym[1:]}" if had_grad else None
            if now_grad is None:
                if had_grad:
                    captured.writes.append(Line(f"{holder}._grad = None", "", (), (), True))
            elif type(now_grad) is not Traced or now_grad.sym != grad_sym:
                self._write(f"{holder}._grad", now_grad)
            tensor._grad = real(now_grad)
        for name, _where, _label, target, swapped in captured.dicts:
            keys_before = set(swapped) | {k for k in target if k not in swapped}
            for entry, value in list(target.items()):
                if entry in swapped and value is swapped[entry][1]:
                    target[entry] = swapped[entry][0]
                    continue
                if entry == "params":
                    continue
                if involves(value) or entry in swapped:
                    self._write(f"{name}[{entry!r}]", value)
                    target[entry] = real(value)
            if set(target) != keys_before:
                captured.stationary = False
        # New entries (a first step creates optimizer state) hold stand-ins: make them real.
        for obj, _ in self.states:
            with contextlib.suppress(Exception):
                for holder, attribute, key, _label in obj.__compile_state__().dicts:
                    container = getattr(holder, attribute)
                    target = container if key is None else container[key]
                    if isinstance(target, dict) and not any(d[3] is target for d in captured.dicts):
                        for entry, value in list(target.items()):
                            if involves(value):
                                target[entry] = real(value)

    def _write(self, where: str, value: Any) -> None:
        uses: list[str] = []
        known = type(value) is np.ndarray and id(value) in self.tape.names
        if known:
            value = self.tape.wrap(value, self.tape.names[id(value)])  # (made by a traced write)
        code = self.tape.ref(value, uses) if involves(value) or value is None else None
        if code is None:
            if type(value) in (int, float, bool, str):
                code = repr(value)
            else:
                self.tape.fail(f"the step stores a value the capture cannot follow in {where}")
                return
        self.captured.writes.append(Line(f"{where} = {code}", "", (), tuple(uses), True))

    def _result(self, result: Any) -> tuple[str, list[str]]:
        uses: list[str] = []

        def code(value: Any) -> str:
            kind = type(value)
            if kind is Tensor:
                if id(value) in self.tensor_ids:
                    return self.tape.constant(value, "P")
                data = value._data
                if type(data) is Traced:
                    uses.append(data.sym)
                    return f"_Tensor({data.sym})"
                return self.tape.constant(value, "K")
            if kind is Traced or kind is Sym:
                uses.append(value.sym)
                return value.sym
            if kind in (tuple, list):
                inner = ", ".join(code(v) for v in value)
                return (
                    f"({inner},)"
                    if kind is tuple and len(value) == 1
                    else (f"({inner})" if kind is tuple else f"[{inner}]")
                )
            if kind is dict:
                return "{" + ", ".join(f"{k!r}: {code(v)}" for k, v in value.items()) + "}"
            if value is None or kind in (bool, int, float, str):
                return repr(value)
            return self.tape.constant(value, "K")

        return code(result), uses

    def _bindings(self) -> None:
        """Guards on the names the step's own code reads from outside (globals and closure
        variables): a replay skips that Python, so what it found there must still be there."""
        fn = self.fn.__func__ if inspect.ismethod(self.fn) else self.fn
        code = getattr(fn, "__code__", None)
        if code is None:
            return
        names = sources.global_names(code)
        space = fn.__globals__
        where = self.tape.constant(space, "G")
        for name in sorted(names):
            if name in space and not inspect.ismodule(space[name]):
                self._bind(f"{where}.get({name!r})", space[name], f"global {name}")
        for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:  # not assigned yet
                continue
            if not inspect.ismodule(value):
                cell_name = self.tape.constant(cell, "C")
                self._bind(f"{cell_name}.cell_contents", value, f"closure variable {name}")

    def _bind(self, code: str, value: Any, label: str) -> None:
        self.captured.watch.append((code, value, label))

    def _watch(self, states: list[tuple[Any, Any]]) -> None:
        self._bindings()
        used = _used_names(self.tape, self.captured)
        used_tensors = {id(t) for sym, t, g, _ in self.captured.tensors if sym in used or g in used}
        seen = set()
        for obj, state in states:
            mine = [t for t in state.tensors if id(t) in used_tensors]
            if not mine and id(obj) not in self.referenced:
                continue
            for owner, expression, label in state.watch:
                owner_name = self.tape.constant(owner, "H" if owner is obj else "M")
                code = expression.format(owner_name)
                if code in seen:
                    continue
                seen.add(code)
                value = eval(_watch_code(expression), {"owner": owner})  # noqa: S307
                self.captured.watch.append((code, value, label))
        self.used = used
        self._outside_inputs(used)


@functools.lru_cache(maxsize=1024)
def _watch_code(expression: str) -> Any:
    # (Every module has the same few watches: compiled once, not once per module and capture.)
    return compile(expression.format("owner"), "<autograd.compile watch>", "eval")


def _array_of_stand_in(value: Any) -> Any:
    # The engine's rule for gradient buffers (accumulate_into_leaves) decides for the array a
    # stand-in wraps, so the capture keeps eager's buffers instead of copying each gradient.
    if type(value) is Traced and type(value.real) is np.ndarray:
        return value.real
    return None


def _used_names(tape: Tape, captured: Captured) -> set[str]:
    used = set(captured.result_uses)
    for line in captured.writes:
        used.update(line.uses)
    for line in tape.lines:
        used.update(line.uses)
    return used


def _plain_result(result: Any) -> Any:
    kind = type(result)
    if kind is Tensor:
        result._data = real(result._data)
        if type(result._grad) is Traced:
            result._grad = result._grad.real
        return result
    if kind is Traced or kind is Sym:
        return real(result)
    if kind in (tuple, list):
        return kind(_plain_result(v) for v in result)
    if kind is dict:
        return {k: _plain_result(v) for k, v in result.items()}
    return result


def _ident(key: Any) -> str:
    text = str(key)
    clean = "".join(ch if ch.isalnum() else "_" for ch in text)
    return clean if clean and not clean[0].isdigit() else f"k{clean}"


__all__ = ["Capture", "Captured", "user_line"]
