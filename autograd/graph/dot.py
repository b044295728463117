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
``rankdir=None`` picks left-to-right when the picture fits ``emit.WIDTH_LIMIT`` that way (scalar
expressions) and top-to-bottom otherwise (models: a deep network grows downwards, the way a
notebook scrolls). This module builds the picture; ``emit`` writes it out as DOT text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..function import FREED, Node
from ..tensor import Tensor
from .clusters import Grouping
from .collapse import collapse_runs
from .emit import EDGE_COLOR, RANKSEP, Drawing, emit, graphviz
from .formatting import format_number
from .labels import (
    HIDDEN,
    INPUT_GRAD,
    MUTED,
    NOT_KEPT,
    PENDING,
    ValueView,
    op_size,
    value_label,
)
from .origins import moves_only, origin_of
from .tracing import Trace, steps_by_node
from .walk import walk

COMMUTATIVE = frozenset({"add", "mul", "maximum", "minimum"})
HEIGHT_LIMIT = 900.0  # points (1,200 px): taller op-level pictures switch to the module view
NOT_KEPT_HINT = (
    "interior values are not kept by backward(); run the forward inside "
    "`with autograd.trace() as tr:`, then tr.backward(root) and draw_graph(root, steps=tr)"
)
# The same, said once in the picture (the legend), for a learner rather than a programmer.
NOT_KEPT_LINE = (
    f"{NOT_KEPT}: backward() forgets values between ops; "
    "run the forward inside autograd.trace() to see them"
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
    view: str | None = "ops"  # "ops", "modules", or None: modules when ops would not fit
    expand: tuple = ()  # modules (qualified names or objects) drawn op by op in the module view
    hide_implementation: bool | None = False  # None: hidden in the module view only


def build_dot(root: Tensor, options: Options) -> Drawing:
    """The DOT source of the graph under ``root``, with its vertex and edge counts.

    ``options.view``: ``"ops"`` draws every op; ``"modules"`` one box per module call (see
    ``modules``); None the op-level picture unless it would be taller than ``HEIGHT_LIMIT`` (or
    have more than ``max_nodes`` vertices) and the ops ran inside module calls.
    """
    graph = walk(root)
    view = options.view
    if view != "ops":
        from .modules import build_fitting, has_module_calls  # (modules builds on this module)

        if view == "modules" or has_module_calls(graph.nodes):
            if view is None and graph.vertices <= options.max_nodes:
                drawing = Builder(root, graph.nodes, options).build()
                if drawing.estimated_height <= HEIGHT_LIMIT:
                    return drawing
            drawing = build_fitting(root, graph.nodes, options)
            _check_size(drawing.vertices, options.max_nodes)
            return drawing
    _check_size(graph.vertices, options.max_nodes)
    return Builder(root, graph.nodes, options).build()


def _check_size(vertices: int, max_nodes: int) -> None:
    if vertices > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {vertices} vertices, more than "
            f"max_nodes={max_nodes}; pass max_nodes={vertices} (or more) to draw "
            "it anyway, or draw a sub-graph: draw_graph(some_intermediate_tensor)"
        )


def target_arrays(node: Node) -> list[tuple[str, np.ndarray]]:
    """Arrays ``node`` keeps as an option that a reader should see as inputs (loss targets).

    A loss declares it with ``Function.target = "targets"`` (the ``ctx`` attribute holding
    them): nn's cross_entropy does. autograd knows no loss by name.
    """
    option = node.fn.target
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


def is_parameter(leaf: Tensor, grouping: Any = None) -> bool:
    """A module's parameter (nn's ``Parameter`` says so, or the model owns the tensor)."""
    if getattr(leaf, "is_parameter", False):
        return True
    return grouping is not None and grouping.owns(leaf)


def is_implementation(node: Node) -> bool:
    """An op that only moves numbers (see ``origins.IMPLEMENTATION_OPS``), in a module call."""
    return node.scope is not None and moves_only(node.fn)


