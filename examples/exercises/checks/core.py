"""How a check reaches a verdict: run crafted cases, compare, name the mistake.

Two halves, which may run in different processes:

* **observing** (``observe``) runs the student's code on each crafted case, each under a time
  limit, and records what it sees as plain data (``observations.py``): results, invariants
  (arguments left unchanged, saved inputs left unchanged, ``p.grad`` left unchanged, each
  parameter moving as it would alone, ...) and exceptions with the student's own line;
* **judging** (``judge``) compares those observations with the expected ones: the
  reference's, stored as data in ``expected.json`` (``expected.py``), and each catalogued
  mistake's. Identical to a mistake: its diagnosis. Otherwise a broken invariant is named
  first, then the first value that differs, with what was compared, where (case, step,
  parameter, epoch) and by how much. ``judge`` never raises and never runs student code.

``diagnose`` does both in the student's kernel (the feedback of ``check()``); ``check.py``
does the observing in a separate process per notebook and the judging in its own.
``NotImplementedError`` from the student's code is never observed: it propagates, since it
means the exercise is not done yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd

from .limits import TimeLimitExceeded, call_with_time_limit, limit_for
from .observations import (
    ATOL,
    RTOL,
    Raised,
    Unreadable,
    first_difference,
    from_data,
    numeric,
    same,
    show,
    to_data,
)

__all__ = [
    "ATOL",
    "RTOL",
    "Exercise",
    "Mistake",
    "Raised",
    "Verdict",
    "as_array",
    "describe_difference",
    "diagnose",
    "first_difference",
    "judge",
    "observe",
    "same",
    "seeded",
    "show",
]

TIMEOUT = "TimeLimit"


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation (same interface as the student's) and its diagnosis.

    ``code`` is None in a student release, where only its observations ship (as data)."""

    code: Any
    diagnosis: str


def _default_explain(case: str, where: str, yours: Any, expected: Any) -> str:
    return describe_difference(case, where, yours, expected)


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: the name the student defines and how to check it.

    ``id`` is the ``grade_id`` of the notebook's solution cell; ``name`` (a function or a class)
    is looked up in the notebook's namespace; each case takes such an object and returns what
    it observes. ``reference`` and each mistake's ``code`` have the student's interface (None
    in a student release). ``explain(case, where, yours, expected)`` phrases a difference no
    mistake accounts for. ``checked`` says in one line what the cases vary and observe.
    ``helpers`` maps a name the student's code calls to the exercise that checks it
    (``{"topological_order": "ex04_topo"}``): the student's own helper is used if it passes
    that exercise, the reference otherwise (when there is one), and the verdict says which.
    """

    id: str
    title: str
    name: str
    reference: Any
    cases: dict[str, Callable[..., Any]]
    mistakes: tuple[Mistake, ...] = ()
    explain: Callable[[str, str, Any, Any], str] = field(default=_default_explain)
    helpers: dict[str, str] = field(default_factory=dict)
    checked: str = ""
    # ``explain_cases(right, wrong)``, the names of the cases the code gets right and wrong: a
    # sentence when that pattern names the mistake, else None (then ``explain`` phrases it).
    explain_cases: Callable[[list[str], list[str]], str | None] | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise's check."""

    exercise: str
    title: str
    # "passed", "mistake", "failed", "timeout", "not done", "missing"; "answered" for a
    # written answer
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        marks = {"passed": "PASS", "answered": "TEXT", "not done": "TODO", "missing": "TODO"}
        mark = marks.get(self.status, "FAIL")
        return f"[{mark}] {self.exercise} ({self.title}): {self.message}"


# -- observing ----------------------------------------------------------------------------------


def observe(
    exercise: Exercise, code: Any, limits: dict[str, float] | None = None
) -> dict[str, Any]:
    """Run every case on ``code``, each within its time limit (seconds, by case name); what
    each observes goes through ``to_data`` and back, as it would between processes."""
    observed: dict[str, Any] = {}
    for name, case in exercise.cases.items():
        if any(isinstance(v, Raised) and v.type == TIMEOUT for v in observed.values()):
            observed[name] = Raised(TIMEOUT, "not run: an earlier case ran out of time")
            continue
        seconds = (limits or {}).get(name) or limit_for(None)
        observed[name] = run_case(case, code, seconds)
    return observed


