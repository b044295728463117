"""The rendered pictures, measured: edges end on their boxes, text fits in DejaVu Sans (the widest
font a Linux browser substitutes), nothing collides, and model graphs fit a notebook column.

Each picture is rendered by graphviz-pure and, where installed, by Graphviz's ``dot``: their
layouts differ, and each must pass.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from graph_helpers import micrograd_expression
from svg_geometry import Picture, Shape, Text, overlaps, parse

import autograd
import nn
from autograd.graph import renderer
from nn import functional as F

TOLERANCE = 2.5  # points: an edge end is "on" a box when this close to its outline (graphviz-pure
# clips edges at ellipses up to ~2 pt short)
COLUMN_PX = 1200  # a notebook column
PX_PER_PT = 96 / 72  # a browser shows an SVG's "pt" at 96 px per inch


def _pure() -> str | None:
    found = [str(c) for c in renderer._pure_candidates() if renderer._executable(c)]
    return found[0] if found else shutil.which(renderer.PURE)


PROGRAMS = {"graphviz-pure": _pure(), "dot": shutil.which("dot")}


@pytest.fixture(params=sorted(PROGRAMS))
def program(request, monkeypatch):
    """Each renderer in turn (skipped where it is not installed), via $BACKPROPLAB_DOT."""
    path = PROGRAMS[request.param]
    if path is None:
        pytest.skip(f"{request.param} is not installed")
    monkeypatch.setenv(renderer.ENV_VAR, path)
    return request.param


# ----- the pictures ------------------------------------------------------------------------------
def micrograd_traced():
    with autograd.trace() as tr:
        t = micrograd_expression()
    tr.backward(t["L"])
    return autograd.draw_graph(t["L"], steps=tr)


def micrograd_untraced():
    return autograd.draw_graph(micrograd_expression()["L"])


def ordered_arguments():
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(3.0, requires_grad=True, name="b")
    v = autograd.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="v")
    with autograd.trace() as tr:
        y = (a - b) + (v / b).sum() + autograd.where(np.array(True), a, b) ** 2.0
        y.name = "y"
    tr.backward(y)
    return autograd.draw_graph(y, steps=tr)


def linear_regression():  # notebook 2's tensor example
    X = autograd.Tensor(np.arange(12.0).reshape(4, 3) / 7, name="X")
    t = autograd.Tensor(np.array([[1.0], [-1.0], [2.0], [0.5]]), name="t")
    w = autograd.Tensor(np.array([[0.5], [-1.0], [2.0]]), requires_grad=True, name="w")
    b = autograd.Tensor(np.array(0.1), requires_grad=True, name="b")
    with autograd.trace() as tr:
        y_hat = X @ w + b
        y_hat.name = "y_hat"
        loss = ((y_hat - t) ** 2).mean()
        loss.name = "loss"
    tr.backward(loss)
    return autograd.draw_graph(loss, steps=tr)


def non_finite():
    w = autograd.Tensor(np.array([1.0, 0.0, 2.0]), requires_grad=True, name="w")
    with np.errstate(divide="ignore"):
        y = (1.0 / w).sum()
        y.backward()
    return autograd.draw_graph(y)


def mlp_step(hidden, dropout, batch=8, grouped=True, collapse=12):
    """One traced training step of a 64-...-10 MLP on digit-like data (the demo's shape)."""
    autograd.manual_seed(0)
    layers, width = [], 64
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else [])
        width = h
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    rng = np.random.default_rng(0)
    x = autograd.Tensor(rng.normal(size=(batch, 64)).astype(np.float32), name="x")
    y = autograd.Tensor(rng.integers(0, 10, size=batch))
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(x), y)
        loss.name = "loss"
    tr.backward(loss)
    group = model if grouped else None
    return autograd.draw_graph(loss, steps=tr, group_modules=group, collapse=collapse)


def demo_step():
    return mlp_step([128, 64], 0.2)


def deep_grouped():
    return mlp_step([16] * 29, 0.0)


def deep_grouped_in_full():
    return mlp_step([16] * 29, 0.0, collapse=None)


def deep_flat():
    return mlp_step([16] * 29, 0.0, grouped=False)


PICTURES = {
    "micrograd_traced": micrograd_traced,
    "micrograd_untraced": micrograd_untraced,
    "ordered_arguments": ordered_arguments,
    "linear_regression": linear_regression,
    "non_finite": non_finite,
    "demo_step": demo_step,
    "deep_grouped": deep_grouped,
    "deep_grouped_in_full": deep_grouped_in_full,
    "deep_flat": deep_flat,
}


