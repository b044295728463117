"""Elementwise functions and their derivatives.

Where a derivative is piecewise constant (abs, relu, clip, maximum), forward saves the 0/1 pattern
as a constant: its own derivative is zero almost everywhere, which is what higher-order
differentiation should see. Such a pattern costs a pass over the data and only backward reads it,
so forward builds it only when the op is recorded (``ctx.needs_input_grad`` is empty otherwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


class Exp(Function):
    """y = e^x;  dy/dx = e^x = y."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """y = ln x;  dy/dx = 1 / x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """y = sqrt(x);  dy/dx = 1 / (2 sqrt(x)) = 0.5 / y."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * 0.5 / out


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


class Sin(Function):
    """y = sin x;  dy/dx = cos x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


class Cos(Function):
    """y = cos x;  dy/dx = -sin x."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


class Tanh(Function):
    """y = tanh x;  dy/dx = 1 - y^2."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        # With e = e^-|x| (never overflows): 1 / (1 + e) for x >= 0, and e / (1 + e) =
        # e^x / (1 + e^x) for x < 0, which keeps full relative precision far into the negative
        # tail. Cheaper than e^-logaddexp(0, -x) and within an ulp (usually closer).
        e = np.exp(-np.abs(x))
        r = 1 / (1 + e)
        out = np.where(x >= 0, r, e * r)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


def _read_only_zero(dtype: type) -> np.ndarray:
    zero = np.zeros((), dtype)
    zero.flags.writeable = False  # shared by every call
    return zero


_ZEROS = {np.dtype(t): _read_only_zero(t) for t in (np.float16, np.float32, np.float64)}


class Relu(Function):
    """y = max(x, 0);  dy/dx = 1 where x > 0, else 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        # A 0-d zero of x's dtype: NumPy resolves a Python 0 anew on every call, which costs
        # ~0.3 us per ufunc call, as much as the work on a small array.
        zero = _ZEROS.get(x.dtype, 0)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x > zero)
        return np.maximum(x, zero)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return grad * mask


class Clip(Function):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, lo: float | None = None, hi: float | None = None) -> Any:
        # Ufuncs rather than np.clip / np.ones, whose Python wrappers cost more than the work
        # on small arrays; the result is the same (NaN stays NaN; lo > hi gives hi everywhere).
        out = x if lo is None else np.maximum(x, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        if ctx.needs_input_grad:
            inside: Any = True
            if lo is not None:
                inside = x >= lo
            if hi is not None:
                inside = inside & (x <= hi)
            ctx.save_for_backward(inside)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (inside,) = ctx.saved_tensors
        return grad * inside


class _Pick(Function):
    """Shared by maximum and minimum: the result is one operand or the other, elementwise, so the
    gradient goes to the operand that was picked, split evenly where they tie."""

    pick: Any = None  # np.maximum or np.minimum
    beats: Any = None  # np.greater or np.less: where the first operand is picked

    @classmethod
    def _forward(cls, ctx: Any, a: Any, b: Any) -> np.ndarray:
        out = cls.pick(a, b)
        if ctx.needs_input_grad:
            share_a = cls.beats(a, b) + 0.5 * np.equal(a, b)  # 1 picked, 1/2 tie, 0 not picked
            ctx.save_for_backward(share_a.astype(out.dtype) if out.dtype.kind == "f" else share_a)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        (share_a,) = ctx.saved_tensors
        return grad * share_a, grad * (1 - share_a)


class Maximum(_Pick):
    """y = max(a, b) elementwise;  dy/da = 1 where a > b, 1/2 where a = b, else 0 (b likewise)."""

    pick, beats = staticmethod(np.maximum), staticmethod(np.greater)

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return Maximum._forward(ctx, a, b)


class Minimum(_Pick):
    """y = min(a, b) elementwise;  dy/da = 1 where a < b, 1/2 where a = b, else 0 (b likewise)."""

    pick, beats = staticmethod(np.minimum), staticmethod(np.less)

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return Minimum._forward(ctx, a, b)


class Where(Function):
    """y = a where cond else b;  dy/da = cond, dy/db = not cond (cond itself gets no gradient)."""

    @staticmethod
    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> np.ndarray:
        cond = np.asarray(cond, dtype=bool)
        ctx.save_for_backward(cond)  # (~cond is made in backward, and only if b needs it)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        (cond,) = ctx.saved_tensors
        need = ctx.needs_input_grad
        return None, (grad * cond if need[1] else None), (grad * ~cond if need[2] else None)
