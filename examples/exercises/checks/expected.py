"""The expected observations of every exercise, stored as data in ``expected.json``.

For each exercise: the reference's observation of every case, the reference's time on each
case (which scales the time limits), and the observation of every catalogued mistake. A check
compares the student's observations with these, so it never runs the reference in the
student's kernel (where a monkeypatched library would change it) and a student release ships
data, not implementations. When the stored data do not match an exercise's cases (a case
added or renamed), they are computed from the reference, if there is one.

Regenerate after changing a case, a reference or a mistake::

    cd examples/exercises && python -m checks.expected
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import Exercise, observe, run_case
from .limits import limit_for
from .observations import from_data, to_data

PATH = Path(__file__).with_name("expected.json")
# How long the reference may take on one case while the data are computed.
REFERENCE_LIMIT = 600.0


@dataclass(frozen=True)
class Expected:
    reference: dict[str, Any]
    mistakes: list[dict[str, Any] | None]
    seconds: dict[str, float]


_cache: dict[str, Expected] = {}
_stored: dict[str, Any] | None = None


def stored() -> dict[str, Any]:
    global _stored
    if _stored is None:
        _stored = json.loads(PATH.read_text(encoding="utf-8")) if PATH.exists() else {}
    return _stored


def expected_for(exercise: Exercise) -> Expected:
    """The expected observations of ``exercise`` (stored, or computed from its reference)."""
    if exercise.id not in _cache:
        entry = stored().get(exercise.id)
        if entry and _matches(entry, exercise):
            _cache[exercise.id] = Expected(
                from_data(entry["reference"]),
                [from_data(m) for m in entry["mistakes"]],
                entry["seconds"],
            )
        else:
            _cache[exercise.id] = compute(exercise)
    return _cache[exercise.id]


def _matches(entry: dict[str, Any], exercise: Exercise) -> bool:
    return entry.get("cases") == list(exercise.cases) and len(entry.get("mistakes", ())) == len(
        exercise.mistakes
    )


def compute(exercise: Exercise) -> Expected:
    """Run the reference and the catalogued mistakes on the cases."""
    if exercise.reference is None:
        raise RuntimeError(
            f"no expected observations for {exercise.id} in {PATH.name}, and no reference to "
            "compute them from"
        )
    reference, seconds = {}, {}
    for name, case in exercise.cases.items():
        times = []
        for _ in range(3):  # the fastest of three: a busy machine makes single times noisy
            start = time.perf_counter()
            reference[name] = run_case(case, exercise.reference, REFERENCE_LIMIT)
            times.append(time.perf_counter() - start)
        seconds[name] = round(min(times), 4)
    limits = {name: limit_for(t) for name, t in seconds.items()}
    mistakes = [
        observe(exercise, m.code, limits) if m.code is not None else None for m in exercise.mistakes
    ]
    return Expected(reference, mistakes, seconds)


def table(exercises: dict[str, Exercise]) -> dict[str, Any]:
    """What ``expected.json`` holds, computed afresh."""
    out = {}
    for exercise_id, exercise in exercises.items():
        data = compute(exercise)
        out[exercise_id] = {
            "cases": list(exercise.cases),
            "seconds": data.seconds,
            "reference": to_data(data.reference),
            "mistakes": [to_data(m) for m in data.mistakes],
        }
    return out


def write(path: Path = PATH) -> None:
    from . import EXERCISES  # noqa: PLC0415

    text = json.dumps(table(EXERCISES), indent=None, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    global _stored
    _stored = None
    _cache.clear()


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else PATH)
    print(f"wrote {PATH}")
