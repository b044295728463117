"""Writing a built drawing out as DOT text: the last pass of building it (``dot.Builder``).

The builder collects vertices (placed in the clusters of their module calls), edges and sizes;
``emit`` turns them into the Graphviz source, with the choices that depend on the whole picture:
the direction (left-to-right when the picture fits ``WIDTH_LIMIT`` that way, else top-to-bottom),
invisible edges that stack a deep model layer under layer, the legend, and the estimated height
by which ``dot.build_dot`` picks the module view for a picture too tall to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..function import Node
from .labels import (
    CLUSTER_SIZE,
    EDGE_SIZE,
    LEGEND_SIZE,
    MUTED,
    OP_SIZE,
    VALUE_SIZE,
    legend_label,
    text_label,
)

if TYPE_CHECKING:
    from .dot import Builder


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


FONT = "Helvetica"
EDGE_COLOR = "#4b5563"
WIDTH_LIMIT = 870.0  # points (1,160 px): a notebook column, with room for Graphviz's margins
NODESEP = 0.25  # inches between vertices of one rank
RANKSEP = 0.3  # inches between ranks


@dataclass
class Drawing:
    """What ``build_dot`` returns: the DOT text and what the picture is made of."""

    source: str
    vertices: int
    edges: int
    notes: list[str] = field(default_factory=list)
    rankdir: str = "LR"
    view: str = "ops"
    estimated_height: float = 0.0  # points, of a top-to-bottom layout (see estimated_extent)
    # For the step-through view: vertex of each node / leaf, and the edges into each op.
    vertex_of: dict[Any, str] = field(default_factory=dict)
    op_vertex_of: dict[Node, str] = field(default_factory=dict)
    edge_ids: dict[Node, list[str]] = field(default_factory=dict)


def emit(builder: Builder) -> Drawing:
    """Write ``builder``'s picture as DOT text into its ``drawing``, with the counts, the
    direction chosen and the estimated height (once the builder has labelled its values and
    collapsed long runs)."""
    rankdir = choose_rankdir(builder)
    dot = graphviz().Digraph(
        "backproplab",
        graph_attr={
            "rankdir": rankdir,
            "fontname": FONT,
            "fontsize": f"{LEGEND_SIZE:g}",
            "nodesep": f"{NODESEP:g}",
            "ranksep": f"{builder.ranksep():g}",
        },
        node_attr={"fontname": FONT, "fontsize": f"{VALUE_SIZE:g}"},
        edge_attr={
            "fontname": FONT,
            "fontsize": f"{EDGE_SIZE:g}",
            "color": EDGE_COLOR,
            "arrowsize": "0.7",
        },
    )
    if builder.options.legend:
        roles, notes, lines = builder.legend_parts()
        legend = legend_label(roles, notes, builder.bad, lines)
        dot.attr(label=legend, labelloc="t", labeljust="l")
    fill(builder, dot, None)
    count = sum(len(members) for members in builder.members.values())
    prefix = builder.options.element_ids
    for index, (tail, head, label, flow) in enumerate(builder.edges):
        attrs: dict[str, str] = {}
        if label:
            attrs[builder.edge_label_kind()] = text_label(label, EDGE_SIZE, color=MUTED)[0]
        if not flow:
            attrs["style"] = "dashed"
        if prefix is not None:
            attrs["id"] = f"{prefix}e{index}"
        dot.edge(tail, head, **attrs)
    for tail, head in layout_edges(builder, rankdir):
        dot.edge(tail, head, style="invis")
    drawing = builder.drawing
    drawing.source = dot.source
    drawing.vertices = count
    drawing.edges = len(builder.edges)
    drawing.rankdir = rankdir
    legend_rows = 1 + len(builder.legend_parts()[2]) if builder.options.legend else 0
    drawing.estimated_height = (
        estimated_extent(builder, widths=False) + 20 * legend_rows + 28 * cluster_depth(builder)
    )
    return drawing


def fill(builder: Builder, graph: Any, frame: Any) -> None:
    """Add the vertices of ``frame`` to ``graph``, and its module calls as clusters (or boxes)."""
    for vertex, attrs in builder.members.get(frame, []):
        if attrs.get("shape") == "ellipse":
            attrs = {**attrs, "fontsize": attrs.get("fontsize", f"{OP_SIZE:g}")}
        graph.node(vertex, **attrs)
    if builder.grouping is None:
        return
    for child in builder.grouping.children(frame):
        if child in builder.hidden_frames:
            continue
        if builder.boxed(child):
            for vertex, attrs in builder.members.get(child, []):
                graph.node(vertex, **attrs)
            continue
        cluster = graphviz().Digraph(name=f"cluster_{builder.grouping.clusters[child]}")
        cluster.attr(
            label=text_label(builder.grouping.labels[child], CLUSTER_SIZE, color=MUTED)[0],
            labeljust="l",
            style="rounded,dashed",
            color=MUTED,
        )
        fill(builder, cluster, child)
        graph.subgraph(cluster)


def choose_rankdir(builder: Builder) -> str:
    """The rankdir asked for, else left-to-right when that fits ``WIDTH_LIMIT``."""
    if builder.options.rankdir is not None:
        return builder.options.rankdir
    return "LR" if estimated_extent(builder, widths=True) <= WIDTH_LIMIT else "TB"


def estimated_extent(builder: Builder, *, widths: bool) -> float:
    """How wide a left-to-right layout would be (the widest vertex of each rank, summed),
    or how tall a top-to-bottom one (the tallest of each rank)."""
    rank: dict[str, int] = {}
    for members in builder.members.values():
        for vertex, _ in members:
            rank[vertex] = 0
    labelled = set()
    for tail, head, label, _ in builder.edges:  # tails are always created before heads
        rank[head] = max(rank[head], rank[tail] + 1)
        if label:
            labelled.add(rank[tail])
    biggest: dict[int, float] = {}
    for vertex, r in rank.items():
        size = builder.sizes.get(vertex, (0.0, 0.0))[0 if widths else 1]
        biggest[r] = max(biggest.get(r, 0.0), size)
    if builder.edge_label_kind() != "label":
        labelled = set()  # (beside their edges: they take no room of their own)
    gaps = (len(biggest) - 1) * builder.ranksep() * 72 + len(labelled) * (40 if widths else 24)
    return sum(biggest.values()) + gaps


def layout_edges(builder: Builder, rankdir: str) -> list[tuple[str, str]]:
    """Invisible edges that rank an op's own leaves (a Linear's weight and bias, a Dropout's
    mask) below the value flowing into the op, in top-to-bottom layouts and in clusters.

    Without them Graphviz puts those leaves level with that value: clusters then share
    ranks and sit side by side, and a deep model drifts sideways layer after layer. With
    them it stacks, no wider than its widest layer.
    """
    grouped = builder.grouping is not None
    if not grouped and rankdir not in ("TB", "BT"):
        return []  # a scalar expression reads best with its leaves side by side
    found = []
    for frame, sources in builder.op_sources:
        if grouped:  # the value entering this op's cluster
            incoming = next((s for s in sources if builder.frame_of[s] is not frame), None)
        else:  # the first operand computed by another op
            incoming = next((s for s in sources if s in builder.results), None)
        if incoming is None:
            continue
        for source in sources:
            # (leaves and constants, not op results: those are ranked by their own op)
            if source not in builder.results and builder.frame_of[source] is frame:
                found.append((incoming, source))
    return list(dict.fromkeys(found))


def cluster_depth(builder: Builder) -> int:
    """How deeply clusters nest (each adds a title and margins to the height)."""
    grouping = builder.grouping
    if grouping is None:
        return 0
    deepest = 0
    for frame in grouping.clusters:
        depth, link = 0, frame
        while link is not None and not builder.boxed(link):
            depth += 1
            link = grouping.parent.get(link)
        deepest = max(deepest, depth if link is None else depth - 1)
    return deepest