# ----- the checks --------------------------------------------------------------------------------
def _inside(text: Text, shape: Shape, margin: float = 0.5) -> bool:
    if shape.ellipse is not None:
        cx, cy, rx, ry = shape.ellipse
        corners = [(x, y) for x in (text.x0, text.x1) for y in (text.top, text.bottom)]
        return all(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0 for x, y in corners)
    x0, y0, x1, y1 = shape.box
    return (
        x0 + margin <= text.x0 and text.x1 <= x1 - margin and y0 <= text.top and text.bottom <= y1
    )


def _touches(text: Text, shape: Shape) -> bool:
    if shape.ellipse is not None:
        cx, cy, rx, ry = shape.ellipse
        corners = [(x, y) for x in (text.x0, text.x1) for y in (text.top, text.bottom)]
        return any(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1.0 for x, y in corners)
    x0, y0, x1, y1 = shape.box
    return (
        text.x0 < x1 - 0.5 and x0 + 0.5 < text.x1 and text.top < y1 - 0.5 and y0 + 0.5 < text.bottom
    )


def check(picture: Picture) -> None:
    """Every measured property of a good picture (see the module docstring)."""
    problems = []
    for edge in picture.edges:
        tail, head = edge.title.split("->")
        start = picture.nodes[tail].distance(*edge.start)
        tip = picture.nodes[head].distance(*edge.tip)
        if start > TOLERANCE or tip > TOLERANCE:
            problems.append(f"edge {edge.title}: starts {start:.1f} pt, ends {tip:.1f} pt away")
        for label in edge.labels:
            for shape in picture.nodes.values():
                if _touches(label, shape):
                    problems.append(f"edge label {label.content!r} runs into {shape.name}")
    for shape in picture.nodes.values():
        for text in shape.texts:
            if not _inside(text, shape):
                problems.append(f"{shape.name}: {text.content!r} spills out of its box")
        for i, a in enumerate(shape.texts):
            for b in shape.texts[i + 1 :]:
                if overlaps(a, b):
                    problems.append(f"{shape.name}: {a.content!r} runs into {b.content!r}")
    for cluster in picture.clusters:
        for text in cluster.texts:
            if not _inside(text, cluster):
                problems.append(f"cluster {cluster.name}: {text.content!r} spills out")
    for i, a in enumerate(picture.legend):
        assert a.x1 <= picture.width, f"legend {a.content!r} is cut off"
        problems += [
            f"legend {a.content!r} runs into {b.content!r}"
            for b in picture.legend[i + 1 :]
            if overlaps(a, b)
        ]
    assert not problems, "\n".join(problems)


_RENDERED: dict[tuple[str, str], tuple[autograd.Graph, Picture]] = {}


def rendered(program: str, name: str) -> tuple[autograd.Graph, Picture]:
    """The picture ``name`` drawn and rendered by ``program`` (once per test session)."""
    if (program, name) not in _RENDERED:
        graph = PICTURES[name]()
        _RENDERED[program, name] = graph, parse(graph.pipe("svg"))
    return _RENDERED[program, name]


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_edges_end_on_their_boxes_and_text_fits(program, name):
    graph, picture = rendered(program, name)
    assert len(picture.nodes) == graph.vertices
    assert len(picture.edges) == graph.edges
    check(picture)


@pytest.mark.parametrize("name", ["demo_step", "deep_grouped", "deep_grouped_in_full", "deep_flat"])
def test_model_graphs_fit_a_notebook_column(program, name):
    picture = rendered(program, name)[1]
    width = picture.width * PX_PER_PT
    assert width <= COLUMN_PX, f"{name} is {width:.0f} px wide ({program})"


def test_a_broken_picture_is_caught(program):
    """The checks themselves: an edge that stops short and a box too narrow for its text."""
    graph = micrograd_traced()
    short = graph.source.replace("shape=plain", "shape=plaintext", 1)  # min width: edges stop short
    picture = parse(renderer.render_bytes(short, "svg"))
    with pytest.raises(AssertionError, match="away"):
        check(picture)
    # Without the widths reserved for DejaVu, boxes are sized for Helvetica: text spills out.
    narrow = re.sub(r' WIDTH="\d+"', "", micrograd_untraced().source)
    picture = parse(renderer.render_bytes(narrow, "svg"))
    with pytest.raises(AssertionError, match="spills out|runs into"):
        check(picture)
