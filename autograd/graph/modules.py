"""The module view: one box per module call, so a whole model fits a screen.

A box stands for one call of a *leaf* module -- one with no child modules, or with parameters
of its own (``Linear``, ``Conv2d``, ``LayerNorm``, ``MultiheadAttention``): every op recorded
inside the call is in the box, and the box lists the parameters those ops used, with shape and
gradient (min / mean / max). Container modules (``Sequential``, a transformer layer) are
clusters around their boxes. Ops that ran between module calls (a residual add, a reshape, the
loss) are small ellipses. Each edge says the shape of the data it carries. Inputs, targets and
the output are value boxes as in the op-level picture.

``expand`` names modules drawn op by op instead (inside their cluster, implementation ops
hidden unless ``hide_implementation=False``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Node
from ..tensor import Tensor
from .clusters import Grouping, describe_module, has_named_modules
from .dot import Builder, Drawing, graphviz, is_parameter, target_arrays
from .formatting import format_array, format_shape
from .labels import (
    BORDER,
    FILL,
    LINE,
    MUTED,
    PAD,
    SMALL_SIZE,
    VALUE_SIZE,
    _Cell,
    _column_widths,
    _complete,
    _row,
    op_size,
    summary_stats,
)
from .scopes import ScopeFrame

MODULE = "module call"
SMALL_OP = 9.0  # points: the text of ops between modules
RANKSEP = 0.1  # inches between ranks: each edge label makes a rank of its own


def _label(frame: Any) -> Any:
    return frame.label if isinstance(frame, ScopeFrame) else frame


def module_depth(nodes: list[Node]) -> int:
    """How deeply module calls nest in the graph (1: a model of leaf modules called directly)."""
    deepest = 0
    for node in nodes:
        frame, depth = node.scope, 0
        while frame is not None:
            depth += has_named_modules(_label(frame))
            frame = frame.parent if isinstance(frame, ScopeFrame) else None
        deepest = max(deepest, depth)
    return deepest


def build_fitting(root: Tensor, nodes: list[Node], options: Any) -> Drawing:
    """The module view with the most detail that fits ``HEIGHT_LIMIT``: leaf modules as boxes,
    else whole blocks (a transformer layer) as boxes, one level up at a time."""
    from .dot import HEIGHT_LIMIT

    limit = 0.88 * HEIGHT_LIMIT  # (the estimate leaves out some of Graphviz's margins)
    builder = ModuleBuilder(root, nodes, options)
    drawing = builder.build()
    depth = None
    for depth in range(module_depth(nodes) - 1, 1, -1):  # (depth 1: the model itself)
        if drawing.estimated_height <= limit:
            break
        builder = ModuleBuilder(root, nodes, options, depth)
        drawing = builder.build()
    # Still too tall: a long run of calls (a deep Sequential, already collapsed) keeps fewer of
    # its calls. (A module of a few calls, a transformer layer, is never cut.)
    keep = options.collapse
    grouping = builder.grouping
    if keep is None or grouping is None:
        return drawing
    frames = [None, *grouping.clusters]
    if max(len(grouping.children(f)) for f in frames) <= keep:
        return drawing
    while keep > 6 and drawing.estimated_height > limit:
        keep -= 2
        fewer = _with(options, collapse=keep)
        drawing = ModuleBuilder(root, nodes, fewer, depth).build()
    return drawing


def has_module_calls(nodes: list[Node]) -> bool:
    """True when some op ran inside a module call (a module view would group something)."""
    return any(node.scope is not None and has_named_modules(_label(node.scope)) for node in nodes)


def is_box_module(module: Any) -> bool:
    """A leaf module: no child modules, or parameters of its own (drawn as one box)."""
    children = [m for name, m in module.named_modules() if name and m is not module]
    if not children:
        return True
    own = getattr(module, "named_parameters", None)
    return own is not None and next(iter(own(recurse=False)), None) is not None


class ModuleBuilder(Builder):
    """Builds the module view (see the module docstring) from the same parts as ``Builder``."""

    def __init__(
        self, root: Tensor, nodes: list[Node], options: Any, depth: int | None = None
    ) -> None:
        if options.group_modules is None or options.group_modules is False:
            options = _with(options, group_modules=True)
        super().__init__(root, nodes, options)
        self.hide = options.hide_implementation is None or bool(options.hide_implementation)
        self.expanded = {id(m) for m in options.expand}
        self.box_of: dict[Any, str] = {}  # frame -> its box vertex
        self.box_frames: set[Any] = set()
        self.box_params: dict[str, list[Tensor]] = {}
        self.box_constants: dict[str, list[tuple[str, np.ndarray]]] = {}
        self._is_box: dict[int, bool] = {}
        self.module_edges: dict[tuple[str, str], int] = {}  # (tail, head) -> index in edges
        self.shape_in: dict[str, str] = {}  # vertex -> the shape of the data entering it
        self.depth = depth  # None: boxes are leaf modules; n: module calls n deep at most
        self.op_level = False

    def ranksep(self) -> float:
        return RANKSEP

    def legend_parts(self) -> tuple[list[str], list[str], list[str]]:
        roles, notes, lines = super().legend_parts()
        return roles, notes, ["edges: the shape of the data, where it changes", *lines]

    def boxed(self, frame: Any) -> bool:
        return frame in self.box_frames

    def _box_frame(self, frame: Any) -> Any:
        """The frame of ``frame``'s chain drawn as a box: the outermost leaf module, or the
        module at depth ``self.depth`` (counting module calls from the top); None for ops
        between modules and ops of an expanded leaf module (``self.op_level`` says which)."""
        chain = []
        while frame is not None:
            chain.append(frame)
            frame = frame.parent if isinstance(frame, ScopeFrame) else None
        depth, limit = 0, self.depth
        self.op_level = False
        for link in reversed(chain):
            label = _label(link)
            if not has_named_modules(label):
                continue
            depth += 1
            key = id(label)
            if key not in self._is_box:
                self._is_box[key] = is_box_module(label)
            if key in self.expanded:
                if self._is_box[key]:
                    self.op_level = True
                    return None
                limit = None if limit is None else max(limit, depth + 1)
                continue
            if self._holds_expanded(label):
                continue  # (a cluster, so that the expanded module inside it can be drawn)
            if self._is_box[key] or (limit is not None and depth >= limit):
                return link
        return None

    def build(self) -> Drawing:
        grouping = self.grouping
        assert grouping is not None
        frames = {node: grouping.frame_of(node) for node in self.nodes}
        if not self.nodes:
            self.leaf_vertex(self.root)
        root_node = self.root.grad_fn
        for node in self.nodes:
            frame = frames[node]
            box = self._box_frame(frame) if node is not root_node else None
            if box is not None:
                self._into_box(node, box)
            elif node is not root_node and self.op_level:
                self._op_level(node, frame)
            else:
                self._between(node, frame, node is root_node)
        return self._emit()

    # ----- the three kinds of op ---------------------------------------------------------------
    def _into_box(self, node: Node, box: Any) -> None:
        vertex = self.box_of.get(box)
        if vertex is None:
            vertex = self.new_vertex("m")
            self.box_of[box] = vertex
            self.box_frames.add(box)
            self.box_params[vertex] = []
            self.box_constants[vertex] = []
            self.roles.add(MODULE)
            self.place(box, vertex, {"shape": "plain"})
        self.ids[node] = vertex
        self.drawing.vertex_of[node] = vertex
        for link, flow in zip(node.inputs, node.needs_input_grad):
            if (
                isinstance(link, Tensor)
                and link.requires_grad
                and is_parameter(link, self.grouping)
            ):
                if all(p is not link for p in self.box_params[vertex]):
                    self.box_params[vertex].append(link)
                continue
            if not isinstance(link, (Node, Tensor)):
                name = _constant_name(link)
                if name is not None and all(n != name for n, _ in self.box_constants[vertex]):
                    self.box_constants[vertex].append((name, np.asarray(link)))
                continue
            for source, shape in self._sources(link):
                self._connect(source, vertex, shape, flow)
        for option, array in target_arrays(node):
            self._connect(self._constant(array, None, "target", option), vertex, None, False)

    def _between(self, node: Node, frame: Any, is_root: bool) -> None:
        """A small op vertex (the root's op also gets the output's value box)."""
        step = self.steps.get(node)
        text = node.fn.name if step is None else f"#{step.index} {node.fn.name}"
        width, _ = op_size(text)
        width *= SMALL_OP / 11.0
        vertex = self.new_vertex("f")
        self.sizes[vertex] = (width, 24.0)
        self.place(
            frame,
            vertex,
            {
                "label": graphviz().nohtml(text),
                "shape": "ellipse",
                "width": f"{width / 72:.2f}",
                "height": "0.33",
                "fontsize": f"{SMALL_OP:g}",
                "style": "filled",
                "fillcolor": "white",
                "color": "#4b5563",
            },
        )
        self.drawing.op_vertex_of[node] = vertex
        for link, flow in zip(node.inputs, node.needs_input_grad):
            for source, shape in self._sources(link, frame):
                self._connect(source, vertex, shape, flow)
        for option, array in target_arrays(node):
            self._connect(self._constant(array, frame, "target", option), vertex, None, False)
        if is_root:
            value = self.new_vertex("v")
            self.results.add(value)
            self.place(frame, value, self.value_attrs(value, self._result_view(node)))
            self.edges.append((vertex, value, None, True))
            self.ids[node] = value
        else:
            self.ids[node] = vertex
        self.drawing.vertex_of[node] = self.ids[node]

    def _op_level(self, node: Node, frame: Any) -> None:
        """An op of an expanded module: drawn as in the op-level picture."""
        if self.hide and _moves_only(node):
            self._pass_through(node, frame)
            return
        op_vertex = self.new_vertex("f")
        value_vertex = self.new_vertex("v")
        self.place(frame, op_vertex, self._op_attrs(node, op_vertex))
        labels = self._edge_labels(node)
        for link, label, flow in zip(node.inputs, labels, node.needs_input_grad):
            if isinstance(link, Node):
                sources = [self.ids[link]]
            elif isinstance(link, Tensor):
                sources = [self.copy_source(link, frame)[0]]
            else:
                sources = [self._constant(link, frame)]
            for source in sources:
                self.edges.append((source, op_vertex, label, flow))
        for option, array in target_arrays(node):
            self.edges.append(
                (self._constant(array, frame, "target", option), op_vertex, None, False)
            )
        self.ids[node] = value_vertex
        self.results.add(value_vertex)
        self.place(frame, value_vertex, self.value_attrs(value_vertex, self._result_view(node)))
        self.edges.append((op_vertex, value_vertex, None, True))
        self.drawing.vertex_of[node] = value_vertex
        self.drawing.op_vertex_of[node] = op_vertex

    # ----- operands -----------------------------------------------------------------------------
    def _sources(self, link: Any, frame: Any = None) -> list[tuple[str, str | None]]:
        """The vertices an operand comes from, with the shape of what they send: the box or op
        that made it, the leaf, or -- for a copy made outside the graph -- the user's tensors
        it was copied from (``tokens`` (5, 2, 16), not its transposed copy)."""
        if isinstance(link, Node):
            return [(self.ids[link], format_shape(tuple(link.shape)))]
        if isinstance(link, Tensor):
            from .origins import origin_of

            origin = None if link.requires_grad else origin_of(link)
            sources = origin.alive_sources() if origin is not None else []
            if sources:
                return [(self.leaf_vertex(s), format_shape(s.shape)) for s in sources]
            return [(self.copy_source(link, frame)[0], format_shape(link.shape))]
        return [(self._constant(link, frame), None)]

    def _connect(self, tail: str, head: str, label: str | None, flow: bool) -> None:
        """One edge per pair of vertices (attention reads its input three times: one edge)."""
        if tail == head:
            return
        index = self.module_edges.get((tail, head))
        if index is not None:
            if flow and not self.edges[index][3]:
                old = self.edges[index]
                self.edges[index] = (old[0], old[1], old[2], True)
            return
        self.module_edges[tail, head] = len(self.edges)
        if label is not None:
            self.shape_in.setdefault(head, label)
            if self.shape_in.get(tail) == label:
                label = None  # (the shape did not change: a ReLU's output, a residual add's)
        self.edges.append((tail, head, label, flow))

    # ----- labels -----------------------------------------------------------------------------
    def _label_values(self) -> None:
        super()._label_values()
        for frame, vertex in self.box_of.items():
            attrs = next(a for v, a in self.members[frame] if v == vertex)
            html, width, height = self._box_label(frame, vertex)
            attrs["label"] = html
            self.sizes[vertex] = (width, height)

    def _box_label(self, frame: Any, vertex: str) -> tuple[str, float, float]:
        grouping = self.grouping
        assert grouping is not None  # boxes are drawn only for a grouping by module
        module = _label(frame)
        title = grouping.labels.get(frame) or describe_module(module)
        prefix = grouping.module_names.get(id(module))
        rows: list[list[_Cell]] = []
        params = self.box_params[vertex]
        for tensor in params:
            name = grouping.leaf_name(tensor) or "parameter"
            if prefix and name.startswith(prefix + "."):
                name = name[len(prefix) + 1 :]
            cells = [_Cell(name), _Cell(format_shape(tensor.shape), color=MUTED)]
            grad = tensor.grad
            if grad is None:
                cells.append(_Cell("not computed yet", italic=True, color=MUTED, span=3))
            else:
                stats = summary_stats(np.asarray(grad))
                if stats is None:
                    cells.append(_Cell(format_array(grad), span=3))
                else:
                    cells += [_Cell(text) for text in stats]
            rows.append(cells)
        for name, array in self.box_constants[vertex]:
            rows.append([_Cell(name), _Cell(format_array(array), color=MUTED, span=4)])
        columns = 5 if rows else 1
        if params:  # the title, then the grad columns' heads on the same line
            heads = [_Cell(w, size=SMALL_SIZE, color=MUTED) for w in ("grad min", "mean", "max")]
            rows.insert(0, [_Cell(title, bold=True, span=2), *heads])
        else:
            rows.insert(0, [_Cell(title, bold=True, span=columns)])
        widths = _column_widths(rows, columns)
        body = "".join(_row(_complete(cells, columns)) for cells in rows)
        fill = FILL[MODULE] if params else "#ffffff"
        html = (
            f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{PAD}" '
            f'BGCOLOR="{fill}" COLOR="{BORDER}" STYLE="rounded">{body}</TABLE>>'
        )
        height = len(rows) * (VALUE_SIZE * LINE + 2 * PAD) + 2
        return html, sum(widths) + 2, height

    def _holds_expanded(self, module: Any) -> bool:
        key = ("holds", id(module))
        if key not in self._is_box:
            inner = (m for name, m in module.named_modules() if name)
            self._is_box[key] = any(id(m) in self.expanded for m in inner)  # type: ignore[index]
        return self._is_box[key]  # type: ignore[index]


def _moves_only(node: Node) -> bool:
    from .origins import moves_only

    return moves_only(node.fn)


def _constant_name(value: Any) -> str | None:
    from .origins import array_name

    return array_name(value)


def _with(options: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(options, **changes)


__all__ = ["ModuleBuilder", "Grouping", "has_module_calls", "is_box_module"]
