"""The backward loop's helpers (autograd/engine.py), each named for what it buys, kept out of the
reading path. docs/guides/speed.md has the measurements behind the speed ones.
"""

from __future__ import annotations

from heapq import heapify
from typing import Any

import numpy as np

from .anomaly import check_backward
from .grad_mode import enable_grad
from .tensor import Tensor
from .thread_state import LOCAL


def heap_of_roots(roots: Any, root_grads: Any) -> tuple[dict, list]:
    """The loop's starting state: ``{node: dL/d(node)}`` for the roots (a root given twice gets
    the sum) and a heap of ``(-seq, node)``, the latest node on top."""
    grads: dict = {}
    heap = []
    for root, grad in zip(roots, root_grads):
        if root in grads:
            grads[root] = grads[root] + grad
        else:
            grads[root] = grad
            heap.append((-root.seq, root))
    heapify(heap)
    return grads, heap


def backward_with_extras(node: Any, grad_out: Any, create_graph: bool) -> Any:
    """The node's backward when the loop has more to do than call it: give a tensor that called
    ``retain_grad()`` its gradient, and under ``create_graph`` record the formula."""
    if node.retained is not None:
        retain(node, grad_out)
    if create_graph:
        return recorded_backward(node, grad_out)
    return node.fn.backward(node, grad_out)


def recorded_backward(node: Any, grad_out: Any) -> Any:
    """``create_graph``: run the node's formula on Tensors (its saved arrays reconnected to the
    graph) with recording on, so that the gradient can be differentiated again."""
    node._as_tensors = True
    try:
        with enable_grad():
            return node.fn.backward(node, grad_out)
    finally:
        node._as_tensors = False


def one_per_input(node: Any, grads_in: Any) -> tuple:
    """What a backward returned, as a tuple with one gradient (or None) per input: a bare
    gradient (a one-input op's) is wrapped, a list counts as a tuple; any other count raises."""
    if type(grads_in) is not tuple:
        grads_in = (grads_in,)
    if len(grads_in) == 1 and isinstance(grads_in[0], list):
        grads_in = tuple(grads_in[0])
    if len(grads_in) != len(node.inputs):
        raise RuntimeError(
            f"backward of '{node.fn.name}' returned {len(grads_in)} gradients for "
            f"{len(node.inputs)} inputs"
        )
    return grads_in


def retain(node: Any, grad: Any) -> None:
    """Give the tensor that called ``retain_grad()`` its gradient as the loop passes its node."""
    tensor = node.retained()
    if tensor is not None:
        array = grad._data if isinstance(grad, Tensor) else grad
        if tensor._grad is None:
            tensor._grad = np.array(array)  # a copy: the loop passes ``array`` on
        else:
            tensor._grad += array


def with_anomaly_check(hooks: Any) -> Any:
    """The loop's step hooks, plus ``check_finite`` when anomaly mode is on (this thread)."""
    return (*hooks, check_finite) if LOCAL.state.anomaly else hooks


def check_finite(node: Any, grad_out: Any, grads_in: tuple) -> None:
    """``detect_anomaly``'s hook: the first NaN or Inf gradient names the op that made it."""
    for position, grad in enumerate(grads_in):
        if grad is not None:
            check_backward(node, position, grad)


_UNIT: dict[np.dtype, np.ndarray] = {}


def unit_seed(dtype: np.dtype) -> np.ndarray:
    """dL/dL = 1 for a scalar loss: one shared read-only 0-d array per dtype, made once rather
    than at every ``backward()`` call."""
    seed = _UNIT.get(dtype)
    if seed is None:
        seed = _UNIT[dtype] = np.ones((), dtype)
        seed.flags.writeable = False  # shared: no backward formula may write into it
    return seed


def no_stand_in(value: Any) -> None:
    """Default of :data:`stand_in_array`: outside a capture, only an exact ndarray is owned."""
    return None


# ``autograd.compile`` replaces this while a capture runs: given a stand-in for an ndarray it
# returns the array it stands for, so that eager's buffer rule below decides for the real array
# (a capture then holds no extra copy of the gradients). None for anything else (a Tensor
# under create_graph, a NumPy scalar...), which is copied.
stand_in_array = no_stand_in


def accumulate_into_leaves(leaf_grads: dict, caller_grad: Any) -> None:
    """Add each leaf's total gradient into its ``.grad`` without needless copies.

    Added in place to an existing buffer; else the total itself becomes the buffer when nobody
    else holds it (a writeable array of its own, not the caller's ``grad``, not handed to another
    leaf already), and a copy of it otherwise.
    """
    taken = set()
    if caller_grad is not None:
        taken.add(id(caller_grad if type(caller_grad) is np.ndarray else _array(caller_grad)))
    for leaf, total in leaf_grads.items():
        if not leaf._requires_grad:  # requires_grad_(False) since the forward: no .grad, as
            continue  # in PyTorch (the total would hold only the paths recorded before)
        if leaf._grad is not None:
            leaf._grad += total
            continue
        array = total if type(total) is np.ndarray else stand_in_array(total)
        if (
            array is not None
            and array.base is None
            and array.flags.writeable
            and id(array) not in taken
        ):
            leaf._grad = total
            taken.add(id(array))
        else:
            leaf._grad = np.array(total)


def _array(value: Any) -> Any:
    array = stand_in_array(value)
    return value if array is None else array


def seed_gradient(tensor: Tensor, grad: Any, caller: str) -> np.ndarray:
    """dL/d(tensor) to start backward from: ``grad`` checked against the tensor's shape, or 1
    for a one-element tensor when ``grad`` is None."""
    data = tensor._data
    given = "gradient" if caller == "backward" else "grad_outputs"  # as each names it
    if grad is None:
        if data.size != 1:
            raise RuntimeError(
                f"{caller}: grad can be created implicitly only for a scalar output, but the "
                f"output has shape {data.shape}; pass {given}= with that shape (or reduce it "
                "to a scalar first, e.g. .sum())"
            )
        return unit_seed(data.dtype) if data.ndim == 0 else np.ones_like(data)
    if type(grad) is not np.ndarray or grad.dtype != data.dtype:
        grad = np.asarray(grad._data if isinstance(grad, Tensor) else grad, dtype=data.dtype)
    if grad.shape != data.shape:
        raise ValueError(
            f"{caller}: {given} has shape {grad.shape} but the output has shape {data.shape}"
        )
    return grad
