"""Seeing backprop: draw a computation graph, trace forward values and backward steps.

* ``draw_graph(root)`` -> :class:`Graph` (DOT text; SVG/PNG through a Graphviz renderer);
* ``with trace() as tr:`` records forward values; ``tr.backward(root)`` (or
  ``trace_backward(root, trace=tr)``) runs backward and keeps every step;
* ``tr.step_through()`` walks a traced backward one op at a time, in the browser
  (:class:`StepThrough`: self-contained HTML, SVG and a little JavaScript);
* ``with scope(label):`` groups the ops of a block (``nn.Module`` calls use it) for drawing.
"""

from .draw import Graph, draw_graph
from .renderer import RendererNotFoundError, find_renderer
from .scopes import ScopeFrame, scope
from .stepper import StepThrough
from .tracing import BackwardStep, Trace, trace, trace_backward

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
