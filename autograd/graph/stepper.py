"""Stepping through a traced backward pass: the graph, one op at a time, in any browser.

``tr.step_through()`` (after ``tr.backward(root)``) returns a :class:`StepThrough`: one piece of
self-contained HTML (the graph as inline SVG, a panel, a few lines of JavaScript; nothing fetched,
no server, no kernel round trip, no widgets). Prev / Next buttons and the arrow keys walk the
backward pass: the current op is highlighted with the edges the gradient flows back along, the
panel says which gradient arrived at the op's output, its local derivatives and the product sent
to each input, and the grad rows of the graph fill in as gradients arrive (summed, where a value
feeds several ops). Step 0 is the start (dL/dL = 1 at the output); step n is the end, where the
graph shows what ``draw_graph(root, steps=tr)`` shows.

Jupyter (JupyterLab, classic Notebook, VS Code) runs the script of a trusted output; an exported
notebook (nbconvert HTML) keeps it. Where scripts do not run, the final picture stays, with a
line saying how to make it interactive. ``.save("backward.html")`` writes a standalone page.

This module computes what each step shows; the page it is shown on (HTML, CSS, JavaScript) is
``stepper_page``.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np

from ..function import Node
from ..tensor import Tensor
from . import renderer
from .dot import Drawing, Options, build_dot, target_arrays
from .formatting import escape_html, format_array, format_number
from .labels import summary_stats
from .stepper_page import fragment, inline_svg
from .tracing import BackwardStep, Trace

_counter = itertools.count()


class StepThrough:
    """An interactive view of a traced backward pass (see the module docstring).

    Displays itself in Jupyter; ``.html`` is the fragment, ``.document()`` a full page and
    ``.save(path)`` writes that page. ``len()`` is the number of steps (ops) of the pass.
    """

    def __init__(
        self,
        trace: Trace,
        root: Tensor | None = None,
        *,
        group_modules: Any = None,
        rankdir: str | None = None,
        show_data: bool = True,
        max_nodes: int = 500,
    ) -> None:
        root = root if root is not None else getattr(trace, "root", None)
        if root is None or not trace.steps:
            raise ValueError(
                "step_through: run the traced backward first: tr.backward(root), then "
                "tr.step_through()"
            )
        self.trace = trace
        self.root = root
        # A fresh id per view: several views on one page (a notebook) must not mix.
        import secrets  # noqa: PLC0415  (at first use: with hmac, the slowest import of autograd)

        self.ident = f"bp{next(_counter)}{secrets.token_hex(3)}"
        options = Options(
            show_data=show_data,
            show_grad=True,
            rankdir=rankdir,
            group_modules=group_modules,
            max_nodes=max_nodes,
            steps=trace,
            element_ids=self.ident + "-",
        )
        self.drawing = build_dot(root, options)
        self.states = _states(trace.steps, self.drawing, root, options.element_ids or "")
        self._html: str | None = None

    def __len__(self) -> int:
        return len(self.trace.steps)

    @property
    def source(self) -> str:
        """The DOT text of the graph being stepped through."""
        return self.drawing.source

    @property
    def html(self) -> str:
        """The self-contained HTML fragment (needs a Graphviz renderer for the SVG)."""
        if self._html is None:
            svg = renderer.render_bytes(self.drawing.source, "svg").decode("utf-8")
            self._html = fragment(self.ident, inline_svg(svg, self.ident), self.states)
        return self._html

    def document(self, title: str = "backward, step by step") -> str:
        """A complete HTML page holding the view."""
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape_html(title)}</title></head>\n"
            f'<body style="margin:16px">\n{self.html}\n</body></html>\n'
        )

    def save(self, path: str | Path) -> Path:
        """Write the view as a standalone HTML page (open it in any browser)."""
        path = Path(path)
        path.write_text(self.document(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # Jupyter shows this; it must not raise (see Graph._repr_mimebundle_).
        try:
            return self.html
        except Exception as error:  # no renderer, or it failed: the table of steps instead
            if isinstance(error, renderer.RendererNotFoundError):
                hint = f"no Graphviz renderer found: {renderer.INSTALL_HINT}"
            else:
                hint = f"could not draw the picture: {error}"
            return f"<p>{escape_html(hint)}</p>" + self.trace._repr_html_()

    def __repr__(self) -> str:
        return f"<StepThrough: {len(self)} backward steps; display it in Jupyter or .save(path)>"


# ----- what each step shows ---------------------------------------------------------------------
def _cells(array: Any) -> list[str]:
    """The grad row's cells for ``array``: min / mean / max, or the value on one line."""
    array = np.asarray(array)
    stats = summary_stats(array)
    return list(stats) if stats is not None else [format_array(array)]


def _input_name(link: Any, drawing: Drawing, index_of: dict[Node, int]) -> str:
    if isinstance(link, Node):
        if link.name:
            return link.name
        step = index_of.get(link)
        return f"the result of #{step} {link.fn.name}" if step else f"the result of {link.fn.name}"
    if isinstance(link, Tensor):
        return link.name or ("a parameter" if link.requires_grad else "an input")
    return f"the constant {format_array(link)}"


