"""The kernel the notebooks name exists here and is this Python, as Jupyter would start it.

``make notebook`` installs JupyterLab (the ``jupyter`` extra) and registers this environment's
kernel; the test suite needs no JupyterLab: jupyter_client finds the kernel the way JupyterLab
does, and tests/examples/test_notebooks.py runs every notebook in it. Without jupyter_client and
ipykernel (the ``notebooks`` extra) this test skips, saying so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("examples/notebooks", "examples/exercises")


def test_every_notebook_names_a_kernel_that_runs_this_python():
    pytest.importorskip("ipykernel", reason="ipykernel not installed (the notebooks extra)")
    kernelspec = pytest.importorskip(
        "jupyter_client.kernelspec", reason="jupyter_client not installed (the notebooks extra)"
    )
    manager = kernelspec.KernelSpecManager()
    names = set()
    for folder in FOLDERS:
        for notebook in (ROOT / folder).glob("*.ipynb"):
            names.add(json.loads(notebook.read_text("utf-8"))["metadata"]["kernelspec"]["name"])
    assert names, "no notebook found"
    for name in names:
        spec = manager.get_kernel_spec(name)  # raises NoSuchKernel, naming it
        assert spec.language == "python", (name, spec.language)
        program = spec.argv[0]
        # jupyter_client starts a bare "python" or "python3" with its own interpreter.
        assert program in ("python", "python3") or Path(program).samefile(sys.executable), (
            f"kernel {name!r} starts {program}, not this environment's {sys.executable}"
        )