class Builder:
    """Builds the op-level drawing: one vertex per value and per op (see the module docstring).

    Its parts -- vertices placed in clusters, edges, sizes -- are shared with the passes that
    rewrite a drawing (``collapse``) and with the module view (``modules.ModuleBuilder``).
    """

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
        hide = options.hide_implementation
        self.hide = bool(hide)
        self.targets = self._find_targets()
        self.ids: dict[Any, str] = {}
        self.members: dict[Any, list[tuple[str, dict[str, str]]]] = {}
        self.sizes: dict[str, tuple[float, float]] = {}
        self.views: dict[str, ValueView] = {}  # value vertices, labelled once all are known
        self.frame_of: dict[str, Any] = {}
        self.op_sources: list[tuple[Any, list[str]]] = []  # (frame, input vertices) per op
        self.hidden_frames: set[Any] = set()  # module calls left out (see collapse.collapse_runs)
        self.hidden_ops: set[str] = set()  # implementation ops left out (hide_implementation)
        self.results: set[str] = set()  # the value vertices of op results
        self.origins: list[tuple[tuple, Tensor, str]] = []  # unrecorded chains drawn (key, copy)
        # (tail, head, label text, gradient flows along it)
        self.edges: list[tuple[str, str, str | None, bool]] = []
        self.roles: set[str] = set()
        self.dtypes: set[str] = set()
        self.bad = False
        self.hidden_values = False
        self.derivatives = False
        self.unrecorded = False
        self.drawing = Drawing("", 0, 0)
        self._count = 0

    def _find_targets(self) -> set[int]:
        """Tensors a loss compares against: its Function says where (``Function.target``, an
        operand position)."""
        found = set()
        for node in self.nodes:
            position = node.fn.target
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

    def leaf_role(self, leaf: Tensor) -> str:
        """output, parameter, input (requires grad), target or input."""
        if leaf is self.root:
            return "output"
        if leaf.requires_grad:
            return "parameter" if is_parameter(leaf, self.grouping) else INPUT_GRAD
        return "target" if id(leaf) in self.targets else "input"

    def leaf_vertex(self, leaf: Tensor, made: str | None = None) -> str:
        """The value vertex of ``leaf`` (drawn once, however often it is used); ``made`` names
        an anonymous copy by how it was made."""
        vertex = self.ids.get(leaf)
        if vertex is not None:
            return vertex
        vertex = self.new_vertex("v")
        self.ids[leaf] = vertex
        grouping = self.grouping
        name = (grouping.leaf_name(leaf) if grouping else leaf.name) or made
        grad: Any = HIDDEN
        if leaf.requires_grad:
            grad = PENDING if leaf._grad is None else np.asarray(leaf._grad)
        view = ValueView(self.leaf_role(leaf), leaf.shape, leaf.dtype, name, leaf._data, grad)
        frame = grouping.frame_of_leaf(leaf) if grouping else None
        self.place(frame, vertex, self.value_attrs(vertex, view))
        return vertex

    def copy_source(self, leaf: Tensor, frame: Any) -> tuple[str, bool]:
        """Where a tensor made outside the graph comes from: (vertex, True) for the dashed op
        vertex of the unrecorded ops that copied the user's tensor (drawn once per copy), or
        (its own value vertex, False) when nothing is known (see ``origins``)."""
        origin = None if leaf.requires_grad else origin_of(leaf)
        sources = origin.alive_sources() if origin is not None else []
        if origin is None or not sources:
            # (a copy whose source is gone: its box says how it was made)
            made = "from " + " → ".join(origin.ops) if origin is not None else None
            return self.leaf_vertex(leaf, made), False
        if self.hide and frame is not None and origin.moves_only:  # (hide_implementation)
            self.hidden_ops.update(op for op in origin.ops if op != "…")
            return self.leaf_vertex(sources[0]), True
        key = (origin.ops, tuple(id(t) for t in sources), leaf.shape)
        for known, copy, vertex in self.origins:
            if known == key and np.array_equal(copy._data, leaf._data):
                return vertex, True
        vertex = self.new_vertex("u")
        self.origins.append((key, leaf, vertex))
        text = " → ".join(origin.ops)
        width, _ = op_size(text)
        self.sizes[vertex] = (width, 36.0)
        self.unrecorded = True
        attrs = {
            "label": graphviz().nohtml(text),
            "shape": "ellipse",
            "width": f"{width / 72:.2f}",
            "style": "dashed",
            "color": MUTED,
            "fontcolor": MUTED,
        }
        self.place(frame, vertex, attrs)
        for source in sources:
            self.edges.append((self.leaf_vertex(source), vertex, None, False))
        return vertex, True

    def _constant(self, value: Any, frame: Any, role: str = "constant", name: Any = None) -> str:
        vertex = self.new_vertex("c")
        array = np.asarray(value)
        if name is None:
            name = constant_name(value)
        view = ValueView(role, array.shape, array.dtype, name, array, HIDDEN)
        self.place(frame, vertex, self.value_attrs(vertex, view))
        return vertex

    def value_attrs(self, vertex: str, view: ValueView) -> dict[str, str]:
        """The vertex's DOT attributes; its label is made in ``_label_values`` (the dtype is
        left out of every box when all share it: the legend says it once)."""
        self.views[vertex] = view
        self.roles.add(view.role)
        if view.role != "constant":
            self.dtypes.add(str(view.dtype))
        return {"shape": "plain"}

    def _label_values(self) -> None:
        options = self.options
        show_dtype = len(self.dtypes) > 1
        for members in self.members.values():
            for vertex, attrs in members:
                view = self.views.get(vertex)
                if view is None or "label" in attrs:
                    continue
                label = value_label(
                    view,
                    show_data=options.show_data,
                    show_grad=options.show_grad,
                    show_dtype=show_dtype,
                )
                self.bad = self.bad or label.bad
                self.sizes[vertex] = (label.width, label.height)
                attrs["label"] = label.html

    def _result_view(self, node: Node) -> ValueView:
        role = "output" if node is self.root.grad_fn else "intermediate"
        step = self.steps.get(node)
        data = None
        if node is self.root.grad_fn:
            data = self.root._data
        elif step is not None and step.output is not None:
            data = step.output
        elif self.trace is not None:
            data = self.trace.value(node)
        retained = node.retained() if node.retained is not None else None
        if data is None and retained is not None:
            data = retained._data
        grad: Any = HIDDEN
        if step is not None:
            grad = step.grad_out
        elif retained is not None and retained._grad is not None:
            grad = np.asarray(retained._grad)
        elif self.options.steps is not None:
            grad = PENDING
        elif node is self.root.grad_fn and self._backward_ran():
            grad = np.ones(node.shape, dtype=node.dtype)  # dL/dL
        if data is None:
            self.hidden_values = True
        view = ValueView(role, tuple(node.shape), node.dtype, node.name, data, grad)
        view.kept = data is not None
        return view

    def _backward_ran(self) -> bool:
        """True when backward ran from this scalar root (so dL/dL = 1 is its gradient): its
        op dropped what it saved for backward, or, for an op that saves nothing, every leaf
        of the graph holds a .grad."""
        if self.root.size != 1:
            return False
        saved = self.root.grad_fn._saved
        if saved is FREED:
            return True
        if saved is not None:  # still there: backward has not run (or kept it: retain_graph)
            return False
        leaves = [
            link
            for node in self.nodes
            for link in node.inputs
            if isinstance(link, Tensor) and link.requires_grad
        ]
        return bool(leaves) and all(leaf.grad is not None for leaf in leaves)

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
    def source_vertex(self, link: Any, frame: Any) -> tuple[str, bool]:
        """The vertex an operand comes from, and whether it is a copy made outside the graph."""
        if isinstance(link, Node):
            return self.ids[link], False
        if isinstance(link, Tensor):
            return self.copy_source(link, frame)
        return self._constant(link, frame), False

    def build(self) -> Drawing:
        grouping = self.grouping
        frames = {}
        if grouping is not None:
            for node in self.nodes:  # register clusters first: leaves are placed by owner
                frames[node] = grouping.frame_of(node)
        if not self.nodes:
            self.leaf_vertex(self.root)
        drawing = self.drawing
        root_node = self.root.grad_fn
        for node in self.nodes:
            frame = frames.get(node)
            if self.hide and node is not root_node and is_implementation(node):
                self._pass_through(node, frame)
                continue
            sources = [self.source_vertex(link, frame)[0] for link in node.inputs]
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
            self.place(frame, value_vertex, self.value_attrs(value_vertex, self._result_view(node)))
            first = len(self.edges)
            for source, label, flow in zip(sources, labels, flows):
                self.edges.append((source, op_vertex, label, flow))
            drawing.edge_ids[node] = [f"e{i}" for i in range(first, first + len(node.inputs))]
            self.edges.append((op_vertex, value_vertex, None, True))
        for leaf, vertex in self.ids.items():
            if isinstance(leaf, Tensor):
                drawing.vertex_of[leaf] = vertex
        return self._emit()

    def _pass_through(self, node: Node, frame: Any) -> None:
        """Leave an implementation op out: its result is drawn as its (first) operand."""
        link = next(x for x in node.inputs if isinstance(x, (Node, Tensor)))
        vertex = self.source_vertex(link, frame)[0]
        self.ids[node] = vertex
        self.drawing.vertex_of[node] = vertex
        self.hidden_ops.add(node.fn.name)

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

    def legend_parts(self) -> tuple[list[str], list[str], list[str]]:
        """Roles drawn, notes on the marks used, and lines that hold for the whole picture."""
        notes = []
        if self.steps:
            notes.append("#n: backward order")
        if self.derivatives:
            notes.append("∂: local derivative")
        if any(not flow for *_, flow in self.edges):
            notes.append("dashed edge: no gradient")
        if self.unrecorded:
            notes.append("dashed op: not recorded (its input needs no grad)")
        lines = []
        if len(self.dtypes) == 1:
            lines.append(f"every value is {next(iter(self.dtypes))}")
        if self.hidden_ops:
            hidden = ", ".join(sorted(self.hidden_ops))
            lines.append(f"not drawn inside modules: {hidden} (hide_implementation=False)")
        if self.hidden_values and self.options.show_data:
            lines.append(NOT_KEPT_LINE)
        return sorted(self.roles), notes, lines

    def _emit(self) -> Drawing:
        """Label the values, collapse long runs, and write the DOT text (see ``emit``)."""
        self._label_values()
        collapse_runs(self)
        drawing = emit(self)
        if self.hidden_values and self.options.show_data:
            drawing.notes.append(NOT_KEPT_HINT)
        return drawing

    def ranksep(self) -> float:
        """Inches between ranks."""
        return RANKSEP

    def edge_label_kind(self) -> str:
        """``label`` (ranked: room is made for it) or ``xlabel`` (placed beside the edge)."""
        return "label"

    def boxed(self, frame: Any) -> bool:
        """True for a module call drawn as one box (the module view), not as a cluster."""
        return False


def constant_name(value: Any) -> str | None:
    """The name a library gave an array it passes to an op (nn's dropout mask), else None."""
    from .origins import array_name

    return array_name(value)
