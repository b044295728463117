"""Undoing broadcasting in backward: the one place a gradient's shape may change.

If ``y = x + b`` broadcast ``b`` of shape ``(3,)`` to ``(4, 3)``, every element of ``b`` fed four
elements of ``y``, so dL/db is dL/dy summed over the added axis. An op's backward may return its
gradient in the output's broadcast shape; the engine fits it to the input's shape here, and any
other mismatch is a bug in that backward, which raises.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .function import Node
from .tensor import Tensor


def fit_gradient(grad: Any, node: Node, position: int) -> Any:
    """Check the gradient ``node``'s backward returned for input ``position`` and fit it to that
    input's shape and dtype.

    Summing over axes that broadcasting added or stretched is the only change allowed; a
    gradient of any other shape means the op's backward is wrong, and raises.
    """
    link = node.inputs[position]
    target = link if type(link) is Node else link._data  # both have .shape and .dtype
    shape, dtype = target.shape, target.dtype
    if type(grad) is np.ndarray and grad.shape == shape and grad.dtype is dtype:
        return grad  # the usual case, answered first: this runs once per edge of the graph
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
