"""The program: a capture turned into one straight-line Python function over NumPy.

Its parts, in order, as ``source`` shows them:

1. guards: everything the program was captured under (shapes and dtypes of the arguments, grad
   mode, training flags, which parameters, the hyperparameters its branches depended on); one
   that fails raises ``Miss`` before anything happened, and the caller captures again or runs
   eagerly;
2. inputs: numbers and arrays that vary between calls (optimizer step counts, learning rates,
   state buffers) read from where they live, never baked in as constants;
3. the body: forward, backward and update, one NumPy call per line, in eager's order; checks on
   values the step branched on come before anything is changed;
4. write-backs: new gradients and state values stored where eager stores them, and the version
   counters of arrays changed in place bumped (so a stale graph's backward still raises).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .. import random as _random
from .. import versions
from ..grad_mode import LOCAL
from ..tensor import Tensor
from .capture import Captured
from .tape import Line


class Miss(Exception):  # noqa: N818 - control flow, not an error
    """A guard or check failed: this program does not apply to this call."""


def _view(base: np.ndarray, offset: int, shape: tuple, strides: tuple) -> np.ndarray:
    """The view of ``base`` starting ``offset`` bytes in, with ``shape`` and ``strides``."""
    flat = base.reshape(-1).view(np.uint8)[offset:]
    return np.lib.stride_tricks.as_strided(flat.view(base.dtype), shape, strides)


def _array_at(value: Any, shape: tuple, dtype: str) -> np.ndarray:
    """``value`` if it is still an ndarray of the shape and dtype the program was captured
    with (an array the step found outside its arguments, read where it lives)."""
    if type(value) is not np.ndarray or value.shape != shape or value.dtype != dtype:
        raise Miss
    return value


def _tensor_data_at(value: Any, shape: tuple, dtype: str) -> np.ndarray:
    """The array of ``value`` if it is still a Tensor that does not require grad, with an array
    of the captured shape and dtype (a tensor the step found outside its arguments)."""
    if type(value) is not Tensor or value._requires_grad:
        raise Miss
    return _array_at(value._data, shape, dtype)


def _tensor(data: Any) -> Tensor:
    return Tensor._make(data, None)


class Program:
    """One captured step as generated code: ``run(*args)`` replays it (or raises ``Miss``)."""

    def __init__(self, captured: Captured, name: str) -> None:
        self.name = name
        self.replays = 0
        self.guards: list[str] = []
        source, namespace = _generate(captured, name, self.guards)
        self.source = source
        code = compile(source, f"<autograd.compile {name}>", "exec")
        exec(code, namespace)  # noqa: S102 - our own generated code
        self.run = namespace[name]
        self.lines = sum(1 for line in source.splitlines() if line.strip())


def _fmt(value: Any) -> str:
    return repr(value) if type(value) in (bool, int, str, type(None)) else None  # type: ignore


def _generate(captured: Captured, name: str, guard_labels: list[str]) -> tuple[str, dict]:
    tape = captured.tape
    namespace: dict[str, Any] = dict(tape.constants)
    namespace.update(
        np=np,
        _Miss=Miss,
        _Tensor=_tensor,
        _view=_view,
        _LOCAL=LOCAL,  # the guards read the calling thread's switches
        _ndarray=np.ndarray,
        _TensorType=Tensor,
        _bump=versions.bump,
        _get_generator=_random.get_generator,
        _array_at=_array_at,
        _tensor_data_at=_tensor_data_at,
    )
    body = _reuse(_elide_copies(_live(tape.lines, captured), captured), tape.numbers)
    body = _propagate(body, captured)
    used: set[str] = set(captured.result_uses)
    for line in body + captured.writes:
        used.update(line.uses)
        used.update(line.defines)
    used.update(tape.guards)  # numbers the capture branched on are read, to be guarded

    def constant(value: Any, prefix: str) -> str:
        return tape.constant(value, prefix)

    out: list[str] = [f"def {name}({', '.join(captured.arg_names)}):"]
    guards: list[tuple[str, str]] = []
    guards.append((f"_LOCAL.state.grad_enabled is not {captured.grad_enabled}", "grad mode"))
    guards.append(("_LOCAL.state.anomaly or _LOCAL.state.recorders", "no anomaly mode or trace"))
    loads: list[tuple[str, str]] = []
    for arg, (kind, what) in zip(captured.arg_names, captured.arg_kinds):
        if kind == "tensor":
            shape, dtype = what
            test = (
                f"type({arg}) is not _TensorType or {arg}._requires_grad or "
                f"{arg}._data.shape != {shape} or {arg}._data.dtype != {dtype.name!r}"
            )
            guards.append((test, f"{arg}: Tensor {dtype.name} {shape}"))
            if f"{arg}_data" in used:
                loads.append((f"{arg}_data", f"{arg}._data"))
        elif kind == "array":
            shape, dtype = what
            test = (
                f"type({arg}) is not _ndarray or {arg}.shape != {shape} or "
                f"{arg}.dtype != {dtype.name!r}"
            )
            guards.append((test, f"{arg}: ndarray {dtype.name} {shape}"))
        elif kind == "number":
            guards.append((f"type({arg}) is not {what.__name__}", f"{arg}: {what.__name__}"))
        elif kind == "equal":
            guards.append((f"{arg} != {what!r}", f"{arg} == {what!r}"))
        else:
            guards.append((f"{arg} is not {constant(what, 'K')}", f"{arg} is the same object"))
    for data_sym, tensor, grad_sym, label in captured.tensors:
        if (
            data_sym not in used
            and (grad_sym is None or grad_sym not in used)
            and not any(
                line.code.startswith(f"{tape.constant(tensor, 'P')}.") for line in captured.writes
            )
        ):
            continue
        holder = tape.constant(tensor, "P")
        shown = label or tensor.name or data_sym
        array = namespace.pop(data_sym)
        if data_sym in captured.replaced:
            # The step gives the tensor a new array each call: read it there, check its kind.
            held = f"{holder}._data"
            test = (
                f"type({held}) is not _ndarray or {held}.shape != {array.shape} or "
                f"{held}.dtype != {array.dtype.name!r}"
            )
            guards.append((test, f"{shown}: an array {array.dtype.name} {array.shape}"))
            if data_sym in used:
                loads.append((data_sym, held))
        else:
            namespace[f"_{data_sym}"] = array
            guards.append((f"{holder}._data is not _{data_sym}", f"{shown}: same array"))
            if data_sym in used:
                loads.append((data_sym, f"_{data_sym}"))
        flag = bool(tensor._requires_grad)
        guards.append((f"{holder}._requires_grad is not {flag}", f"{shown}: requires_grad {flag}"))
        if grad_sym is None:
            guards.append((f"{holder}._grad is not None", f"{shown}: grad is None"))
        else:
            guards.append((f"{holder}._grad is None", f"{shown}: grad is set"))
            if grad_sym in used:
                loads.append((grad_sym, f"{holder}._grad"))
    for code, value, label in captured.watch:
        if type(value) in (bool, type(None)):
            guards.append((f"{code} is not {value!r}", f"{label} is {value!r}"))
        elif type(value) in (int, float, str):
            test = f"type({code}) is not {type(value).__name__} or {code} != {_literal(value)}"
            guards.append((test, f"{label} == {value!r}"))
        else:
            guards.append((f"{code} is not {constant(value, 'K')}", f"{label}: same object"))
    # Entries of optimizer dicts: the dict itself, then each value the program uses.
    for dict_name, where, _label, _target, swapped in captured.dicts:
        wanted = []
        for entry, (_value, stand_in) in swapped.items():
            parts = stand_in if type(stand_in) is tuple else (stand_in,)
            names = [p.sym for p in parts]
            if any(n in used for n in names):
                wanted.append((entry, names, type(stand_in) is tuple))
        if wanted or any(line.code.startswith(f"{dict_name}[") for line in captured.writes):
            loads.append((dict_name, where))
            for entry, names, is_tuple in wanted:
                target_code = ", ".join(names) if is_tuple else names[0]
                loads.append((target_code, f"{dict_name}[{entry!r}]"))
    # What the step reached through attributes and containers: the same objects there, and
    # the arrays it uses read from there.
    load_labels: list[str] = []
    for code, obj, label in captured.paths:
        loads.append(("", f"if {code} is not {constant(obj, 'K')}: raise _Miss  # {label}"))
        load_labels.append(f"{label}: same object")
    for code, value, label in captured.numbers:
        if type(value) in (bool, type(None)):
            test = f"{code} is not {value!r}"
        else:
            test = f"type(_v := {code}) is not {type(value).__name__} or _v != {_literal(value)}"
        loads.append(("", f"if {test}: raise _Miss  # {label}"))
        load_labels.append(f"{label} == {value!r}")
    for code, size in captured.sizes.items():
        loads.append(("", f"if len({code}) != {size}: raise _Miss  # its length"))
        load_labels.append(f"len({code}) == {size}")
    for sym, code, shape, dtype, is_tensor, others in captured.outside:
        fetch = "_tensor_data_at" if is_tensor else "_array_at"
        loads.append((sym, f"{fetch}({code}, {shape}, {dtype.name!r})"))
        load_labels.append(f"{code}: {'Tensor' if is_tensor else 'ndarray'} {dtype.name} {shape}")
        for other in others:  # the same array held in several places: all still hold it
            held = f"{other}._data" if is_tensor else other
            loads.append(("", f"if {held} is not {sym}: raise _Miss  # also at {other}"))
    for test, label in guards:
        out.append(f"    if {test}: raise _Miss  # {label}")
        guard_labels.append(label)
    guard_labels.extend(load_labels)  # (checked while the inputs are read, after the above)
    if loads:
        out.append("    try:  # inputs: what varies between calls, read where it lives")
        out.extend(
            f"        {target} = {source}" if target else f"        {source}"
            for target, source in loads
        )
        out.append("    except (KeyError, IndexError, AttributeError):")
        out.append("        raise _Miss from None")
    for sym, value in tape.guards.items():
        if _loaded(sym, loads) or sym in captured.arg_names:
            test = f"{sym} is not {value!r}" if type(value) is bool else f"{sym} != {value!r}"
            out.append(f"    if {test}: raise _Miss  # hyperparameter the capture branched on")
            guard_labels.append(f"{sym} == {value!r}")
    body = _free_replaced_grads(body, captured, used)
    draws_first = next((i for i, line in enumerate(body) if line.code.find("_rng.") >= 0), None)
    restore = draws_first is not None and any(line.check for line in body[draws_first:])
    if draws_first is not None:
        out.append("    _rng = _get_generator()")
        if restore:
            out.append("    _saved = _rng.bit_generator.state")
    dead = _last_uses(body, captured)
    for i, line in enumerate(body):
        code = line.code
        if line.check and restore and draws_first is not None and i > draws_first:
            code = code.replace("raise _Miss", "_rng.bit_generator.state = _saved; raise _Miss")
        if dead.get(i):
            # (Eager frees an intermediate when its last user is done; so does the program.)
            code = f"{code}; del {', '.join(dead[i])}"
        out.append(_with_comment(code, line.comment))
    for line in captured.writes:
        out.append(_with_comment(line.code, "write back"))
    bumped = sorted(
        {name for line in body if line.effect for name in line.defines if name in tape.persistent}
    )
    if bumped:
        out.append(f"    _bump({', '.join(bumped)})  # changed in place: stale graphs must raise")
    out.append(f"    return {captured.result_code}")
    for key, value in tape.constants.items():
        if f"_{key}" not in namespace:
            namespace.setdefault(key, value)
    return "\n".join(out) + "\n", namespace


def _free_replaced_grads(body: list[Line], captured: Captured, used: set[str]) -> list[Line]:
    """Gradients the step replaces without reading (``zero_grad()`` then ``backward()``) are let
    go before the work, right after the last check, as eager's ``zero_grad`` lets them go: else
    the old and the new gradients would be alive together at the program's peak."""
    tape = captured.tape
    early = []
    for _data_sym, tensor, grad_sym, _label in captured.tensors:
        if grad_sym is None or grad_sym in used:
            continue
        target = f"{tape.constant(tensor, 'P')}._grad = "
        if any(line.code.startswith(target) for line in captured.writes):
            early.append(Line(f"{target}None", "(replaced below, never read)", (), (), True))
    if not early:
        return body
    after = max((i + 1 for i, line in enumerate(body) if line.check), default=0)
    captured.writes = [w for w in captured.writes if w.code not in {e.code for e in early}]
    return body[:after] + early + body[after:]


