"""The exercise notebooks in ``examples/exercises`` and their checker.

Every reference solution passes its check; every catalogued wrong implementation gets its own
diagnosis; the reference notebooks run with their tests and hidden tests; the student versions
that ``make exercises`` writes keep no solution and no hidden test, and run until the
``NotImplementedError`` of their first exercise. Notebooks run in this process (one of them in
a Jupyter kernel as well), so the whole file takes seconds.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

import autograd

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "exercises"
if str(FOLDER) not in sys.path:  # the notebooks import the checker as ``checks``
    sys.path.insert(0, str(FOLDER))

import checks  # noqa: E402
from checks.core import Verdict, diagnose  # noqa: E402


def _load(name: str):
    return _load_from(FOLDER / f"{name}.py", f"exercises_{name}")


def _load_from(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = _load("release")
check_cli = _load("check")

NOTEBOOKS = sorted(FOLDER.glob("ex*.ipynb"))
CATALOGUE = [
    pytest.param(exercise, mistake, id=f"{exercise.id}-{i}")
    for exercise in checks.EXERCISES.values()
    for i, mistake in enumerate(exercise.mistakes)
]


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _grading(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def run_all_cells(path: Path, monkeypatch) -> tuple[BaseException | None, str]:
    """Execute every code cell of a notebook in order, as "Run all" in Jupyter would (test
    cells included); return the first exception (None if none) and the printed output."""
    monkeypatch.chdir(path.parent)
    namespace = {"__name__": "__main__"}
    printed = io.StringIO()
    options = np.get_printoptions()
    try:
        with redirect_stdout(printed):
            for i, cell in enumerate(_cells(path)):
                if cell["cell_type"] == "code":
                    exec(compile(_source(cell), f"{path.name}, cell {i + 1}", "exec"), namespace)
    except Exception as error:
        return error, printed.getvalue()
    finally:
        np.set_printoptions(**options)
    return None, printed.getvalue()


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    written = release.release(FOLDER, out)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    return out


# -- the catalogue --------------------------------------------------------------------------------


def test_at_least_ten_notebooks_and_every_exercise_in_exactly_one():
    assert len(NOTEBOOKS) >= 10
    solution_ids = {}
    for path in NOTEBOOKS:
        for cell in _cells(path):
            grading = _grading(cell)
            if grading.get("solution") and cell["cell_type"] == "code":
                solution_ids[grading["grade_id"]] = path
    assert set(solution_ids) == set(checks.EXERCISES), "one check per code exercise, and back"
    for exercise_id, path in solution_ids.items():
        assert path.name.startswith(exercise_id.split("_")[0] + "_")


@pytest.mark.parametrize("exercise", checks.EXERCISES.values(), ids=lambda e: e.id)
def test_the_reference_passes(exercise):
    verdict = diagnose(exercise, exercise.reference)
    assert verdict.status == "passed", verdict.message


@pytest.mark.parametrize(("exercise", "mistake"), CATALOGUE)
def test_each_catalogued_mistake_gets_its_own_diagnosis(exercise, mistake):
    verdict = diagnose(exercise, mistake.code)
    assert (verdict.status, verdict.message) == ("mistake", mistake.diagnosis)


def test_diagnoses_are_single_distinct_sentences():
    for exercise in checks.EXERCISES.values():
        diagnoses = [m.diagnosis for m in exercise.mistakes]
        assert len(diagnoses) >= 2, f"{exercise.id}: catalogue at least two typical mistakes"
        assert len(set(diagnoses)) == len(diagnoses), exercise.id
        for text in diagnoses:
            assert "\n" not in text and not text.endswith(".") and len(text) < 220, text
            assert not re.search(r"\. [A-Z]", text), f"more than one sentence: {text}"


def test_a_mistake_outside_the_catalogue_is_described_by_its_first_difference():
    exercise = checks.EXERCISES["ex03_unbroadcast"]
    verdict = diagnose(exercise, lambda grad, shape: np.zeros(shape))
    assert verdict.status == "failed"
    assert verdict.message.startswith("on (4, 3) -> (3,), result is [0., 0., 0.], expected")

    verdict = diagnose(checks.EXERCISES["ex09_step"], lambda *args: 1 / 0)
    assert re.fullmatch(
        re.escape(
            "on base_lr 0.1, step_size 3, gamma 0.5, epochs 0-9, your code raised "
            "ZeroDivisionError: division by zero (at test_exercises.py, line "
        )
        + r"\d+"
        + re.escape(': verdict = diagnose(checks.EXERCISES["ex09_step"], lambda *args: 1 / 0))'),
        verdict.message,
    ), verdict.message


def test_unfinished_or_missing_code_is_reported_not_failed():
    def unfinished(*args):
        raise NotImplementedError("ex09_step: replace this line with your code")

    with pytest.raises(NotImplementedError, match="ex09_step"):
        checks.check("ex09_step", unfinished)
    assert checks.verdict("ex09_step", {"step_lr": unfinished}).status == "not done"
    missing = checks.verdict("ex09_step", {})
    assert (missing.status, missing.message) == (
        "missing",
        "step_lr is not defined: run its cell (or fix its error) first",
    )


def test_check_in_a_test_cell_prints_the_verdict_and_raises_the_diagnosis(capsys):
    wrong = checks.EXERCISES["ex01_stable_lr"].mistakes[0]
    with pytest.raises(AssertionError) as error:
        checks.check("ex01_stable_lr", wrong.code)
    assert str(error.value) == f"ex01_stable_lr: {wrong.diagnosis}"
    assert capsys.readouterr().out.startswith("[FAIL] ex01_stable_lr (")

    result = checks.check("ex01_stable_lr", checks.EXERCISES["ex01_stable_lr"].reference)
    assert result.passed


def test_checks_leave_the_library_generator_where_it_was():
    autograd.manual_seed(5)
    expected = autograd.get_generator().random(3)
    autograd.manual_seed(5)
    diagnose(checks.EXERCISES["ex06_batches"], checks.EXERCISES["ex06_batches"].reference)
    diagnose(checks.EXERCISES["ex10_norms"], checks.EXERCISES["ex10_norms"].mistakes[0].code)
    assert np.array_equal(autograd.get_generator().random(3), expected)


# -- the notebooks --------------------------------------------------------------------------------


def test_nbgrader_metadata():
    keys = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}
    for path in NOTEBOOKS:
        ids = []
        for cell in _cells(path):
            grading = _grading(cell)
            text = _source(cell)
            if not grading:
                assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
                continue
            assert keys <= grading.keys() and grading["schema_version"] == 3, path.name
            assert re.fullmatch(r"[A-Za-z0-9_-]+", grading["grade_id"])
            ids.append(grading["grade_id"])
            if grading["grade"]:
                assert grading["points"] > 0, grading["grade_id"]
            if grading["solution"]:
                assert not grading["locked"] and "### BEGIN SOLUTION" in text, grading["grade_id"]
            elif grading["grade"]:  # an autograder test cell
                assert cell["cell_type"] == "code" and grading["locked"], grading["grade_id"]
                exercise_id = grading["grade_id"].removesuffix("_tests")
                assert text.startswith(f'check("{exercise_id}", '), grading["grade_id"]
            else:
                assert grading["locked"], "cells that are not answers or tests are read-only"
            if "HIDDEN TESTS" in text:
                assert grading["grade"] and not grading["solution"], grading["grade_id"]
        assert len(ids) == len(set(ids)), f"{path.name}: grade_ids must be unique"


def test_notebooks_are_valid_nbformat_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_reference_notebook_runs_with_its_tests_and_hidden_tests(path, monkeypatch):
    error, printed = run_all_cells(path, monkeypatch)
    assert error is None, f"{type(error).__name__}: {error}"
    count = sum(1 for e in checks.EXERCISES if e.startswith(path.stem.split("_")[0] + "_"))
    assert printed.rstrip().endswith(f"{count} of {count} exercises pass")


def test_the_released_checker_passes_every_reference_notebook(student_folder):
    """The teacher's grading path end to end (one process per notebook, judged from the stored
    observations), with the checker as a release ships it: no reference implementations."""
    for path in NOTEBOOKS:  # the solutions, next to the released checker
        shutil.copy(path, student_folder / f"solved_{path.name}")
    solved = sorted(str(p) for p in student_folder.glob("solved_*.ipynb"))
    command = [sys.executable, str(student_folder / "check.py"), "--json", *solved]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    verdicts = json.loads(done.stdout)
    checked = [v for v in verdicts if v["title"] != "written answer"]
    assert sorted(v["exercise"] for v in checked) == sorted(checks.EXERCISES)
    assert all(v["status"] in ("passed", "answered") for v in verdicts)


# -- the student versions -------------------------------------------------------------------------


def test_release_strips_every_solution_and_hidden_test(student_folder):
    assert (student_folder / "check.py").exists()
    assert (student_folder / "checks" / "__init__.py").exists()
    for path in NOTEBOOKS:
        teacher, student = _cells(path), _cells(student_folder / path.name)
        assert len(teacher) == len(student)
        for t, s in zip(teacher, student, strict=True):
            text = _source(s)
            assert _grading(t) == _grading(s)
            for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
                assert marker not in text, f"{path.name}: {marker}"
            if s["cell_type"] == "code":
                assert s["outputs"] == [] and s["execution_count"] is None
                ast.parse(text)  # the stubs keep the code valid
            hidden = _regions(_source(t), "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            solution = _regions(_source(t), "BEGIN SOLUTION", "END SOLUTION")
            kept = set(text.splitlines())
            for line in hidden | solution:
                assert line not in kept, f"{path.name}: {line!r} is still there"
            if _grading(t).get("solution"):
                grade_id = _grading(t)["grade_id"]
                if t["cell_type"] == "code":
                    stub = f'raise NotImplementedError("{grade_id}: replace this line with'
                    assert stub in text
                else:
                    assert text == "YOUR ANSWER HERE"


def _regions(text: str, begin: str, end: str) -> set[str]:
    """The distinctive lines between the markers (not blank, not shared with the rest)."""
    inside, outside, within = set(), set(), False
    for line in text.splitlines():
        if begin in line:
            within = True
        elif end in line:
            within = False
        elif line.strip():
            (inside if within else outside).add(line)
    return inside - outside


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_student_version_runs_until_its_first_exercise(path, student_folder, monkeypatch):
    first = next(
        _grading(c)["grade_id"]
        for c in _cells(path)
        if _grading(c).get("solution") and c["cell_type"] == "code"
    )
    error, _ = run_all_cells(student_folder / path.name, monkeypatch)
    assert isinstance(error, NotImplementedError), f"{type(error).__name__}: {error}"
    assert str(error) == f"{first}: replace this line with your code"


def test_the_release_script_follows_nbgrader_conventions():
    lines = [
        "def f(x):\n",
        "    y = 1\n",
        "    ### BEGIN SOLUTION\n",
        "    return x + y\n",
        "    ### END SOLUTION\n",
        "\n",
        "### BEGIN SOLUTION\n",
        "z = f(1)\n",
        "### END SOLUTION\n",
    ]
    assert release.strip_solutions(lines, "code", "ex00_f", "here") == [
        "def f(x):\n",
        "    y = 1\n",
        "    # YOUR CODE HERE\n",
        '    raise NotImplementedError("ex00_f: replace this line with your code")\n',
        "\n",
        "# YOUR CODE HERE\n",
        'raise NotImplementedError("ex00_f: replace this line with your code")\n',
    ]
    assert release.strip_solutions(["x = 1\n"], "code", "ex00_g", "here") == [
        "# YOUR CODE HERE\n",
        'raise NotImplementedError("ex00_g: replace this line with your code")\n',
    ]
    assert release.strip_solutions(["An answer.\n"], "markdown", "ex00_h", "here") == [
        "YOUR ANSWER HERE\n"
    ]
    visible = ["assert f(1) == 2\n", "### BEGIN HIDDEN TESTS\n", "assert f(2) == 3\n"]
    assert release.strip_hidden_tests([*visible, "### END HIDDEN TESTS"], "here") == visible[:1]
    with pytest.raises(ValueError, match="is never closed"):
        release.strip_solutions(lines[:4], "code", "ex00_f", "nb, cell 3")
    with pytest.raises(ValueError, match="without 'BEGIN SOLUTION'"):
        release.strip_solutions(lines[3:], "code", "ex00_f", "nb, cell 3")


def test_the_checker_names_a_students_mistake_in_a_student_notebook(student_folder, capsys):
    """A student's Adam without bias correction, checked from the shell and in its test cell."""
    path = student_folder / "ex08_adaptive_optimizers.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    body = [
        'beta1, beta2 = group["betas"]',
        'm = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g',
        'v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2',
        'p -= group["lr"] * m / (np.sqrt(v) + group["eps"])',
    ]
    for cell in notebook["cells"]:
        if _grading(cell).get("grade_id") == "ex08_adam":
            text = _source(cell)
            stub = text[text.index("        # YOUR CODE HERE") :]
            cell["source"] = text.replace(stub, "\n".join("        " + line for line in body))
    attempt = path.with_name("attempt.ipynb")
    attempt.write_text(json.dumps(notebook), encoding="utf-8")

    assert check_cli.main([str(attempt)]) == 1
    out = capsys.readouterr().out
    diagnosis = checks.EXERCISES["ex08_adam"].mistakes[0].diagnosis
    assert f"  [FAIL] ex08_adam (Adam with bias correction): {diagnosis}\n" in out
    assert "  [TODO] ex08_rmsprop (RMSprop): not done yet (ex08_rmsprop: replace" in out

    namespace, errors, _ = check_cli.run_notebook(attempt)
    assert not errors.keys() & {i for i, c in enumerate(notebook["cells"]) if _grading(c)}
    with pytest.raises(AssertionError, match=re.escape(diagnosis)):
        checks.check("ex08_adam", namespace["Adam"])


