"""Check exercise notebooks: one verdict per exercise, naming the likely mistake.

    python examples/exercises/check.py out/exercises/ex08_adaptive_optimizers.ipynb [...]
    python examples/exercises/check.py --json --time-limit 5 submissions/*/ex08*.ipynb

Each notebook is run in a process of its own (its folder as the working directory; its test
cells and summary cell are skipped), each cell and each case under a time limit. That process
only *observes*: it writes, as JSON data, what the student's code did on the checker's cases.
This process reads those observations and judges them against the expected observations
(``checks/expected.json``); it never runs a line of the student's code. So a notebook that
monkeypatches NumPy or the library, redefines the checker's functions, calls ``sys.exit`` or
loops forever can at worst fail its own exercises, or time out. (A student who deliberately
forges the observation file is outside this threat model: that needs an OS sandbox.)

For a written answer, only whether it is answered is reported: the teacher grades it. The exit
status is 0 when every exercise passes and every written answer is there, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import linecache
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the checks package beside this script
    sys.path.insert(0, str(HERE))

from checks import EXERCISES, Verdict  # noqa: E402
from checks.core import judge, observe, plan_helpers, swapped  # noqa: E402
from checks.expected import expected_for  # noqa: E402
from checks.limits import (  # noqa: E402
    TimeLimitExceeded,
    call_with_time_limit,
    limit_for,
    minimum_seconds,
)
from checks.observations import Raised, from_data, to_data  # noqa: E402

TEXT_STUB = "YOUR ANSWER HERE"
# A notebook cell may take this many times the minimum case limit (60 s by default).
CELL_FACTOR = 6.0
# Starting Python and importing NumPy and the library, on a slow machine.
STARTUP_SECONDS = 60.0


def _grading(cell: dict[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def _skipped(cell: dict[str, Any]) -> bool:
    """Test cells (they call the checks themselves) and the summary cell are not run."""
    grading = _grading(cell)
    is_test = grading.get("grade") and not grading.get("solution")
    return bool(is_test) or str(grading.get("grade_id", "")).endswith("_summary")


def _cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


# -- the observing process ----------------------------------------------------------------------


def run_notebook(path: Path) -> tuple[dict[str, Any], dict[int, Raised], str]:
    """Execute the notebook's code cells (test and summary cells skipped), each within its
    time limit; return the namespace, what each failing cell raised (by cell index) and what
    the cells printed. Runs student code: only the observing process calls it."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    errors: dict[int, Raised] = {}
    printed = io.StringIO()
    cell_seconds = CELL_FACTOR * minimum_seconds()
    folder = Path(path).resolve().parent
    with _working_directory(folder), redirect_stdout(printed), redirect_stderr(printed):
        for i, cell in enumerate(_cells(path)):
            if cell["cell_type"] != "code" or _skipped(cell):
                continue
            source = "".join(cell["source"])
            where = f"{Path(path).name}, cell {i + 1}"
            # so that a traceback can show the student's line
            linecache.cache[where] = (len(source), None, source.splitlines(True), where)
            try:
                code = compile(source, where, "exec")
                call_with_time_limit(lambda c=code: exec(c, namespace), cell_seconds)
            except TimeLimitExceeded:
                errors[i] = Raised("TimeLimit", f"{cell_seconds:.3g}")
            except (Exception, SystemExit) as error:  # a SyntaxError and sys.exit too
                errors[i] = Raised.from_error(error)
    return namespace, errors, printed.getvalue()


