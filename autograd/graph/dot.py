"""Turning a recorded graph into DOT text (the Graphviz language), deterministically.

Vertices: one per leaf tensor, one per constant operand, and for every op an op vertex (an
ellipse named like the op) feeding a value vertex (its result). Edges run forward, input to op
to result, one per operand in operand order: ``a + a`` draws two edges, and for ops where order
matters (``sub``, ``div``, ``pow``, ``matmul``, ``where``, ...) each edge says which argument it
is (``arg0``, ``arg1``). With a traced backward, op vertices are numbered in the order backward
ran (``#1 mul``) and, where the op's output and the input are scalars, the edge carries the local
derivative ``∂=d(out)/d(input)``: an input's grad is the sum over its out-edges of
(grad of the op's output) × ∂ -- the chain rule, readable off the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..function import Node
from ..tensor import Tensor
from .clusters import Grouping
from .formatting import format_array, format_number
from .labels import BORDER, HIDDEN, MUTED, PENDING, ValueView, value_label
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
NOT_KEPT_NOTE = (
    "interior values are not kept by backward(): to see them, run the forward inside "
    "`with autograd.trace() as tr:`, then tr.backward(root) and draw_graph(root, steps=tr)"
)


@dataclass
class Options:
    """The drawing options of ``draw_graph`` (see there)."""

    show_data: bool = True
    show_grad: bool = True
    rankdir: str = "LR"
    group_modules: Any = None
    max_nodes: int = 500
    steps: Any = None


def build_dot(root: Tensor, options: Options) -> tuple[str, int, int]:
    """The DOT source of the graph under ``root``, with its vertex and edge counts."""
    graph = walk(root)
    if graph.vertices > options.max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {graph.vertices} vertices, more than "
            f"max_nodes={options.max_nodes}; pass max_nodes={graph.vertices} (or more) to draw "
            "it anyway, or draw a sub-graph: draw_graph(some_intermediate_tensor)"
        )
    return _Builder(root, graph.nodes, options).build()


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
        self.ids: dict[Any, str] = {}
        self.members: dict[Any, list[tuple[str, dict[str, str]]]] = {}
        self.edges: list[tuple[str, str, str | None]] = []
        self.hidden_values = False
        self._count = 0

    # ----- vertices --------------------------------------------------------------------------
    def _next(self, prefix: str) -> str:
        # Ids count vertices in the order the walk meets them: never id(), so runs agree.
        self._count += 1
        return f"{prefix}{self._count - 1}"

    def _place(self, frame: Any, vertex: str, attrs: dict[str, str]) -> None:
        self.members.setdefault(frame, []).append((vertex, attrs))

    def _leaf(self, leaf: Tensor) -> str:
        vertex = self.ids.get(leaf)
        if vertex is not None:
            return vertex
        vertex = self._next("v")
        self.ids[leaf] = vertex
        grouping = self.grouping
        name = grouping.leaf_name(leaf) if grouping else leaf.name
        role = "output" if leaf is self.root else "parameter" if leaf.requires_grad else "input"
        grad: Any = HIDDEN
        if leaf.requires_grad:
            grad = PENDING if leaf.grad is None else np.asarray(leaf.grad)
        view = ValueView(role, leaf.shape, leaf.dtype, name, leaf.data, grad)
        frame = grouping.frame_of_leaf(leaf) if grouping else None
        self._place(frame, vertex, self._value_attrs(view))
        return vertex

    def _constant(self, value: Any, frame: Any) -> str:
        vertex = self._next("c")
        text = format_array(value)
        if np.ndim(value):
            text = f"{np.shape(value)} {text}"
        attrs = {
            "label": graphviz().nohtml(text),
            "shape": "box",
            "style": "dashed,rounded",
            "color": MUTED,
            "fontcolor": MUTED,
        }
        self._place(frame, vertex, attrs)
        return vertex

    def _value_attrs(self, view: ValueView) -> dict[str, str]:
        options = self.options
        label = value_label(view, show_data=options.show_data, show_grad=options.show_grad)
        return {"label": label, "shape": "plaintext", "margin": "0"}

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
            labels.append(" ".join(parts) or None)
        return labels

    # ----- assembly --------------------------------------------------------------------------
    def build(self) -> tuple[str, int, int]:
        grouping = self.grouping
        frames = {}
        if grouping is not None:
            for node in self.nodes:  # register clusters first: leaves are placed by owner
                frames[node] = grouping.frame_of(node)
        if not self.nodes:
            self._leaf(self.root)
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
            op_vertex = self._next("f")
            value_vertex = self._next("v")
            self.ids[node] = value_vertex
            self._place(frame, op_vertex, self._op_attrs(node))
            self._place(frame, value_vertex, self._value_attrs(self._result_view(node)))
            for source, label in zip(sources, self._edge_labels(node)):
                self.edges.append((source, op_vertex, label))
            self.edges.append((op_vertex, value_vertex, None))
        return self._emit()

    def _op_attrs(self, node: Node) -> dict[str, str]:
        step = self.steps.get(node)
        text = node.fn.name if step is None else f"#{step.index} {node.fn.name}"
        return {
            "label": graphviz().nohtml(text),
            "shape": "ellipse",
            "style": "filled",
            "fillcolor": "white",
            "color": BORDER,
        }

    def _emit(self) -> tuple[str, int, int]:
        dot = graphviz().Digraph(
            "backproplab",
            graph_attr={"rankdir": self.options.rankdir, "fontname": FONT, "fontsize": "11"},
            node_attr={"fontname": FONT, "fontsize": "11"},
            edge_attr={"fontname": FONT, "fontsize": "9", "color": BORDER},
        )
        if self.hidden_values and self.options.show_data:
            dot.attr(label=NOT_KEPT_NOTE, labelloc="b", fontcolor=MUTED, fontsize="9")
        self._fill(dot, None)
        count = sum(len(members) for members in self.members.values())
        for tail, head, label in self.edges:
            dot.edge(tail, head, label=graphviz().nohtml(label) if label else None)
        return dot.source, count, len(self.edges)

    def _fill(self, graph: Any, frame: Any) -> None:
        for vertex, attrs in self.members.get(frame, []):
            graph.node(vertex, **attrs)
        if self.grouping is None:
            return
        for child in self.grouping.children(frame):
            cluster = graphviz().Digraph(name=f"cluster_{self.grouping.clusters[child]}")
            cluster.attr(
                label=graphviz().nohtml(self.grouping.labels[child]),
                labeljust="l",
                style="rounded,dashed",
                color=MUTED,
                fontcolor=MUTED,
            )
            self._fill(cluster, child)
            graph.subgraph(cluster)