def _states(steps: list[BackwardStep], drawing: Drawing, root: Tensor, prefix: str) -> list[dict]:
    """Per step (0 = the start): op, edges, vertices to highlight, panel, grad updates."""
    index_of = {step.node: step.index for step in steps}
    total = len(steps)
    root_vertex = prefix + drawing.vertex_of[root.grad_fn]
    start = steps[0]
    root_name = escape_html(root.name or "L")
    dl = f"d{root_name}"  # the gradient of the root, named by it: dL/d(out), do/d(out)
    states: list[dict[str, Any]] = [
        {
            "op": None,
            "edges": [],
            "out": root_vertex,
            "inputs": [],
            "grads": {root_vertex: _cells(start.grad_out)},
            "panel": (
                f"<b>Start.</b> Backward begins at {root_name} with "
                f"{dl}/{dl} = {escape_html(format_array(start.grad_out))}. "
                f"Next runs the backward of the {total} op{'s' if total != 1 else ''}, "
                "last op first; the grad rows fill in as gradients arrive."
            ),
        }
    ]
    # How many gradients each value receives in all (a value used by several ops gets one per
    # use), so that each step can show the running sum: x.grad = 1 + 3 + 3 = 7.
    uses: dict[str, int] = {}
    for step in steps:
        for link, grad in zip(step.node.inputs, step.grads_in):
            target = drawing.vertex_of.get(link) if grad is not None else None
            if target is not None:
                uses[prefix + target] = uses.get(prefix + target, 0) + 1
    sums: dict[str, np.ndarray] = {}
    arrived: dict[str, list[np.ndarray]] = {}
    for step in steps:
        node = step.node
        out_vertex = prefix + drawing.vertex_of[node]
        edge_ids = [prefix + e for e in drawing.edge_ids[node]]
        derivatives = step.local_derivatives()
        rows, flowing, receivers, updates = [], [], [], {}
        totals: list[Any] = []
        for position, (link, grad) in enumerate(zip(node.inputs, step.grads_in)):
            name = escape_html(_input_name(link, drawing, index_of))
            if grad is None:
                rows.append(
                    f"<tr><td>{name}</td><td colspan='2'><i>no gradient needed</i></td></tr>"
                )
                continue
            flowing.append(edge_ids[position])
            local = derivatives[position]
            local_text = format_number(local) if local is not None else "—"
            rows.append(
                f"<tr><td>{name}</td><td>{escape_html(local_text)}</td>"
                f"<td><b>{escape_html(format_array(grad))}</b></td></tr>"
            )
            target = drawing.vertex_of.get(link)
            if target is None:
                continue
            vertex = prefix + target
            sums[vertex] = sums[vertex] + grad if vertex in sums else np.array(grad, copy=True)
            arrived.setdefault(vertex, []).append(np.asarray(grad))
            receivers.append(vertex)
            updates[vertex] = _cells(sums[vertex])
            if uses.get(vertex, 0) > 1 and vertex not in (t[0] for t in totals):
                totals.append((vertex, _sum_line(link, name, arrived[vertex], uses[vertex])))
        for option, _ in target_arrays(node):
            rows.append(f"<tr><td>{option}</td><td colspan='2'><i>no gradient needed</i></td></tr>")
        what = f" ({escape_html(node.name)})" if node.name else ""
        scalar_note = (
            ""
            if all(d is not None for d, g in zip(derivatives, step.grads_in) if g is not None)
            else "<div class='bp-note'>— : a tensor op has a Jacobian, not one number; what it "
            f"sends is {dl}/d(out) pushed back through it (a vector-Jacobian product).</div>"
        )
        summed = "".join(f"<div class='bp-sum'>{line}</div>" for _, line in totals)
        done = (
            "<div class='bp-note'>Done: every leaf that requires grad now holds its .grad.</div>"
            if step.index == total
            else ""
        )
        panel = (
            f"<b>Step {step.index} of {total}: {escape_html(node.fn.name)}</b>{what}<br>"
            f"gradient arriving at its output: {dl}/d(out) = "
            f"<b>{escape_html(format_array(step.grad_out))}</b>"
            "<table class='bp-table'><tr><th>input</th><th>local derivative ∂out/∂in</th>"
            f"<th>sent: {dl}/d(out) × ∂out/∂in</th></tr>" + "".join(rows) + "</table>"
            f"{summed}{scalar_note}{done}"
        )
        states.append(
            {
                "op": prefix + drawing.op_vertex_of[node],
                "edges": flowing,
                "labels": edge_ids,
                "out": out_vertex,
                "inputs": receivers,
                "grads": updates,
                "panel": panel,
            }
        )
    return states


def _sum_line(link: Any, name: str, parts: list[np.ndarray], uses: int) -> str:
    """A value used by several ops: its gradient is the sum of what each use sends back."""
    grad = f"{name}.grad" if isinstance(link, Tensor) else f"the grad of {name}"
    total = format_array(np.sum(parts, axis=0))
    if all(p.size == 1 for p in parts):
        terms = " + ".join(format_array(p) for p in parts)
        text = f"{grad} = {terms} = <b>{escape_html(total)}</b>"
    else:
        text = f"{grad} = the sum of {len(parts)} gradients = <b>{escape_html(total)}</b>"
    if len(parts) < uses:
        text += f" (so far: {len(parts)} of its {uses} uses)"
    else:
        text += f" (all {uses} uses)"
    return text