def observe_notebook(path: Path, out: Path) -> None:
    """The observing process: run the notebook, then observe every exercise's code on its
    cases; write one JSON object per line to ``out``."""
    stream = open(out, "w", encoding="utf-8")  # noqa: SIM115 -- opened before student code runs
    dumps, flush = json.dumps, stream.flush

    def emit(record: dict[str, Any]) -> None:
        stream.write(dumps(record, allow_nan=True) + "\n")
        flush()

    cells = _cells(path)
    namespace, errors, _ = run_notebook(path)
    emit({"cells": {str(i): to_data(e) for i, e in errors.items()}})
    for i, cell in enumerate(cells):
        exercise_id = _grading(cell).get("grade_id")
        if cell["cell_type"] != "code" or exercise_id not in EXERCISES or i in errors:
            continue
        exercise = EXERCISES[exercise_id]
        if exercise.name not in namespace:
            emit({"exercise": exercise_id, "missing": True})
            continue
        code = namespace[exercise.name]
        limits = {c: limit_for(t) for c, t in expected_for(exercise).seconds.items()}
        try:
            plan = plan_helpers(exercise, code)
            with (
                redirect_stdout(io.StringIO()),
                redirect_stderr(io.StringIO()),
                swapped(code, plan.swaps),
            ):
                observed = observe(exercise, code, limits)
        except NotImplementedError as error:
            emit({"exercise": exercise_id, "not_done": str(error)})
            continue
        except (Exception, SystemExit) as error:  # noqa: BLE001 -- reported, not fatal
            emit({"exercise": exercise_id, "error": to_data(Raised.from_error(error))})
            continue
        record = {"exercise": exercise_id, "observed": to_data(observed)}
        record.update(notes=list(plan.notes), swapped=list(plan.swaps))
        emit(record)
    stream.close()


# -- the judging process ------------------------------------------------------------------------


def _budget(cells: list[dict[str, Any]]) -> float:
    """The whole observing process's time limit: every cell's and every case's, plus start-up."""
    code_cells = sum(1 for c in cells if c["cell_type"] == "code" and not _skipped(c))
    ids = [_grading(c).get("grade_id") for c in cells]
    cases = sum(
        limit_for(t)
        for exercise_id in ids
        if exercise_id in EXERCISES
        for t in expected_for(EXERCISES[exercise_id]).seconds.values()
    )
    return STARTUP_SECONDS + code_cells * CELL_FACTOR * minimum_seconds() + 2 * cases


def _read_records(out: Path) -> list[dict[str, Any]]:
    records = []
    if not out.exists():
        return records
    for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def observe_in_a_process(path: Path) -> tuple[list[dict[str, Any]], str]:
    """Run the observing process on ``path``; its records and why it stopped early, if it did."""
    path = Path(path).resolve()
    cells = _cells(path)
    budget = _budget(cells)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "observations.jsonl"
        command = [sys.executable, str(Path(__file__).resolve()), "--observe", str(path)]
        command += ["--out", str(out)]
        env = dict(os.environ, MPLBACKEND="Agg")
        env["BACKPROPLAB_CHECK_MIN_SECONDS"] = str(minimum_seconds())
        env.pop("NBGRADER_EXECUTION", None)
        stopped = ""
        try:
            done = subprocess.run(
                command,
                cwd=str(Path(path).resolve().parent),
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=budget,
            )
            if done.returncode != 0:
                stopped = f"the notebook's process ended with exit status {done.returncode}"
                last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
                stopped += f" ({last[0][:200]})" if last else ""
        except subprocess.TimeoutExpired:
            stopped = f"the notebook's process was stopped after {budget:.0f} s, its time limit"
        return _read_records(out), stopped


def check_notebook(path: Path) -> list[Verdict]:
    """One verdict per exercise (code and written answers) of the notebook at ``path``; never
    raises (an unreadable notebook or unreadable observations are a FAIL that says so)."""
    try:
        return _check_notebook(path)
    except Exception as error:  # noqa: BLE001 -- the next notebooks must still be checked
        message = f"could not check this notebook ({type(error).__name__}: {error})"
        return [Verdict(Path(path).name, "the notebook", "failed", message)]


def _check_notebook(path: Path) -> list[Verdict]:
    cells = _cells(path)
    records, stopped = observe_in_a_process(path)
    errors: dict[int, Any] = {}
    by_exercise: dict[str, dict[str, Any]] = {}
    for record in records:
        if isinstance(record.get("cells"), dict):
            errors.update({int(k): from_data(v) for k, v in record["cells"].items()})
        elif record.get("exercise") in EXERCISES:
            by_exercise.setdefault(record["exercise"], record)
    return [
        verdict
        for i, cell in enumerate(cells)
        if (verdict := _verdict(i, cell, errors, by_exercise, stopped)) is not None
    ]


