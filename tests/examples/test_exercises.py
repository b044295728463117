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
    spec = importlib.util.spec_from_file_location(f"exercises_{name}", FOLDER / f"{name}.py")
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
    assert verdict.message == (
        "on base_lr 0.1, step_size 3, gamma 0.5, epochs 0-9, your code raised "
        "ZeroDivisionError: division by zero (at test_exercises.py, line 135: "
        'verdict = diagnose(checks.EXERCISES["ex09_step"], lambda *args: 1 / 0))'
    )


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


def test_the_command_line_checker_passes_every_reference_notebook(capsys):
    assert check_cli.main([str(p) for p in NOTEBOOKS]) == 0
    lines = capsys.readouterr().out.splitlines()
    verdicts = [line.strip() for line in lines if line.startswith("  [")]
    assert len([v for v in verdicts if v.startswith("[PASS]")]) == len(checks.EXERCISES)
    assert all(v.startswith(("[PASS]", "[TEXT]")) for v in verdicts)


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