def run_case(case: Callable[[Any], Any], code: Any, seconds: float) -> Any:
    """One case's observation; NotImplementedError propagates, anything else is observed."""
    try:
        with np.errstate(all="ignore"):
            value = call_with_time_limit(lambda: case(code), seconds)
    except NotImplementedError:
        raise
    except TimeLimitExceeded:
        return Raised(TIMEOUT, f"{seconds:.3g}")
    except (Exception, SystemExit) as error:  # RecursionError and sys.exit too
        return Raised.from_error(error)
    try:
        return from_data(to_data(value))
    except Exception as error:  # noqa: BLE001 -- a result the checker cannot read
        return Raised("UnreadableResult", f"{type(error).__name__}: {error}")


# -- judging --------------------------------------------------------------------------------------


def diagnose(exercise: Exercise, code: Any) -> Verdict:
    """Check the student's ``code`` against the expected observations and name its likely
    mistake. Raises NotImplementedError if the student's code does (not done yet)."""
    from .expected import expected_for  # noqa: PLC0415 -- expected imports the exercises

    try:
        data = expected_for(exercise)
        limits = {case: limit_for(t) for case, t in data.seconds.items()}
        plan = plan_helpers(exercise, code)
    except Exception as error:  # noqa: BLE001 -- never a crash in the student's face
        return _checker_failed(exercise, error)
    with swapped(code, plan.swaps):
        observed = observe(exercise, code, limits)
    return judge(exercise, observed, plan.notes, plan.swaps)


def judge(
    exercise: Exercise,
    observed: dict[str, Any],
    notes: tuple[str, ...] = (),
    swapped_names: dict[str, Any] | None = None,
) -> Verdict:
    """The verdict for ``observed`` (see the module docstring); never raises."""
    try:
        verdict = _judge(exercise, observed, swapped_names or {})
    except Exception as error:  # noqa: BLE001 -- a bug of the checker, not the student's
        return _checker_failed(exercise, error)
    if notes:
        verdict = Verdict(verdict.exercise, verdict.title, verdict.status,
                          f"{verdict.message} ({'; '.join(notes)})")  # fmt: skip
    return verdict


def _checker_failed(exercise: Exercise, error: BaseException) -> Verdict:
    message = (
        f"the checker could not judge this exercise ({type(error).__name__}: {error}); "
        "this is not your mistake: tell your teacher"
    )
    return Verdict(exercise.id, exercise.title, "failed", message)


def _judge(exercise: Exercise, observed: dict[str, Any], swapped_names: dict) -> Verdict:
    from .expected import expected_for  # noqa: PLC0415

    data = expected_for(exercise)
    expected = data.reference
    if set(observed) != set(expected):
        missing = ", ".join(sorted(set(expected) - set(observed))) or "none"
        message = f"the notebook's process stopped before these cases were observed: {missing}"
        return Verdict(exercise.id, exercise.title, "failed", message)
    if same(observed, expected):
        cases = len(exercise.cases)
        what = f": {exercise.checked}" if exercise.checked else ""
        return Verdict(exercise.id, exercise.title, "passed", f"correct on all {cases} cases{what}")
    for mistake, mistake_observed in zip(exercise.mistakes, data.mistakes, strict=False):
        if mistake_observed is not None and same(observed, mistake_observed):
            return Verdict(exercise.id, exercise.title, "mistake", mistake.diagnosis)
    for case, value in observed.items():
        if isinstance(value, Raised) and value.type == TIMEOUT:
            took = data.seconds.get(case)
            reference = f" (the reference takes {took:.2g} s)" if took else ""
            message = (
                f"on {case}, your code did not finish within its time limit of "
                f"{float(value.message):.3g} seconds{reference}: an endless loop, or work that "
                "grows exponentially with the input?"
            )
            return Verdict(exercise.id, exercise.title, "timeout", message)
    broken = [
        (case, *found)
        for case in exercise.cases
        for key in INVARIANTS
        if isinstance(observed[case], dict) and isinstance(expected[case], dict)
        and key in observed[case] and key in expected[case]
        and (found := first_difference(observed[case][key], expected[case][key], key))
    ]  # fmt: skip
    differences = [
        (case, *found)
        for case in exercise.cases
        if (found := first_difference(observed[case], expected[case]))
    ]
    case, where, yours, wanted = (broken or differences)[0]
    if isinstance(yours, Raised) and yours.type == "TypeError" and swapped_names:
        names = ", ".join(swapped_names)
        message = (
            f"on {case}, your code raised {yours.describe()} while calling the reference {names} "
            f"(yours does not pass its own exercise): call it with the exercise's signature, "
            f"or fix your {names} first"
        )
    else:
        message = exercise.explain(case, where, yours, wanted)
    right = [c for c in exercise.cases if same(observed[c], expected[c])]
    wrong = [c for c in exercise.cases if c not in right]
    pattern = (
        exercise.explain_cases(right, wrong) if exercise.explain_cases and not broken else None
    )
    if pattern:
        message = f"{message}; {pattern}"
    if right:  # what works narrows down what does not
        message += f" (right on {len(right)} of {len(exercise.cases)} cases: {', '.join(right)})"
    return Verdict(exercise.id, exercise.title, "failed", message)


