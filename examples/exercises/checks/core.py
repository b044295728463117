"""How a check reaches a verdict: run crafted cases, compare, look the mistake up in a catalogue.

An exercise's check runs the student's code and the reference (built on the library's own
implementation) on the same crafted cases and compares what it observes. When they differ, it
runs each catalogued wrong implementation on the same cases: the first one that behaves exactly
like the student's code gives its diagnosis, one sentence naming the likely mistake. Code that
matches none of them gets a sentence describing the first difference.

Observations are nested dicts, tuples, lists, arrays, numbers and strings; an exception raised
by a case is observed as ``Raised`` (equal to another ``Raised`` of the same type), so a typical
mistake may also be "raises a RecursionError on a long chain". ``NotImplementedError`` is never
observed: it propagates, since it means the exercise is not done yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd

# Relative and absolute tolerance when comparing numbers: loose enough for a different but
# correct order of operations in float64, tight enough to tell every catalogued mistake apart.
RTOL = 1e-6
ATOL = 1e-9


class Raised:
    """An exception observed while running a case; equal to another of the same type."""

    def __init__(self, error: BaseException) -> None:
        self.type = type(error).__name__
        self.message = str(error).splitlines()[0] if str(error) else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Raised) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return f"{self.type}({self.message!r})" if self.message else self.type


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation (same interface as the student's) and its diagnosis."""

    code: Any
    diagnosis: str


def _default_explain(case: str, where: str, yours: Any, expected: Any) -> str:
    return describe_difference(case, where, yours, expected)


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: the name the student defines and how to check it.

    ``id`` is the ``grade_id`` of the notebook's solution cell; ``name`` (a function or a class)
    is looked up in the notebook's namespace; each case takes such an object and returns what
    it observes. ``reference`` and each mistake's ``code`` have the student's interface.
    ``explain(case, where, yours, expected)`` phrases a difference no mistake accounts for.
    """

    id: str
    title: str
    name: str
    reference: Any
    cases: dict[str, Callable[..., Any]]
    mistakes: tuple[Mistake, ...] = ()
    explain: Callable[[str, str, Any, Any], str] = field(default=_default_explain)
    # Names the student's code reads from the notebook and the check replaces with correct
    # versions while it runs, so that each exercise is graded on its own: {name: object}.
    isolate: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise's check."""

    exercise: str
    title: str
    # "passed", "mistake", "failed", "not done", "missing"; "answered" for a written answer
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        marks = {"passed": "PASS", "answered": "TEXT", "not done": "TODO", "missing": "TODO"}
        mark = marks.get(self.status, "FAIL")
        return f"[{mark}] {self.exercise} ({self.title}): {self.message}"


# -- running cases -------------------------------------------------------------------------------


def observe(exercise: Exercise, code: Any) -> dict[str, Any]:
    """Run every case on ``code``; exceptions other than NotImplementedError are observed."""
    observed = {}
    for name, case in exercise.cases.items():
        try:
            with isolated(code, exercise.isolate), np.errstate(all="ignore"):
                observed[name] = case(code)
        except NotImplementedError:
            raise
        except Exception as error:  # any error (RecursionError too) is something to report
            observed[name] = Raised(error)
    return observed


@contextmanager
def isolated(code: Any, replacements: dict[str, Any]) -> Iterator[None]:
    """Temporarily give the student's functions correct versions of the names they call.

    A function's globals are the notebook's namespace, so ``backward`` calling the student's
    ``topological_order`` would fail when the order is wrong; during the check it calls the
    reference instead, and the verdict is about ``backward`` alone.
    """
    if not replacements:
        yield
        return
    spaces = []
    functions = [code, *vars(code).values()] if isinstance(code, type) else [code]
    for fn in functions:
        space = getattr(fn, "__globals__", None)
        if space is not None and all(space is not s for s in spaces):
            spaces.append(space)
    saved = [{k: s[k] for k in replacements if k in s} for s in spaces]
    try:
        for space in spaces:
            space.update(replacements)
        yield
    finally:
        for space, old in zip(spaces, saved, strict=True):
            for key in replacements:
                if key in old:
                    space[key] = old[key]
                else:
                    space.pop(key, None)


def same(a: Any, b: Any) -> bool:
    """Whether two observations agree (numbers within RTOL/ATOL, shapes and types exactly)."""
    return first_difference(a, b) is None


