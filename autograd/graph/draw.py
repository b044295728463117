"""``draw_graph``: a picture of the computation behind a tensor, and the ``Graph`` it returns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..tensor import Tensor
from . import renderer
from .clusters import has_named_modules
from .dot import Options, build_dot
from .tracing import BackwardStep, Trace

_RANKDIRS = ("LR", "RL", "TB", "BT")


class Graph:
    """A drawn computation graph: DOT text plus ways to turn it into a picture.

    ``.source`` is the DOT text (always available). ``.pipe(format)`` returns the rendered
    bytes, ``.render(path)`` writes a picture, ``.save(path)`` writes the DOT text. In Jupyter the
    graph shows itself as SVG; with no renderer installed it shows the DOT text and a hint.
    """

    def __init__(self, source: str, vertices: int, edges: int, notes: Sequence[str] = ()) -> None:
        self.source = source
        self.vertices = vertices
        self.edges = edges
        self.notes = list(notes)  # what the picture cannot show, and how to see it

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes (``"svg"``, ``"png"``; ``"pdf"`` needs Graphviz's ``dot``)."""
        return renderer.render_bytes(self.source, format)

    def render(self, path: str | Path, format: str | None = None) -> Path:
        """Write the picture to ``path``; the format defaults to the file's suffix."""
        path = Path(path)
        fmt = format or path.suffix.lstrip(".")
        if not fmt:
            raise ValueError(
                f"render: cannot tell the format of {str(path)!r}; give it a suffix such as "
                ".svg or .png, or pass format="
            )
        if fmt.lower() in ("dot", "gv"):
            return self.save(path)
        path.write_bytes(self.pipe(fmt))
        return path

    def save(self, path: str | Path) -> Path:
        """Write the DOT text to ``path`` (render it later with ``dot -Tsvg path``)."""
        path = Path(path)
        path.write_text(self.source, encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # Jupyter calls this to display the graph; an exception here would hide the output
        # entirely, so every failure becomes the DOT text plus a one-line explanation.
        try:
            svg = self.pipe("svg").decode("utf-8")
        except Exception as error:  # see above: never raise while displaying
            if isinstance(error, renderer.RendererNotFoundError):
                hint = f"(no Graphviz renderer found: {renderer.INSTALL_HINT})"
            else:
                hint = f"(could not draw the picture: {error})"
            return {"text/plain": f"{self.source}\n{hint}"}
        return {"image/svg+xml": svg, "text/plain": repr(self)}

    def __repr__(self) -> str:
        notes = "".join(f"\n({note})" for note in self.notes)
        return f"<Graph: {self.vertices} vertices, {self.edges} edges>{notes}"


def draw_graph(
    root: Tensor,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str | None = None,
    group_modules: Any = None,
    max_nodes: int = 500,
    steps: Trace | Sequence[BackwardStep] | None = None,
    legend: bool = True,
    collapse: int | None = 12,
    view: str | None = None,
    expand: Any = (),
    hide_implementation: bool | None = None,
) -> Graph:
    """Draw the computation that produced ``root``: values, ops and how they connect.

    Value vertices show name (parameters are named by nn after their module: ``0.weight``),
    shape, dtype (in the legend instead when every value shares it), data and grad (a scalar, a
    small array, or min/mean/max) and are coloured by role: input blue, input that requires
    grad indigo, module parameter amber, intermediate grey, output green, loss targets violet,
    constants white; NaN/Inf red. A legend (``legend=False`` drops it) says so. An input that
    needs no grad is drawn once, by its name, even where an op the engine did not record (a
    convolution's im2col, a transpose) copied it first: that op is a dashed ellipse. Op
    vertices are ellipses named like the op; edges go in operand order (``a + a`` has two),
    say ``arg0``/``arg1`` where the order matters, and are dashed where backward sends no
    gradient.

    Interior values are not kept by the engine; run the forward inside ``autograd.trace()``
    and pass ``steps=tr`` (after ``tr.backward(root)`` for grads) to show them: op vertices are
    then numbered in backward order and scalar edges carry the local derivative ``∂``. (Without
    them, their boxes say "not kept" and the legend says how to see them.)

    ``view="modules"`` draws one box per call of a leaf module (one with no child modules, or
    with parameters of its own: Linear, Conv2d, LayerNorm, MultiheadAttention) holding its
    parameters' names, shapes and grads; containers are clusters around the boxes, the shapes
    of the data between modules label the edges, and ops between modules (a residual add, the
    loss) are small ellipses. ``view="ops"`` draws every op; None (the default) draws ops
    unless that picture would be taller than about 1,200 px and the ops ran in module calls.
    ``expand="0"`` (qualified names, or module objects; several in a list) draws those
    modules op by op inside the module view; names need ``group_modules=model``.
    ``hide_implementation=True`` leaves out ops that only move numbers inside a module
    (reshape, transpose, slices, im2col); None hides them in the module view only.

    ``group_modules=model`` (or ``True``) draws each ``autograd.scope`` block -- each module
    call -- as a cluster; a module that makes more than ``collapse`` calls (a deep
    ``Sequential``) shows the first and last ones and one box for those in between
    (``collapse=None`` draws all). ``max_nodes`` caps the number of vertices (ValueError beyond).
    ``rankdir`` is Graphviz's direction: ``"LR"`` (left to right), ``"TB"``, ``"RL"``, ``"BT"``;
    None (the default) draws left to right when that fits a notebook column and top to bottom
    otherwise.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"draw_graph: root must be a Tensor, got {type(root).__name__}")
    if rankdir is not None and rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")
    # (not ``in (None, False, True)``: 1 == True would pass, and == may be elementwise)
    if not (
        group_modules is None or isinstance(group_modules, bool) or has_named_modules(group_modules)
    ):
        raise TypeError(
            "draw_graph: group_modules must be None, True or a model with named_modules(), got "
            f"{type(group_modules).__name__}"
        )
    if steps is not None and not _is_steps(steps):
        raise TypeError(
            "draw_graph: steps must be the Trace returned by trace_backward / tr.backward, "
            f"or a list of its steps, got {type(steps).__name__}"
        )
    if collapse is not None and (isinstance(collapse, bool) or not isinstance(collapse, int)):
        raise TypeError(f"draw_graph: collapse must be an int or None, got {collapse!r}")
    if collapse is not None and collapse < 2:
        raise ValueError(f"draw_graph: collapse must be at least 2 (or None), got {collapse}")
    if view not in (None, "ops", "modules"):
        raise ValueError(f"draw_graph: view must be None, 'ops' or 'modules', got {view!r}")
    expanded = _expanded(expand, group_modules)
    if expanded and view == "ops":
        raise ValueError("draw_graph: expand= applies to the module view; drop view='ops'")
    options = Options(
        show_data,
        show_grad,
        rankdir,
        group_modules,
        max_nodes,
        steps,
        bool(legend),
        collapse,
        view="modules" if expanded else view,
        expand=expanded,
        hide_implementation=hide_implementation,
    )
    drawing = build_dot(root, options)
    return Graph(drawing.source, drawing.vertices, drawing.edges, drawing.notes)


def _expanded(expand: Any, model: Any) -> tuple:
    """``expand`` as a tuple of module objects, each checked against the model."""
    items = [expand] if isinstance(expand, str) or has_named_modules(expand) else list(expand)
    if not items:
        return ()
    names = dict(model.named_modules()) if has_named_modules(model) else None
    found = []
    for item in items:
        if isinstance(item, str):
            if names is None:
                raise ValueError(
                    f"draw_graph: expand={item!r} names a module: pass the model too, "
                    "group_modules=model"
                )
            if item not in names:
                some = ", ".join(repr(n) for n in list(names)[1:9])
                raise ValueError(
                    f"draw_graph: the model has no module named {item!r} (expand=); its "
                    f"modules include {some}"
                )
            found.append(names[item])
        elif has_named_modules(item):
            found.append(item)
        else:
            raise TypeError(
                f"draw_graph: expand must hold module names or modules, got {type(item).__name__}"
            )
    return tuple(found)


def _is_steps(steps: Any) -> bool:
    if isinstance(steps, Trace):
        return True
    return isinstance(steps, Sequence) and all(isinstance(s, BackwardStep) for s in steps)
