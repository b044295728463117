"""The page the stepper view is made of: its HTML, CSS and JavaScript (see ``stepper``).

``fragment`` puts together one self-contained piece of HTML: the graph as inline SVG (from
``inline_svg``: Graphviz's document without prolog or comments, with the reversed arrowhead the
gradient edges get), a bar of buttons, the panel, a legend of the colours (``_LEGEND``), the style
(``_STYLE``, scoped to the view's id) and the states of the steps as JSON, read by a few lines of
JavaScript (``_SCRIPT``) that mark the current op, its edges and the values receiving a gradient,
fill in the grad rows, follow the op as it moves and take the arrow keys. Nothing is fetched.
"""

from __future__ import annotations

import json
import re


def inline_svg(svg: str, ident: str) -> str:
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


def fragment(ident: str, svg: str, states: list[dict]) -> str:
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