def first_difference(yours: Any, expected: Any, where: str = "") -> tuple[str, Any, Any] | None:
    """``(where, yours, expected)`` for the first part of two observations that differs."""
    if isinstance(expected, Raised) or isinstance(yours, Raised):
        return None if yours == expected else (where, yours, expected)
    if isinstance(expected, dict):
        if not isinstance(yours, dict) or yours.keys() != expected.keys():
            return (where, yours, expected)
        for key in expected:
            found = first_difference(yours[key], expected[key], _join(where, str(key)))
            if found:
                return found
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(yours, (tuple, list)) or len(yours) != len(expected):
            return (where, yours, expected)
        for i, (y, e) in enumerate(zip(yours, expected, strict=True)):
            found = first_difference(y, e, _join(where, f"item {i}"))
            if found:
                return found
        return None
    if isinstance(expected, bool):
        agree = isinstance(yours, (bool, np.bool_)) and bool(yours) == expected
        return None if agree else (where, yours, expected)
    if isinstance(expected, str) or expected is None:
        agree = type(yours) is type(expected) and yours == expected
        return None if agree else (where, yours, expected)
    return None if _close(yours, expected) else (where, yours, expected)


def _join(where: str, key: str) -> str:
    return f"{where}, {key}" if where else key


def _close(yours: Any, expected: Any) -> bool:
    try:
        y = np.asarray(yours, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return y.shape == e.shape and bool(np.allclose(y, e, rtol=RTOL, atol=ATOL, equal_nan=True))


# -- verdicts ------------------------------------------------------------------------------------


# The reference's and the mistakes' observations, by exercise: cases are deterministic.
_known: dict[tuple[str, int], dict[str, Any]] = {}


def _observe_known(exercise: Exercise, index: int, code: Any) -> dict[str, Any]:
    key = (exercise.id, index)
    if key not in _known:
        _known[key] = observe(exercise, code)
    return _known[key]


def diagnose(exercise: Exercise, code: Any) -> Verdict:
    """Check the student's ``code`` against the reference and name its likely mistake.

    Raises NotImplementedError if the student's code does (the exercise is not done yet).
    """
    expected = _observe_known(exercise, -1, exercise.reference)
    yours = observe(exercise, code)
    if same(yours, expected):
        cases = len(exercise.cases)
        return Verdict(exercise.id, exercise.title, "passed", f"correct on all {cases} cases")
    for index, mistake in enumerate(exercise.mistakes):
        if same(yours, _observe_known(exercise, index, mistake.code)):
            return Verdict(exercise.id, exercise.title, "mistake", mistake.diagnosis)
    for case in exercise.cases:
        found = first_difference(yours[case], expected[case])
        if found:
            where, y, e = found
            message = exercise.explain(case, where, y, e)
            return Verdict(exercise.id, exercise.title, "failed", message)
    raise AssertionError("unreachable: the observations differ but no case does")


def describe_difference(case: str, where: str, yours: Any, expected: Any) -> str:
    """One sentence for a difference that no catalogued mistake explains."""
    what = f"{where} " if where else "your result "
    if isinstance(yours, Raised):
        return f"on {case}, your code raised {yours.type}: {yours.message}"
    if isinstance(expected, Raised):
        return f"on {case}, {what}is {show(yours)}, but the library raises {expected.type} here"
    y_shape, e_shape = np.shape(_arrayish(yours)), np.shape(_arrayish(expected))
    if y_shape != e_shape and not isinstance(expected, (str, dict)):
        return f"on {case}, {what}has shape {y_shape}, expected {e_shape}"
    return f"on {case}, {what}is {show(yours)}, expected {show(expected)}"


def _arrayish(value: Any) -> Any:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def show(value: Any, limit: int = 80) -> str:
    """A short printable form of an observed value."""
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    elif isinstance(value, (np.ndarray, list, tuple)) and _arrayish(value) is not None:
        text = np.array2string(np.asarray(value, dtype=np.float64), precision=4, separator=", ")
        text = " ".join(text.split())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed the library's generator for a case, then let it continue where it was, so that a
    check run in a notebook does not change the notebook's random numbers."""
    state = autograd.get_generator().bit_generator.state
    autograd.manual_seed(seed)
    try:
        yield
    finally:
        autograd.manual_seed(0).bit_generator.state = state


def as_array(value: Any) -> Any:
    """A student's result as a float64 array (Tensors and lists too); anything else unchanged."""
    data = getattr(value, "data", value)
    if isinstance(data, memoryview):  # a NumPy array's .data is a buffer, not the values
        data = value
    try:
        return np.array(data, dtype=np.float64)
    except (TypeError, ValueError):
        return value
