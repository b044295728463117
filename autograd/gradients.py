"""``autograd.grad``: derivatives returned as Tensors, optionally differentiable again.

Where ``Tensor.backward()`` adds gradients into the leaves' ``.grad``, ``grad`` hands them back
and touches nothing; with ``create_graph=True`` the backward pass is itself recorded, which is how
second and third derivatives (and ``gradgradcheck``) are computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import engine
from .engine import run_backward
from .engine_helpers import seed_gradient
from .graph.walk import walk
from .tensor import Tensor


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
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):  # one Tensor, array or number (np.float64)
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    for i, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor._requires_grad:
            raise RuntimeError(f"grad: input {i} is not a Tensor that requires grad")
    roots: list[Any] = []
    root_grads: list[Any] = []
    direct: dict[Any, Any] = {}
    for i, (output, seed) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(output, Tensor) or not output._requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad")
        if create_graph and isinstance(seed, Tensor):
            if seed.shape != output.shape:
                raise ValueError(
                    f"grad: grad_outputs[{i}] has shape {seed.shape}, output {output.shape}"
                )
        else:
            seed = seed_gradient(output, seed, "grad")
            if create_graph:
                seed = Tensor._make(seed, None)
        if output._node is None:
            direct[output] = direct[output] + seed if output in direct else seed
        else:
            roots.append(output._node)
            root_grads.append(seed)
    # Leaves are collected by the backward pass; an input computed inside the graph is caught by
    # a hook as its node's turn comes (its gradient is complete then).
    wanted_nodes = {tensor._node for tensor in inputs if tensor._node is not None}
    captured: dict[Any, Any] = {}

    def capture(node: Any, grad_out: Any, grads_in: tuple) -> None:
        if node in wanted_nodes:
            captured[node] = grad_out

    if roots:
        captured.update(
            run_backward(
                roots,
                root_grads,
                retain_graph=retain_graph,
                create_graph=create_graph,
                hooks=[capture] if wanted_nodes else [],
            )
        )
    for leaf, seed in direct.items():
        captured[leaf] = captured[leaf] + seed if leaf in captured else seed
    results: list[Tensor | None] = []
    for i, tensor in enumerate(inputs):
        value = captured.get(tensor._node or tensor)
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


def backward_through_grad(
    tensor: Tensor, gradient: Any, retain_graph: bool | None, create_graph: bool, inputs: Any
) -> None:
    """``tensor.backward(gradient, retain_graph, create_graph, inputs)`` as PyTorch's: add
    d(tensor)/d(x) into ``x.grad`` for each of ``inputs`` (every leaf requiring grad that the
    tensor depends on when None). With ``create_graph=True`` the gradients added are recorded
    Tensors, so ``x.grad`` can be differentiated again (and sums recorded across calls)."""
    if inputs is None:
        targets = _leaves_of(tensor)
    else:
        targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not targets:
            raise RuntimeError("backward: inputs= was given but is empty")
    if not tensor._requires_grad:
        raise RuntimeError("backward: this tensor does not require grad")
    totals = grad(tensor, targets, gradient, retain_graph, create_graph, allow_unused=True)
    for target, total in zip(targets, totals):
        if total is None or _retained(target):  # (retain_grad's gradient arrived in the loop)
            continue
        if not create_graph:  # arrays added in place, as backward() does
            if target._grad is None:
                target._grad = np.array(total._data)
            else:
                target._grad += total._data
            continue
        old = target.grad
        new = total if old is None else old + total  # recorded: .grad keeps its history
        target._grad = new._data
        setattr(target, "_grad_view", new)  # noqa: B010 - the Tensor .grad returns


def _retained(tensor: Tensor) -> bool:
    """Whether ``tensor`` is a computed tensor that called ``retain_grad()``: the backward loop
    has then given it its gradient already, which adding the total again would double."""
    node = tensor._node
    return node is not None and node.retained is not None and node.retained() is tensor


def _leaves_of(tensor: Tensor) -> list[Tensor]:
    """The leaves requiring grad that ``tensor``'s graph reaches, in the order first used."""
    return [leaf for leaf in walk(tensor).leaves if leaf._requires_grad]


engine.through_grad = backward_through_grad
