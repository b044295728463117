"""The wheel a user would install: it carries the licence and runs the README's first example.

The wheel is built from a copy of the sources (so no stale ``build/`` folder can leak into it),
installed with its dependencies into a fresh virtual environment that cannot see this one's
packages, and the README's first example runs there from an empty folder, so that it imports
the installed package and not the sources. NumPy and graphviz come from PyPI, through pip's
cache when it has them. Without the network and without a cache the test fails: it does not
skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .test_readme import python_blocks

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "autograd", "nn", "optim"]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def clean_environment() -> dict[str, str]:
    """The environment without anything that would point Python at this checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check"]
        + ["--wheel-dir", str(out), str(source)],
        env=clean_environment(),
    )
    (built,) = out.glob("backproplab-*.whl")
    return built


def test_wheel_ships_the_licence_and_says_mit(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (licence,) = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/licenses/LICENSE", n)]
        assert archive.read(licence).decode() == (ROOT / "LICENSE").read_text("utf-8")
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text
    assert {n.split("/")[0] for n in names if not n.startswith("backproplab-")} == {
        "autograd",
        "nn",
        "optim",
    }


def test_readme_example_runs_from_the_wheel_in_a_fresh_environment(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = str(bin_dir / "python")
    env = clean_environment()
    run([python, "-m", "pip", "install", "--disable-pip-version-check", str(wheel)], env=env)

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    example = python_blocks()[0]
    where = "\nprint('from', autograd.__file__, nn.__file__, optim.__file__)\n"
    done = run([python, "-c", example + where], cwd=workdir, env=env)

    accuracy = float(re.search(r"accuracy ([\d.]+)", done.stdout).group(1))
    assert accuracy >= 0.95, done.stdout
    installed = done.stdout.split("from ", 1)[1].split()
    assert all(Path(path).is_relative_to(env_dir) for path in installed), installed
