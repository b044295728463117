"""``notebooks``, ``exercises`` and ``demo``: the learning material, taken out of the package.

From a checkout they read examples/; tests/test_wheel.py runs the first two from an installed
wheel, whose copy of the material setup.py writes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from backproplab import demo, exercises, notebooks
from backproplab._material import material_root

ROOT = Path(__file__).resolve().parents[2]


def parse(module, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_the_material_comes_from_examples_in_a_checkout():
    assert material_root() == ROOT / "examples"


def test_notebooks_are_copied_with_outputs_and_a_copy_is_never_overwritten_silently(tmp_path):
    source = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))
    assert notebooks.run(parse(notebooks, str(tmp_path))) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in source]
    assert (tmp_path / source[0].name).read_bytes() == source[0].read_bytes()
    for name in ("__init__.py", "digits.npz", "diabetes.npz", "README.md"):  # their data
        data = ROOT / "examples" / "notebooks" / "toy_datasets" / name
        assert (tmp_path / "toy_datasets" / name).read_bytes() == data.read_bytes(), name

    # Notebook 12 imports the demo from the folder it runs in (Jupyter's working directory).
    load = "import train_digits as d; print(d.load_data()[0].shape)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", load], cwd=tmp_path, env=env, capture_output=True)
    assert done.stdout.decode().strip() == "(1437, 64)", done.stderr.decode()

    mine = tmp_path / source[0].name
    mine.write_text('{"cells": []}')  # a student's edits
    assert notebooks.run(parse(notebooks, str(tmp_path))) == 0
    assert mine.read_text() == '{"cells": []}'
    assert notebooks.run(parse(notebooks, str(tmp_path), "--force")) == 0
    assert mine.read_bytes() == source[0].read_bytes()


def test_exercises_are_the_student_version_and_a_folder_with_work_is_refused(tmp_path, capsys):
    assert exercises.run(parse(exercises, str(tmp_path))) == 0
    written = sorted(tmp_path.glob("ex*.ipynb"))
    assert len(written) == len(list((ROOT / "examples" / "exercises").glob("ex*.ipynb")))
    assert (tmp_path / "check.py").exists()
    for path in written:
        sources = ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]]
        assert not any("BEGIN SOLUTION" in s or "BEGIN HIDDEN TESTS" in s for s in sources)
    capsys.readouterr()
    assert exercises.run(parse(exercises, str(tmp_path))) == 1
    assert "--force" in capsys.readouterr().err


def test_demo_runs_the_script_with_every_option_passed_through(monkeypatch):
    """The command line it starts (the script itself is tests/examples/test_train_digits.py's)."""
    started = []
    monkeypatch.setattr(demo, "missing_modules", lambda *modules: [])  # the extra: no matter

    def fake_run(command, env):
        started.append((command, env))
        return subprocess.CompletedProcess(command, 3)

    monkeypatch.setattr(demo.subprocess, "run", fake_run)
    assert demo.run(parse(demo, "--epochs", "2", "--out", "here", "--help")) == 3
    ((command, env),) = started
    assert command == [
        sys.executable,
        str(ROOT / "examples" / "train_digits.py"),
        "--epochs",
        "2",
        "--out",
        "here",
        "--help",
    ]
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)  # a checkout: the packages here


def test_demo_without_the_examples_extra_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(demo, "missing_modules", lambda *modules: ["matplotlib", "tqdm"])
    assert demo.run(parse(demo)) == 1
    err = capsys.readouterr().err
    assert "matplotlib, tqdm not installed" in err and "backproplab[examples]" in err
