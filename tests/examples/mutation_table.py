"""Print the mutation suite's counts per exercise: wrong caught, diagnosis names the mistake,
correct accepted (and crashes of the checker), for the checker in ``examples/exercises``.

    PYTHONPATH=$PWD python tests/examples/mutation_table.py [-v] [--checker FOLDER]

``--checker`` points at another copy of ``examples/exercises`` (an older checker, extracted
with ``git archive``) to measure it with the same mutants.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_checker = ROOT / "examples" / "exercises"
if "--checker" in sys.argv:
    _checker = Path(sys.argv[sys.argv.index("--checker") + 1]).resolve()
sys.path.insert(0, str(_checker))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import checks  # noqa: E402
import mutants  # noqa: E402
from checks.core import diagnose  # noqa: E402


def verdict(exercise, code):
    """(status, message), or ("crash", text) when the checker itself raised."""
    try:
        with redirect_stdout(io.StringIO()):
            result = diagnose(exercise, code)
        return result.status, result.message
    except BaseException as error:  # noqa: BLE001 -- a crash is what is counted here
        return "crash", f"{type(error).__name__}: {error}"


def table(verbose: bool = False) -> list[tuple]:
    rows = []
    for ex_id, exercise in checks.EXERCISES.items():
        wrong, right = mutants.WRONG.get(ex_id, []), mutants.RIGHT.get(ex_id, [])
        caught = named = crashed = accepted = 0
        for code, pattern in wrong:
            status, message = verdict(exercise, code)
            crashed += status == "crash"
            caught += status not in ("passed", "crash")
            hit = status not in ("passed", "crash") and re.search(pattern, message, re.I)
            named += bool(hit)
            if verbose:
                print(f"  {ex_id} WRONG {getattr(code, '__name__', code)}: {status}: {message}")
        for code in right:
            status, message = verdict(exercise, code)
            crashed += status == "crash"
            accepted += status == "passed"
            if verbose and status != "passed":
                print(f"  {ex_id} RIGHT {getattr(code, '__name__', code)}: {status}: {message}")
        rows.append((ex_id, len(wrong), caught, named, len(right), accepted, crashed))
    return rows


def main() -> None:
    verbose = "-v" in sys.argv
    rows = table(verbose)
    print(f"{'exercise':20} {'caught':>8} {'named':>8} {'accepted':>9} {'crashes':>8}")
    totals = [0] * 6
    for ex_id, nw, caught, named, nr, accepted, crashed in rows:
        counts = f"{caught:>4}/{nw:<3} {named:>4}/{nw:<3} {accepted:>5}/{nr:<3} {crashed:>8}"
        print(f"{ex_id:20} {counts}")
        for i, v in enumerate((nw, caught, named, nr, accepted, crashed)):
            totals[i] += v
    nw, caught, named, nr, accepted, crashed = totals
    print(f"{'total':20} {caught:>4}/{nw:<3} {named:>4}/{nw:<3} {accepted:>5}/{nr:<3} {crashed:>8}")


if __name__ == "__main__":
    main()
