"""Piecewise functions: abs, relu, clip, maximum, minimum, fmax, fmin, where, copysign, and the
remainders of a division (remainder, fmod).

Their derivative is piecewise constant, so forward saves the 0/1 pattern as a constant: its own
derivative is zero almost everywhere, which is what higher-order differentiation should see.
Such a pattern costs a pass over the data and only backward reads it, so forward builds it only
when the op is recorded (``ctx.needs_input_grad`` is empty otherwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import promoted
from ..registry import op
from ..tensor import Tensor


@op(numpy=np.absolute, operator="abs()")
@op("fabs", numpy=np.fabs, method=False)
class Abs(Function):
    """y = |x|;  dy/dx = sign(x) (0 at x = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        if ctx.needs_input_grad:
            ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (sign,) = ctx.saved_tensors
        return grad * sign


@op()
class Relu(Function):
    """y = max(x, 0);  dy/dx = 1 where x > 0, else 0, which is sign(y) since y >= 0
    (and NaN where x is NaN)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        y = np.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (y,) = ctx.saved_tensors
        return grad * np.sign(y)


class Clip(Function):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, lo: float | None = None, hi: float | None = None) -> Any:
        if ctx.needs_input_grad:
            inside = np.ones(x.shape, dtype=bool)
            if lo is not None:
                inside &= x >= lo
            if hi is not None:
                inside &= x <= hi
            ctx.save_for_backward(inside)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (inside,) = ctx.saved_tensors
        return grad * inside


class ClipBounds(Function):
    """y = min(max(x, lo), hi) with Tensor bounds (either may be absent), all three broadcast.

    As PyTorch's clamp: dy/dx = 1 where lo <= x <= hi; dy/dlo = 1 where x < lo < hi;
    dy/dhi = 1 where x > hi or lo > hi (then hi wins); else 0. (With lo = hi and x outside, no
    input gets the gradient: PyTorch's rule, kept.)
    """

    name = "clip"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, *bounds: np.ndarray, has: tuple = (True, True)) -> Any:
        it = iter(bounds)
        lo = next(it) if has[0] else None
        hi = next(it) if has[1] else None
        inside = np.ones(np.broadcast_shapes(*(np.shape(b) for b in (x, *bounds))), dtype=bool)
        masks = []
        if lo is not None:
            inside &= x >= lo
            below = x < lo
            masks.append(below if hi is None else below & (lo < hi))
        if hi is not None:
            inside &= x <= hi
            masks.append(x > hi if lo is None else (x > hi) | (lo > hi))
        ctx.save_for_backward(inside, *masks)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        inside, *masks = ctx.saved_tensors
        return (grad * inside, *(grad * mask for mask in masks))


@op(numpy=np.maximum)
class Maximum(Function):
    """y = max(a, b) elementwise;  dy/da = 1 where a > b, 1/2 where a = b, else 0 (b likewise).
    Where a or b is NaN, y is NaN and both receive the whole gradient, as in PyTorch (so the
    NaN's own path carries it back to where it came from)."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.maximum(a, b)
        if ctx.needs_input_grad:
            ctx.save_for_backward(*shares(np.greater(a, b), np.equal(a, b), out))
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        share_a, *share_b = ctx.saved_tensors  # (b's share saved only where it is not 1 - a's)
        return grad * share_a, grad * (share_b[0] if share_b else 1 - share_a)


@op(numpy=np.minimum)
class Minimum(Function):
    """y = min(a, b) elementwise;  dy/da = 1 where a < b, 1/2 where a = b, else 0 (b likewise);
    NaN as ``maximum``."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.minimum(a, b)
        if ctx.needs_input_grad:
            ctx.save_for_backward(*shares(np.less(a, b), np.equal(a, b), out))
        return out

    backward = Maximum.backward


@op(numpy=np.fmax)
class Fmax(Function):
    """y = max(a, b) elementwise, ignoring NaN (a NaN operand yields the other one);
    dy/da = 1 where a is picked (a >= b, or b is NaN), else 0, and dy/db = 1 - dy/da: a tie
    gives the whole gradient to a, as PyTorch's fmax (unlike ``maximum``, which splits it)."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.fmax(a, b)
        if ctx.needs_input_grad:
            picked = np.greater_equal(a, b) | np.isnan(b)
            ctx.save_for_backward(picked.astype(out.dtype))
        return out

    backward = Maximum.backward


@op(numpy=np.fmin)
class Fmin(Function):
    """y = min(a, b) elementwise, ignoring NaN (a NaN operand yields the other one);
    dy/da = 1 where a is picked (a <= b, or b is NaN), else 0, and dy/db = 1 - dy/da: a tie
    gives the whole gradient to a, as PyTorch's fmin."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.fmin(a, b)
        if ctx.needs_input_grad:
            picked = np.less_equal(a, b) | np.isnan(b)
            ctx.save_for_backward(picked.astype(out.dtype))
        return out

    backward = Maximum.backward


def shares(picked: np.ndarray, tied: np.ndarray, out: np.ndarray) -> tuple:
    """How much of the gradient of y = max(a, b) or min(a, b) goes to a: 1 where a was picked,
    1/2 where the two tie, 0 where b was picked (b receives the rest); and where y is NaN (a
    NaN operand), 1 to each, as PyTorch -- then b's share is returned too."""
    share = picked + 0.5 * tied
    if out.dtype.kind == "f":
        share = share.astype(out.dtype)
        nan = np.isnan(out)
        if nan.any():
            return np.where(nan, 1, share).astype(out.dtype), np.where(nan, 1, 1 - share)
    return (share,)


class Where(Function):
    """y = a where cond else b;  dy/da = cond, dy/db = not cond (cond itself gets no gradient).

    The gradients are selected, not multiplied by the mask: a NaN or Inf arriving from above
    must not reach the branch that was not taken (NaN * 0 is NaN), as in PyTorch.
    """

    @staticmethod
    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> np.ndarray:
        cond = np.asarray(cond, dtype=bool)
        ctx.save_for_backward(cond)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        (cond,) = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad_a = np.where(cond, grad, 0) if need[1] else None
        grad_b = np.where(cond, 0, grad) if need[2] else None
        return None, grad_a, grad_b


@op(numpy=np.copysign)
class Copysign(Function):
    """y = |a| with the sign of b (b = -0.0 counts as negative);
    dy/da = sign(a) sign(b) where a != 0, else 0;  dy/db = 0 (y jumps where b changes sign)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.copysign(a, b)
        if ctx.needs_input_grad:
            slope = np.sign(a) * np.copysign(1, b)
            ctx.save_for_backward(np.asarray(slope, dtype=out.dtype))
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        (slope,) = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * slope if need_a else None), (np.zeros_like(grad) if need_b else None)


@op(numpy=np.remainder, operator="%")
class Remainder(Function):
    """y = a - b floor(a / b), the remainder with the sign of b (Python's %);
    dy/da = 1, dy/db = -floor(a / b) (away from the jumps where a / b is an integer)."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.remainder(a, b)
        if ctx.needs_input_grad:
            ctx.save_for_backward(np.floor_divide(a, b).astype(out.dtype))
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        (quotient,) = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad if need_a else None), (-grad * quotient if need_b else None)


@op(numpy=np.fmod)
class Fmod(Function):
    """y = a - b trunc(a / b), the remainder with the sign of a (C's fmod);
    dy/da = 1, dy/db = -trunc(a / b) (away from the jumps where a / b is an integer)."""

    promotion = staticmethod(promoted)  # mixed dtypes: PyTorch's rules

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = np.fmod(a, b)
        if ctx.needs_input_grad:
            # a = b q + y exactly, so (a - y) / b is the integer q up to rounding
            ctx.save_for_backward(np.rint(np.subtract(a, out) / b).astype(out.dtype))
        return out

    backward = Remainder.backward


@op(numpy=np.clip, aliases=("clamp",))
def clip(
    x: Any,
    a_min: Any = None,
    a_max: Any = None,
    *,
    min: Any = None,  # noqa: A002 - NumPy 2's and PyTorch's name
    max: Any = None,  # noqa: A002
) -> Tensor:
    """min(max(x, low), high);  d/dx = 1 inside [low, high], else 0; Tensor bounds receive
    their gradients too (1 where they are the result, as PyTorch's clamp). The bounds are given
    positionally, or as NumPy's ``a_min``/``a_max`` or NumPy 2's and PyTorch's ``min``/``max``
    (``clamp`` is PyTorch's name); one of them may be None."""
    if a_min is not None and min is not None or a_max is not None and max is not None:
        raise TypeError("clip: give each bound once (a_min or min, a_max or max)")
    low = a_min if min is None else min
    high = a_max if max is None else max
    if low is None and high is None:
        raise ValueError("clip: give at least one of the bounds (a_min/min, a_max/max)")
    if isinstance(low, Tensor) or isinstance(high, Tensor):  # bounds that may require grad
        present = [b for b in (low, high) if b is not None]
        return ClipBounds.apply(x, *present, has=(low is not None, high is not None))
    return Clip.apply(x, lo=low, hi=high)


@op(numpy=np.where, method=False)
def where(cond: Any, a: Any, b: Any) -> Tensor:
    """a where ``cond`` is true, else b (all three broadcast together)."""
    if isinstance(cond, Tensor):
        cond = cond._data
    return Where.apply(np.asarray(cond, dtype=bool), a, b)
