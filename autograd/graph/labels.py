"""What one vertex of the drawing says, how it is coloured, and the legend that says so.

A value vertex is a small table: a title (name in bold, shape and dtype in grey), the data and
the grad: a scalar or a small array on one line, a bigger array as min / mean / max columns.
Its fill colour gives its role:

* input (data fed in: a leaf that does not require grad): blue;
* input (requires grad) (a leaf the user made that requires grad, such as micrograd's ``a``):
  indigo;
* parameter (a module's parameter, what an optimizer updates): amber;
* intermediate (the result of an op): grey;
* output (the root being drawn): green;
* target (what a loss compares against, e.g. cross_entropy's class indices): violet, dashed;
* constant (a number, a mask or an array used directly by an op; receives no gradient):
  white, dashed;

and any NaN or Inf turns the vertex red, with the offending row in red.

Every text cell reserves the width the text takes in DejaVu Sans (see ``metrics``), the widest
font a browser substitutes for Helvetica, and text is aligned left: Graphviz places each line by
its start, so a wider font grows to the right, into the room reserved for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .formatting import (
    SMALL,
    SMALL_INT,
    escape_html,
    format_array,
    format_shape,
    format_summary,
    has_nonfinite,
)
from .metrics import text_width

INPUT_GRAD = "input (requires grad)"
FILL = {
    "input": "#dbeafe",
    INPUT_GRAD: "#e0e7ff",
    "parameter": "#fef3c7",
    "intermediate": "#f3f4f6",
    "output": "#dcfce7",
    "target": "#ede9fe",
    "constant": "#ffffff",
    "module call": "#fffbeb",  # the module view's boxes (see modules)
}
ROLE_BORDER = {"target": "#7c3aed", INPUT_GRAD: "#4f46e5"}
DASHED = frozenset({"target", "constant"})
ROLES = tuple(FILL)
BAD_FILL = "#fecaca"
BAD_TEXT = "#b91c1c"
BORDER = "#6b7280"
MUTED = "#6b7280"

NOT_KEPT = "not kept"  # the data row of an interior value backward() did not keep
PENDING = "pending"  # backward has not produced this gradient yet
HIDDEN = "hidden"  # the gradient is not kept (interior node, backward not traced) or not wanted
# (a .grad the user assigned, or one retained on a 0-d result, may be a NumPy scalar: callers
# pass np.asarray(grad) as ``grad``)

VALUE_SIZE = 10.0  # points: the text of value vertices
SMALL_SIZE = 8.0  # the min / mean / max header
OP_SIZE = 11.0  # op vertices
EDGE_SIZE = 9.0  # edge labels
CLUSTER_SIZE = 10.0  # module titles
LEGEND_SIZE = 9.0
PAD = 2  # CELLPADDING of every table
SLACK = 3  # points reserved beyond DejaVu's width in every cell (rounding, hinting)
LINE = 1.25  # line height, in font sizes (DejaVu's ascent + descent is 1.16 em)


@dataclass
class ValueView:
    """Everything a value vertex shows. ``grad`` is an array, or ``PENDING`` / ``HIDDEN``."""

    role: str
    shape: tuple[int, ...]
    dtype: np.dtype
    name: str | None = None
    data: np.ndarray | None = None
    grad: Any = HIDDEN
    kept: bool = True  # False: the value exists but was not kept (an untraced interior value)


@dataclass
class Label:
    """An HTML-like DOT label and the size it reserves, in points."""

    html: str
    width: float
    height: float
    bad: bool = False


def cell_width(text: str, size: float, *, bold: bool = False) -> int:
    """The WIDTH (points, an integer as Graphviz wants) a cell needs for ``text``."""
    return math.ceil(text_width(text, size, bold=bold) + 2 * PAD + SLACK)


def _font(body: str, *, size: float | None = None, color: str | None = None) -> str:
    attrs = ""
    if size is not None:
        attrs += f' POINT-SIZE="{size:g}"'
    if color:
        attrs += f' COLOR="{color}"'
    return f"<FONT{attrs}>{body}</FONT>" if attrs else body


class _Cell:
    """One table cell of text; ``width`` is what it reserves, ``span`` how many columns."""

    def __init__(
        self,
        text: str = "",
        *,
        size: float = VALUE_SIZE,
        bold: bool = False,
        italic: bool = False,
        color: str | None = None,
        span: int = 1,
    ) -> None:
        self.width = cell_width(text, size, bold=bold) if text else 2 * PAD
        body = escape_html(text)
        if bold:
            body = f"<B>{body}</B>"
        if italic:
            body = f"<I>{body}</I>"
        self.span = span
        self.body = _font(body, size=None if size == VALUE_SIZE else size, color=color)

    @property
    def html(self) -> str:
        colspan = f' COLSPAN="{self.span}"' if self.span > 1 else ""
        return f'<TD ALIGN="LEFT" VALIGN="BOTTOM" WIDTH="{self.width}"{colspan}>{self.body}</TD>'


def _row(cells: list[_Cell]) -> str:
    return "<TR>" + "".join(cell.html for cell in cells) + "</TR>"


def _column_widths(rows: list[list[_Cell]], columns: int) -> list[float]:
    """Each column's width as the rows reserve it (a spanning cell widens its last column)."""
    widths = [0.0] * columns
    spans = []
    for cells in rows:
        column = 0
        for cell in cells:
            if cell.span == 1:
                widths[column] = max(widths[column], cell.width)
            else:
                spans.append((column, cell.span, cell.width))
            column += cell.span
    for column, span, width in spans:
        covered = sum(widths[column : column + span])
        if width > covered:
            widths[column + span - 1] += width - covered
    return widths


