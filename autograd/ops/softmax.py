"""Softmax and log-softmax along one axis, each one fused op: ``autograd.softmax(x, axis)``,
``t.softmax(dim)``, ``t.log_softmax(dim)`` (PyTorch's Tensor methods), and behind
``nn.functional.softmax`` / ``log_softmax``, which call the same two Functions.

They live here, beside the other ops, rather than in ``nn.functional``, so that a Tensor has the
methods without ``autograd`` importing ``nn`` (nothing in autograd knows about nn). Their
backward formulas use only NumPy operators and ``sum_along`` (a recorded ``np.dot`` on
Tensors), so they are recorded again under ``create_graph=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .rows import max_along, sum_along


class SoftmaxFunction(Function):
    """y_i = e^(x_i - m) / sum_j e^(x_j - m) along ``axis``, m = max_j x_j (any m gives the same
    y; the maximum keeps every exponent <= 0, so nothing overflows). A row of -inf has no
    weights to normalise: it gives NaN (0 / 0).

    Backward: dy_i/dx_k = y_i ([i = k] - y_k), so dL/dx = y * (g - sum_j g_j y_j), g = dL/dy.
    """

    name = "softmax"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int = -1) -> np.ndarray:
        if x.ndim == 0:  # one value along PyTorch's dim 0 (or -1): a row of one, weight 1
            return SoftmaxFunction.forward(ctx, x.reshape(1), 0).reshape(())
        e = np.exp(x - _finite_max(x, axis))
        y = e / sum_along(e, axis)
        ctx.axis = axis
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (y,) = ctx.saved_tensors
        grad = np.reshape(grad, y.shape)  # (a 0-d input's y was computed as a row of one)
        return y * (grad - sum_along(grad * y, ctx.axis))


class LogSoftmaxFunction(Function):
    """y_i = x_i - m - log(sum_j e^(x_j - m)) along ``axis``, m = max_j x_j (the log-sum-exp
    taken stably: finite for logits of +-1000).

    Backward: dy_i/dx_k = [i = k] - softmax(x)_k, so dL/dx = g - e^y * sum_j g_j, g = dL/dy.
    """

    name = "log_softmax"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int = -1) -> np.ndarray:
        if x.ndim == 0:  # as softmax: a row of one value, log 1 = 0
            return LogSoftmaxFunction.forward(ctx, x.reshape(1), 0).reshape(())
        shifted = x - _finite_max(x, axis)
        with np.errstate(divide="ignore"):  # log(0) = -inf for a row of -inf: y is NaN there
            y = shifted - np.log(sum_along(np.exp(shifted), axis))
        ctx.axis = axis
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (y,) = ctx.saved_tensors
        grad = np.reshape(grad, y.shape)  # (as softmax's)
        return grad - np.exp(y) * sum_along(grad, ctx.axis)


def _finite_max(x: np.ndarray, axis: int) -> np.ndarray:
    """The maximum along ``axis`` (kept), or 0 where it is not finite (a row of -inf, or one
    holding +inf), as ``logsumexp`` shifts. Along an empty axis there is nothing to shift
    (and no maximum): the result is empty too."""
    if x.shape[axis] == 0:
        return np.zeros((), dtype=x.dtype)
    m = max_along(x, axis)
    return np.where(np.isfinite(m), m, 0)


def softmax_input(fn: str, x: Any, axis: Any, dtype: Any) -> tuple[Tensor, int]:
    """The input as a Tensor (cast to ``dtype`` first if given, as PyTorch) and the checked
    axis, for ``fn`` (the name errors give)."""
    x = as_tensor(x)
    if dtype is not None:
        x = x.astype(dtype)
    if not isinstance(axis, int | np.integer) or not -max(x.ndim, 1) <= axis < max(x.ndim, 1):
        raise ValueError(f"{fn}: axis {axis!r} is out of range for an input of shape {x.shape}")
    return x, int(axis)


@op()
def softmax(x: Any, axis: int, dtype: Any = None) -> Tensor:
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j) along ``axis`` (PyTorch: ``t.softmax(dim)``),
    the row's maximum subtracted first so that large logits never overflow; ``dtype``, if
    given, is the dtype the input is cast to first. One fused op (``nn.functional.softmax``
    runs the same one, with a default axis of -1)."""
    x, axis = softmax_input("softmax", x, axis, dtype)
    return SoftmaxFunction.apply(x, axis=axis)


@op()
def log_softmax(x: Any, axis: int, dtype: Any = None) -> Tensor:
    """log_softmax(x)_i = x_i - log(sum_j exp(x_j)) along ``axis`` (PyTorch:
    ``t.log_softmax(dim)``), the log-sum-exp taken stably (finite for logits of +-1000);
    ``dtype``, if given, is the dtype the input is cast to first. One fused op."""
    x, axis = softmax_input("log_softmax", x, axis, dtype)
    return LogSoftmaxFunction.apply(x, axis=axis)
