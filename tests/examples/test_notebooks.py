"""Every notebook of examples/notebooks runs from top to bottom at small size, in a Jupyter kernel.

Each notebook checks its own result (its ``assert`` cells) and reads ``BACKPROPLAB_QUICK=1`` to
shrink its sizes and epochs; a cell that raises fails the notebook's test, with the cell's
traceback. They run once per session, two kernels at a time (nbclient, no JupyterLab), each in
its own process with one BLAS thread and Jupyter's inline figures. The documentation site shows
the outputs the notebooks were saved with, from a full-size run (``make docs`` does not run them).
Without the kernel or the libraries the notebooks import, these tests skip, saying which.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))
NEEDED = {
    "nbclient": "the notebooks extra",
    "ipykernel": "the notebooks extra",
    "matplotlib": "the examples extra",
    "sklearn": "the examples extra",
}

# Runs in a fresh process: execute one notebook, print nothing on success, else the error.
RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}})
try:
    client.execute()
except CellExecutionError as error:
    print(str(error)[-6000:])
    sys.exit(1)
"""


def kernel_environment() -> dict[str, str]:
    env = dict(os.environ, BACKPROPLAB_QUICK="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("MPLBACKEND", None)  # the kernel's inline figures, as in Jupyter
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run(notebook: Path) -> str | None:
    """None if ``notebook`` ran to its end, else what went wrong."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(notebook), str(notebook.parent)],
        env=kernel_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return None if done.returncode == 0 else (done.stdout + done.stderr)[-6000:]


@pytest.fixture(scope="module")
def results() -> dict[str, str | None]:
    for module, extra in NEEDED.items():
        pytest.importorskip(module, reason=f"{module} not installed ({extra}; make test has it)")
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        return dict(zip([p.name for p in NOTEBOOKS], pool.map(run, NOTEBOOKS), strict=True))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_at_small_size_and_passes_its_own_checks(results, notebook):
    error = results[notebook.name]
    assert error is None, f"{notebook.name} failed:\n{error}"