def summary_stats(array: np.ndarray) -> tuple[str, str, str] | None:
    """min, mean, max of the finite values, or None when the array is printed whole."""
    if array.size <= small_limit(array) or array.dtype.kind == "b":
        return None
    finite = array[np.isfinite(array)] if array.dtype.kind in "fc" else array
    if finite.size == 0:
        return None
    as_float = finite.astype(np.float64)
    low, mean, high = (format_summary(v) for v in (as_float.min(), as_float.mean(), as_float.max()))
    return low, mean, high


def small_limit(array: np.ndarray) -> int:
    """How many elements are printed in full (integers print short: a batch of class labels)."""
    return SMALL_INT if array.dtype.kind in "iub" else SMALL


def _value_rows(
    what: str, array: np.ndarray, color: str | None, columns: int, header: list[bool]
) -> list[list[_Cell]]:
    """A data or grad row: the label, then the value (one line) or min / mean / max."""
    stats = summary_stats(array)
    if stats is None:
        value = _Cell(format_array(array), color=color, span=columns - 1)
        return [[_Cell(what, color=color), value]]
    rows = []
    if not header[0]:  # (once per table: above the first summary row)
        header[0] = True
        words = ("min", "mean", "max")
        rows.append([_Cell()] + [_Cell(w, size=SMALL_SIZE, color=MUTED) for w in words])
    rows.append([_Cell(what, color=color)] + [_Cell(text, color=color) for text in stats])
    bad = array.size - int(np.isfinite(array).sum()) if array.dtype.kind in "fc" else 0
    if bad:
        rows.append([_Cell(), _Cell(f"{bad} NaN/Inf", color=BAD_TEXT, span=3)])
    return rows


def _title(parts: list[_Cell], rows: list[list[_Cell]], columns: int) -> list[_Cell]:
    """Name and shape side by side: the name spans as few columns as it needs, so the shape
    follows it closely (in its own cell: a wider bold font never runs into it)."""
    if len(parts) == 1:
        parts[0].span = columns
        return parts
    name, shape = parts
    widths = _column_widths(rows, columns)
    span = 1
    while span < columns - 1 and sum(widths[:span]) < name.width:
        span += 1
    name.span, shape.span = span, columns - span
    return [name, shape]


def value_label(
    view: ValueView, *, show_data: bool, show_grad: bool, show_dtype: bool = True
) -> Label:
    """The HTML-like DOT label of a value vertex: title, data and grad rows (see the module).

    The table has two columns (label, value) or, when a value is summarised, four (label,
    min, mean, max).
    """
    # The vertex turns red for a NaN/Inf in data or grad, even in a row that is not shown.
    grad_known = isinstance(view.grad, np.ndarray)
    data_bad = has_nonfinite(view.data)
    grad_bad = grad_known and has_nonfinite(view.grad)
    data_known = show_data and view.data is not None
    data = np.asarray(view.data) if data_known else None
    shown = [a for a in (data, view.grad if show_grad and grad_known else None) if a is not None]
    columns = 4 if any(summary_stats(np.asarray(a)) is not None for a in shown) else 2
    rows: list[list[_Cell]] = []
    header = [False]
    if show_data and not view.kept:
        missing = _Cell(NOT_KEPT, italic=True, color=MUTED, span=columns - 1)
        rows.append([_Cell("data", color=MUTED), missing])
    if data is not None:
        if view.role == "constant" and not view.name and data.ndim == 0:
            rows.append([_Cell(format_array(data), color=MUTED, span=columns)])
        else:
            rows += _value_rows("data", data, BAD_TEXT if data_bad else None, columns, header)
    if show_grad:
        if grad_known:
            color = BAD_TEXT if grad_bad else None
            rows += _value_rows("grad", view.grad, color, columns, header)
        elif view.grad == PENDING:
            pending = _Cell("not computed yet", italic=True, color=MUTED, span=columns - 1)
            rows.append([_Cell("grad", color=MUTED), pending])
    parts = [_Cell(view.name, bold=True)] if view.name else []
    described = []
    if len(view.shape):
        described.append(format_shape(view.shape))
    if show_dtype and view.dtype != np.float32 and view.role != "constant":
        described.append(str(view.dtype))
    if described:
        parts.append(_Cell(" ".join(described), color=MUTED))
    if parts:
        rows.insert(0, _title(parts, rows, columns))
    elif not rows:
        rows.append([_Cell("scalar", color=MUTED, span=columns)])
    bad = data_bad or grad_bad
    fill = BAD_FILL if bad else FILL[view.role]
    border = BAD_TEXT if bad else ROLE_BORDER.get(view.role, BORDER)
    style = ' STYLE="dashed"' if view.role in DASHED and not bad else ""
    body = "".join(_row(_complete(cells, columns)) for cells in rows)
    width = sum(_column_widths(rows, columns)) + 2
    height = len(rows) * (VALUE_SIZE * LINE + 2 * PAD) + 2
    return Label(
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{PAD}" '
        f'BGCOLOR="{fill}" COLOR="{border}"{style}>{body}</TABLE>>',
        width,
        height,
        bad,
    )


