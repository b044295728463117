"""The table a traced backward prints: one row per step, in the order backward ran.

Columns: step number, op, the op's output, ``grad out`` = dL/d(output), and the gradient each
input receives (``grads to inputs``). Inputs are called by their name when they have one, by the
step that produced them (``#3 add``) otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..function import Node
from ..tensor import Tensor
from .formatting import escape_html, format_array

HEADER = ("step", "op", "output", "grad out", "grads to inputs")
MISSING = "?"  # a value the trace did not record
NO_GRAD = "—"  # an input that receives no gradient


def _input_label(link: Any, index_of: dict[Node, int]) -> str:
    if isinstance(link, Node):
        if link.name:
            return link.name
        step = index_of.get(link)
        return f"#{step} {link.fn.name}" if step is not None else link.fn.name
    if isinstance(link, Tensor):
        if link.name:
            return link.name
        return "param" if link.requires_grad else "input"
    return "const"


def step_rows(steps: Sequence[Any]) -> list[tuple[str, ...]]:
    """The table's cells as strings, one tuple per step (see ``HEADER``)."""
    index_of = {step.node: step.index for step in steps}
    rows: list[tuple[str, ...]] = []
    for step in steps:
        parts = []
        for link, grad in zip(step.node.inputs, step.grads_in):
            value = NO_GRAD if grad is None else format_array(grad)
            parts.append(f"{_input_label(link, index_of)}: {value}")
        op = f"{step.op} ({step.node.name})" if step.node.name else step.op
        output = MISSING if step.output is None else format_array(step.output)
        rows.append((str(step.index), op, output, format_array(step.grad_out), ", ".join(parts)))
    return rows


def _title(count: int) -> str:
    return f"backward trace: {count} step{'s' if count != 1 else ''}"


def steps_text(steps: Sequence[Any], note: str) -> str:
    """A plain-text table with aligned columns, a title line and an optional note."""
    rows = step_rows(steps)
    lines = [_title(len(rows))]
    if rows:
        widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]
        for row in [HEADER, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths)]
            lines.append("  ".join(cells).rstrip())
    if note:
        lines.append(f"({note})")
    return "\n".join(lines)


def steps_html(steps: Sequence[Any], note: str) -> str:
    """The same table as HTML, for a notebook cell."""
    rows = step_rows(steps)
    head = "".join(f"<th>{escape_html(cell)}</th>" for cell in HEADER)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape_html(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    caption = _title(len(rows))
    if note:
        caption += f" ({note})"
    return (
        f"<table><caption>{escape_html(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