# -- phrasing a difference -----------------------------------------------------------------------

# Observation keys that are invariants, and what it means when one breaks.
INVARIANTS: dict[str, str] = {
    "arguments changed in place": (
        "your code changed its argument {yours} in place, which must stay as the caller gave "
        "it: work on a copy (x = x.copy()) or build new arrays"
    ),
    "a second backward (retain_graph=True) minus the first": (
        "your backward changed an array saved for backward in place (like b *= grad): the "
        "saved arrays belong to the graph, and a second backward (retain_graph=True) would "
        "use the changed values; compute new arrays instead"
    ),
    "p.grad left unchanged by step()": (
        "step() changed p.grad in place (g *= ..., or a state that is the gradient array "
        "itself): an update must only read the gradient; use new arrays or g.copy()"
    ),
    "each parameter moves as it would alone": (
        "with two parameters of different shapes, your parameters do not move as each would "
        "alone: state kept on the optimizer (self.something) or in the group is shared by "
        "every parameter; keep it in state, the dict the base class gives each parameter"
    ),
    "parameters step() never moved": (
        "step() never changed {yours}, which the reference moves: if you wrote p = p - ..., "
        "that only gives a new array to a local name; update p in place (p -= ..., p *= ...)"
    ),
    "parameters changed by clipping": (
        "your code changed {yours} (p.data): clipping scales only the gradients, p.grad"
    ),
    "forward calls of the model": (
        "your model's forward ran {yours}, expected {expected}: accumulate the gradient over "
        "the micro-batches, one forward and backward each"
    ),
    "optimizer steps": (
        "your code called opt.step() {yours} times, expected {expected}: one step for the "
        "whole batch, after every micro-batch's backward"
    ),
}


def describe_difference(case: str, where: str, yours: Any, expected: Any) -> str:
    """One sentence for a difference that no catalogued mistake explains: what was compared,
    where, and how it differs."""
    for key, template in INVARIANTS.items():
        if key in where:
            text = template.format(yours=_listed(yours), expected=_listed(expected))
            return f"on {case}, {text}"
    what = f"{where} " if where else "your result "
    if isinstance(yours, Raised):
        return f"on {case}, your code raised {yours.describe()}"
    if isinstance(expected, Raised):
        return f"on {case}, {what}is {show(yours)}, but the library raises {expected.type} here"
    if isinstance(yours, Unreadable) or (yours is None and expected is not None):
        return f"on {case}, {what}is {show(yours)}, expected {show(expected)}: is a return missing?"
    y, e = numeric(yours), numeric(expected)
    if y is None or e is None or isinstance(expected, (dict, str)):
        return f"on {case}, {what}is {show(yours)}, expected {show(expected)}"
    if y.shape != e.shape:
        return f"on {case}, {what}has shape {y.shape}, expected {e.shape}"
    y_kind, e_kind = np.asarray(yours).dtype, np.asarray(expected).dtype
    if y_kind.kind == "f" and e_kind.kind == "f" and y_kind != e_kind:
        return (
            f"on {case}, {what}has dtype {y_kind}, expected {e_kind}: results and gradients "
            "keep their input's dtype (no astype)"
        )
    return f"on {case}, {what}{_how_it_differs(y, e, yours, expected)}"


