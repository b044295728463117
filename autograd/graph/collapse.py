"""Collapsing long runs of module calls: a deep ``Sequential`` drawn by its first and last
calls, with one box for those in between (``draw_graph(..., collapse=n)``).

This is one pass of building a drawing (``dot.Builder``): it rewrites the builder's vertices,
edges and clusters in place before the DOT text is emitted.
"""

from __future__ import annotations

from typing import Any

from .labels import note_label


def collapse_runs(drawing: Any) -> None:
    """Draw at most ``collapse`` module calls inside any one module: the first half and the
    last, and in between one box saying what is left out (a deep network's first and last
    layers, where vanishing or exploding gradients show)."""
    keep, grouping = drawing.options.collapse, drawing.grouping
    if not keep or grouping is None:
        return
    owner: dict[Any, str] = {}  # hidden frame (and what nests in it) -> its placeholder
    for parent in [None, *grouping.clusters]:  # (outer frames come first)
        children = grouping.children(parent)
        if parent in owner or len(children) <= keep:
            continue
        head = (keep + 1) // 2
        run = children[head : len(children) - (keep - head)]
        vertex = drawing.new_vertex("z")
        drawing.place(parent, vertex, _placeholder_attrs(drawing, vertex, run))
        drawing.results.add(vertex)
        for frame in run:
            owner[frame] = vertex
    for frame in grouping.clusters:  # nested frames go with their hidden ancestor
        link = frame
        while link is not None and link not in owner:
            link = grouping.parent.get(link)
        if link is not None:
            owner[frame] = owner[link]
    if not owner:
        return
    drawing.hidden_frames = set(owner)
    mapping: dict[Any, Any] = {}
    for frame in list(drawing.members):
        if frame in owner:
            mapping.update((vertex, owner[frame]) for vertex, _ in drawing.members.pop(frame))
    edges, seen = [], set()
    for tail, head, label, flow in drawing.edges:
        new = (mapping.get(tail, tail), mapping.get(head, head))
        if new[0] == new[1]:
            continue  # inside the hidden part
        if new != (tail, head):
            if new in seen:
                continue
            seen.add(new)
            label, flow = None, True
        edges.append((*new, label, flow))
    drawing.edges = edges
    drawing.op_sources = [
        (frame, [mapping.get(source, source) for source in sources])
        for frame, sources in drawing.op_sources
        if frame not in owner
    ]


def _placeholder_attrs(drawing: Any, vertex: str, run: list[Any]) -> dict[str, str]:
    names: dict[str, int] = {}
    for frame in run:
        name = drawing.grouping.describe(frame)
        names[name] = names.get(name, 0) + 1
    summary = ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in names.items())
    label = note_label(
        [
            f"{len(run)} module calls not drawn: {summary}",
            "(draw_graph(..., collapse=None) draws every call)",
        ]
    )
    drawing.sizes[vertex] = (label.width, label.height)
    return {"label": label.html, "shape": "plain"}
