"""The backward pass: reverse-mode automatic differentiation over the recorded graph.

Given roots and dL/d(root), visit every node after all the nodes that use its result, call the
op's backward to get dL/d(input) from dL/d(output) (the chain rule), sum the contributions that
meet at a tensor used more than once, and hand the totals to the leaves.

The order is the reverse of creation: every node carries a sequence number (``Node.seq``), and an
op's inputs always exist before it runs, so the largest number still waiting is a node whose users
are all done. A heap of the nodes that have received a gradient gives that order iteratively (a
100,000-op chain needs no recursion) and without a first pass over the graph to count users.

Broadcasting is undone here and only here: an op may return a gradient in its output's broadcast
shape, and ``fit_gradient`` sums it back onto the input's shape, refusing anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from .function import FREED, Node
from .grad_mode import STATE, enable_grad
from .tensor import Tensor

# Called after each node's backward with (node, grad_out, grads_in): the gradient that arrived
# and what the op's backward returned, one entry per input (before fitting to the inputs' shapes:
# ``fit_gradient`` does that). Tracing, autograd.grad's capture of interior inputs and anomaly
# checks are hooks; the loop itself stays the same.
StepHook = Callable[[Node, Any, tuple], None]


def run_backward(
    roots: Sequence[Node],
    root_grads: Sequence[Any],
    *,
    retain_graph: bool = False,
    create_graph: bool = False,
    leaves: set | None = None,
    hooks: Sequence[StepHook] = (),
) -> dict:
    """Propagate ``root_grads`` from ``roots``; return ``{leaf Tensor: total gradient}``.

    ``leaves``, if given, limits the result to those leaves (``autograd.grad``). With
    ``create_graph`` the backward formulas run on Tensors and are recorded.
    """
    grads: dict[Node, Any] = {}  # dL/d(result) of nodes still waiting for their turn
    heap = []  # (-seq, node) for each node in grads: the latest node on top
    for root, grad in zip(roots, root_grads):
        if root in grads:
            grads[root] = grads[root] + grad
        else:
            grads[root] = grad
            heap.append((-root.seq, root))
    heapify(heap)
    if STATE.anomaly:
        hooks = (*hooks, _check_finite)
    leaf_grads: dict[Tensor, Any] = {}
    while heap:
        node = heappop(heap)[1]
        grad_out = grads.pop(node)
        if node.retained is not None:
            _retain(node, grad_out)
        if create_graph:
            grads_in = _recorded_backward(node, grad_out)
        else:
            grads_in = node.fn.backward(node, grad_out)
        if not retain_graph and node._saved is not None:
            node._saved = FREED  # drop what only this backward needed
        inputs = node.inputs
        if type(grads_in) is not tuple:
            grads_in = (grads_in,)  # a one-input op may return its gradient bare
        if len(grads_in) != len(inputs):
            grads_in = as_gradients(node, grads_in)
        for hook in hooks:
            hook(node, grad_out, grads_in)
        for position, needs in enumerate(node.needs_input_grad):
            grad = grads_in[position]
            if grad is None or not needs:
                continue
            link = inputs[position]
            target = link if type(link) is Node else link.data  # both have .shape and .dtype
            # (The full check is a call per edge; most gradients already fit, so test that here.)
            if not (
                type(grad) is np.ndarray
                and grad.shape == target.shape
                and grad.dtype is target.dtype
            ):
                grad = fit_gradient(grad, node, position, target.shape, target.dtype)
            if type(link) is Node:
                if link in grads:
                    grads[link] = grads[link] + grad
                else:
                    grads[link] = grad
                    heappush(heap, (-link.seq, link))
            elif leaves is None or link in leaves:
                leaf_grads[link] = leaf_grads[link] + grad if link in leaf_grads else grad
    return leaf_grads


def _recorded_backward(node: Node, grad_out: Any) -> Any:
    # The formula sees Tensors (its saved arrays reconnected to the graph) and is recorded.
    node._as_tensors = True
    try:
        with enable_grad():
            return node.fn.backward(node, grad_out)
    finally:
        node._as_tensors = False


def as_gradients(node: Node, grads_in: Any) -> tuple:
    """What a backward returned, as a tuple with one gradient (or None) per input (a list
    counts as a tuple)."""
    if len(grads_in) == 1 and isinstance(grads_in[0], list):
        grads_in = tuple(grads_in[0])
    if len(grads_in) != len(node.inputs):
        raise RuntimeError(
            f"backward of '{node.fn.name}' returned {len(grads_in)} gradients for "
            f"{len(node.inputs)} inputs"
        )
    return grads_in


def fit_gradient(grad: Any, node: Node, position: int, shape: tuple, dtype: np.dtype) -> Any:
    """Check one gradient from ``node``'s backward and fit it to its input's shape and dtype.

    Summing over axes that broadcasting added or stretched is the only change allowed; a
    gradient of any other shape means the op's backward is wrong, and raises.
    """
    if not isinstance(grad, (np.ndarray, Tensor)):
        grad = np.asarray(grad, dtype=dtype)
    if grad.shape != shape:
        if not broadcasts_to(shape, grad.shape):
            raise RuntimeError(
                f"backward of '{node.fn.name}' returned a gradient of shape {grad.shape} for "
                f"input {position}, whose shape is {shape}: only axes that broadcasting added "
                "or stretched may be summed away"
            )
        grad = sum_to_shape(grad, shape)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` broadcasts to ``target`` (NumPy's rule, one direction)."""
    lead = len(target) - len(shape)
    return lead >= 0 and all(s in (1, t) for s, t in zip(shape, target[lead:]))


