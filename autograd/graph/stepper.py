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
"""

from __future__ import annotations

import html
import itertools
import json
import re
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from ..function import Node
from ..tensor import Tensor
from . import renderer
from .dot import Drawing, Options, build_dot, target_arrays
from .formatting import format_array, format_number
from .labels import summary_stats
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
            self._html = _fragment(self.ident, _inline_svg(svg), self.states)
        return self._html

    def document(self, title: str = "backward, step by step") -> str:
        """A complete HTML page holding the view."""
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head>\n"
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
            return f"<p>{html.escape(hint)}</p>" + self.trace._repr_html_()

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
    root_name = root.name or "the output"
    states = [
        {
            "op": None,
            "edges": [],
            "out": root_vertex,
            "inputs": [],
            "grads": {root_vertex: _cells(start.grad_out)},
            "panel": (
                f"<b>Start.</b> Backward begins at {html.escape(root_name)} with "
                f"dL/dL = {html.escape(format_array(start.grad_out))}. "
                f"Next (→) runs the backward of the {total} op{'s' if total != 1 else ''}, "
                "last op first; the grad rows fill in as gradients arrive."
            ),
        }
    ]
    sums: dict[str, np.ndarray] = {}
    for step in steps:
        node = step.node
        out_vertex = prefix + drawing.vertex_of[node]
        edge_ids = [prefix + e for e in drawing.edge_ids[node]]
        derivatives = step.local_derivatives()
        rows, flowing, receivers, updates = [], [], [], {}
        for position, (link, grad) in enumerate(zip(node.inputs, step.grads_in)):
            name = html.escape(_input_name(link, drawing, index_of))
            if grad is None:
                rows.append(
                    f"<tr><td>{name}</td><td colspan='2'><i>no gradient needed</i></td></tr>"
                )
                continue
            flowing.append(edge_ids[position])
            local = derivatives[position]
            local_text = format_number(local) if local is not None else "—"
            rows.append(
                f"<tr><td>{name}</td><td>{html.escape(local_text)}</td>"
                f"<td><b>{html.escape(format_array(grad))}</b></td></tr>"
            )
            target = drawing.vertex_of.get(link)
            if target is None:
                continue
            vertex = prefix + target
            sums[vertex] = sums[vertex] + grad if vertex in sums else np.array(grad, copy=True)
            receivers.append(vertex)
            updates[vertex] = _cells(sums[vertex])
        for option, _ in target_arrays(node):
            rows.append(f"<tr><td>{option}</td><td colspan='2'><i>no gradient needed</i></td></tr>")
        what = f" ({html.escape(node.name)})" if node.name else ""
        scalar_note = (
            ""
            if all(d is not None for d, g in zip(derivatives, step.grads_in) if g is not None)
            else "<div class='bp-note'>— : a tensor op has a Jacobian, not one number; what it "
            "sends is dL/d(out) pushed back through it (a vector-Jacobian product).</div>"
        )
        done = (
            "<div class='bp-note'>Done: every leaf that requires grad now holds its .grad.</div>"
            if step.index == total
            else ""
        )
        panel = (
            f"<b>Step {step.index} of {total}: {html.escape(node.fn.name)}</b>{what}<br>"
            f"gradient arriving at its output: dL/d(out) = "
            f"<b>{html.escape(format_array(step.grad_out))}</b>"
            "<table class='bp-table'><tr><th>input</th><th>local derivative ∂out/∂in</th>"
            "<th>sent: dL/d(out) × ∂out/∂in</th></tr>" + "".join(rows) + "</table>"
            f"{scalar_note}{done}"
        )
        states.append(
            {
                "op": prefix + drawing.op_vertex_of[node],
                "edges": flowing,
                "out": out_vertex,
                "inputs": receivers,
                "grads": updates,
                "panel": panel,
            }
        )
    return states


# ----- the page ---------------------------------------------------------------------------------
def _inline_svg(svg: str) -> str:
    """Graphviz's SVG document as an element to put inside HTML (no prolog, no comments)."""
    start = svg.find("<svg")
    body = re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S).strip()
    return body.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


_STYLE = """
#ID {font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #111827;
  border: 1px solid #d1d5db; border-radius: 6px; padding: 8px; outline: none}
#ID:focus {border-color: #2563eb}
#ID .bp-bar {display: flex; gap: 6px; align-items: center; margin-bottom: 6px}
#ID .bp-bar button {font-size: 14px; padding: 2px 10px; cursor: pointer}
#ID .bp-count {color: #4b5563; margin-left: 6px}
#ID .bp-panel {background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 4px;
  padding: 6px 8px; margin-bottom: 6px; min-height: 8em}
#ID .bp-table {border-collapse: collapse; margin-top: 4px}
#ID .bp-table th, #ID .bp-table td {border: 1px solid #d1d5db; padding: 1px 8px;
  text-align: left; font-size: 13px}
#ID .bp-note {color: #4b5563; font-size: 12px; margin-top: 4px}
#ID .bp-nojs {color: #b45309; font-size: 12px}
#ID .bp-current ellipse {stroke: #dc2626; stroke-width: 3px; fill: #fee2e2}
#ID .bp-done ellipse {fill: #e5e7eb}
#ID .bp-flow path {stroke: #dc2626; stroke-width: 2.5px}
#ID .bp-flow polygon {stroke: #dc2626; fill: #dc2626}
#ID .bp-out polygon {stroke: #dc2626; stroke-width: 2.5px}
#ID .bp-in polygon {stroke: #ea580c; stroke-width: 2.5px}
#ID .bp-pending {fill-opacity: 0.35}
"""

