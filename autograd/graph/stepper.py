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
            self._html = _fragment(self.ident, _inline_svg(svg, self.ident), self.states)
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
    root_name = html.escape(root.name or "L")
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
                f"{dl}/{dl} = {html.escape(format_array(start.grad_out))}. "
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
            arrived.setdefault(vertex, []).append(np.asarray(grad))
            receivers.append(vertex)
            updates[vertex] = _cells(sums[vertex])
            if uses.get(vertex, 0) > 1 and vertex not in (t[0] for t in totals):
                totals.append((vertex, _sum_line(link, name, arrived[vertex], uses[vertex])))
        for option, _ in target_arrays(node):
            rows.append(f"<tr><td>{option}</td><td colspan='2'><i>no gradient needed</i></td></tr>")
        what = f" ({html.escape(node.name)})" if node.name else ""
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
            f"<b>Step {step.index} of {total}: {html.escape(node.fn.name)}</b>{what}<br>"
            f"gradient arriving at its output: {dl}/d(out) = "
            f"<b>{html.escape(format_array(step.grad_out))}</b>"
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
        text = f"{grad} = {terms} = <b>{html.escape(total)}</b>"
    else:
        text = f"{grad} = the sum of {len(parts)} gradients = <b>{html.escape(total)}</b>"
    if len(parts) < uses:
        text += f" (so far: {len(parts)} of its {uses} uses)"
    else:
        text += f" (all {uses} uses)"
    return text


# ----- the page ---------------------------------------------------------------------------------
def _inline_svg(svg: str, ident: str) -> str:
    """Graphviz's SVG document as an element to put inside HTML (no prolog, no comments), with
    the reversed arrowhead drawn on the edges the gradient flows back along."""
    start = svg.find("<svg")
    body = re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S).strip()
    body = body.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    marker = (
        f'<defs><marker id="{ident}-back" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#dc2626"/></marker></defs>'
    )
    close = body.index(">") + 1
    return body[:close] + marker + body[close:]


_STYLE = """
#ID {font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #111827;
  border: 1px solid #d1d5db; border-radius: 6px; padding: 8px; outline: none;
  position: relative}
#ID:focus, #ID.bp-active {border-color: #2563eb}
#ID .bp-head {position: sticky; top: 0; z-index: 2; background: #ffffff; padding-bottom: 4px}
#ID .bp-head.bp-float {position: absolute; left: 8px; right: 8px; top: 0;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); border-radius: 4px}
#ID .bp-bar {display: flex; gap: 6px; align-items: center; margin-bottom: 6px; flex-wrap: wrap}
#ID .bp-bar button {font-size: 14px; padding: 2px 10px; cursor: pointer}
#ID .bp-bar button:disabled {cursor: default; opacity: 0.45}
#ID .bp-count {color: #4b5563; margin-left: 6px; min-width: 7em}
#ID .bp-keys {color: #4b5563; font-size: 12px}
#ID .bp-panel {background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 4px;
  padding: 6px 8px; height: 12em; overflow: auto; box-sizing: border-box}
#ID .bp-legend {font-size: 12px; color: #4b5563; margin-top: 4px}
#ID .bp-swatch {display: inline-block; width: 14px; height: 10px; border: 2.5px solid;
  border-radius: 3px; vertical-align: middle; margin: 0 3px 0 8px}
#ID .bp-table {border-collapse: collapse; margin-top: 4px}
#ID .bp-table th, #ID .bp-table td {border: 1px solid #d1d5db; padding: 1px 8px;
  text-align: left; font-size: 13px}
#ID .bp-sum {margin-top: 4px}
#ID .bp-note {color: #4b5563; font-size: 12px; margin-top: 4px}
#ID .bp-nojs {color: #b45309; font-size: 12px}
#ID .bp-current ellipse {stroke: #dc2626; stroke-width: 3px; fill: #fee2e2}
#ID .bp-done ellipse {fill: #e5e7eb}
#ID .bp-flow path {stroke: #dc2626; stroke-width: 2.5px; marker-start: url(#ID-back)}
#ID .bp-flow polygon {display: none}
#ID .bp-out polygon {stroke: #dc2626; stroke-width: 2.5px}
#ID .bp-in polygon {stroke: #ea580c; stroke-width: 2.5px}
#ID .bp-pending {fill-opacity: 0.35}
#ID .bp-unreached {visibility: hidden}
"""

