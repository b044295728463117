"""Regression losses, each with ``reduction='mean' | 'sum' | 'none'`` as in PyTorch.

``mse_loss`` and ``l1_loss`` are one fused op each: in a small model the loss is a good share of
the graph, and three nodes (difference, square or absolute value, mean) cost three times the
bookkeeping of one. ``huber_loss`` and ``smooth_l1_loss`` are built from Tensor operations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import loss_pair, reduce


def _reduced(losses: np.ndarray, reduction: str) -> Any:
    if reduction == "mean":
        n = losses.size
        if n and losses.dtype.itemsize >= 4:
            # The arithmetic of ndarray.mean (sum in the array's dtype, then divide) without its
            # Python wrapper, which costs more than the sum on small arrays.
            return losses.sum() / n
        return losses.mean()  # float16 (accumulated in float32), or 0 elements (NaN)
    if reduction == "sum":
        return losses.sum()
    return losses


class MSELossFunction(autograd.Function):
    """l_i = (x_i - y_i)^2, reduced by mean (over all n elements), sum or none.

    Backward, with d = x - y and g = dL/dl: dL/dx = 2 d g / n for 'mean' (2 d g for 'sum',
    2 d_i g_i for 'none'), and dL/dy = -dL/dx.
    """

    name = "mse_loss"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray, reduction: str = "mean") -> Any:
        d = x - y
        # x and y are kept for create_graph (d would be a constant there); d for the plain case.
        ctx.save_for_backward(x, y, d)
        ctx.reduction = reduction
        return _reduced(d * d, reduction)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        x, y, d = ctx.saved_tensors
        if isinstance(grad, autograd.Tensor):  # differentiating the backward: d must be recorded
            d = x - y
        # 2 / n as a 0-d array of d's dtype: NumPy converts a Python float anew on every call,
        # which costs as much as the product on a small array.
        # (An empty input's 'mean' is NaN and its gradient empty: any scale will do.)
        mean = ctx.reduction == "mean" and d.size
        scale = np.array(2.0 / d.size if mean else 2.0, dtype=d.dtype)
        g = (d * scale) * grad
        needs = ctx.needs_input_grad
        return (g if needs[0] else None), (-g if needs[1] else None)


class L1LossFunction(autograd.Function):
    """l_i = |x_i - y_i|, reduced by mean (over all n elements), sum or none.

    Backward: dL/dx = sign(x - y) g / n for 'mean' (sign(x - y) g otherwise; sign(0) = 0 as in
    PyTorch), dL/dy = -dL/dx. The second derivative is 0, so the sign may stay a constant.
    """

    name = "l1_loss"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray, reduction: str = "mean") -> Any:
        d = x - y
        ctx.save_for_backward(np.sign(d))
        ctx.reduction = reduction
        return _reduced(np.abs(d), reduction)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        (sign,) = ctx.saved_tensors
        if ctx.reduction == "mean" and sign.size:
            grad = grad / sign.size
        g = sign * grad
        needs = ctx.needs_input_grad
        return (g if needs[0] else None), (-g if needs[1] else None)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> autograd.Tensor:
    """Mean squared error: l_i = (x_i - y_i)^2 (one fused op)."""
    x, y = loss_pair("mse_loss", input, target, reduction)
    return MSELossFunction.apply(x, y, reduction=reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> autograd.Tensor:
    """Mean absolute error: l_i = |x_i - y_i| (one fused op)."""
    x, y = loss_pair("l1_loss", input, target, reduction)
    return L1LossFunction.apply(x, y, reduction=reduction)


def huber_loss(
    input: Any, target: Any, reduction: str = "mean", delta: float = 1.0
) -> autograd.Tensor:
    """Huber: with d = x - y, l = d^2 / 2 if |d| < delta else delta * (|d| - delta / 2)."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    x, y = loss_pair("huber_loss", input, target, reduction)
    d = x - y
    a = d.abs()
    return reduce(autograd.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction)


def smooth_l1_loss(
    input: Any, target: Any, reduction: str = "mean", beta: float = 1.0
) -> autograd.Tensor:
    """Smooth L1: l = d^2 / (2 beta) if |d| < beta else |d| - beta / 2 (beta = 0: L1)."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    x, y = loss_pair("smooth_l1_loss", input, target, reduction)
    d = x - y
    a = d.abs()
    if beta == 0:
        return reduce(a, reduction)
    return reduce(autograd.where(a < beta, (0.5 / beta) * d * d, a - 0.5 * beta), reduction)
