"""Checks for the exercise notebooks: each compares the student's code with the library's own
implementation on crafted cases and, when they differ, names the likely mistake in one sentence.

In a notebook's test cell::      check("ex08_adam", Adam)      # prints the verdict; raises if wrong
In a notebook's last cell::      report("ex08", globals())     # one verdict per exercise
From a shell::                   python examples/exercises/check.py NOTEBOOK.ipynb ...

Each ``exNN_*.py`` module beside this one holds, for its notebook, the reference (built on the
library), the crafted cases and the catalogue of typical wrong implementations with their
diagnoses (``EXERCISES``); ``core.py`` holds how a verdict is reached, ``expected.json`` the
expected observations as data. ``check()`` in the student's own kernel is feedback: it trusts
the kernel. Grades a teacher can trust come from ``check.py``, which runs each notebook in its
own process and judges in another (see docs/guides/grading.md); under nbgrader's autograde,
``check()`` hands the judging to ``check.py`` in the same way.
"""

from __future__ import annotations

from typing import Any

from . import (
    ex01_gradient_descent,
    ex02_chain_rule,
    ex03_broadcasting,
    ex04_tiny_engine,
    ex05_softmax_cross_entropy,
    ex06_batch_sizes,
    ex07_momentum,
    ex08_adaptive,
    ex09_lr_schedules,
    ex10_clipping,
    ex11_weight_decay,
    ex12_accumulation,
    ex13_backprop_batchnorm,
)
from .core import Exercise, Mistake, Verdict, diagnose
from .outside import autograding, check_outside

MODULES = (
    ex01_gradient_descent,
    ex02_chain_rule,
    ex03_broadcasting,
    ex04_tiny_engine,
    ex05_softmax_cross_entropy,
    ex06_batch_sizes,
    ex07_momentum,
    ex08_adaptive,
    ex09_lr_schedules,
    ex10_clipping,
    ex11_weight_decay,
    ex12_accumulation,
    ex13_backprop_batchnorm,
)
EXERCISES: dict[str, Exercise] = {ex.id: ex for module in MODULES for ex in module.EXERCISES}

__all__ = ["EXERCISES", "Exercise", "Mistake", "Verdict", "check", "diagnose", "report", "verdict"]


def _exercise(exercise_id: str) -> Exercise:
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise KeyError(f"no exercise called {exercise_id!r}; known: {known}") from None


def check(exercise_id: str, code: Any) -> Verdict:
    """For a test cell: check the student's ``code`` (the exercise's function or class), print
    the verdict, and raise AssertionError with the diagnosis unless it passed.

    NotImplementedError from unfinished code propagates, naming the exercise. Under nbgrader's
    autograde the notebook is checked by ``check.py`` in other processes instead.
    """
    exercise = _exercise(exercise_id)
    result = check_outside(exercise) if autograding() else None
    if result is None:
        result = diagnose(exercise, code)
    print(result)
    if not result.passed:
        raise AssertionError(f"{exercise_id}: {result.message}")
    return result


def verdict(exercise_id: str, namespace: dict[str, Any]) -> Verdict:
    """The verdict for one exercise, its name looked up in ``namespace``; never raises."""
    exercise = _exercise(exercise_id)
    if not isinstance(namespace, dict) or exercise.name not in namespace:
        message = f"{exercise.name} is not defined: run its cell (or fix its error) first"
        return Verdict(exercise.id, exercise.title, "missing", message)
    try:
        return diagnose(exercise, namespace[exercise.name])
    except NotImplementedError as error:
        message = f"not done yet ({error})" if str(error) else "not done yet"
        return Verdict(exercise.id, exercise.title, "not done", message)


def report(prefix: str, namespace: dict[str, Any]) -> list[Verdict]:
    """Print one verdict per exercise whose id starts with ``prefix`` (a notebook's "ex08")."""
    results = [verdict(ex_id, namespace) for ex_id in EXERCISES if ex_id.startswith(prefix + "_")]
    for result in results:
        print(result)
    done = sum(r.passed for r in results)
    print(f"{done} of {len(results)} exercises pass")
    return results
