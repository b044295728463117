"""Run the demo: train an MLP on the 8x8 handwritten digits, as ``make demo`` does.

A 64-128-64-10 network, mini-batches, Adam, a cosine schedule and dropout, on the 1,797 8x8
digits that ship with the notebooks (no download); it prints the test accuracy and writes the loss
curves, the graph of one training step and a checkpoint to ``./out`` (``--out`` changes that).
Options after ``demo`` go to the script: ``python -m backproplab demo --epochs 5 --quiet``;
``python -m backproplab demo --help`` lists them. Needs the ``examples`` extra.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from backproplab._material import (
    EXAMPLE_NEEDS,
    install_hint,
    material_root,
    missing_modules,
    script_environment,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Every word after `demo` goes to the script, options included (its --help lists them):
    # with no prefix character of its own, this parser reads `--epochs` as a plain word.
    parser.prefix_chars = "\0"
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the demo's options")


def run(args: argparse.Namespace) -> int:
    needs = [m for m in missing_modules(*EXAMPLE_NEEDS, "threadpoolctl") if m != "names"]
    if needs:
        print("the demo needs " + install_hint(needs), file=sys.stderr)
        return 1
    script = material_root() / "train_digits.py"
    return subprocess.run(
        [sys.executable, str(script), *args.options], env=script_environment()
    ).returncode
