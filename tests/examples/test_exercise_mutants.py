"""The exercise checker against solutions it was not written for (``mutants/``).

For every exercise, at least five wrong implementations that are not in the checker's catalogue
(written the way students err) and three correct ones written differently from the reference:
every wrong one is rejected with a message matching what its mistake is, every correct one is
accepted, and the checker itself never raises. One test per exercise, all in this process.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "exercises"
for path in (FOLDER, Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import checks  # noqa: E402
import mutants  # noqa: E402
from checks.core import diagnose  # noqa: E402


def _name(code) -> str:
    return getattr(code, "__name__", repr(code))


def test_every_exercise_has_five_wrong_and_three_right_solutions():
    for exercise_id in checks.EXERCISES:
        assert len(mutants.WRONG[exercise_id]) >= 5, exercise_id
        assert len(mutants.RIGHT[exercise_id]) >= 3, exercise_id
    assert set(mutants.WRONG) <= set(checks.EXERCISES)


@pytest.mark.parametrize("exercise_id", list(checks.EXERCISES))
def test_wrong_rejected_with_their_mistake_named_and_right_accepted(exercise_id, monkeypatch):
    monkeypatch.setenv("BACKPROPLAB_CHECK_MIN_SECONDS", "0.5")  # two mutants never finish
    monkeypatch.setenv("BACKPROPLAB_CHECK_MAX_SECONDS", "1")
    exercise = checks.EXERCISES[exercise_id]
    problems = []
    with redirect_stdout(io.StringIO()):
        for code, pattern in mutants.WRONG[exercise_id]:
            verdict = diagnose(exercise, code)
            if verdict.passed:
                problems.append(f"wrong {_name(code)} passed")
            elif not re.search(pattern, verdict.message, re.IGNORECASE):
                problems.append(f"wrong {_name(code)}: /{pattern}/ not in {verdict.message!r}")
        for code in mutants.RIGHT[exercise_id]:
            verdict = diagnose(exercise, code)
            if not verdict.passed:
                problems.append(f"right {_name(code)} rejected: {verdict.message}")
    assert not problems, "\n".join(problems)