_LEGEND = (
    '<div class="bp-legend"><span class="bp-swatch" style="border-color:#dc2626;'
    'background:#fee2e2"></span>red: the op running now, its output, and the edges its '
    'gradients flow back along<span class="bp-swatch" style="border-color:#ea580c"></span>'
    'orange: the values receiving a gradient<span class="bp-swatch" style="border-color:#6b7280;'
    'background:#e5e7eb"></span>grey: ops done</div>'
)

_SCRIPT = """
(function () {
  var me = document.currentScript;
  function find() {
    var parent = me && me.parentNode;
    var box = parent && parent.closest ? parent.closest('.bp-step') : null;
    return box || document.getElementById('ID');
  }
  // A live notebook (JupyterLab, classic Notebook, VS Code) has keys of its own: there the view
  // takes them only while it has the focus. A page of its own (a saved view, an exported
  // notebook) has none: there the arrow keys work without a click.
  function liveNotebook() {
    return !!(document.querySelector('.lm-Widget, .p-Widget') ||
              (window.Jupyter && window.Jupyter.notebook) ||
              typeof window.acquireVsCodeApi === 'function' ||
              document.querySelector('body.vscode-light, body.vscode-dark, ' +
                                     'body.vscode-high-contrast'));
  }
  function pageKeys() {  // one listener per page, for every view on it
    if (window.__bpPageKeys) return;
    window.__bpPageKeys = true;
    document.addEventListener('keydown', function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      var t = event.target;
      var skip = 'input, textarea, select, [contenteditable], .bp-step';
      if (t && t.closest && t.closest(skip)) return;
      var views = document.querySelectorAll('.bp-step[data-ready]');
      var best = null, bestArea = -1;
      views.forEach(function (v) {
        if (v.classList.contains('bp-active')) { best = v; bestArea = Infinity; }
        if (bestArea === Infinity) return;
        var r = v.getBoundingClientRect();
        var h = Math.max(0, Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0));
        var w = Math.max(0, Math.min(r.right, window.innerWidth) - Math.max(r.left, 0));
        if (h * w > bestArea) { best = v; bestArea = h * w; }
      });
      if (best && best.bpKey) best.bpKey(event);
    });
  }
  function start(box) {
    if (box.getAttribute('data-ready')) return;
    box.setAttribute('data-ready', '1');
    var states = JSON.parse(box.querySelector('script[type="application/json"]').textContent);
    var panel = box.querySelector('.bp-panel'), count = box.querySelector('.bp-count');
    var head = box.querySelector('.bp-head'), keysNote = box.querySelector('.bp-keys');
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
    // Step numbers and local derivatives are shown once backward reaches their op.
    var opTexts = [], labelTexts = [];
    states.forEach(function (s, k) {
      var op = s.op && el(s.op), t = op && op.querySelector('text');
      opTexts.push(t ? {text: t, full: t.textContent,
                        bare: t.textContent.replace(/^#[0-9]+ /, '')} : null);
      var texts = [];
      (s.labels || []).forEach(function (e) {
        var g = el(e);
        if (g) g.querySelectorAll('text').forEach(function (x) {
          var full = x.textContent, cut = full.indexOf('∂');
          texts.push({text: x, full: full, bare: cut < 0 ? full : full.slice(0, cut).trim()});
        });
      });
      labelTexts.push(texts);
    });
    function reveal(k) {
      for (var j = 1; j < states.length; j++) {
        var shown = j <= k, o = opTexts[j];
        if (o) o.text.textContent = shown ? o.full : o.bare;
        labelTexts[j].forEach(function (x) {
          x.text.textContent = shown ? x.full : x.bare;
          x.text.classList.toggle('bp-unreached', !shown && x.bare === '');
        });
      }
    }
    function mark(id, cls) { var g = el(id); if (g) g.classList.add(cls); }
    var buttons = {};
    box.querySelectorAll('button[data-move]').forEach(function (b) {
      buttons[b.getAttribute('data-move')] = b;
    });
    var current = 0;
    var floating = false;
    function follow() {
      // Bring the current op into view below the sticky panel. Where the panel cannot stick (an
      // output area that scrolls on its own), it floats beside the op from then on, the space
      // it took kept free so that the graph does not move.
      var now = states[current], target = el(now.op || now.out);
      if (!target) return;
      var r = target.getBoundingClientRect(), p = head.getBoundingClientRect();
      var top = !floating && p.bottom > 0 && p.top < window.innerHeight ? p.bottom : 0;
      if (r.top < top || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth)
        target.scrollIntoView({block: 'center', inline: 'center'});
      if (!floating) {
        p = head.getBoundingClientRect();
        r = target.getBoundingClientRect();
        if (p.bottom < 0 || p.top > window.innerHeight || (p.bottom > r.top && p.top < r.bottom)) {
          floating = true;
          box.style.paddingTop = (head.offsetHeight + 8) + 'px';
          head.classList.add('bp-float');
        }
      }
      if (floating) {
        r = target.getBoundingClientRect();
        var b = box.getBoundingClientRect(), h = head.getBoundingClientRect().height;
        var fits = r.bottom + 8 + h <= window.innerHeight;
        head.style.top = (fits ? r.bottom - b.top + 8 : r.top - b.top - h - 8) + 'px';
      }
    }
    function show(k, move) {
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
      reveal(current);
      var now = states[current];
      if (now.op) mark(now.op, 'bp-current');
      now.edges.forEach(function (e) { mark(e, 'bp-flow'); });
      if (now.out) mark(now.out, 'bp-out');
      now.inputs.forEach(function (v) { mark(v, 'bp-in'); });
      panel.innerHTML = now.panel;
      count.textContent = 'step ' + current + ' / ' + (states.length - 1);
      buttons.first.disabled = buttons.prev.disabled = current === 0;
      buttons.next.disabled = buttons.last.disabled = current === states.length - 1;
      box.setAttribute('data-step', String(current));
      if (move) follow();
    }
    var moves = {first: function () { return 0; }, prev: function () { return current - 1; },
                 next: function () { return current + 1; },
                 last: function () { return states.length - 1; }};
    function activate() {
      document.querySelectorAll('.bp-step.bp-active').forEach(function (v) {
        v.classList.remove('bp-active');
      });
      box.classList.add('bp-active');
    }
    Object.keys(buttons).forEach(function (m) {
      buttons[m].addEventListener('click', function () { activate(); show(moves[m](), true); });
    });
    box.addEventListener('mousedown', activate);
    var keys = {ArrowRight: 'next', ArrowLeft: 'prev', Home: 'first', End: 'last'};
    box.bpKey = function (event) {
      var move = keys[event.key];
      if (!move) return;
      event.preventDefault();
      event.stopPropagation();
      show(moves[move](), true);
    };
    box.addEventListener('keydown', function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      box.bpKey(event);
    });
    if (liveNotebook()) {
      keysNote.textContent = 'Keys → ← Home End: click the view first (the notebook keeps ' +
                             'its own keys otherwise)';
    } else {
      keysNote.textContent = 'Keys → ← Home End work anywhere on this page';
      pageKeys();
    }
    show(0, false);
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
        f'<div class="bp-head"><div class="bp-bar">{buttons}<span class="bp-count"></span>'
        '<span class="bp-keys"></span>'
        '<span class="bp-nojs">(interactive when its script runs: run the cell, or trust the '
        "notebook; shown: the end of backward)</span></div>"
        f'<div class="bp-panel"></div>{_LEGEND}</div>'
        f"{svg}"
        f'<script type="application/json">{data}</script>'
        f"<script>{script}</script>"
        "</div>"
    )