def _literal(value: Any) -> str:
    if type(value) is float and value != value:
        return "float('nan')"
    if type(value) is float and value in (float("inf"), -float("inf")):
        return f"float({str(value)!r})"
    return repr(value)


def _last_uses(body: list[Line], captured: Captured) -> dict[int, list[str]]:
    """For each line, the temporaries nothing after it uses (to be deleted there)."""
    keep = set(captured.result_uses)
    for line in captured.writes:
        keep.update(line.uses)
    last: dict[str, int] = {}
    for i, line in enumerate(body):
        for name in (*line.uses, *line.defines):
            if _TEMPORARY.match(name):
                last[name] = i
    dead: dict[int, list[str]] = {}
    for name, i in last.items():
        if name not in keep:
            dead.setdefault(i, []).append(name)
    return {i: sorted(names, key=lambda n: int(n[1:])) for i, names in dead.items()}


_TEMPORARY = re.compile(r"^t\d+$")


def _loaded(sym: str, loads: list[tuple[str, str]]) -> bool:
    return any(sym in [part.strip() for part in target.split(",")] for target, _ in loads)


def _with_comment(code: str, comment: str) -> str:
    text = f"    {code}"
    if comment:
        text = f"{text:<56}  # {comment}"
    return text


_FRESH = re.compile(r"^(t\d+) = (Z\d+)\.copy\(\)$")
_COPY = re.compile(r"^(t\d+) = np\.array\((t\d+)\)$")


