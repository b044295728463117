"""Recording forward values and watching backward, step by step.

``Node``s do not keep their results (that would keep every intermediate array of a training step
alive). To *see* them, run the forward inside a recording context::

    with autograd.trace() as tr:
        L = (a * b + c) * f
    tr.backward(L)                       # the same as L.backward(), but every step is kept
    tr                                   # a table: op, output, incoming grad, grads to inputs
    autograd.draw_graph(L, steps=tr)     # data and grad on every node, interior ones included

Each step is the chain rule applied once: an op receives ``grad_out = dL/d(out)`` and sends
``grads_in[i] = dL/d(out) * d(out)/d(input_i)`` to its inputs. Outside a ``trace`` block nothing
is kept and ``backward()`` keeps PyTorch's memory behaviour.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import engine
from ..broadcasting import fit_gradient
from ..function import Node
from ..tensor import Tensor
from ..thread_state import LOCAL
from .scopes import unstack
from .table import steps_html, steps_text

if TYPE_CHECKING:
    from .stepper import StepThrough

NOT_RECORDED_HINT = (
    "run the forward inside `with autograd.trace() as tr:` and call tr.backward(root) "
    "to keep intermediate values"
)


class BackwardStep:
    """One op's backward: ``grads_in[i] = grad_out * d(output)/d(input_i)`` (the chain rule).

    ``index`` counts from 1 in the order backward ran; ``node`` is the graph node; ``output``
    is the op's forward result (None when the forward was not recorded); ``grad_out`` is
    dL/d(output), summed over every use of the output; ``grads_in`` is aligned with
    ``node.inputs`` and holds dL/d(input) folded to each input's shape, or None for inputs that
    need no gradient (constants, tensors that do not require grad).
    """

    __slots__ = ("index", "node", "output", "grad_out", "grads_in")

    def __init__(
        self,
        index: int,
        node: Node,
        output: np.ndarray | None,
        grad_out: np.ndarray,
        grads_in: tuple[np.ndarray | None, ...],
    ) -> None:
        self.index = index
        self.node = node
        self.output = output
        self.grad_out = grad_out
        self.grads_in = grads_in

    @property
    def op(self) -> str:
        """The op's name (``"mul"``, ``"matmul"``, ...)."""
        return self.node.fn.name

    def local_derivatives(self) -> tuple[float | None, ...]:
        """d(output)/d(input_i) = grads_in[i] / grad_out, for a scalar output and scalar inputs.

        None where it is undefined: non-scalar values, no gradient, or ``grad_out == 0``.
        """
        if self.grad_out.size != 1:
            return (None,) * len(self.grads_in)
        upstream = float(self.grad_out.reshape(()))
        result: list[float | None] = []
        for grad in self.grads_in:
            if grad is None or grad.size != 1 or upstream == 0.0:
                result.append(None)
            else:
                result.append(float(grad.reshape(())) / upstream)
        return tuple(result)

    def __repr__(self) -> str:
        return f"<backward step {self.index}: {self.op}>"