def test_a_reference_notebook_runs_in_a_jupyter_kernel():
    """The notebooks import the checker from their own folder, as Jupyter runs them."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    path = FOLDER / "ex02_chain_rule.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": FOLDER}}
    )
    client.execute()
    last = notebook.cells[-1].outputs[0]["text"]
    assert last.rstrip().endswith("3 of 3 exercises pass")


def test_verdicts_read_as_one_line():
    verdict = Verdict("ex00_x", "a title", "mistake", "your step is wrong: fix it")
    assert str(verdict) == "[FAIL] ex00_x (a title): your step is wrong: fix it"
    assert str(Verdict("ex00_x", "a title", "passed", "ok")).startswith("[PASS]")


def test_the_readme_shows_a_diagnosis_the_checker_prints():
    readme = (FOLDER.parents[1] / "README.md").read_text(encoding="utf-8")
    (mistake,) = [m for m in checks.EXERCISES["ex08_adam"].mistakes if "0.1 * lr" in m.diagnosis]
    assert f"[FAIL] ex08_adam (Adam with bias correction): {mistake.diagnosis}\n" in readme
    assert len(re.findall(r"^\| `ex\d\d_", readme, flags=re.M)) == len(NOTEBOOKS)


# -- verdicts for every submission ----------------------------------------------------------------


def test_release_ships_observations_as_data_not_implementations(student_folder):
    shipped = student_folder / "checks"
    assert (shipped / "expected.json").exists()
    for name in ("def topological_order", "class SGDW", "def unbroadcast(", "class Adam("):
        for module in shipped.glob("ex*.py"):
            assert name not in module.read_text(encoding="utf-8"), (name, module.name)
    text = (shipped / "ex08_adaptive.py").read_text(encoding="utf-8")
    assert "reference=None" in text and "Mistake(None," in text


def test_an_exception_against_an_expected_array_is_a_difference_not_a_crash():
    raised = checks.core.Raised("ValueError", "bad shapes")
    where, yours, expected = checks.core.first_difference(np.zeros(3), raised)
    assert (where, expected) == ("", raised) and np.array_equal(yours, np.zeros(3))
    assert checks.core.first_difference(raised, np.zeros(3)) is not None
    assert not checks.core.same({"a": raised}, {"a": np.ones(2)})


@pytest.mark.parametrize(
    "submission",
    [
        42,
        None,
        lambda *args: (x for x in range(3)),  # a generator
        lambda *args: {"grad": 1},
        lambda *args: [object()],
        lambda *args: __import__("sys").exit(0),
        lambda *args: (_ for _ in ()).throw(KeyboardInterrupt) if False else np.ones((400, 400)),
    ],
    ids=["int", "none", "generator", "dict", "objects", "sys-exit", "huge"],
)
def test_any_submission_gets_a_verdict_never_a_crash(submission):
    for exercise in checks.EXERCISES.values():
        verdict = diagnose(exercise, submission)
        assert verdict.status in ("failed", "mistake", "timeout"), (exercise.id, verdict)
        assert verdict.message and "Traceback" not in verdict.message


def test_the_students_helper_is_used_when_it_passes_its_exercise_the_reference_otherwise():
    def log_softmax(z, axis=-1):  # the student's, with an axis argument
        m = z.max(axis=axis, keepdims=True)
        return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))

    space = {"np": np, "log_softmax": log_softmax}
    exec(
        "def cross_entropy(z, targets):\n"
        "    return -log_softmax(z, axis=1)[np.arange(len(z)), targets].mean()\n",
        space,
    )
    verdict = diagnose(checks.EXERCISES["ex05_cross_entropy"], space["cross_entropy"])
    assert verdict.passed, verdict.message
    assert "checked with your log_softmax, which passes ex05_log_softmax" in verdict.message

    space["log_softmax"] = lambda z, axis=-1: z  # wrong: the reference replaces it
    verdict = diagnose(checks.EXERCISES["ex05_cross_entropy"], space["cross_entropy"])
    assert not verdict.passed
    assert "the reference log_softmax" in verdict.message
    assert "call it with the exercise's signature, or fix your log_softmax first" in verdict.message
    assert "unexpected keyword" in verdict.message  # what happened, said as the reference's


def test_a_time_limit_stops_an_endless_loop_and_says_so(monkeypatch):
    monkeypatch.setenv("BACKPROPLAB_CHECK_MIN_SECONDS", "0.3")

    def step_lr(base_lr, epoch, step_size, gamma):
        while True:
            try:  # noqa: SIM105 -- a student's try/except does not swallow the time limit
                pass
            except Exception:
                pass

    verdict = diagnose(checks.EXERCISES["ex09_step"], step_lr)
    assert verdict.status == "timeout"
    assert "did not finish within its time limit of 0.3 seconds" in verdict.message


def test_the_notebook_test_cells_go_through_check_py_under_nbgrader_autograde(
    tmp_path, monkeypatch, capsys
):
    solved = tmp_path / "ex09_submitted.ipynb"
    shutil.copy(FOLDER / "ex09_lr_schedules.ipynb", solved)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    from checks import outside

    assert outside.autograding()
    assert outside.find_notebook("ex09_step") == solved

    def wrong(base_lr, epoch, step_size, gamma):  # what the kernel holds is not what is judged
        return 0.0

    result = checks.check("ex09_step", wrong)
    assert result.passed and "correct on all" in capsys.readouterr().out


def test_the_stored_expected_observations_are_the_references_current_ones():
    """examples/exercises/checks/expected.json must be rewritten (python -m checks.expected)
    whenever a case or a reference changes."""
    from checks import expected

    stored = json.loads(expected.PATH.read_text(encoding="utf-8"))
    assert set(stored) == set(checks.EXERCISES)
    for exercise_id, exercise in checks.EXERCISES.items():
        entry = stored[exercise_id]
        assert entry["cases"] == list(exercise.cases), exercise_id
        assert len(entry["mistakes"]) == len(exercise.mistakes), exercise_id
        fresh = checks.core.observe(exercise, exercise.reference)
        assert checks.core.same(fresh, expected.from_data(entry["reference"])), exercise_id


def test_an_unreadable_notebook_gets_a_verdict_and_the_others_are_still_checked(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    (verdict,) = check_cli.check_notebook(broken)
    assert verdict.status == "failed" and verdict.message.startswith("could not check")
    records = tmp_path / "observations.jsonl"
    records.write_text('{"cells": {}}\n' + "[" * 100_000 + "\n" + "garbage\n", encoding="utf-8")
    assert check_cli._read_records(records) == [{"cells": {}}]


def test_replacing_the_library_function_a_reference_uses_does_not_make_a_wrong_answer_pass(
    monkeypatch,
):
    """The expected results are stored data, so a cell doing ``nn.utils.clip_grad_norm_ =
    mine`` changes what the student's code does, not what it is compared with."""
    import nn

    exercise = checks.EXERCISES["ex10_clip"]
    wrong = exercise.mistakes[0].code  # clips each gradient by its own norm
    monkeypatch.setattr(nn.utils, "clip_grad_norm_", wrong)
    verdict = diagnose(exercise, wrong)
    assert verdict.status == "mistake" and verdict.message == exercise.mistakes[0].diagnosis
