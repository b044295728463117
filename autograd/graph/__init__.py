"""Seeing backprop: draw a computation graph, trace forward values and backward steps.

* ``draw_graph(root)`` -> :class:`Graph` (DOT text; SVG/PNG through a Graphviz renderer);
* ``with trace() as tr:`` records forward values; ``tr.backward(root)`` (or
  ``trace_backward(root, trace=tr)``) runs backward and keeps every step;
* ``tr.step_through()`` walks a traced backward one op at a time, in the browser
  (:class:`StepThrough`: self-contained HTML, SVG and a little JavaScript);
* ``with scope(label):`` groups the ops of a block (``nn.Module`` calls use it) for drawing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .scopes import ScopeFrame, scope
from .tracing import BackwardStep, Trace, trace, trace_backward

if TYPE_CHECKING:
    from .draw import Graph, draw_graph
    from .renderer import RendererNotFoundError, find_renderer
    from .stepper import StepThrough

# The drawing layer (DOT, labels, the renderer, the stepper) loads at first use: recording and
# backward never need it, and it is a tenth of ``import autograd`` (see docs/guides/speed.md).
LAZY = {
    "Graph": "draw",
    "draw_graph": "draw",
    "RendererNotFoundError": "renderer",
    "find_renderer": "renderer",
    "StepThrough": "stepper",
}


def __getattr__(name: str) -> Any:
    if name not in LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{LAZY[name]}"), name)
    globals()[name] = value  # found directly from now on
    return value


__all__ = [
    "BackwardStep",
    "Graph",
    "RendererNotFoundError",
    "ScopeFrame",
    "StepThrough",
    "Trace",
    "draw_graph",
    "find_renderer",
    "scope",
    "trace",
    "trace_backward",
]
