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
from graph_helpers import micrograd_expression, vertex_text
from svg_geometry import Picture, Shape, Text, overlaps, parse

import autograd
import nn
from autograd.graph import renderer
from autograd.graph.labels import FILL
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


_KEEP: list[autograd.Tensor] = []  # the learner's own inputs stay alive, as in a notebook


def cnn_step(view=None):
    """A small CNN's traced step on (2, 1, 8, 8) images that need no grad (im2col copies them
    outside the graph)."""
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10)
    )
    images = autograd.Tensor(np.random.default_rng(0).normal(size=(2, 1, 8, 8)), name="images")
    _KEEP.append(images)
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(images.astype(np.float32)), autograd.Tensor(np.array([3, 7])))
        loss.name = "loss"
    tr.backward(loss)
    return autograd.draw_graph(loss, steps=tr, group_modules=model, view=view, max_nodes=2000)


def transformer_step(layers=2, view=None, expand=()):
    """A TransformerEncoder's traced step on (5, 2, 16) tokens (sequence first: attention swaps
    their axes outside the graph)."""
    autograd.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.1)
    model = nn.TransformerEncoder(layer, layers)
    tokens = autograd.Tensor(
        np.random.default_rng(0).normal(size=(5, 2, 16)).astype(np.float32), name="tokens"
    )
    _KEEP.append(tokens)
    with autograd.trace() as tr:
        loss = (model(tokens) ** 2).mean()
        loss.name = "loss"
    tr.backward(loss)
    return autograd.draw_graph(
        loss, steps=tr, group_modules=model, view=view, expand=expand, max_nodes=2000
    )


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
    "cnn": cnn_step,
    "cnn_ops": lambda: cnn_step("ops"),
    "transformer": transformer_step,
    "transformer_layer_0": lambda: transformer_step(expand="layers.0"),
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


# ----- the learner's inputs, and screens ---------------------------------------------------------
def _input_boxes(source: str) -> list[str]:
    """The plain text of every input box (blue fill) in a DOT source."""
    found = []
    for line in source.splitlines():
        vertex = re.match(r"\s*(\w+) \[label=<<TABLE", line)  # (not the legend's label)
        if vertex and f'BGCOLOR="{FILL["input"]}"' in line:
            found.append(vertex_text(source, vertex.group(1) + " [label="))
    return found


@pytest.mark.parametrize("view", [None, "ops"])
def test_the_cnn_draws_its_images_once(view):
    source = cnn_step(view).source
    inputs = _input_boxes(source)
    assert [text.split()[0] for text in inputs] == ["images"], inputs
    assert source.count("<B>images</B>") == 1
    assert "(128, 9)" not in source.split("label=<<TABLE")[0]  # no anonymous im2col matrix
    if view == "ops":  # where the copy enters the graph: one dashed op says what copied it
        assert 'label="astype → im2col → reshape"' in source


@pytest.mark.parametrize("view", [None, "ops"])
def test_the_transformer_draws_its_tokens_once_and_no_anonymous_input(view):
    source = transformer_step(view=view).source
    inputs = _input_boxes(source)
    assert [text.split()[0] for text in inputs] == ["tokens"], inputs
    assert source.count("<B>tokens</B>") == 1


def test_an_input_whose_source_is_gone_says_how_it_was_made():
    x = autograd.Tensor(np.ones((2, 3)), name="x")
    w = autograd.Tensor(np.ones(2), requires_grad=True, name="w")
    y = (x.T @ w).sum()
    del x  # the learner dropped it: its copy is drawn, named by the op that made it
    assert vertex_text(autograd.draw_graph(y).source, "<B>from transpose</B>").startswith(
        "from transpose (3, 2)"
    )


SCREEN_PX = 1200  # one screen
COLUMN_PX = 1000  # the width a notebook column shows a picture at
SIZE_TARGETS = {  # name: (width, height) at most, px at 100 % zoom
    "demo_step": (1100, 1200),
    "deep_grouped": (SCREEN_PX, SCREEN_PX),
    "transformer": (SCREEN_PX, SCREEN_PX),
    "cnn": (SCREEN_PX, SCREEN_PX),
}


@pytest.mark.parametrize("name", sorted(SIZE_TARGETS))
def test_models_fit_one_screen_and_text_stays_readable(program, name):
    graph, picture = rendered(program, name)
    width, height = picture.width * PX_PER_PT, picture.height * PX_PER_PT
    most_wide, most_tall = SIZE_TARGETS[name]
    assert width <= most_wide and height <= most_tall, f"{name}: {width:.0f} x {height:.0f} px"
    # The smallest text, at the scale a notebook column shows the picture: at least 10 px.
    smallest = min(
        text.size for shape in [*picture.nodes.values(), *picture.clusters] for text in shape.texts
    )
    scale = min(1.0, COLUMN_PX / width)
    assert smallest * PX_PER_PT * scale >= 10, f"{name}: text of {smallest} pt at {scale:.2f}"
