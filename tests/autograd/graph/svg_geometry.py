"""Reading Graphviz's SVG back: vertex outlines, edge ends, text boxes, measured as drawn.

Graphviz writes every vertex as ``<g class="node">`` (a value table's outline is a polygon, an op
is an ellipse), every edge as ``<g class="edge">`` (a path from the tail and an arrowhead
polygon whose tip touches the head), every cluster as ``<g class="cluster">`` and every line of
text as a ``<text>`` placed by its start (``text-anchor="start"``) or its middle. All share one
coordinate system (points), so they can be compared directly.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from autograd.graph.metrics import text_width

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@dataclass
class Shape:
    """A vertex or cluster outline: a box (x0, y0, x1, y1) or an ellipse (cx, cy, rx, ry)."""

    name: str
    box: tuple[float, float, float, float]
    ellipse: tuple[float, float, float, float] | None = None
    texts: list[Text] = field(default_factory=list)

    def distance(self, x: float, y: float) -> float:
        """How far (x, y) is from the outline (0 on it)."""
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse

            # The nearest point of the outline: the closest of 720 around it, then refined.
            def gap(angle: float) -> float:
                return math.hypot(x - cx - rx * math.cos(angle), y - cy - ry * math.sin(angle))

            best = min((k * math.pi / 360 for k in range(720)), key=gap)
            step = math.pi / 360
            for _ in range(30):
                best = min((best - step, best, best + step), key=gap)
                step /= 2
            return gap(best)
        x0, y0, x1, y1 = self.box
        if x0 <= x <= x1 and y0 <= y <= y1:
            return min(x - x0, x1 - x, y - y0, y1 - y)
        return math.hypot(max(x0 - x, 0, x - x1), max(y0 - y, 0, y - y1))


@dataclass
class Text:
    """One line of text: where Graphviz put it, and the box it takes in DejaVu Sans."""

    content: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool

    @property
    def top(self) -> float:
        return self.baseline - 0.76 * self.size  # DejaVu's cap height is 0.73 em

    @property
    def bottom(self) -> float:
        return self.baseline + 0.24 * self.size  # its descent is 0.24 em


@dataclass
class Edge:
    title: str
    start: tuple[float, float]
    tip: tuple[float, float]
    labels: list[Text]


@dataclass
class Picture:
    width: float  # points, as the <svg> element says
    height: float
    nodes: dict[str, Shape]
    clusters: list[Shape]
    edges: list[Edge]
    legend: list[Text]


def _points(text: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in NUMBER.findall(text)]
    return list(zip(numbers[::2], numbers[1::2]))


def _bounds(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def dejavu_width(content: str, size: float, bold: bool) -> float:
    """Width of ``content`` in DejaVu Sans at ``size`` points (``autograd.graph.metrics``'s table,
    which test_graph_metrics checks against the font file; Chromium measures the real thing in
    test_graph_browser)."""
    return text_width(content, size, bold=bold)


def _text(element: ET.Element) -> Text:
    content = "".join(element.itertext())
    size = float(element.get("font-size", "14"))
    bold = element.get("font-weight") == "bold"
    width = dejavu_width(content, size, bold)
    x = float(element.get("x"))
    anchor = element.get("text-anchor", "start")
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Text(content, x0, x0 + width, float(element.get("y")), size, bold)


def parse(svg: str | bytes) -> Picture:
    """The geometry of a Graphviz SVG (see the module docstring)."""
    root = ET.fromstring(svg)
    width = float(root.get("width").removesuffix("pt"))
    height = float(root.get("height").removesuffix("pt"))
    nodes: dict[str, Shape] = {}
    clusters: list[Shape] = []
    edges: list[Edge] = []
    legend: list[Text] = []
    graph = root.find(f"{SVG}g")
    for group in graph.iter(f"{SVG}g"):
        kind = group.get("class")
        title = group.findtext(f"{SVG}title", "")
        texts = [_text(t) for t in group.iter(f"{SVG}text")]
        if kind == "node":
            ellipse = group.find(f"{SVG}ellipse")
            if ellipse is not None:
                e = tuple(float(ellipse.get(k)) for k in ("cx", "cy", "rx", "ry"))
                box = (e[0] - e[2], e[1] - e[3], e[0] + e[2], e[1] + e[3])
                nodes[title] = Shape(title, box, e, texts)
            else:
                points = [
                    p for poly in group.iter(f"{SVG}polygon") for p in _points(poly.get("points"))
                ]
                # (a rounded box, as the module view draws, is a path)
                points += [p for path in group.iter(f"{SVG}path") for p in _points(path.get("d"))]
                nodes[title] = Shape(title, _bounds(points), None, texts)
        elif kind == "cluster":
            outline = group.find(f"{SVG}path")
            if outline is None:
                outline = group.find(f"{SVG}polygon")
            points = _points(outline.get("d") or outline.get("points"))
            clusters.append(Shape(title, _bounds(points), None, texts))
        elif kind == "edge":
            path = group.find(f"{SVG}path")
            if path is None:
                continue  # an invisible edge
            line = _points(path.get("d"))
            heads = [_points(p.get("points")) for p in group.iter(f"{SVG}polygon")]
            end = line[-1]
            tip = max(heads[0], key=lambda p: math.dist(p, end)) if heads else end
            edges.append(Edge(title, line[0], tip, texts))
    for element in graph.findall(f"{SVG}text"):  # the graph's own label: the legend
        legend.append(_text(element))
    for group in graph.findall(f"{SVG}g"):
        if group.get("class") not in ("node", "edge", "cluster"):
            legend += [_text(t) for t in group.iter(f"{SVG}text")]
    return Picture(width, height, nodes, clusters, edges, legend)


def overlaps(a: Text, b: Text, slack: float = 0.5) -> bool:
    """True when the two text boxes share more than ``slack`` points both ways."""
    horizontal = min(a.x1, b.x1) - max(a.x0, b.x0)
    vertical = min(a.bottom, b.bottom) - max(a.top, b.top)
    return horizontal > slack and vertical > slack
