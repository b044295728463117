"""What a pip user gets: the source distribution, the wheel built from it, and what they hold.

``python -m build`` makes the sdist from a copy of the sources, then the wheel from the sdist
(as pip does from PyPI), without build isolation: the ``test`` extra has setuptools and build.
The sdist must carry the whole test suite and what it runs; the wheel, the library and the
learning material that ``python -m backproplab notebooks|exercises|demo`` copies out. The wheel
is then installed with its dependencies into a fresh virtual environment that cannot see this
one's packages, where the README's first example and the commands run from an empty folder.
NumPy and graphviz come from the package index (pip's cache when it has them): without the
index these tests skip, saying so. Last, HIPS autograd is installed over ours there, and
``import nn`` must raise the ImportError that names the clash.

The sdist passing its own test suite, unpacked, is the slow profile's
(``BACKPROPLAB_SLOW=1``: the whole suite once more).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from .test_readme import python_blocks

ROOT = Path(__file__).resolve().parent.parent
# The top-level names of the wheel: the three packages, the command line, the clash check.
TOP_LEVEL = {"autograd", "nn", "optim", "backproplab", "_backproplab_clash.py"}
# Never part of a distribution, whatever the working copy holds.
JUNK = re.compile(r"(^|/)(__pycache__|\.ipynb_checkpoints|\.git|build|dist|site|out|\.venv)(/|$)")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def clean_environment() -> dict[str, str]:
    """The environment without anything that would point Python at this checkout."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "BACKPROPLAB_SLOW")
    return {k: v for k, v in os.environ.items() if k not in drop}


def source_files() -> list[str]:
    """The files of this checkout that a release is made of: git's list when there is one, else
    every file (an unpacked sdist), less caches and outputs."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split("\0")
        files = [name for name in listed if name and (ROOT / name).is_file()]
    else:
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    return sorted(f for f in files if not JUNK.search(f) and not f.endswith((".pyc", ".egg-info")))


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("build", reason="build not installed (the test extra: make test)")
    source = tmp_path_factory.mktemp("source")
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        env=clean_environment(),
    )
    (sdist,) = out.glob("backproplab-*.tar.gz")
    (wheel,) = out.glob("backproplab-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_sdist_carries_the_whole_test_suite_and_what_it_runs(dists):
    with tarfile.open(dists["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    needed = [
        name
        for name in source_files()
        if name.startswith(("tests/", "examples/", "docs/", "benchmarks/"))
        or name in ("conftest.py", "mkdocs.yml", "CHANGELOG.md", "CONTRIBUTING.md", "Makefile")
    ]
    assert any(name.startswith("tests/autograd/") for name in needed)
    missing = [name for name in needed if name not in names]
    assert not missing, f"the sdist lacks {len(missing)} files: {missing[:10]}"


def test_wheel_ships_the_licence_the_packages_and_the_material(dists):
    with zipfile.ZipFile(dists["wheel"]) as archive:
        names = archive.namelist()
        (licence,) = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/licenses/LICENSE", n)]
        assert archive.read(licence).decode() == (ROOT / "LICENSE").read_text("utf-8")
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == TOP_LEVEL
    material = "backproplab/material/"
    for path in (ROOT / "examples" / "notebooks").glob("*.ipynb"):
        assert f"{material}notebooks/{path.name}" in names, path.name
    for name in (
        "exercises/release.py",
        "exercises/check.py",
        "train_digits.py",
        "notebooks/toy_datasets/__init__.py",  # the notebooks' and the demo's data
        "notebooks/toy_datasets/digits.npz",
        "notebooks/toy_datasets/diabetes.npz",
    ):
        assert material + name in names, name
    assert any(n.startswith(f"{material}exercises/checks/") for n in names)
    assert not any("__pycache__" in n or n.startswith(("tests/", "examples/")) for n in names)


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> dict[str, Path]:
    """A fresh virtual environment with the wheel and its dependencies from the index."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    # No bytecode compiling: the few modules the tests import compile when imported.
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    done = subprocess.run(
        [*pip, "install", "--no-compile", str(dists["wheel"])],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_environment(),
    )
    if done.returncode != 0 and re.search(r"No matching distribution|Could not find", done.stderr):
        pytest.skip(f"the package index cannot be reached for numpy and graphviz:\n{done.stderr}")
    assert done.returncode == 0, done.stderr
    workdir = tmp_path_factory.mktemp("elsewhere")
    return {"python": python, "env": env_dir, "workdir": workdir, "pip": pip}