_SCRIPT = """
(function () {
  var me = document.currentScript;
  function find() {
    var parent = me && me.parentNode;
    var box = parent && parent.closest ? parent.closest('.bp-step') : null;
    return box || document.getElementById('ID');
  }
  function start(box) {
    if (box.getAttribute('data-ready')) return;
    box.setAttribute('data-ready', '1');
    var states = JSON.parse(box.querySelector('script[type="application/json"]').textContent);
    var panel = box.querySelector('.bp-panel'), count = box.querySelector('.bp-count');
    var nojs = box.querySelector('.bp-nojs');
    if (nojs) nojs.style.display = 'none';
    function el(id) { return box.querySelector('[id="' + id + '"]'); }
    // The grad row of a value vertex: the text "grad" and the texts on its line after it.
    var rows = {};
    function gradCells(id) {
      if (rows[id] !== undefined) return rows[id];
      var g = el(id), found = null;
      if (g) {
        var texts = g.querySelectorAll('text'), label = null, cells = [];
        for (var i = 0; i < texts.length; i++) {
          var t = texts[i];
          if (label === null) {
            if (t.textContent.trim() === 'grad') label = t;
          } else if (Math.abs(+t.getAttribute('y') - +label.getAttribute('y')) < 2) {
            cells.push(t);
          }
        }
        if (label) found = {label: label, cells: cells,
                            final: cells.map(function (c) { return c.textContent; })};
      }
      rows[id] = found;
      return found;
    }
    var tracked = {};
    states.forEach(function (s) { for (var id in s.grads) tracked[id] = true; });
    function setGrad(id, values) {
      var row = gradCells(id);
      if (!row) return;
      row.label.classList.toggle('bp-pending', values === null);
      row.cells.forEach(function (c, i) {
        c.textContent = values === null ? (i === 0 ? '…' : '') : (values[i] || '');
        c.classList.toggle('bp-pending', values === null);
      });
    }
    function mark(id, cls) { var g = el(id); if (g) g.classList.add(cls); }
    var current = 0;
    function show(k) {
      current = Math.max(0, Math.min(states.length - 1, k));
      var marks = ['bp-current', 'bp-done', 'bp-flow', 'bp-out', 'bp-in'];
      box.querySelectorAll('.' + marks.join(', .')).forEach(function (g) {
        marks.forEach(function (m) { g.classList.remove(m); });
      });
      var grads = {};
      for (var id in tracked) grads[id] = null;
      for (var j = 0; j <= current; j++) {
        var s = states[j];
        for (var v in s.grads) grads[v] = s.grads[v];
        if (j < current && s.op) mark(s.op, 'bp-done');
      }
      for (var w in grads) setGrad(w, grads[w]);
      var now = states[current];
      if (now.op) mark(now.op, 'bp-current');
      now.edges.forEach(function (e) { mark(e, 'bp-flow'); });
      if (now.out) mark(now.out, 'bp-out');
      now.inputs.forEach(function (v) { mark(v, 'bp-in'); });
      panel.innerHTML = now.panel;
      count.textContent = 'step ' + current + ' / ' + (states.length - 1);
      box.setAttribute('data-step', String(current));
    }
    var moves = {first: function () { return 0; }, prev: function () { return current - 1; },
                 next: function () { return current + 1; },
                 last: function () { return states.length - 1; }};
    box.querySelectorAll('button[data-move]').forEach(function (b) {
      b.addEventListener('click', function () { show(moves[b.getAttribute('data-move')]()); });
    });
    var keys = {ArrowRight: 'next', ArrowLeft: 'prev', Home: 'first', End: 'last'};
    box.addEventListener('keydown', function (event) {
      var move = keys[event.key];
      if (!move) return;
      event.preventDefault();
      event.stopPropagation();
      show(moves[move]());
    });
    show(0);
  }
  var tries = 0;
  (function wait() {
    var box = find();
    if (box) { start(box); } else if (tries++ < 100) { setTimeout(wait, 50); }
  })();
})();
"""


def _fragment(ident: str, svg: str, states: list[dict]) -> str:
    # "</" inside the JSON would end the script element early: escape the slash.
    data = json.dumps(states, ensure_ascii=False).replace("</", "<\\/")
    style = _STYLE.replace("#ID", f"#{ident}")
    script = _SCRIPT.replace("'ID'", f"'{ident}'")
    buttons = "".join(
        f'<button type="button" data-move="{move}" title="{title}">{text}</button>'
        for move, text, title in (
            ("first", "«", "start (Home)"),
            ("prev", "‹ Prev", "previous step (←)"),
            ("next", "Next ›", "next step (→)"),
            ("last", "»", "end (End)"),
        )
    )
    # tabindex: the box takes keyboard focus (click it, then use the arrow keys);
    # data-lm-suppress-shortcuts (data-p-... before JupyterLab 4): JupyterLab leaves its keys alone.
    return (
        f'<div class="bp-step" id="{ident}" tabindex="0" data-lm-suppress-shortcuts="true" '
        f'data-p-suppress-shortcuts="true">'
        f"<style>{style}</style>"
        f'<div class="bp-bar">{buttons}<span class="bp-count"></span>'
        '<span class="bp-nojs">(interactive when its script runs: run the cell, or trust the '
        "notebook; shown: the end of backward)</span></div>"
        '<div class="bp-panel"></div>'
        f"{svg}"
        f'<script type="application/json">{data}</script>'
        f"<script>{script}</script>"
        "</div>"
    )
