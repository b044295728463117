"""The backward pass: reverse-mode automatic differentiation over the recorded graph.

Given roots and dL/d(root), visit every node after all the nodes that use its result, call the
op's backward to get dL/d(input) from dL/d(output) (the chain rule), sum the contributions that
meet at a tensor used more than once, and hand the totals to the leaves.

The order is the reverse of creation: an op's inputs exist before it runs, so the node with the
largest ``seq`` still waiting has no user left to hear from. A heap gives that order without
recursion (a 100,000-op chain needs none) and without a first pass to count users.

Each gradient is fitted to its input's shape by ``fit_gradient`` (broadcasting.py): summing
away what broadcasting added is the only change allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from typing import Any

from . import engine_helpers as helpers
from .broadcasting import fit_gradient
from .function import FREED, Node
from .tensor import Tensor

# Called after each node's backward with (node, grad_out, grads_in): tracing, autograd.grad's
# capture of interior inputs and anomaly checks plug into the one loop this way.
StepHook = Callable[[Node, Any, tuple], None]


def run_backward(
    roots: Sequence[Node],
    root_grads: Sequence[Any],
    *,
    retain_graph: bool = False,
    create_graph: bool = False,
    hooks: Sequence[StepHook] = (),
) -> dict:
    """Propagate ``root_grads`` from ``roots``; return ``{leaf Tensor: total gradient}``.
    With ``create_graph`` the backward formulas run on Tensors and are recorded."""
    grads, heap = helpers.heap_of_roots(roots, root_grads)  # dL/d(node) of the nodes waiting
    hooks = helpers.with_anomaly_check(hooks)  # + a NaN check on every gradient in anomaly mode
    leaf_grads: dict[Tensor, Any] = {}
    while heap:
        node = heappop(heap)[1]  # every user of its result is done: its gradient is complete
        grad_out = grads.pop(node)
        if create_graph or node.retained is not None:  # recorded, or kept by retain_grad()
            grads_in = helpers.backward_with_extras(node, grad_out, create_graph)
        else:
            grads_in = node.fn.backward(node, grad_out)  # the chain rule, one op at a time
        if type(grads_in) is not tuple or len(grads_in) != len(node.inputs):
            grads_in = helpers.one_per_input(node, grads_in)  # e.g. one input's, returned bare
        if not retain_graph and node._saved is not None:
            node._saved = FREED  # drop what only this backward needed
        for hook in hooks:
            hook(node, grad_out, grads_in)
        for position, link in enumerate(node.inputs):
            grad = grads_in[position]
            if grad is None or not node.needs_input_grad[position]:
                continue
            grad = fit_gradient(grad, node, position)  # sum away what broadcasting added
            if type(link) is not Node:  # a leaf
                leaf_grads[link] = leaf_grads[link] + grad if link in leaf_grads else grad
            elif link in grads:  # a result used more than once: the contributions add up
                grads[link] = grads[link] + grad
            else:
                grads[link] = grad
                heappush(heap, (-link.seq, link))
    return leaf_grads


def backward(
    tensor: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
    hooks: Sequence[StepHook] = (),
) -> None:
    """Backpropagate: add d(tensor)/d(leaf) to ``leaf.grad`` for every leaf requiring grad.

    ``gradient`` is dL/d(tensor); it may be omitted for a scalar (it is then 1). Without
    ``retain_graph=True`` the arrays saved for backward are freed afterwards. This is
    ``Tensor.backward`` (installed by autograd/__init__.py), ``tensor`` being the tensor.
    """
    if create_graph or inputs is not None:  # PyTorch's extras, built on autograd.grad
        return through_grad(tensor, gradient, retain_graph, create_graph, inputs)
    if not tensor._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad (none of its inputs required grad, "
            "or it was computed under no_grad), so there is nothing to differentiate"
        )
    seed = helpers.seed_gradient(tensor, gradient, "backward")  # dL/dL = 1, or the one given
    if tensor._node is None:
        leaf_grads = {tensor: seed}
    else:
        leaf_grads = run_backward(
            (tensor._node,), (seed,), retain_graph=bool(retain_graph), hooks=hooks
        )
    helpers.accumulate_into_leaves(leaf_grads, seed if gradient is not None else None)


def through_grad(*args: Any) -> None:  # gradients.backward_through_grad replaces it at import
    raise RuntimeError("backward(create_graph=..., inputs=...) needs autograd.gradients")
