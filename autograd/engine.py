"""The backward pass: reverse-mode automatic differentiation over the recorded graph.

Given a root and dL/d(root), visit every node after all the nodes that use its result (Kahn's
topological order, iterative, so a 100,000-op chain needs no recursion), call the op's backward to
get dL/d(input) from dL/d(output) (the chain rule), sum the contributions that meet at a tensor
used more than once, and hand the totals to the leaves.

Broadcasting is undone here and only here: an op may return a gradient in its output's broadcast
shape, and ``sum_to_shape`` folds it back onto the input's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
        return grad.reshape(shape) if grad.size == int(np.prod(shape)) else grad
    axes = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and grad.shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead:
        grad = grad.reshape(shape)
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


def _collect_dependencies(roots: Sequence[Node]) -> dict[Node, int]:
    """Count, for every node reachable from the roots, how many graph nodes consume its result."""
    users: dict[Node, int] = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        for link in stack.pop().inputs:
            if type(link) is Node:
                users[link] = users.get(link, 0) + 1
                if link not in seen:
                    seen.add(link)
                    stack.append(link)
    return users


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
    users = _collect_dependencies(roots)
    grads: dict[Node, Any] = {}
    for root, grad in zip(roots, root_grads):
        grads[root] = grads[root] + grad if root in grads else grad
    ready = [root for root in dict.fromkeys(roots) if root not in users]
    leaf_grads: dict[Any, Any] = {}
    while ready:
        node = ready.pop()
        grad_out = grads.pop(node, None)
        inputs = node.inputs
        if grad_out is not None:
            if capture is not None and node in capture:
                leaf_grads[node] = grad_out
            if node.retained is not None:
                _retain(node, grad_out)
            grads_in = _call_backward(node, grad_out, retain_graph, create_graph)
            if step_hook is not None:
                step_hook(node, grad_out, grads_in)
        else:
            grads_in = (None,) * len(inputs)
        for position, link in enumerate(inputs):
            grad = grads_in[position]
            if type(link) is Node:
                if grad is not None:
                    grad = _as_gradient(grad, node, position, link.shape, link.dtype)
                    grads[link] = grads[link] + grad if link in grads else grad
                users[link] -= 1
                if users[link] == 0:
                    ready.append(link)
            elif grad is not None and isinstance(link, Tensor) and link._requires_grad:
                if capture is not None and link not in capture:
                    continue
                grad = _as_gradient(grad, node, position, link.data.shape, link.data.dtype)
                leaf_grads[link] = leaf_grads[link] + grad if link in leaf_grads else grad
    return leaf_grads


def _call_backward(node: Node, grad_out: Any, retain_graph: bool, create_graph: bool) -> tuple:
    if node._saved is _FREED:
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
    if not retain_graph and node._saved is not None:
        node._saved = _FREED
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
        tensor.grad = np.array(array) if tensor.grad is None else tensor.grad + array


def backward(tensor: Tensor, grad: Any = None, retain_graph: bool = False) -> None:
    """Compute d(tensor)/d(leaf) for every leaf that requires grad and add it to ``leaf.grad``."""
    if not tensor._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad (none of its inputs required grad, "
            "or it was computed under no_grad), so there is nothing to differentiate"
        )
    user_grad = grad is not None
    grad = _root_gradient(tensor, grad, "backward")
    if tensor._node is None:
        leaf_grads = {tensor: grad}
    else:
        leaf_grads = run_backward([tensor._node], [grad], retain_graph=retain_graph)
    _accumulate_into_leaves(leaf_grads, shared={id(grad)} if user_grad else set())


def _root_gradient(tensor: Tensor, grad: Any, caller: str) -> np.ndarray:
    if grad is None:
        if tensor.data.size != 1:
            raise RuntimeError(
                f"{caller}: grad can be created implicitly only for a scalar output, but the "
                f"output has shape {tensor.shape}; pass grad= with that shape (or reduce it to "
                "a scalar first, e.g. .sum())"
            )
        return np.ones(tensor.data.shape, dtype=tensor.data.dtype)
    array = grad.data if isinstance(grad, Tensor) else np.asarray(grad, dtype=tensor.dtype)
    if array.shape != tensor.shape:
        raise ValueError(
            f"{caller}: grad has shape {array.shape} but the output has shape {tensor.shape}"
        )
    return array.astype(tensor.dtype, copy=False)


def _accumulate_into_leaves(leaf_grads: dict, shared: set) -> None:
    """Add each total into ``leaf.grad`` in place, taking ownership of arrays nobody else holds."""
    for leaf, grad in leaf_grads.items():
        if leaf.grad is not None:
            leaf.grad += grad
            continue
        if id(grad) in shared or grad.base is not None or not grad.flags.writeable:
            grad = grad.copy()
        shared.add(id(grad))
        leaf.grad = grad


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return d(sum_k grad_outputs[k] * outputs[k]) / d(inputs[i]) for each input, as Tensors.

    Nothing is written to any ``.grad``. With ``create_graph=True`` the backward formulas are
    themselves recorded, so the results can be differentiated again (higher-order derivatives)::

        x = autograd.tensor(2.0, requires_grad=True)
        (dy,) = autograd.grad(x ** 3, x, create_graph=True)   # 3 x^2 = 12
        (d2y,) = autograd.grad(dy, x)                          # 6 x   = 12

    ``retain_graph`` defaults to ``create_graph``. An input that does not influence the outputs
    raises unless ``allow_unused=True``, which returns None for it.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    for i, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor._requires_grad:
            raise RuntimeError(f"grad: input {i} is not a Tensor that requires grad")
    keys = [tensor._node or tensor for tensor in inputs]
    roots, root_grads, direct = [], [], {}
    for i, (output, seed) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(output, Tensor) or not output._requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad")
        if create_graph and isinstance(seed, Tensor):
            if seed.shape != output.shape:
                raise ValueError(
                    f"grad: grad_outputs[{i}] has shape {seed.shape}, output {output.shape}"
                )
        else:
            seed = _root_gradient(output, seed, "grad")
            if create_graph:
                seed = Tensor._make(seed, None)
        if output._node is None:
            direct[output] = direct[output] + seed if output in direct else seed
        else:
            roots.append(output._node)
            root_grads.append(seed)
    captured = {}
    if roots:
        captured = run_backward(
            roots,
            root_grads,
            retain_graph=retain_graph,
            create_graph=create_graph,
            capture=set(keys),
        )
    for leaf, seed in direct.items():
        captured[leaf] = captured[leaf] + seed if leaf in captured else seed
    results: list[Tensor | None] = []
    for i, key in enumerate(keys):
        value = captured.get(key)
        if value is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} was not used to compute the outputs "
                    "(pass allow_unused=True to get None for it)"
                )
            results.append(None)
        elif isinstance(value, Tensor):
            results.append(value)
        else:
            results.append(Tensor._make(np.array(value), None))
    return tuple(results)
