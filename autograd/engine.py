"""The backward pass: reverse-mode automatic differentiation over the recorded graph.

Given a root and dL/d(root), visit every node after all the nodes that use its result, call the
op's backward to get dL/d(input) from dL/d(output) (the chain rule), sum the contributions that
meet at a tensor used more than once, and hand the totals to the leaves.

The order is the reverse of creation: every node carries a sequence number (``Node.seq``), and an
op's inputs always exist before it runs, so the largest number still waiting is a node whose users
are all done. A heap of the nodes that have received a gradient gives that order iteratively (a
100,000-op chain needs no recursion) and without a first pass over the graph to count users.

Broadcasting is undone here and only here: an op may return a gradient in its output's broadcast
shape, and ``sum_to_shape`` folds it back onto the input's shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from .function import _FREED, Node
from .grad_mode import STATE, enable_grad
from .tensor import Tensor

StepHook = Callable[[Node, Any, tuple], None]


def sum_to_shape(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    If ``y = broadcast(x)`` then every element of ``x`` fed several elements of ``y``, so
    dL/dx is the sum of dL/dy over those copies. Works on ndarrays and on Tensors alike.
    """
    lead = grad.ndim - len(shape)
    if lead < 0:
        return grad.reshape(shape) if grad.size == math.prod(shape) else grad
    sizes = grad.shape[lead:]
    stretched = [lead + i for i, size in enumerate(shape) if size == 1 and sizes[i] != 1]
    if stretched:
        grad = grad.sum(axis=(*range(lead), *stretched), keepdims=True)
        return grad.reshape(shape) if lead else grad  # (a reshape is a view: leaves copy it)
    if lead:  # only added leading axes (a bias): summing them away leaves ``shape``
        return grad.sum(axis=tuple(range(lead)))
    return grad


def _as_gradient(value: Any, node: Node, position: int, shape: tuple, dtype: np.dtype) -> Any:
    """Check one gradient from ``node``'s backward and fit it to its input's shape and dtype."""
    if not isinstance(value, (np.ndarray, Tensor)):
        value = np.asarray(value, dtype=dtype)
    if value.shape != shape:
        value = sum_to_shape(value, shape)
        if value.shape != shape:
            raise RuntimeError(
                f"backward of '{node.fn.name}' returned a gradient of shape {value.shape} for "
                f"input {position}, whose shape is {shape}"
            )
    if value.dtype != dtype:
        value = value.astype(dtype)
    if STATE.anomaly:
        from .anomaly import check_backward

        check_backward(node, position, value)
    return value


def run_backward(
    roots: Sequence[Node],
    root_grads: Sequence[Any],
    *,
    retain_graph: bool,
    create_graph: bool = False,
    capture: set | None = None,
    step_hook: StepHook | None = None,
) -> dict:
    """Propagate ``root_grads`` from ``roots`` to the leaves.

    Without ``capture``, leaf gradients are returned as ``{leaf: total}`` for the caller to
    accumulate. With ``capture`` (a set of leaf Tensors and Nodes), only the gradients of those
    are returned and nothing else is kept. ``step_hook(node, grad_out, grads_in)`` observes each
    step (used by ``trace_backward``).
    """
    # Nodes are visited in decreasing creation order (``Node.seq``): every consumer of a result
    # was created after it, so by the time a node comes off the heap every gradient that will
    # flow into it has arrived. Only nodes that receive a gradient are ever pushed.
    if len(roots) == 1:  # the usual loss.backward(): nothing to merge
        grads: dict[Node, Any] = {roots[0]: root_grads[0]}
        heap = [(-roots[0].seq, roots[0])]
    else:
        grads = {}
        heap = []
        for root, grad in zip(roots, root_grads):
            if root in grads:
                grads[root] = grads[root] + grad
            else:
                grads[root] = grad
                heap.append((-root.seq, root))
        heapify(heap)
    leaf_grads: dict[Any, Any] = {}
    # ``plain``: no create_graph, capture, hook or anomaly check. Then backward is called directly
    # and a gradient that is already an ndarray of the right shape and dtype skips _as_gradient:
    # the common case, where a function call per node and per edge is a measurable share of a
    # small graph's backward.
    plain = not create_graph and capture is None and step_hook is None and not STATE.anomaly
    while heap:
        node = heappop(heap)[1]
        grad_out = grads.pop(node)
        inputs = node.inputs
        if plain and node.retained is None and node._saved is not _FREED:
            grads_in = node.fn.backward(node, grad_out)
            if not retain_graph and node._saved is not None:
                node._saved = _FREED
            if type(grads_in) is not tuple:
                # A one-input op may return its gradient bare.
                if len(inputs) == 1 and type(grads_in) is np.ndarray:
                    grads_in = (grads_in,)
                else:
                    grads_in = _check_grads_in(node, grads_in)
            elif len(grads_in) != len(inputs):
                _check_grads_in(node, grads_in)
        else:
            if capture is not None and node in capture:
                leaf_grads[node] = grad_out
            if node.retained is not None:
                _retain(node, grad_out)
            grads_in = _call_backward(node, grad_out, retain_graph, create_graph)
            if step_hook is not None:
                step_hook(node, grad_out, grads_in)
        for position, link in enumerate(inputs):
            grad = grads_in[position]
            if type(link) is Node:
                if grad is not None:
                    # (``is`` on dtypes: NumPy hands out one object per built-in dtype, and a
                    # miss only costs the full check in _as_gradient.)
                    if not (
                        plain
                        and type(grad) is np.ndarray
                        and grad.dtype is link.dtype
                        and grad.shape == link.shape
                    ):
                        grad = _as_gradient(grad, node, position, link.shape, link.dtype)
                    previous = grads.get(link)
                    if previous is None:
                        grads[link] = grad
                        heappush(heap, (-link.seq, link))
                    else:
                        grads[link] = previous + grad
            elif grad is not None and isinstance(link, Tensor) and link._requires_grad:
                if capture is not None and link not in capture:
                    continue
                data = link.data
                if not (
                    plain
                    and type(grad) is np.ndarray
                    and grad.dtype is data.dtype
                    and grad.shape == data.shape
                ):
                    grad = _as_gradient(grad, node, position, data.shape, data.dtype)
                previous = leaf_grads.get(link)
                leaf_grads[link] = grad if previous is None else previous + grad
    return leaf_grads


