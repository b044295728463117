"""What one vertex of the drawing says and how it is coloured.

A value vertex is a small table: a title (name, shape, dtype when not float32), the data and the
grad. Its fill colour gives its role:

* input (a leaf that does not require grad): blue;
* parameter (a leaf that requires grad, what an optimizer updates): amber;
* intermediate (the result of an op): grey;
* output (the root being drawn): green;

and any NaN or Inf turns the vertex red, with the offending row in red.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from .formatting import format_array, format_shape, has_nonfinite

FILL = {
    "input": "#dbeafe",
    "parameter": "#fef3c7",
    "intermediate": "#f3f4f6",
    "output": "#dcfce7",
}
BAD_FILL = "#fecaca"
BAD_TEXT = "#b91c1c"
BORDER = "#6b7280"
MUTED = "#6b7280"

PENDING = "pending"  # backward has not produced this gradient yet
HIDDEN = "hidden"  # the gradient is not kept (interior node, backward not traced)
# (a .grad the user assigned, or one retained on a 0-d result, may be a NumPy scalar: callers
# pass np.asarray(grad) as ``grad``)


@dataclass
class ValueView:
    """Everything a value vertex shows. ``grad`` is an array, or ``PENDING`` / ``HIDDEN``."""

    role: str
    shape: tuple[int, ...]
    dtype: np.dtype
    name: str | None = None
    data: np.ndarray | None = None
    grad: Any = HIDDEN


def _row(body: str) -> str:
    return f"<TR><TD>{body}</TD></TR>"


def _text(text: str, *, color: str | None = None, italic: bool = False) -> str:
    body = html.escape(text)
    if italic:
        body = f"<I>{body}</I>"
    if color:
        body = f'<FONT COLOR="{color}">{body}</FONT>'
    return body


def value_label(view: ValueView, *, show_data: bool, show_grad: bool) -> str:
    """The HTML-like DOT label of a value vertex: a one-column table (title, data, grad)."""
    rows = []
    title = [f"<B>{html.escape(view.name)}</B>"] if view.name else []
    if len(view.shape):
        title.append(format_shape(view.shape))
    if view.dtype != np.float32:
        title.append(str(view.dtype))
    # The vertex turns red for a NaN/Inf in data or grad, even in a row that is not shown.
    grad_known = isinstance(view.grad, np.ndarray)
    data_bad = has_nonfinite(view.data)
    grad_bad = grad_known and has_nonfinite(view.grad)
    data_known = show_data and view.data is not None
    if title:
        rows.append(_row(" ".join(title)))
    elif not data_known:
        rows.append(_row("scalar"))
    if data_known:
        color = BAD_TEXT if data_bad else None
        rows.append(_row(_text(f"data {format_array(view.data)}", color=color)))
    if show_grad:
        if grad_known:
            color = BAD_TEXT if grad_bad else None
            rows.append(_row(_text(f"grad {format_array(view.grad)}", color=color)))
        elif view.grad == PENDING:
            rows.append(_row(_text("grad: not computed yet", italic=True, color=MUTED)))
    bad = data_bad or grad_bad
    fill = BAD_FILL if bad else FILL[view.role]
    border = BAD_TEXT if bad else BORDER
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{fill}" COLOR="{border}">{"".join(rows)}</TABLE>>'
    )
