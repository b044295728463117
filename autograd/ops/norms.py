"""PyTorch's vector p-norm as one op (``autograd.linalg.vector_norm``), for every order p,
with the subgradients PyTorch uses where the norm is not differentiable."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function


class VectorNorm(Function):
    """y = ||x||_p over ``axis``: (sum |x|^p)^(1/p) for p other than 0 and +-inf (negative p
    included: then any zero makes y = 0); max |x| for inf, min |x| for -inf; the number of
    non-zeros for 0. Gradient (PyTorch's, where the norm is not differentiable too):

    * p = 0: 0;  p = 1: sign(x);
    * p = +-inf: sign(x) where |x| = y, the gradient shared equally among ties;
    * otherwise sign(x) |x|^(p-1) / y^(p-1), taken as 0 where y = 0 (the subgradient at the
      origin), and for p < 1 also 0 where x = 0 (where |x|^(p-1) is infinite)."""

    name = "linalg.vector_norm"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, ord: float = 2.0, axis: Any = None) -> np.ndarray:  # noqa: A002
        ctx.ord, ctx.axis = ord, axis
        magnitude = np.abs(x)
        if ord == math.inf:
            out = np.max(magnitude, axis=axis, keepdims=True, initial=0)
        elif ord == -math.inf:
            out = np.min(magnitude, axis=axis, keepdims=True, initial=np.inf)
        elif ord == 0:
            out = np.sum(x != 0, axis=axis, keepdims=True).astype(x.dtype)
        elif ord == 1:
            out = np.sum(magnitude, axis=axis, keepdims=True)
        elif ord == 2:
            out = np.sqrt(np.sum(x * x, axis=axis, keepdims=True))
        else:
            with np.errstate(divide="ignore"):  # 0 ** (negative p) = inf, as intended
                out = np.sum(magnitude**ord, axis=axis, keepdims=True) ** (1.0 / ord)
        out = out.astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        p = ctx.ord
        if p == 0:
            return x * 0
        if p == 1:
            return grad * np.sign(x)
        if p in (math.inf, -math.inf):
            ties = np.abs(x) == out
            count = np.sum(ties, axis=ctx.axis, keepdims=True)
            return np.where(ties, np.sign(x) * grad / np.maximum(count, 1), 0)
        zero_norm = np.asarray(out == 0)
        safe_out = np.where(zero_norm, 1, out)
        scale = np.where(zero_norm, 0, grad / safe_out ** (p - 1))
        if p == 2:
            return x * scale
        magnitude = np.abs(x)
        if p < 1:  # |x|^(p-1) is infinite at x = 0: PyTorch takes 0 there
            zero = np.asarray(x == 0)
            power = np.where(zero, 0, np.where(zero, 1, magnitude) ** (p - 1))
        else:
            power = magnitude ** (p - 1)
        return np.sign(x) * power * scale