def _call_backward(node: Node, grad_out: Any, retain_graph: bool, create_graph: bool) -> tuple:
    saved = node._saved
    if saved is _FREED:
        node.saved_tensors  # raises the "retain_graph=True" error  # noqa: B018
    if create_graph:
        node._as_tensors = True
        try:
            with enable_grad():
                grads_in = node.fn.backward(node, grad_out)
        finally:
            node._as_tensors = False
    else:
        grads_in = node.fn.backward(node, grad_out)
    if not retain_graph and saved is not None:
        node._saved = _FREED
    return _check_grads_in(node, grads_in)


def _check_grads_in(node: Node, grads_in: Any) -> tuple:
    """Normalise what a backward returned to a tuple with one entry per input."""
    if type(grads_in) is not tuple:
        grads_in = tuple(grads_in) if isinstance(grads_in, list) else (grads_in,)
    if len(grads_in) != len(node.inputs):
        raise RuntimeError(
            f"backward of '{node.fn.name}' returned {len(grads_in)} gradients for "
            f"{len(node.inputs)} inputs"
        )
    return grads_in


def _retain(node: Node, grad: Any) -> None:
    tensor = node.retained()
    if tensor is not None:
        array = grad.data if isinstance(grad, Tensor) else grad
        if tensor.grad is None:
            tensor.grad = np.array(array)  # a copy: the engine may still pass ``array`` on
        else:
            tensor.grad += array  # in place, so a 0-d grad stays an array


def backward(
    tensor: Tensor,
    grad: Any = None,
    retain_graph: bool = False,
    step_hook: StepHook | None = None,
) -> None:
    """Compute d(tensor)/d(leaf) for every leaf that requires grad and add it to ``leaf.grad``.

    ``step_hook(node, grad_out, grads_in)``, if given, observes each step (``trace_backward``).
    """
    if not tensor._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad (none of its inputs required grad, "
            "or it was computed under no_grad), so there is nothing to differentiate"
        )
    seed = _root_gradient(tensor, grad, "backward")
    node = tensor._node
    if node is None:
        leaf_grads = {tensor: seed}
    else:
        leaf_grads = run_backward((node,), (seed,), retain_graph=retain_graph, step_hook=step_hook)
    # A gradient the user passed in stays theirs: a leaf that would receive it gets a copy.
    _accumulate_into_leaves(leaf_grads, shared={id(seed)} if grad is not None else set())


def _root_gradient(tensor: Tensor, grad: Any, caller: str) -> np.ndarray:
    data = tensor.data
    if grad is None:
        if data.size != 1:
            raise RuntimeError(
                f"{caller}: grad can be created implicitly only for a scalar output, but the "
                f"output has shape {data.shape}; pass grad= with that shape (or reduce it to "
                "a scalar first, e.g. .sum())"
            )
        if not data.ndim:  # a scalar loss: the shared read-only 1 of its dtype
            seed = _UNIT_SEEDS.get(data.dtype)
            if seed is None:
                seed = _UNIT_SEEDS[data.dtype] = np.array(1, dtype=data.dtype)
                seed.flags.writeable = False  # backward formulas never write into grad
            return seed
        seed = np.empty(data.shape, dtype=data.dtype)  # np.ones is a slower Python wrapper
        seed.fill(1)
        return seed
    if type(grad) is np.ndarray and grad.dtype == data.dtype:
        array = grad
    elif isinstance(grad, Tensor):
        array = grad.data.astype(data.dtype, copy=False)
    else:
        array = np.asarray(grad, dtype=data.dtype)
    if array.shape != data.shape:
        raise ValueError(
            f"{caller}: grad has shape {array.shape} but the output has shape {data.shape}"
        )
    return array


# dL/dL = 1 for each dtype of scalar loss, made once (np.array costs ~0.4 us per backward).
_UNIT_SEEDS: dict[np.dtype, np.ndarray] = {}


def _accumulate_into_leaves(leaf_grads: dict, shared: set) -> None:
    """Add each total into ``leaf.grad`` in place, taking ownership of arrays nobody else holds."""
    for leaf, grad in leaf_grads.items():
        if type(grad) is not np.ndarray:  # NumPy sums 0-d arrays into scalars
            grad = np.asarray(grad)
        if leaf.grad is not None:
            leaf.grad += grad
            continue
        key = id(grad)
        if grad.base is not None or key in shared or not grad.flags.writeable:
            grad = grad.copy()
            key = id(grad)
        shared.add(key)
        leaf.grad = grad
