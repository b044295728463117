"""Copy the notebooks into a folder of yours, to open them in Jupyter.

The guided notebooks (from gradient descent by hand to a tiny GPT) come with the outputs of a
full-size run, so they can be read before they are run; any data file beside them is copied too,
and so is the demo script ``train_digits.py`` that notebook 12 imports. A notebook that is
already in the folder is left as it is (it may hold your work) unless ``--force`` is given.
Running them needs Jupyter and the ``examples`` extra:
``python -m pip install 'backproplab[examples,jupyter]'``, then ``jupyter lab DIR``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from backproplab._material import (
    EXAMPLE_NEEDS,
    copy_tree,
    install_hint,
    material_root,
    missing_modules,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("backproplab-notebooks"),
        help="where to copy them (default: ./backproplab-notebooks)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite files already there")


def run(args: argparse.Namespace) -> int:
    source = material_root() / "notebooks"
    copied, kept = copy_tree(source, args.dir, args.force)
    # Notebook 12 imports the demo's functions: the script goes beside the notebooks.
    demo_script = material_root() / "train_digits.py"
    target = args.dir / demo_script.name
    if target.exists() and not args.force:
        kept.append(target)
    else:
        shutil.copy2(demo_script, target)
        copied.append(target)
    notebooks = [p for p in copied if p.suffix == ".ipynb"]
    print(f"copied {len(notebooks)} notebooks ({len(copied)} files) to {args.dir}")
    if kept:
        print(f"kept {len(kept)} files already there (--force overwrites them):")
        for path in kept:
            print(f"  {path}")
    missing = missing_modules(*EXAMPLE_NEEDS)
    if missing:
        print("to run them: " + install_hint(missing))
    print(f"open them with: jupyter lab {args.dir}")
    return 0
