"""check.py on a hostile notebook: whatever a notebook's cells do, its exercises get FAIL or a
timeout verdict, never a false PASS, and the other notebooks are still checked.

The notebook is the reference ex08 notebook (whose three exercises pass), with wrong solutions
and cells that monkeypatch NumPy, the library and the checker, call sys.exit, loop forever and
end the process. It takes a few seconds: two processes start Python and the library, and a
cell of the notebook that trains with the endless RMSprop runs until its time limit (3 s here).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "exercises"
CHECK_PY = FOLDER / "check.py"

HOSTILE_SETUP = """
import sys, os
import numpy as np
import checks, checks.core, checks.observations
# the checker's helpers, redefined to agree with anything
checks.core.same = lambda *args, **kwargs: True
checks.observations.same = lambda *args, **kwargs: True
checks.check = lambda *args, **kwargs: None
# NumPy's comparisons, replaced
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
# the library's own Adam, replaced by the student's (a reference would now agree with it)
import optim
optim.Adam = None
sys.exit(0)  # a cell that exits: the cells after it still run
"""

WRONG_ADAM = """
        beta1, beta2 = group["betas"]
        m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
        v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
        p -= group["lr"] * m / (np.sqrt(v) + group["eps"])  # no bias correction
"""
ENDLESS_RMSPROP = """
        while True:  # never returns
            pass
"""
EXITING_ADAMW = """
        os._exit(3)  # ends the whole process
"""


def _replace_body(cell: dict, body: str) -> None:
    text = "".join(cell["source"])
    start = text.index("### BEGIN SOLUTION")
    end = text.index("### END SOLUTION") + len("### END SOLUTION")
    cell["source"] = text[:start] + body.strip("\n").lstrip() + text[end:]


def test_a_hostile_notebook_fails_or_times_out_and_the_next_notebook_is_still_checked(tmp_path):
    notebook = json.loads((FOLDER / "ex08_adaptive_optimizers.ipynb").read_text(encoding="utf-8"))
    bodies = {"ex08_adam": WRONG_ADAM, "ex08_rmsprop": ENDLESS_RMSPROP, "ex08_adamw": EXITING_ADAMW}
    for i, cell in enumerate(notebook["cells"]):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in bodies:
            _replace_body(cell, bodies[grade_id])
        if grade_id == "ex08_setup":
            setup = i
    hostile = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook["cells"].insert(setup + 1, hostile | {"source": HOSTILE_SETUP})
    path = tmp_path / "ex08_hostile.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    good = FOLDER / "ex09_lr_schedules.ipynb"

    command = [sys.executable, str(CHECK_PY), "--json", "--time-limit", "0.5", str(path), str(good)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1, done.stderr
    verdicts = {row["exercise"]: row for row in json.loads(done.stdout)}
    assert verdicts["ex08_adam"]["status"] in ("failed", "mistake"), verdicts["ex08_adam"]
    assert verdicts["ex08_rmsprop"]["status"] == "timeout"
    assert "time limit of 0.5 seconds" in verdicts["ex08_rmsprop"]["message"]
    assert verdicts["ex08_adamw"]["status"] == "failed"
    assert "exit status 3" in verdicts["ex08_adamw"]["message"]
    later = [
        row
        for row in json.loads(done.stdout)
        if row["notebook"] == str(good) and row["title"] != "written answer"
    ]
    assert len(later) == 4 and all(row["status"] == "passed" for row in later), later
