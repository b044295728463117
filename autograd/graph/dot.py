"""Turning a recorded graph into DOT text (the Graphviz language), deterministically.

Vertices: one per leaf tensor, one per constant operand, one per array an op keeps as an option
that a reader should see (cross_entropy's class indices), and for every op an op vertex (an
ellipse named like the op) feeding a value vertex (its result). Edges run forward, input to op
to result, one per operand in operand order: ``a + a`` draws two edges, and for ops where order
matters (``sub``, ``div``, ``pow``, ``matmul``, ``where``, ...) each edge says which argument it
is (``arg0``, ``arg1``). An edge along which backward sends no gradient (from an input, a target,
a constant) is dashed. With a traced backward, op vertices are numbered in the order backward ran
(``#1 mul``) and, where the op's output and the input are scalars, the edge carries the local
derivative ``∂=d(out)/d(input)``: an input's grad is the sum over its out-edges of
(grad of the op's output) × ∂ -- the chain rule, readable off the picture.

Layout: value vertices are ``shape=plain`` (the table is the whole vertex, so edges end on its
border); every text reserves its DejaVu Sans width (see ``labels``); a legend names the colours.
``rankdir=None`` picks left-to-right when the picture fits ``WIDTH_LIMIT`` that way (scalar
expressions) and top-to-bottom otherwise (models: a deep network grows downwards, the way a
notebook scrolls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..function import Node
from ..tensor import Tensor
from .clusters import Grouping
from .collapse import collapse_runs
from .formatting import format_number
from .labels import (
    CLUSTER_SIZE,
    EDGE_SIZE,
    HIDDEN,
    LEGEND_SIZE,
    MUTED,
    OP_SIZE,
    PENDING,
    VALUE_SIZE,
    ValueView,
    legend_label,
    op_size,
    text_label,
    value_label,
)
from .tracing import Trace, steps_by_node
from .walk import walk


def graphviz() -> Any:
    """The ``graphviz`` package, imported at first use, so that ``import autograd`` works
    without it; drawing without it says what to install."""
    try:
        import graphviz as package
    except ImportError:
        raise ImportError(
            "draw_graph needs the graphviz Python package: pip install graphviz"
        ) from None
    return package


COMMUTATIVE = frozenset({"add", "mul", "maximum", "minimum"})
FONT = "Helvetica"
EDGE_COLOR = "#4b5563"
WIDTH_LIMIT = 870.0  # points (1,160 px): a notebook column, with room for Graphviz's margins
NODESEP = 0.25  # inches between vertices of one rank
RANKSEP = 0.3  # inches between ranks
NOT_KEPT_HINT = (
    "interior values are not kept by backward(); run the forward inside "
    "`with autograd.trace() as tr:`, then tr.backward(root) and draw_graph(root, steps=tr)"
)


@dataclass
class Options:
    """The drawing options of ``draw_graph`` (see there)."""

    show_data: bool = True
    show_grad: bool = True
    rankdir: str | None = None
    group_modules: Any = None
    max_nodes: int = 500
    steps: Any = None
    legend: bool = True
    collapse: int | None = None
    element_ids: str | None = None  # prefix for SVG ids of vertices and edges (step-through)


@dataclass
class Drawing:
    """What ``build_dot`` returns: the DOT text and what the picture is made of."""

    source: str
    vertices: int
    edges: int
    notes: list[str] = field(default_factory=list)
    rankdir: str = "LR"
    # For the step-through view: vertex of each node / leaf, and the edges into each op.
    vertex_of: dict[Any, str] = field(default_factory=dict)
    op_vertex_of: dict[Node, str] = field(default_factory=dict)
    edge_ids: dict[Node, list[str]] = field(default_factory=dict)


def build_dot(root: Tensor, options: Options) -> Drawing:
    """The DOT source of the graph under ``root``, with its vertex and edge counts."""
    graph = walk(root)
    if graph.vertices > options.max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {graph.vertices} vertices, more than "
            f"max_nodes={options.max_nodes}; pass max_nodes={graph.vertices} (or more) to draw "
            "it anyway, or draw a sub-graph: draw_graph(some_intermediate_tensor)"
        )
    return _Builder(root, graph.nodes, options).build()


def target_arrays(node: Node) -> list[tuple[str, np.ndarray]]:
    """Arrays ``node`` keeps as an option that a reader should see as inputs (loss targets)."""
    option = node.fn.target  # a loss declares its target (``Function.target``)
    if not isinstance(option, str):
        return []
    value = getattr(node, option, None)
    if isinstance(value, np.ndarray):
        return [(option, value)]
    # A structured option (cross_entropy keeps a named tuple): its first array field.
    for part in getattr(value, "_fields", ()):
        array = getattr(value, part)
        if isinstance(array, np.ndarray):
            return [(option, array)]
    return []


class _Builder:
    def __init__(self, root: Tensor, nodes: list[Node], options: Options) -> None:
        self.root = root
        self.nodes = nodes
        self.options = options
        steps = options.steps
        self.steps = steps_by_node(steps)
        self.trace = steps if isinstance(steps, Trace) else None
        if self.steps and nodes and not any(node in self.steps for node in nodes):
            raise ValueError(
                "draw_graph: steps= was traced on a different graph (none of its steps ran on "
                "the graph of this root); pass the trace that ran backward from this root"
            )
        model = options.group_modules
        grouped = model is not None and model is not False
        self.grouping = Grouping(None if model is True else model) if grouped else None
        self.targets = self._find_targets()
        self.ids: dict[Any, str] = {}
        self.members: dict[Any, list[tuple[str, dict[str, str]]]] = {}
        self.sizes: dict[str, tuple[float, float]] = {}
        self.frame_of: dict[str, Any] = {}
        self.op_sources: list[tuple[Any, list[str]]] = []  # (frame, input vertices) per op
        self.hidden_frames: set[Any] = set()  # module calls left out (see collapse.collapse_runs)
        self.results: set[str] = set()  # the value vertices of op results
        # (tail, head, label text, gradient flows along it)
        self.edges: list[tuple[str, str, str | None, bool]] = []
        self.roles: set[str] = set()
        self.bad = False
        self.hidden_values = False
        self.derivatives = False
        self.drawing = Drawing("", 0, 0)
        self._count = 0

    def _find_targets(self) -> set[int]:
        found = set()
        for node in self.nodes:
            position = node.fn.target  # a loss declares its target (``Function.target``)
            if isinstance(position, int) and position < len(node.inputs):
                link = node.inputs[position]
                if isinstance(link, Tensor) and not link.requires_grad:
                    found.add(id(link))
        return found

    # ----- vertices --------------------------------------------------------------------------
    def new_vertex(self, prefix: str) -> str:
        """A fresh vertex id: ``prefix`` and a running number."""
        # Ids count vertices in the order the walk meets them: never id(), so runs agree.
        self._count += 1
        return f"{prefix}{self._count - 1}"

    def place(self, frame: Any, vertex: str, attrs: dict[str, str]) -> None:
        """Put ``vertex`` with its DOT ``attrs`` into the cluster of ``frame`` (None: the top)."""
        if self.options.element_ids is not None:
            attrs["id"] = self.options.element_ids + vertex
        self.frame_of[vertex] = frame
        self.members.setdefault(frame, []).append((vertex, attrs))

    def _leaf(self, leaf: Tensor) -> str:
        vertex = self.ids.get(leaf)
        if vertex is not None:
            return vertex
        vertex = self.new_vertex("v")
        self.ids[leaf] = vertex
        grouping = self.grouping
        name = grouping.leaf_name(leaf) if grouping else leaf.name
        if leaf is self.root:
            role = "output"
        elif leaf.requires_grad:
            role = "parameter"
        else:
            role = "target" if id(leaf) in self.targets else "input"
        grad: Any = HIDDEN
        if leaf.requires_grad:
            grad = PENDING if leaf.grad is None else np.asarray(leaf.grad)
        view = ValueView(role, leaf.shape, leaf.dtype, name, leaf.data, grad)
        frame = grouping.frame_of_leaf(leaf) if grouping else None
        self.place(frame, vertex, self._value_attrs(vertex, view))
        return vertex

    def _constant(self, value: Any, frame: Any, role: str = "constant", name: Any = None) -> str:
        vertex = self.new_vertex("c")
        array = np.asarray(value)
        view = ValueView(role, array.shape, array.dtype, name, array, HIDDEN)
        self.place(frame, vertex, self._value_attrs(vertex, view))
        return vertex

    def _value_attrs(self, vertex: str, view: ValueView) -> dict[str, str]:
        options = self.options
        label = value_label(view, show_data=options.show_data, show_grad=options.show_grad)
        self.roles.add(view.role)
        self.bad = self.bad or label.bad
        self.sizes[vertex] = (label.width, label.height)
        return {"label": label.html, "shape": "plain"}

    def _result_view(self, node: Node) -> ValueView:
        role = "output" if node is self.root.grad_fn else "intermediate"
        step = self.steps.get(node)
        data = None
        if node is self.root.grad_fn:
            data = self.root.data
        elif step is not None and step.output is not None:
            data = step.output
        elif self.trace is not None:
            data = self.trace.value(node)
        retained = node.retained() if node.retained is not None else None
        if data is None and retained is not None:
            data = retained.data
        grad: Any = HIDDEN
        if step is not None:
            grad = step.grad_out
        elif retained is not None and retained.grad is not None:
            grad = np.asarray(retained.grad)
        elif self.options.steps is not None:
            grad = PENDING
        if data is None:
            self.hidden_values = True
        return ValueView(role, tuple(node.shape), node.dtype, node.name, data, grad)

    # ----- edges -----------------------------------------------------------------------------
    def _edge_labels(self, node: Node) -> list[str | None]:
        """One label per operand: ``argN`` where order matters, ``∂=...`` where it is known."""
        count = len(node.inputs)
        positional = count > 1 and node.fn.name not in COMMUTATIVE
        step = self.steps.get(node)
        derivatives = step.local_derivatives() if step is not None else (None,) * count
        labels = []
        for position, derivative in enumerate(derivatives):
            parts = [f"arg{position}"] if positional else []
            if derivative is not None:
                parts.append(f"∂={format_number(derivative)}")
                self.derivatives = True
            labels.append(" ".join(parts) or None)
        return labels

    # ----- assembly --------------------------------------------------------------------------
    def build(self) -> Drawing:
        grouping = self.grouping
        frames = {}
        if grouping is not None:
            for node in self.nodes:  # register clusters first: leaves are placed by owner
                frames[node] = grouping.frame_of(node)
        if not self.nodes:
            self._leaf(self.root)
        drawing = self.drawing
        for node in self.nodes:
            frame = frames.get(node)
            sources = []
            for link in node.inputs:
                if isinstance(link, Node):
                    sources.append(self.ids[link])
                elif isinstance(link, Tensor):
                    sources.append(self._leaf(link))
                else:
                    sources.append(self._constant(link, frame))
            flows = list(node.needs_input_grad)
            labels = self._edge_labels(node)
            for option, array in target_arrays(node):
                sources.append(self._constant(array, frame, "target", option))
                flows.append(False)
                labels.append(None)
            self.op_sources.append((frame, sources))
            op_vertex = self.new_vertex("f")
            value_vertex = self.new_vertex("v")
            self.ids[node] = value_vertex
            self.results.add(value_vertex)
            drawing.vertex_of[node] = value_vertex
            drawing.op_vertex_of[node] = op_vertex
            self.place(frame, op_vertex, self._op_attrs(node, op_vertex))
            self.place(
                frame, value_vertex, self._value_attrs(value_vertex, self._result_view(node))
            )
            first = len(self.edges)
            for source, label, flow in zip(sources, labels, flows):
                self.edges.append((source, op_vertex, label, flow))
            drawing.edge_ids[node] = [f"e{i}" for i in range(first, first + len(node.inputs))]
            self.edges.append((op_vertex, value_vertex, None, True))
        for leaf, vertex in self.ids.items():
            if isinstance(leaf, Tensor):
                drawing.vertex_of[leaf] = vertex
        return self._emit()

    def _layout_edges(self, rankdir: str) -> list[tuple[str, str]]:
        """Invisible edges that rank an op's own leaves (a Linear's weight and bias, a Dropout's
        mask) below the value flowing into the op, in top-to-bottom layouts and in clusters.

        Without them Graphviz puts those leaves level with that value: clusters then share
        ranks and sit side by side, and a deep model drifts sideways layer after layer. With
        them it stacks, no wider than its widest layer.
        """
        grouped = self.grouping is not None
        if not grouped and rankdir not in ("TB", "BT"):
            return []  # a scalar expression reads best with its leaves side by side
        found = []
        for frame, sources in self.op_sources:
            if grouped:  # the value entering this op's cluster
                incoming = next((s for s in sources if self.frame_of[s] is not frame), None)
            else:  # the first operand computed by another op
                incoming = next((s for s in sources if s in self.results), None)
            if incoming is None:
                continue
            for source in sources:
                # (leaves and constants, not op results: those are ranked by their own op)
                if source not in self.results and self.frame_of[source] is frame:
                    found.append((incoming, source))
        return list(dict.fromkeys(found))

    def _op_attrs(self, node: Node, vertex: str) -> dict[str, str]:
        step = self.steps.get(node)
        text = node.fn.name if step is None else f"#{step.index} {node.fn.name}"
        width, height = op_size(text)
        self.sizes[vertex] = (width, height)
        return {
            "label": graphviz().nohtml(text),
            "shape": "ellipse",
            "width": f"{width / 72:.2f}",
            "style": "filled",
            "fillcolor": "white",
            "color": EDGE_COLOR,
        }

    def _rankdir(self) -> str:
        if self.options.rankdir is not None:
            return self.options.rankdir
        return "LR" if self._estimated_lr_width() <= WIDTH_LIMIT else "TB"

    def _estimated_lr_width(self) -> float:
        """How wide a left-to-right layout would be: the widest vertex of each rank, summed."""
        rank: dict[str, int] = {}
        for members in self.members.values():
            for vertex, _ in members:
                rank[vertex] = 0
        labelled = set()
        for tail, head, label, _ in self.edges:  # tails are always created before heads
            rank[head] = max(rank[head], rank[tail] + 1)
            if label:
                labelled.add(rank[tail])
        widest: dict[int, float] = {}
        for vertex, r in rank.items():
            widest[r] = max(widest.get(r, 0.0), self.sizes.get(vertex, (0.0, 0.0))[0])
        gaps = (len(widest) - 1) * RANKSEP * 72 + len(labelled) * 40
        return sum(widest.values()) + gaps

    def _legend_parts(self) -> tuple[list[str], list[str]]:
        notes = []
        if self.steps:
            notes.append("#n: backward order")
        if self.derivatives:
            notes.append("∂: local derivative")
        if any(not flow for *_, flow in self.edges):
            notes.append("dashed edge: no gradient")
        return sorted(self.roles), notes

    def _emit(self) -> Drawing:
        collapse_runs(self)
        rankdir = self._rankdir()
        dot = graphviz().Digraph(
            "backproplab",
            graph_attr={
                "rankdir": rankdir,
                "fontname": FONT,
                "fontsize": f"{LEGEND_SIZE:g}",
                "nodesep": f"{NODESEP:g}",
                "ranksep": f"{RANKSEP:g}",
            },
            node_attr={"fontname": FONT, "fontsize": f"{VALUE_SIZE:g}"},
            edge_attr={
                "fontname": FONT,
                "fontsize": f"{EDGE_SIZE:g}",
                "color": EDGE_COLOR,
                "arrowsize": "0.7",
            },
        )
        if self.options.legend:
            roles, notes = self._legend_parts()
            dot.attr(label=legend_label(roles, notes, self.bad), labelloc="t", labeljust="l")
        self._fill(dot, None)
        count = sum(len(members) for members in self.members.values())
        prefix = self.options.element_ids
        for index, (tail, head, label, flow) in enumerate(self.edges):
            attrs: dict[str, str] = {}
            if label:
                attrs["label"] = text_label(label, EDGE_SIZE, color=MUTED)[0]
            if not flow:
                attrs["style"] = "dashed"
            if prefix is not None:
                attrs["id"] = f"{prefix}e{index}"
            dot.edge(tail, head, **attrs)
        for tail, head in self._layout_edges(rankdir):
            dot.edge(tail, head, style="invis")
        drawing = self.drawing
        drawing.source = dot.source
        drawing.vertices = count
        drawing.edges = len(self.edges)
        drawing.rankdir = rankdir
        if self.hidden_values and self.options.show_data:
            drawing.notes.append(NOT_KEPT_HINT)
        return drawing

    def _fill(self, graph: Any, frame: Any) -> None:
        for vertex, attrs in self.members.get(frame, []):
            if attrs.get("shape") == "ellipse":
                attrs = {**attrs, "fontsize": f"{OP_SIZE:g}"}
            graph.node(vertex, **attrs)
        if self.grouping is None:
            return
        for child in self.grouping.children(frame):
            if child in self.hidden_frames:
                continue
            cluster = graphviz().Digraph(name=f"cluster_{self.grouping.clusters[child]}")
            cluster.attr(
                label=text_label(self.grouping.labels[child], CLUSTER_SIZE, color=MUTED)[0],
                labeljust="l",
                style="rounded,dashed",
                color=MUTED,
            )
            self._fill(cluster, child)
            graph.subgraph(cluster)
