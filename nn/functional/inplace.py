"""PyTorch's ``inplace=True`` on activations and dropout (``nn.ReLU(inplace=True)``,
``F.dropout(x, p, training, inplace=True)``): the input tensor's memory receives the result and
the input is returned, as in PyTorch.

On a recorded tensor the write goes through ``autograd.rebase.rewrite``, so the tensor's history
moves to the new node (its gradient is the function's) and any op that saved the old values
raises at backward -- as PyTorch raises for ``nn.Tanh()`` followed by ``nn.ReLU(inplace=True)``.
A leaf that requires grad is refused, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable

import autograd
from autograd.rebase import rewrite


def write_in_place(
    x: autograd.Tensor, compute: Callable[[autograd.Tensor], autograd.Tensor], what: str
) -> autograd.Tensor:
    """Make ``x``'s values ``compute(x)`` in place and return ``x``."""
    if autograd.is_grad_enabled() and (x._node is not None or x._requires_grad):
        return rewrite(x, compute, what)
    return x.copy_(compute(x))  # nothing to record: an ordinary write (the version is bumped)
