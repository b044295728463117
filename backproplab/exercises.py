"""Write the student version of the exercise notebooks, with their checker, into a folder.

The same as ``make exercises``: each solution replaced by ``raise NotImplementedError(...)``,
written answers by "YOUR ANSWER HERE", hidden tests removed, and the checker (``check.py`` and
``checks/``) beside the notebooks, since their test cells call it. It runs the exercises' own
release script (examples/exercises/release.py). A folder that already holds exercise notebooks
is refused (they may hold a student's work) unless ``--force`` is given. To check a notebook
from a shell: ``python DIR/check.py DIR/ex08_adaptive_optimizers.ipynb``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from backproplab._material import material_root, script_environment


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("backproplab-exercises"),
        help="where to write them (default: ./backproplab-exercises)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite notebooks already there")


def run(args: argparse.Namespace) -> int:
    existing = sorted(args.dir.glob("ex*.ipynb")) if args.dir.is_dir() else []
    if existing and not args.force:
        print(
            f"{args.dir} already holds {len(existing)} exercise notebooks ({existing[0].name}, "
            "...): they may hold someone's work. Choose another folder, or pass --force.",
            file=sys.stderr,
        )
        return 1
    release = material_root() / "exercises" / "release.py"
    # The release script is the exercises' own entry point (what `make exercises` runs).
    done = subprocess.run(
        [sys.executable, str(release), "--out", str(args.dir)], env=script_environment()
    )
    if done.returncode == 0:
        check = args.dir / "check.py"
        print(f"check a notebook with: {Path(sys.executable).name} {check} NOTEBOOK.ipynb")
    return done.returncode
