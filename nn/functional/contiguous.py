"""Layer outputs laid out as PyTorch lays them out: one C-ordered block of memory.

Convolutions and pooling compute in channels-last order (N, H, W, C), the order the matrix
product gives, and return (N, C, H, W). As a plain recorded ``transpose`` that result is a
strided view, so ``x.view(-1, 16 * 5 * 5)`` -- what PyTorch's CIFAR-10 tutorial writes after
a pooling layer -- would be refused as needing a copy, while PyTorch's pooled tensor is
contiguous and the view works. ``permute_contiguous`` is that transpose with a contiguous
result: the same values and the same gradient (the inverse permutation of the incoming one).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd


class PermuteContiguous(autograd.Function):
    """y = x.transpose(axes), copied into C order; dL/dx = (dL/dy).transpose(inverse axes)."""

    name = "transpose"  # the same op a drawing showed before: only the memory layout differs

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axes: tuple[int, ...] = ()) -> np.ndarray:
        ctx.inverse = tuple(int(i) for i in np.argsort(axes))
        return np.ascontiguousarray(x.transpose(axes))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.transpose(ctx.inverse)  # (a Tensor under create_graph: recorded again)


def permute_contiguous(x: autograd.Tensor, axes: tuple[int, ...]) -> autograd.Tensor:
    """``x.transpose(axes)`` as a new C-ordered tensor (not a view), recorded."""
    return PermuteContiguous.apply(x, axes=tuple(axes))
