"""Shared pieces for the graph tests: a micrograd expression, a tiny module system, snapshots."""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path

import numpy as np

import autograd

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "BACKPROPLAB_UPDATE_SNAPSHOTS"


def assert_snapshot(name: str, text: str) -> None:
    """Compare ``text`` with snapshots/<name>; set BACKPROPLAB_UPDATE_SNAPSHOTS=1 to rewrite."""
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; run once with {UPDATE_ENV}=1 and review it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "\n".join(
            difflib.unified_diff(expected.splitlines(), text.splitlines(), "snapshot", "now")
        )
        raise AssertionError(f"DOT differs from {path}:\n{diff}")


def micrograd_expression() -> dict[str, autograd.Tensor]:
    """L = (a*b + c) * f with micrograd's numbers; the named tensors by name."""
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(-3.0, requires_grad=True, name="b")
    c = autograd.Tensor(10.0, requires_grad=True, name="c")
    f = autograd.Tensor(-2.0, requires_grad=True, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    L = d * f
    L.name = "L"
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


def vertex_line(source: str, text: str) -> str:
    """The one DOT line declaring the vertex whose label contains ``text``."""
    lines = [line for line in source.splitlines() if "[label=" in line and text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def vertex_id(source: str, text: str) -> str:
    """The DOT id of the vertex whose label contains ``text``."""
    return vertex_line(source, text).split()[0]


def html_label(attrs: str) -> str | None:
    """The HTML-like label (``<...>``, nested brackets and all) in a DOT attribute list."""
    start = attrs.find("label=<")
    if start < 0:
        return None
    depth = 0
    for end in range(start + 6, len(attrs)):
        depth += {"<": 1, ">": -1}.get(attrs[end], 0)
        if depth == 0:
            return attrs[start + 6 : end + 1]
    raise AssertionError(f"unbalanced label in {attrs!r}")


def plain(label: str) -> str:
    """The text of an HTML-like label: tags dropped, cells joined by one space."""
    text = re.sub(r"<[^<>]*>", " ", label[1:-1])
    return " ".join(html.unescape(text).split())


def vertex_text(source: str, text: str) -> str:
    """The plain text of the vertex whose DOT line contains ``text`` (e.g. ``<B>a</B>``)."""
    return plain(html_label(vertex_line(source, text)))


def edges(source: str, *, invisible: bool = False) -> list[tuple[str, str, str | None]]:
    """(tail, head, label text) for every drawn edge (and the invisible ones if asked)."""
    found = []
    for match in re.finditer(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", source, re.M):
        attrs = match.group(3) or ""
        if "style=invis" in attrs and not invisible:
            continue
        label = html_label(attrs)
        found.append((match.group(1), match.group(2), plain(label) if label else None))
    return found


class Affine:
    """A stand-in for nn.Linear: y = x @ w.T + b, calls scoped like Module.__call__ will be."""

    def __init__(self, w: np.ndarray, b: np.ndarray) -> None:
        self.in_features = w.shape[1]
        self.out_features = w.shape[0]
        self.weight = autograd.Tensor(w, requires_grad=True)
        self.bias = autograd.Tensor(b, requires_grad=True)

    def named_modules(self):
        yield "", self

    def named_parameters(self, recurse: bool = True):
        yield "weight", self.weight
        yield "bias", self.bias

    def __call__(self, x: autograd.Tensor) -> autograd.Tensor:
        with autograd.scope(self):
            return x @ self.weight.T + self.bias


class TwoLayer:
    """A stand-in for Sequential(Affine, tanh, Affine) with torch-style named_modules."""

    def __init__(self) -> None:
        self.fc1 = Affine(np.array([[0.5, -1.0], [1.5, 0.25]]), np.array([0.1, -0.2]))
        self.fc2 = Affine(np.array([[1.0, -2.0]]), np.array([0.5]))

    def named_modules(self):
        yield "", self
        yield "fc1", self.fc1
        yield "fc2", self.fc2

    def named_parameters(self, recurse: bool = True):
        return iter(())

    def __call__(self, x: autograd.Tensor) -> autograd.Tensor:
        with autograd.scope(self):
            return self.fc2(self.fc1(x).tanh())