def _elide_copies(lines: list[Line], captured: Captured) -> list[Line]:
    """``b = np.array(a)`` when nothing uses ``a`` (or a view of it) afterwards: eager code
    copies there because it cannot know that; the program can, and hands ``a`` on."""
    tape = captured.tape
    later: dict[str, int] = {}
    for i, line in enumerate(lines):
        for name in line.uses:
            later[name] = i
    for line in captured.writes:
        for name in line.uses:
            later[name] = len(lines)
    for name in captured.result_uses:
        later[name] = len(lines)
    out = []
    for i, line in enumerate(lines):
        fresh = _FRESH.match(line.code)
        if fresh and sum(1 for x in lines if fresh.group(1) in x.defines) == 1:
            # A constant the program never writes into: no copy needed.
            line = Line(f"{fresh.group(1)} = {fresh.group(2)}", "a constant", line.defines)
        match = _COPY.match(line.code)
        if match:
            target, source = match.groups()
            views = [v for v, root in tape.roots.items() if root == source]
            if (
                source not in tape.persistent
                and later.get(source, -1) <= i
                and all(later.get(v, -1) <= i for v in views)
            ):
                line = Line(
                    f"{target} = {source}",
                    "(eager copies here; nothing else uses it)",
                    line.defines,
                    line.uses,
                    line.effect,
                    line.check,
                )
        out.append(line)
    return out


