"""Convert a PyTorch program (.py or .ipynb) to backproplab.

    python -m backproplab port train.py train_backproplab.py
    python -m backproplab port lesson.ipynb lesson_backproplab.ipynb
    python -m backproplab port pytorch_scripts/ converted/       # every .py and .ipynb inside
    python -m backproplab port train.py                          # the result on stdout

What it rewrites (see backproplab/port/names.py for the module map):

* every import form: ``import torch`` -> ``import autograd``, ``import torch.nn as nn`` ->
  ``import nn``, ``from torch import nn, optim`` -> ``import nn`` + ``import optim``,
  ``from torch.utils.data import DataLoader`` -> ``from nn.data import DataLoader``,
  ``from torch.utils import data`` -> ``from nn import data``;
* every name reached through them: ``torch.nn.Linear`` -> ``nn.Linear``, ``torch.optim.AdamW``
  -> ``optim.AdamW``, ``torch.zeros`` -> ``autograd.zeros`` (adding the imports they need);
* one line after the imports, ``autograd.pytorch_meanings(True)``: Tensor methods whose name
  means one thing in NumPy and another in PyTorch (``x.std()``, ``x.max(1)``, ``x.repeat(2)``)
  take PyTorch's meaning in this program; NumPy arrays are not affected.

Comments and layout are kept. It prints what it changed (to stderr when the program goes to
stdout) and warns about what it could not convert: names backproplab lacks (with the library's
hint), torchvision and other companion packages, cells that are not Python.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import notebook
from .rewrite import Converter, Result

__all__ = ["add_arguments", "convert_notebook", "convert_source", "run"]


def convert_source(source: str) -> Result:
    """Convert the text of a PyTorch script: ``Result.texts[0]`` is the backproplab script."""
    return Converter().convert([source])


def convert_notebook(text: str) -> tuple[str, Result]:
    """Convert the JSON text of a PyTorch notebook: the new JSON text, and the Result whose units
    are the notebook's code cells."""
    book = json.loads(text)
    cells = notebook.code_cells(book)
    masked = [notebook.mask(notebook.source_of(cell)) for cell in cells]
    result = Converter().convert([source for source, _ in masked])
    for cell, (_, kept), new in zip(cells, masked, result.texts):
        restored = notebook.unmask(new, kept)
        if restored != notebook.source_of(cell):
            notebook.set_source(cell, restored)
            cell["outputs"] = []  # outputs of the PyTorch run no longer describe this code
            cell["execution_count"] = None
    return notebook.dumps(book), result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``backproplab port``."""
    parser.add_argument("input", metavar="IN", type=Path, help="a .py or .ipynb file, or a folder")
    parser.add_argument(
        "output",
        metavar="OUT",
        type=Path,
        nargs="?",
        help="where to write the result (a folder if IN is one); default: print it",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print warnings only")


def convert_file(source: Path, target: Path | None, quiet: bool) -> int:
    """Convert one file; write it to ``target`` (stdout if None); report; the warning count."""
    text = source.read_text(encoding="utf-8")
    is_notebook = source.suffix == ".ipynb"
    if is_notebook:
        converted, result = convert_notebook(text)
    else:
        result = convert_source(text)
        converted = result.texts[0]
    report = sys.stderr if target is None else sys.stdout
    if not quiet:
        for note in result.changes:
            print(f"{source}: {note.where(is_notebook)}: {note.message}", file=report)
    for note in result.warnings:
        print(f"{source}: {note.where(is_notebook)}: warning: {note.message}", file=sys.stderr)
    if target is None:
        sys.stdout.write(converted)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(converted, encoding="utf-8")
        if not quiet:
            print(f"wrote {target}", file=report)
    return len(result.warnings)


def run(args: argparse.Namespace) -> int:
    """Convert ``args.input`` to ``args.output``; exit status 0, or 2 if IN cannot be read."""
    source: Path = args.input
    if source.is_dir():
        if args.output is None:
            print("port: a folder IN needs a folder OUT", file=sys.stderr)
            return 2
        files = sorted(p for p in source.rglob("*") if p.suffix in (".py", ".ipynb"))
        for path in files:
            convert_file(path, args.output / path.relative_to(source), args.quiet)
        return 0
    if not source.is_file() or source.suffix not in (".py", ".ipynb"):
        print(f"port: {source} is not a .py or .ipynb file", file=sys.stderr)
        return 2
    convert_file(source, args.output, args.quiet)
    return 0