def _listed(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "nothing"
    return show(value)


def _how_it_differs(y: np.ndarray, e: np.ndarray, yours: Any, expected: Any) -> str:
    base = f"is {show(yours)}, expected {show(expected)}"
    bad_y, bad_e = ~np.isfinite(y), ~np.isfinite(e)
    if np.any(bad_y & ~bad_e) and np.nanmax(np.abs(e)) > np.finfo(np.float32).max:
        return base + (
            ": yours has inf where the expected values are finite but above 3.4e38, the "
            "largest float32: did you convert to float32?"
        )
    if np.any(bad_y & ~bad_e):
        return base + (
            ": yours has nan or inf where the expected values are finite (an overflow on "
            "large inputs? exp of a large number is inf)"
        )
    if y.size == 0:
        return base
    both = np.isfinite(y) & np.isfinite(e) & (np.abs(e) > ATOL)
    if np.any(both):
        ratios = y[both] / e[both]
        ratio = ratios.flat[0]
        if np.allclose(ratios, ratio, rtol=1e-6) and not np.isclose(ratio, 1) and ratio != 0:
            return base + f" (yours is {ratio:.8g} times the expected value)"
    if np.all(np.isfinite(y)) and np.allclose(y, e**2, rtol=1e-6, atol=ATOL):
        return base + " (yours is the expected value squared: a square root missing?)"
    if np.all(y >= 0) and np.allclose(y**2, e, rtol=1e-6, atol=ATOL):
        return base + " (yours is the square root of the expected value: one root too many?)"
    if y.ndim:
        i = np.unravel_index(np.argmax(np.abs(y - e)), y.shape)
        index = i[0] if len(i) == 1 else tuple(int(k) for k in i)
        return base + (
            f" (largest difference at index {index}: {y[i]:.10g} vs {e[i]:.10g}, "
            f"tolerance {RTOL:g} relative)"
        )
    return base + f" (a difference of {float(y - e):.3g})"


# -- helpers from earlier exercises ------------------------------------------------------------


@dataclass(frozen=True)
class HelperPlan:
    """Which names to replace while the student's code runs, and what the verdict says."""

    swaps: dict[str, Any]
    notes: tuple[str, ...]


def plan_helpers(exercise: Exercise, code: Any) -> HelperPlan:
    """Use the student's helper when it passes its own exercise, the reference otherwise."""
    from . import EXERCISES  # noqa: PLC0415 -- the package imports this module

    swaps, notes = {}, []
    spaces = _namespaces(code)
    for name, helper_id in exercise.helpers.items():
        helper_exercise = EXERCISES[helper_id]
        mine = next((s[name] for s in spaces if name in s), None)
        if mine is not None and mine is helper_exercise.reference:
            continue  # the checker's own code (a catalogued mistake) calling the reference
        if mine is not None and _passes(helper_exercise, mine):
            notes.append(f"checked with your {name}, which passes {helper_id}")
        elif helper_exercise.reference is not None:
            swaps[name] = helper_exercise.reference
            why = "which does not pass" if mine is not None else "since you have none for"
            notes.append(f"checked with the reference {name}, {why} {helper_id}")
        elif mine is not None:
            notes.append(f"checked with your {name}, which does not pass {helper_id}: fix it first")
    return HelperPlan(swaps, tuple(notes))


def _passes(exercise: Exercise, code: Any) -> bool:
    from .expected import expected_for  # noqa: PLC0415

    try:
        data = expected_for(exercise)
        limits = {case: limit_for(t) for case, t in data.seconds.items()}
        return same(observe(exercise, code, limits), data.reference)
    except NotImplementedError:
        return False


def _namespaces(code: Any) -> list[dict[str, Any]]:
    functions = [code, *vars(code).values()] if isinstance(code, type) else [code]
    spaces: list[dict[str, Any]] = []
    for fn in functions:
        fn = getattr(fn, "__func__", fn)  # staticmethod / classmethod
        space = getattr(fn, "__globals__", None)
        if space is not None and all(space is not s for s in spaces):
            spaces.append(space)
    return spaces


@contextmanager
def swapped(code: Any, replacements: dict[str, Any]) -> Iterator[None]:
    """Temporarily give the student's functions other versions of the names they call."""
    if not replacements:
        yield
        return
    spaces = _namespaces(code)
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


# -- tools for the cases ----------------------------------------------------------------------


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
    """A student's result as an array keeping its float dtype (Tensors and lists too; ints
    become float64); anything else unchanged."""
    if value is None or isinstance(value, (str, dict)):
        return value
    try:
        array = np.array(value)  # a Tensor converts through __array__, sharing nothing
    except (TypeError, ValueError):
        return value
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    return value


# Taken when the checker is imported, before a notebook's cells run: a cell that replaces
# np.array_equal does not change what the checker observes.
_array_equal, _asarray = np.array_equal, np.asarray


def changed(before: dict[str, np.ndarray], after: dict[str, Any]) -> list[str]:
    """The names whose array differs from its snapshot (an invariant: arguments unchanged)."""
    out = []
    for name, old in before.items():
        now = _asarray(after[name])
        if now.shape != old.shape or not _array_equal(now, old, equal_nan=True):
            out.append(name)
    return out