def _reuse(lines: list[Line], numbers: set[str]) -> list[Line]:
    """A line computed from numbers only (``np.array(lr_0, dtype='float32')`` once per
    parameter in eager) is computed once: numbers never change in place."""
    seen: dict[str, str] = {}
    writes: dict[str, int] = {}
    for line in lines:
        for name in line.defines:
            writes[name] = writes.get(name, 0) + 1
    out = []
    for line in lines:
        target, _, rhs = line.code.partition(" = ")
        if (
            rhs
            and len(line.defines) == 1
            and line.defines[0] == target
            and not line.effect
            and not line.check
            and all(name in numbers for name in line.uses)
            and writes.get(target) == 1
        ):
            if rhs in seen and writes.get(seen[rhs]) == 1:
                line = Line(
                    f"{target} = {seen[rhs]}", "(the same as before)", line.defines, (seen[rhs],)
                )
            else:
                seen[rhs] = target
        out.append(line)
    return out


_ALIAS = re.compile(r"^([a-z]\d+) = ([a-z]\d+)$")
_WORD = re.compile(r"\b[a-z]\d+\b")


def _propagate(lines: list[Line], captured: Captured) -> list[Line]:
    """``b = a`` (a copy elided, a number computed before) disappears: later lines say ``a``
    (the same object, so even an in-place change through it is the same)."""
    renamed: dict[str, str] = {}

    def rename(text: str) -> str:
        return _WORD.sub(lambda m: renamed.get(m.group(0), m.group(0)), text)

    out = []
    for line in lines:
        code = rename(line.code)
        uses = tuple(renamed.get(n, n) for n in line.uses)
        defines = tuple(renamed.get(n, n) for n in line.defines)
        match = _ALIAS.match(code)
        if match and not line.effect and not line.check:
            renamed[match.group(1)] = match.group(2)
            continue
        out.append(Line(code, line.comment, defines, uses, line.effect, line.check))
    captured.writes = [
        Line(
            rename(w.code),
            w.comment,
            w.defines,
            tuple(renamed.get(n, n) for n in w.uses),
            w.effect,
            w.check,
        )
        for w in captured.writes
    ]
    captured.result_code = rename(captured.result_code)
    captured.result_uses = tuple(renamed.get(n, n) for n in captured.result_uses)
    return out


def _live(lines: list[Line], captured: Captured) -> list[Line]:
    """The lines the result, the write-backs and the lasting effects need (dead code goes)."""
    needed = set(captured.result_uses)
    for line in captured.writes:
        needed.update(line.uses)
    kept = []
    for line in reversed(lines):
        if line.effect or line.check or needed.intersection(line.defines):
            kept.append(line)
            needed.update(line.uses)
    kept.reverse()
    return kept
