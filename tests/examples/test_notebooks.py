"""Every notebook of examples/notebooks runs from top to bottom at small size, in a Jupyter kernel.

Each notebook checks its own result (its ``assert`` cells) and reads ``BACKPROPLAB_QUICK=1`` to
shrink its sizes and epochs; a cell that raises fails the notebook's test, with the cell's
traceback. They run once per session with nbclient (no JupyterLab), with one BLAS thread and
Jupyter's inline figures, in two worker processes that each start one kernel and run their half
of the notebooks in it one after the other, emptying its namespace (``%reset -f``) and closing
its figures in between: starting a kernel and importing matplotlib and the library
cost as much CPU as running a small notebook. A kernel is restarted after a notebook fails. The
documentation site shows the outputs the notebooks were saved with, from a full-size run.
Without the kernel or the libraries the notebooks import, these tests skip, saying which.
"""

from __future__ import annotations

import json
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
}

# A worker: one kernel, started in the notebooks' folder, runs the notebooks named on the command
# line in turn; prints {name: None or the error} as JSON.
WORKER = """
import json, re, sys
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

folder, names = sys.argv[1], sys.argv[2:]
RESET = "%reset -f\\nimport matplotlib.pyplot\\nmatplotlib.pyplot.close('all')"
manager = KernelManager(kernel_name="python3")
manager.start_kernel(cwd=folder)
results = {}
try:
    for name in names:
        notebook = nbformat.read(f"{folder}/{name}", as_version=4)
        client = NotebookClient(notebook, km=manager, timeout=600, kernel_name="python3")
        try:
            client.execute()
            results[name] = None
        except CellExecutionError as error:
            results[name] = re.sub(r"\\x1b\\[[0-9;]*m", "", str(error))[-6000:]  # no colours
            manager.restart_kernel(now=True)
            continue
        kernel = manager.client()
        kernel.start_channels()
        kernel.wait_for_ready(timeout=60)
        kernel.execute_interactive(RESET, timeout=60)
        kernel.stop_channels()
finally:
    manager.shutdown_kernel(now=True)
print(json.dumps(results))
"""


def kernel_environment() -> dict[str, str]:
    env = dict(os.environ, BACKPROPLAB_QUICK="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("MPLBACKEND", None)  # the kernel's inline figures, as in Jupyter
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_worker(notebooks: list[Path]) -> dict[str, str | None]:
    """Each notebook's name and None if it ran to its end, else what went wrong."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(notebooks[0].parent), *(p.name for p in notebooks)],
        env=kernel_environment(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        failure = f"the worker failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return {p.name: failure for p in notebooks}
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def results() -> dict[str, str | None]:
    for module, extra in NEEDED.items():
        pytest.importorskip(module, reason=f"{module} not installed ({extra}; make test has it)")
    workers = max(1, min(2, os.cpu_count() or 1))
    shares = [NOTEBOOKS[i::workers] for i in range(workers) if NOTEBOOKS[i::workers]]
    found: dict[str, str | None] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for share in pool.map(run_worker, shares):
            found.update(share)
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_at_small_size_and_passes_its_own_checks(results, notebook):
    assert notebook.name in results, "the notebook did not run"
    error = results[notebook.name]
    assert error is None, f"{notebook.name} failed:\n{error}"
