"""The import name ``autograd`` is shared with HIPS autograd (PyPI ``autograd``): importing ``nn``
or ``optim`` when ``import autograd`` gives another package raises an ImportError that says so.

Both broken states pip can leave are rebuilt here from files, without installing anything: a
foreign ``autograd`` package first on the path (HIPS's __init__.py over ours), and our autograd
folder without its __init__.py (what uninstalling HIPS autograd leaves: a namespace package).
tests/test_wheel.py does it for real with pip, where the package index can be reached.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HIPS_LIKE = "from .differential_operators import grad\n"


def import_error(code: str, path: list[Path], cwd: Path) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, path)))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0, f"{code!r} did not fail:\n{done.stdout}"
    last = done.stderr.strip().split("Traceback (most recent call last):")[-1]
    assert "AttributeError" not in last, last
    return done.stderr


@pytest.fixture
def foreign_autograd(tmp_path) -> Path:
    package = tmp_path / "site" / "autograd"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(HIPS_LIKE)
    (package / "differential_operators.py").write_text("def grad(fun):\n    return fun\n")
    return tmp_path / "site"


@pytest.mark.parametrize("package", ["nn", "optim"])
def test_a_foreign_autograd_first_on_the_path_is_named_with_the_fix(foreign_autograd, package):
    text = import_error(f"import {package}", [foreign_autograd, ROOT], foreign_autograd)
    assert "ImportError: nn and optim are part of backproplab" in text
    assert f"found another package: {foreign_autograd / 'autograd' / '__init__.py'}" in text
    assert "HIPS" in text and "pip does not warn" in text
    assert f"nn and optim are in {ROOT}" in text
    assert "python -m pip uninstall -y autograd backproplab" in text
    assert "python -m backproplab doctor" in text


def test_our_autograd_without_its_init_is_named_as_the_leftover(tmp_path):
    site = tmp_path / "site"
    (site / "autograd").mkdir(parents=True)
    for path in (ROOT / "autograd").iterdir():
        if path.name not in ("__init__.py", "__pycache__"):
            (site / "autograd" / path.name).symlink_to(path)
    for name in ("nn", "optim", "_backproplab_clash.py"):
        (site / name).symlink_to(ROOT / name)
    text = import_error("import nn", [site], tmp_path)
    assert f"found another package: namespace package at {site / 'autograd'}" in text
    assert "has no __init__.py" in text and "uninstalled" in text
    assert "python -m pip install backproplab" in text


def test_doctor_reports_the_clash_and_fails(foreign_autograd):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, [foreign_autograd, ROOT])))
    done = subprocess.run(
        [sys.executable, "-m", "backproplab.doctor"],
        env=env,
        cwd=foreign_autograd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "autograd: NOT backproplab's" in done.stdout
    assert "PROBLEM: nn and optim are part of backproplab" in done.stdout
