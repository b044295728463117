"""The ``backproplab`` command: one subcommand per module of this package.

Each subcommand's module defines ``add_arguments(parser)`` (its options), ``run(args) -> int``
(the exit status) and a module docstring whose first line is the command's one-line help.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

# The subcommands, in the order ``--help`` lists them; each is the module backproplab.<name>.
COMMANDS = ("port", "doctor", "notebooks", "exercises", "demo")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the whole command, with one subparser per module in COMMANDS."""
    parser = argparse.ArgumentParser(prog="backproplab", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"backproplab.{name}")
        summary = (module.__doc__ or name).strip().splitlines()[0]
        sub = subparsers.add_parser(name, help=summary, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the process's arguments) and run the chosen subcommand."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