def in_venv(installed, code: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = [str(installed["python"]), "-c", code, *args]
    done = subprocess.run(
        command,
        cwd=installed["workdir"],
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert done.returncode == 0, f"{code}\n{done.stdout}\n{done.stderr}"
    return done


# One subcommand's module run on its own: `python -m backproplab` needs every command's module.
COMMAND = (
    "import argparse, importlib, sys\n"
    "module = importlib.import_module('backproplab.' + sys.argv[1])\n"
    "parser = argparse.ArgumentParser()\n"
    "module.add_arguments(parser)\n"
    "sys.exit(module.run(parser.parse_args(sys.argv[2:])))\n"
)


def test_readme_example_runs_from_the_wheel_in_a_fresh_environment(installed):
    example = python_blocks()[0]
    where = "\nprint('from', autograd.__file__, nn.__file__, optim.__file__)\n"
    done = in_venv(installed, example + where)
    accuracy = float(re.search(r"accuracy ([\d.]+)", done.stdout).group(1))
    assert accuracy >= 0.95, done.stdout
    paths = done.stdout.split("from ", 1)[1].split()
    assert all(Path(path).is_relative_to(installed["env"]) for path in paths), paths


def test_the_wheel_copies_out_the_notebooks_and_the_student_exercises(installed):
    notebooks = installed["workdir"] / "my-notebooks"
    done = in_venv(installed, COMMAND, "notebooks", str(notebooks))
    expected = sorted(p.name for p in (ROOT / "examples" / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in notebooks.glob("*.ipynb")) == expected, done.stdout
    first = notebooks / expected[0]
    assert first.read_bytes() == (ROOT / "examples" / "notebooks" / expected[0]).read_bytes()
    # Their data come along, and load there (as a notebook in that folder imports them).
    load = "from toy_datasets import load_digits; print(load_digits().data.shape)"
    done = in_venv(installed, f"import sys; sys.path.insert(0, {str(notebooks)!r}); {load}")
    assert done.stdout.strip() == "(1797, 64)", done.stdout

    exercises = installed["workdir"] / "my-exercises"
    done = in_venv(installed, COMMAND, "exercises", str(exercises))
    written = sorted(p.name for p in exercises.glob("ex*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "examples" / "exercises").glob("ex*.ipynb"))
    assert (exercises / "check.py").exists() and (exercises / "checks").is_dir()
    student = (exercises / written[0]).read_text("utf-8")
    assert "NotImplementedError" in student
    assert "BEGIN SOLUTION" not in student and "BEGIN HIDDEN TESTS" not in student

    doctor = in_venv(installed, COMMAND, "doctor")
    assert "autograd: backproplab's" in doctor.stdout and "No problem found." in doctor.stdout


def test_hips_autograd_installed_over_the_wheel_gives_the_clash_error(installed):
    """The last test of the file: it breaks the environment, as pip lets a user do."""
    done = subprocess.run(
        [*installed["pip"], "install", "--no-compile", "--no-deps", "autograd"],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_environment(),
    )
    if done.returncode != 0:
        pytest.skip(f"HIPS autograd cannot be installed from the package index:\n{done.stderr}")
    error = in_venv(installed, "import nn", check=False)
    assert error.returncode != 0
    text = error.stderr
    assert "ImportError: nn and optim are part of backproplab" in text, text
    assert "AttributeError" not in text, text
    assert re.search(r"autograd \S+ \(HIPS\) in ", text), text
    assert "python -m pip uninstall -y autograd backproplab" in text, text
    doctor = in_venv(installed, COMMAND, "doctor", check=False)
    assert doctor.returncode == 1 and "autograd: NOT backproplab's" in doctor.stdout

    # Uninstalling HIPS autograd does not bring ours back: the folder lost its __init__.py.
    run([*installed["pip"], "uninstall", "-y", "autograd"], env=clean_environment())
    leftover = in_venv(installed, "import optim", check=False).stderr
    assert "namespace package at" in leftover and "has no __init__.py" in leftover, leftover


@pytest.mark.skipif(
    os.environ.get("BACKPROPLAB_SLOW") != "1",
    reason="slow profile: BACKPROPLAB_SLOW=1 runs the unpacked sdist's whole test suite",
)
def test_the_unpacked_sdist_passes_its_own_test_suite(dists, tmp_path):
    with tarfile.open(dists["sdist"]) as archive:
        archive.extractall(tmp_path, filter="data")
    (unpacked,) = tmp_path.glob("backproplab-*")
    env = clean_environment()
    env["PYTHONPATH"] = str(unpacked)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE"],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    failures = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert done.returncode == 0, (
        "\n".join(failures) + "\n" + done.stdout[-3000:] + done.stderr[-2000:]
    )