def _complete(cells: list[_Cell], columns: int) -> list[_Cell]:
    # Every row spans every column, so Graphviz never has to guess the missing cells.
    used = sum(cell.span for cell in cells)
    return cells + [_Cell()] * (columns - used) if used < columns else cells


def text_label(
    text: str, size: float, *, color: str | None = None, bold: bool = False
) -> tuple[str, float]:
    """A one-cell HTML label that reserves DejaVu's width for ``text`` (edges, clusters)."""
    cell = _Cell(text, size=size, color=color, bold=bold)
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{PAD}"><TR>'
    return f"<{table}{cell.html}</TR></TABLE>>", cell.width


def op_size(text: str) -> tuple[float, float]:
    """Width and height (points) of an ellipse that holds ``text`` in DejaVu with a margin.

    A w x h text box fits an ellipse with semi-axes a, b when (w/2a)^2 + (h/2b)^2 <= 1: with
    b = 18 (Graphviz's default height, 0.5 in) and h = 14, a = 0.55 w does, plus 8 points.
    """
    w = text_width(text, OP_SIZE)
    return 2 * (0.55 * w + 8), 36.0


def legend_label(roles: list[str], notes: list[str], bad: bool, lines: Sequence[str] = ()) -> str:
    """The legend: one swatch per role drawn (in ``ROLES`` order), red if any NaN/Inf, notes;
    then ``lines``, one row each (what holds for every box, what the picture leaves out)."""
    cells = []
    for role in ROLES:
        if role not in roles:
            continue
        border = ROLE_BORDER.get(role, BORDER)
        style = ' STYLE="dashed"' if role in DASHED else ""
        width = cell_width(role, LEGEND_SIZE) + 4
        cells.append(
            f'<TD BORDER="1" COLOR="{border}" BGCOLOR="{FILL[role]}"{style} WIDTH="{width}">'
            f"{_font(escape_html(role), size=LEGEND_SIZE)}</TD>"
        )
    if bad:
        width = cell_width("NaN/Inf", LEGEND_SIZE) + 4
        cells.append(
            f'<TD BORDER="1" COLOR="{BAD_TEXT}" BGCOLOR="{BAD_FILL}" WIDTH="{width}">'
            f"{_font('NaN/Inf', size=LEGEND_SIZE, color=BAD_TEXT)}</TD>"
        )
    if notes:  # one cell: the slack reserved for a wider font is at its end only
        text = " · ".join(notes)
        width = cell_width(text, LEGEND_SIZE) + 4
        cells.append(
            f'<TD ALIGN="LEFT" WIDTH="{width}">'
            f"{_font(escape_html(text), size=LEGEND_SIZE, color=MUTED)}</TD>"
        )
    # One column of rows, each its own table: a long line must not widen the swatches.
    rows = []
    if cells:
        rows.append(f'<TR><TD ALIGN="LEFT">{_LEGEND_ROW}{"".join(cells)}</TR></TABLE></TD></TR>')
    for line in lines:
        width = cell_width(line, LEGEND_SIZE) + 4
        rows.append(
            f'<TR><TD ALIGN="LEFT">{_LEGEND_ROW}<TD ALIGN="LEFT" WIDTH="{width}">'
            f"{_font(escape_html(line), size=LEGEND_SIZE, color=MUTED)}</TD></TR></TABLE></TD></TR>"
        )
    if not rows:
        rows = ["<TR><TD></TD></TR>"]
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        + "".join(rows)
        + "</TABLE>>"
    )


_LEGEND_ROW = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2"><TR>'


def note_label(lines: list[str]) -> Label:
    """A dashed grey box of muted lines (what a collapsed part of the picture leaves out)."""
    rows = [[_Cell(line, color=MUTED)] for line in lines]
    body = "".join(_row(cells) for cells in rows)
    return Label(
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{PAD}" '
        f'BGCOLOR="#ffffff" COLOR="{MUTED}" STYLE="dashed">{body}</TABLE>>',
        max(cell.width for cells in rows for cell in cells) + 2,
        len(rows) * (VALUE_SIZE * LINE + 2 * PAD) + 2,
    )
