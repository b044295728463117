"""``make notebook`` installs the ``jupyter`` extra and runs ``jupyter lab examples/notebooks``:
JupyterLab must start from this environment and find a Python kernel for the notebooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_jupyterlab_runs_and_the_notebooks_kernel_exists():
    version = subprocess.run(
        [sys.executable, "-m", "jupyterlab", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0, f"JupyterLab missing (pip install -e '.[jupyter]'):\n{version}"
    assert int(version.stdout.split(".")[0]) >= 4, version.stdout

    specs = subprocess.run(
        [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"],
        capture_output=True,
        text=True,
    )
    assert specs.returncode == 0, specs.stderr
    kernels = json.loads(specs.stdout)["kernelspecs"]
    for notebook in (ROOT / "examples" / "notebooks").glob("*.ipynb"):
        kernel = json.loads(notebook.read_text("utf-8"))["metadata"]["kernelspec"]["name"]
        assert kernel in kernels, f"{notebook.name} wants kernel {kernel!r}; have {list(kernels)}"
