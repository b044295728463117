"""Check exercise notebooks: one verdict per exercise, naming the likely mistake.

    python examples/exercises/check.py out/exercises/ex08_adaptive_optimizers.ipynb [...]

Runs each notebook's code cells in this process, in order (no Jupyter needed; the notebook's
folder is the working directory), except its test cells and its summary cell. Then prints one
verdict per exercise: for code, the check against the library's implementation (``checks/``);
for a written answer, only whether it is answered, since the teacher grades it. The exit status
is 0 when every exercise passes and every written answer is there, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the checks package beside this script
    sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from checks import EXERCISES, Verdict, verdict  # noqa: E402

TEXT_STUB = "YOUR ANSWER HERE"


def _grading(cell: dict[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def _skipped(cell: dict[str, Any]) -> bool:
    """Test cells (they call the checks themselves) and the summary cell are not run."""
    grading = _grading(cell)
    is_test = grading.get("grade") and not grading.get("solution")
    return bool(is_test) or str(grading.get("grade_id", "")).endswith("_summary")


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_notebook(path: Path) -> tuple[dict[str, Any], dict[int, BaseException], str]:
    """Execute the notebook's code cells (see the module docstring); return the namespace, the
    exception each failing cell raised (by cell index) and everything the cells printed."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    errors: dict[int, BaseException] = {}
    printed = io.StringIO()
    folder = Path(path).resolve().parent
    print_options = np.get_printoptions()  # notebooks set their own; the caller's stay
    with _working_directory(folder), redirect_stdout(printed), redirect_stderr(printed):
        for i, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "code" or _skipped(cell):
                continue
            where = f"{Path(path).name}, cell {i + 1}"
            try:
                exec(compile("".join(cell["source"]), where, "exec"), namespace)
            except Exception as error:  # a SyntaxError too: the verdicts say what it means
                errors[i] = error
    np.set_printoptions(**print_options)
    return namespace, errors, printed.getvalue()


def check_notebook(path: Path) -> list[Verdict]:
    """One verdict per exercise (code and written answers) of the notebook at ``path``."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    namespace, errors, _ = run_notebook(path)
    results = []
    for i, cell in enumerate(notebook["cells"]):
        grading = _grading(cell)
        if not grading.get("solution"):
            continue
        exercise_id = grading.get("grade_id", f"cell {i + 1}")
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"]).strip()
            if text and TEXT_STUB not in text:
                status, message = "answered", "answered; your teacher grades it"
            else:
                status, message = "not done", "not answered yet"
            results.append(Verdict(exercise_id, "written answer", status, message))
        elif exercise_id in EXERCISES:
            error = errors.get(i)
            title = EXERCISES[exercise_id].title
            if isinstance(error, NotImplementedError):
                results.append(Verdict(exercise_id, title, "not done", f"not done yet ({error})"))
            elif error is not None:
                message = f"its cell raised {type(error).__name__}: {error}"
                results.append(Verdict(exercise_id, title, "failed", message))
            else:
                results.append(verdict(exercise_id, namespace))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")  # a cell that plots must not open a window
    all_good = True
    for path in args.notebooks:
        results = check_notebook(path)
        print(path.name)
        for result in results:
            print(f"  {result}")
        checked = [r for r in results if r.title != "written answer"]
        passed = sum(r.passed for r in checked)
        print(f"  {passed} of {len(checked)} checked exercises pass")
        all_good &= all(r.status in ("passed", "answered") for r in results)
    return 0 if all_good else 1


if __name__ == "__main__":
    sys.exit(main())
