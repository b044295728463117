"""A notebook's code cells as the units of one program, and back.

IPython's own lines (``%matplotlib inline``, ``!pip install torch``, ``x?``) are not Python: each
is stood in for by a comment of the same indentation while the cell is converted, then put back
as it was.
"""

from __future__ import annotations

import json
import re
from typing import Any

_IPYTHON_LINE = re.compile(r"^(\s*)([%!?].*|.*\?\s*)$")
_STAND_IN = "#backproplab-port-kept-{}"


def code_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    """The notebook's code cells, in order."""
    return [cell for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"]


def source_of(cell: dict[str, Any]) -> str:
    """A cell's source as one string (notebooks store a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def mask(source: str) -> tuple[str, list[str]]:
    """``source`` with each IPython line replaced by a numbered stand-in comment, and the lines."""
    kept: list[str] = []
    lines = []
    for line in source.splitlines(keepends=True):
        match = _IPYTHON_LINE.match(line.rstrip("\n"))
        if match and not line.lstrip().startswith("#"):
            lines.append(match.group(1) + _STAND_IN.format(len(kept)) + "\n" * line.endswith("\n"))
            kept.append(line.rstrip("\n")[len(match.group(1)) :])
        else:
            lines.append(line)
    return "".join(lines), kept


def unmask(source: str, kept: list[str]) -> str:
    """The stand-ins of ``mask`` turned back into the IPython lines they replaced."""
    for number, line in reversed(list(enumerate(kept))):
        source = source.replace(_STAND_IN.format(number), line)
    return source


def set_source(cell: dict[str, Any], text: str) -> None:
    """Store ``text`` as the cell's source, as a list of lines (Jupyter's own layout)."""
    cell["source"] = text.splitlines(keepends=True)


def dumps(notebook: dict[str, Any]) -> str:
    """The notebook as Jupyter writes it: one-space indents, non-ASCII kept, a final newline."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
