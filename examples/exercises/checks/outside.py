"""``check()`` under nbgrader's autograde: judge the notebook file outside the student's kernel.

nbgrader runs a submission's test cells in the student's own kernel, where anything the
student's cells did (monkeypatching NumPy or the checker, redefining ``check``) is in force.
When ``NBGRADER_EXECUTION`` is ``autograde``, ``check()`` therefore does not judge in the
kernel: it finds the notebook (in the kernel's working directory, the one whose solution cell
has the exercise's ``grade_id``) and runs ``check.py --json`` on it, which executes the
notebook in a process of its own and judges in another. The verdicts of a notebook are
computed once and reused by its later test cells.

This protects the grade from what the student's cells did before the test cell ran; code in the
kernel could still replace ``check`` itself, which is why a grade meant to be trusted comes from
running ``check.py`` over the submissions (docs/guides/grading.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .core import Exercise, Verdict

CHECK_PY = Path(__file__).resolve().parents[1] / "check.py"
# Taken when this module is imported, before any student cell runs.
_run = subprocess.run
_loads = json.loads
_environ = dict(os.environ)
_verdicts: dict[tuple[str, float], dict[str, Verdict]] = {}


def autograding() -> bool:
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def find_notebook(exercise_id: str, folder: Path | None = None) -> Path | None:
    """The notebook in ``folder`` (default: the working directory) with this exercise."""
    for path in sorted((folder or Path.cwd()).glob("*.ipynb")):
        try:
            cells = _loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if grading.get("solution") and grading.get("grade_id") == exercise_id:
                return path
    return None


def check_outside(exercise: Exercise) -> Verdict | None:
    """The verdict ``check.py`` gives the notebook holding ``exercise``; None if there is no
    such notebook file here (then ``check()`` judges in the kernel)."""
    notebook = find_notebook(exercise.id)
    if notebook is None:
        return None
    key = (str(notebook), notebook.stat().st_mtime)
    if key not in _verdicts:
        _verdicts[key] = _run_check_py(notebook)
    found = _verdicts[key].get(exercise.id)
    if found is None:
        message = "check.py gave no verdict for this exercise (see its output)"
        return Verdict(exercise.id, exercise.title, "failed", message)
    return found


def _run_check_py(notebook: Path) -> dict[str, Verdict]:
    env = {k: v for k, v in _environ.items() if not k.startswith("NBGRADER")}
    command = [sys.executable, str(CHECK_PY), "--json", str(notebook)]
    done = _run(command, capture_output=True, text=True, env=env, cwd=str(notebook.parent))
    try:
        rows: list[dict[str, Any]] = _loads(done.stdout)
    except ValueError:
        return {}
    return {
        row["exercise"]: Verdict(row["exercise"], row["title"], row["status"], row["message"])
        for row in rows
    }