class Trace:
    """Forward values recorded while the ``with`` block ran, and the steps of a traced backward.

    Use through :func:`trace`. ``tr.value(node)`` is a node's recorded output (or None);
    ``tr.steps`` (also ``len(tr)``, ``tr[i]``, ``for step in tr``) lists the steps of the last
    ``tr.backward(root)``. Values are kept only while their graph is alive (weak keys).
    """

    def __init__(self) -> None:
        self._values: weakref.WeakKeyDictionary[Node, np.ndarray] = weakref.WeakKeyDictionary()
        self.steps: list[BackwardStep] = []
        self.root: Tensor | None = None  # the root of the last traced backward
        self._active = False

    # ----- recording (called by Function.apply for every recorded op) ------------------------
    def __enter__(self) -> Trace:
        if self._active:
            raise RuntimeError("trace: this trace is already recording (its `with` is open)")
        self._active = True
        LOCAL.state.recorders.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._active = False
        unstack(LOCAL.state.recorders, self)

    def record(self, node: Node, output: np.ndarray) -> None:
        """Keep ``output`` as the value of ``node`` (the engine calls this for each op)."""
        self._values[node] = output

    def value(self, node: Node) -> np.ndarray | None:
        """The recorded forward result of ``node``, or None if it was not recorded."""
        return self._values.get(node)

    @property
    def recorded(self) -> int:
        """How many op results this trace holds."""
        return len(self._values)

    # ----- backward --------------------------------------------------------------------------
    def backward(self, root: Tensor, grad: Any = None, retain_graph: bool = False) -> Trace:
        """Run ``root.backward(grad)`` and keep its steps here; returns this trace (a table)."""
        return trace_backward(root, grad, trace=self, retain_graph=retain_graph)

    def step_through(self, **options: Any) -> StepThrough:
        """An interactive view of the last traced backward: Prev / Next (or the arrow keys) walk
        it one op at a time, showing the gradient that arrives, the local derivatives and what
        is sent to each input, while the grads fill in. Self-contained HTML+SVG+JavaScript: it
        displays in Jupyter, and ``.save("backward.html")`` writes a page for any browser.

        ``options``: ``group_modules``, ``rankdir``, ``show_data``, ``max_nodes`` as for
        ``draw_graph``.
        """
        from .stepper import StepThrough  # (stepper builds on draw, which builds on this module)

        return StepThrough(self, **options)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self.steps)

    def __getitem__(self, index: int) -> BackwardStep:
        return self.steps[index]

    def __repr__(self) -> str:
        return steps_text(self.steps, self._note())

    def _repr_html_(self) -> str:
        return steps_html(self.steps, self._note())

    def _note(self) -> str:
        if not self.steps:
            return f"{self.recorded} op results recorded; backward not traced yet"
        if any(step.output is None for step in self.steps):
            return "some outputs were not recorded: " + NOT_RECORDED_HINT
        return ""


def trace() -> Trace:
    """A recording context: ``with autograd.trace() as tr:`` keeps every op's forward result.

    Afterwards ``tr.backward(root)`` backpropagates like ``root.backward()`` and keeps each
    step; ``draw_graph(root, steps=tr)`` then shows data and grad on every node.
    """
    return Trace()


def trace_backward(
    root: Tensor,
    grad: Any = None,
    *,
    trace: Trace | None = None,
    retain_graph: bool = False,
) -> Trace:
    """Backpropagate from ``root`` exactly like ``root.backward(grad)``, keeping every step.

    Leaf ``.grad`` accumulate as usual. The result (``trace`` if given, else a new ``Trace``)
    lists the steps in the order backward ran: op, output (when the forward ran inside
    ``trace``; the root's output is always known), ``grad_out = dL/d(out)`` and the gradient
    sent to each input. Pass the ``Trace`` that recorded the forward to see interior values.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"trace_backward: root must be a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise RuntimeError(
            "trace_backward: root does not require grad (none of its inputs required grad, or "
            "it was computed under no_grad), so there is nothing to differentiate"
        )
    node = root.grad_fn
    if trace is None:
        trace = Trace()
    elif node is not None and trace.value(node) is None:
        raise ValueError(
            "trace_backward: this trace did not record the forward that computed root; "
            + NOT_RECORDED_HINT
        )
    steps: list[BackwardStep] = []

    def hook(step_node: Node, grad_out: Any, grads_in: tuple) -> None:
        output = root._data if step_node is node else trace.value(step_node)
        folded = tuple(
            _input_gradient(step_node, i, link, needs, g)
            for i, (link, needs, g) in enumerate(
                zip(step_node.inputs, step_node.needs_input_grad, grads_in)
            )
        )
        # Copies: the engine may later accumulate into these very arrays (leaf .grad buffers).
        steps.append(BackwardStep(len(steps) + 1, step_node, output, np.array(grad_out), folded))

    engine.backward(root, grad, retain_graph=retain_graph, hooks=[hook])
    trace.steps = steps
    trace.root = root
    return trace


def _input_gradient(
    node: Node, position: int, link: Any, needs: bool, grad: Any
) -> np.ndarray | None:
    # ``needs`` is False for constants and for tensors that do not require grad.
    if grad is None or not needs:
        return None
    return np.array(fit_gradient(grad, node, position))


def steps_by_node(steps: Trace | Sequence[BackwardStep] | None) -> dict[Node, BackwardStep]:
    """Map each traced node to its step (the last one, if a node somehow ran twice)."""
    if steps is None:
        return {}
    return {step.node: step for step in steps}