def sum_to_shape(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    If ``y = broadcast(x)`` then every element of ``x`` fed several elements of ``y``, so
    dL/dx is the sum of dL/dy over those copies. Works on ndarrays and on Tensors alike.
    """
    lead = grad.ndim - len(shape)
    stretched = tuple(lead + i for i, size in enumerate(shape) if size == 1)
    summed = grad.sum(axis=(*range(lead), *stretched), keepdims=True)
    return summed.reshape(shape)


def _retain(node: Node, grad: Any) -> None:
    # A tensor that called retain_grad() receives its gradient as it passes.
    tensor = node.retained()
    if tensor is not None:
        array = grad.data if isinstance(grad, Tensor) else grad
        if tensor._grad is None:
            tensor._grad = np.array(array)  # a copy: the engine passes ``array`` on
        else:
            tensor._grad += array


def _check_finite(node: Node, grad_out: Any, grads_in: tuple) -> None:
    # detect_anomaly's hook: the first NaN or Inf gradient names the op that made it.
    from .anomaly import check_backward

    for position, grad in enumerate(grads_in):
        if grad is not None:
            check_backward(node, position, grad)


def seed_gradient(tensor: Tensor, grad: Any, caller: str) -> np.ndarray:
    """dL/d(tensor) to start backward from: ``grad`` checked against the tensor's shape, or 1
    for a one-element tensor when ``grad`` is None."""
    data = tensor.data
    if grad is None:
        if data.size != 1:
            raise RuntimeError(
                f"{caller}: grad can be created implicitly only for a scalar output, but the "
                f"output has shape {data.shape}; pass grad= with that shape (or reduce it to "
                "a scalar first, e.g. .sum())"
            )
        if data.ndim == 0:  # a scalar loss: dL/dL = 1, one shared read-only array per dtype
            seed = _UNIT.get(data.dtype)
            if seed is None:
                seed = _UNIT[data.dtype] = _read_only(np.ones((), data.dtype))
            return seed
        return np.ones(data.shape, dtype=data.dtype)
    if type(grad) is np.ndarray and grad.dtype is data.dtype:
        array = grad  # (as it is: np.asarray parsing its arguments is ~1 % of a small backward)
    else:
        array = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=data.dtype)
    if array.shape != data.shape:
        raise ValueError(
            f"{caller}: grad has shape {array.shape} but the output has shape {data.shape}"
        )
    return array


# (Made once: np.ones costs ~0.4 us, a share of every backward() call on a small model.)
_UNIT: dict[np.dtype, np.ndarray] = {}


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared: no backward formula may write into it
    return array


def backward(
    tensor: Tensor,
    grad: Any = None,
    retain_graph: bool = False,
    hooks: Sequence[StepHook] = (),
) -> None:
    """Compute d(tensor)/d(leaf) for every leaf that requires grad and add it to ``leaf.grad``."""
    if not tensor._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad (none of its inputs required grad, "
            "or it was computed under no_grad), so there is nothing to differentiate"
        )
    seed = seed_gradient(tensor, grad, "backward")
    if tensor._node is None:
        leaf_grads = {tensor: seed}
    else:
        leaf_grads = run_backward((tensor._node,), (seed,), retain_graph=retain_graph, hooks=hooks)
    # Into each leaf's .grad: added in place to an existing buffer; else the total itself becomes
    # the buffer when nobody else holds it (a writeable array of its own, not the caller's grad,
    # not handed to another leaf already), and a copy of it otherwise.
    taken = {id(seed)} if grad is not None else set()
    for leaf, total in leaf_grads.items():
        key = id(total)
        if leaf._grad is not None:
            leaf._grad += total
        elif (
            type(total) is np.ndarray
            and total.base is None
            and total.flags.writeable
            and key not in taken
        ):
            leaf._grad = total
            taken.add(key)
        else:
            leaf._grad = np.array(total)