def _verdict(
    i: int, cell: dict[str, Any], errors: dict[int, Any], records: dict[str, Any], stopped: str
) -> Verdict | None:
    grading = _grading(cell)
    if not grading.get("solution"):
        return None
    exercise_id = grading.get("grade_id", f"cell {i + 1}")
    if cell["cell_type"] == "markdown":
        text = "".join(cell["source"]).strip()
        if text and TEXT_STUB not in text:
            message = "answered; your teacher grades it"
            return Verdict(exercise_id, "written answer", "answered", message)
        return Verdict(exercise_id, "written answer", "not done", "not answered yet")
    if exercise_id not in EXERCISES:
        return None
    exercise = EXERCISES[exercise_id]
    error, record = errors.get(i), records.get(exercise_id)
    title = exercise.title
    if isinstance(error, Raised):
        if error.type == "NotImplementedError":
            return Verdict(exercise_id, title, "not done", f"not done yet ({error.message})")
        if error.type == "TimeLimit":
            message = f"its cell did not finish within its time limit of {error.message} seconds"
            return Verdict(exercise_id, title, "timeout", message)
        return Verdict(exercise_id, title, "failed", f"its cell raised {error.describe()}")
    if record is None:
        why = stopped or "the notebook's process stopped"
        message = f"{why} before this exercise was checked (sys.exit, os._exit or a crash?)"
        return Verdict(exercise_id, title, "timeout" if "time limit" in why else "failed", message)
    if record.get("missing"):
        message = f"{exercise.name} is not defined: run its cell (or fix its error) first"
        return Verdict(exercise_id, title, "missing", message)
    if "not_done" in record:
        return Verdict(exercise_id, title, "not done", f"not done yet ({record['not_done']})")
    try:
        return _judge_record(exercise, record)
    except Exception as error:  # noqa: BLE001 -- observations that are not what we wrote
        message = f"the notebook's observations could not be read ({type(error).__name__})"
        return Verdict(exercise_id, title, "failed", message)


def _judge_record(exercise: Any, record: dict[str, Any]) -> Verdict:
    exercise_id, title = exercise.id, exercise.title
    if "error" in record:
        raised = from_data(record["error"])
        text = raised.describe() if isinstance(raised, Raised) else str(raised)
        message = f"checking it raised {text}"
        return Verdict(exercise_id, title, "failed", message)
    observed = from_data(record.get("observed"))
    if not isinstance(observed, dict):
        return Verdict(exercise_id, title, "failed", "the notebook's process sent no observations")
    notes = tuple(str(n) for n in record.get("notes", ()))[:5]
    swaps = {str(name): None for name in record.get("swapped", ())}
    return judge(exercise, observed, notes, swaps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK")
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help=f"the smallest time limit of a case (default {minimum_seconds():g})",
    )
    parser.add_argument("--jobs", type=int, help="notebooks checked at once (default: CPUs)")
    parser.add_argument("--observe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_limit:
        os.environ["BACKPROPLAB_CHECK_MIN_SECONDS"] = str(args.time_limit)
    if args.observe:  # the observing process: never prints, whatever the notebook does
        os.environ.setdefault("MPLBACKEND", "Agg")
        observe_notebook(args.notebooks[0], args.out)
        sys.stdout.flush()
        os._exit(0)  # threads a notebook started must not keep this process alive
    all_good = True
    rows = []
    # The notebooks' processes run side by side; the verdicts are printed in order.
    with ThreadPoolExecutor(max_workers=args.jobs or os.cpu_count() or 1) as pool:
        verdicts = list(pool.map(check_notebook, args.notebooks))
    for path, results in zip(args.notebooks, verdicts, strict=True):
        rows += [vars(r) | {"notebook": str(path)} for r in results]
        if not args.json:
            print(path.name)
            for result in results:
                print(f"  {result}")
            checked = [r for r in results if r.title != "written answer"]
            passed = sum(r.passed for r in checked)
            print(f"  {passed} of {len(checked)} checked exercises pass")
        all_good &= all(r.status in ("passed", "answered") for r in results)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0 if all_good else 1


if __name__ == "__main__":
    sys.exit(main())
