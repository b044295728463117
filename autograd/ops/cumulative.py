"""Running sums and products along an axis (cumsum, cumprod) and their inverse, diff.

As in NumPy, ``axis=None`` runs over the flattened array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .joining import concatenate
from .shape import broadcast_to


def running_axis(ctx: Any, x: np.ndarray, axis: int | None, name: str) -> tuple[Any, int]:
    """``x`` and the axis to run along (the flattened array and 0 for ``axis=None``); keeps the
    input's shape on ``ctx`` so that backward can undo the flattening."""
    ctx.in_shape = x.shape
    if axis is None:
        return x.reshape(-1), 0
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for {x.ndim} dimensions")
    return x, axis % x.ndim


def sum_from_the_end(grad: Any, axis: int) -> Any:
    """z_i = sum over j >= i of grad_j along ``axis``: a cumulative sum run backwards."""
    return np.flip(np.cumsum(np.flip(grad, axis), axis=axis), axis)


@op(numpy=np.cumsum)
class Cumsum(Function):
    """y_j = sum over k <= j of x_k along ``axis`` (of the flattened array for None);
    dL/dx_i = sum over j >= i of dL/dy_j."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int | None = None) -> np.ndarray:
        x, ctx.axis = running_axis(ctx, x, axis, "cumsum")
        return np.cumsum(x, axis=ctx.axis)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return sum_from_the_end(grad, ctx.axis).reshape(ctx.in_shape)


@op(numpy=np.cumprod)
class Cumprod(Function):
    """y_j = product over k <= j of x_k along ``axis`` (of the flattened array for None);
    dL/dx_i = sum over j >= i of dL/dy_j * (product over k <= j, k != i, of x_k).

    Where no x is zero that is (sum over j >= i of dL/dy_j y_j) / x_i. Otherwise backward builds,
    for each i, the running product of x with x_i replaced by 1: exact, at n times the memory.
    """

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int | None = None) -> np.ndarray:
        flat, ctx.axis = running_axis(ctx, x, axis, "cumprod")
        out = np.cumprod(flat, axis=ctx.axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        x, axis = x.reshape(out.shape), ctx.axis
        if not (np.asarray(x) == 0).any():
            return (sum_from_the_end(grad * out, axis) / x).reshape(ctx.in_shape)
        rows = np.moveaxis(x, axis, -1)[..., None, :]  # (..., 1, n): row i will drop x_i
        n = rows.shape[-1]
        without_i = np.cumprod(np.where(np.eye(n, dtype=bool), 1, rows), axis=-1)
        later = np.triu(np.ones((n, n), dtype=bool))  # [i, j]: j >= i, the y_j that use x_i
        weighted = without_i * (np.moveaxis(grad, axis, -1)[..., None, :] * later)
        return np.moveaxis(weighted.sum(axis=-1), -1, axis).reshape(ctx.in_shape)


@op(numpy=np.diff)
def diff(x: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """The n-th discrete difference along ``axis``: y_i = x_(i+1) - x_i, applied n times, after
    joining ``prepend`` and ``append`` (scalars are repeated over the other axes), as np.diff."""
    x = as_tensor(x)
    if x.ndim == 0:
        raise ValueError("diff: the input must have at least one dimension")
    if n < 0:
        raise ValueError(f"diff: order n={n} must be non-negative")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"diff: axis {axis} is out of bounds for an array of {x.ndim} dimensions")
    axis %= x.ndim
    edge = tuple(1 if i == axis else s for i, s in enumerate(x.shape))
    parts = [x]
    if prepend is not None:
        parts.insert(0, broadcast_to(prepend, edge) if np.ndim(prepend) == 0 else prepend)
    if append is not None:
        parts.append(broadcast_to(append, edge) if np.ndim(append) == 0 else append)
    if len(parts) > 1:
        x = concatenate(parts, axis=axis)
    before = (slice(None),) * axis
    for _ in range(n):
        x = x[before + (slice(1, None),)] - x[before + (slice(None, -1),)]
    return x


class LogCumSumExp(Function):
    """y_j = ln(sum over k <= j of exp(x_k)) along ``axis``, computed without overflow;
    dL/dx_i = sum over j >= i of dL/dy_j exp(x_i - y_j) (in a plain backward, summed in the
    log domain, the positive and negative parts of the gradient apart, so that it never
    overflows either)."""

    name = "logcumsumexp"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: int = 0) -> np.ndarray:
        x, ctx.axis = running_axis(ctx, x, axis, "logcumsumexp")
        if x.dtype.kind != "f":
            raise TypeError(f"logcumsumexp: expected a floating-point tensor, got {x.dtype}")
        out = np.logaddexp.accumulate(x, axis=ctx.axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        axis = ctx.axis
        if isinstance(grad, Tensor) or isinstance(x, Tensor):  # create_graph: recorded ops
            # Any constant shift cancels; the largest x keeps exp(x - shift) from overflowing.
            shift = np.max(np.asarray(x), axis=axis, keepdims=True, initial=-np.inf)
            shift = np.where(np.isfinite(shift), shift, 0.0)
            running = sum_from_the_end(grad * np.exp(shift - out), axis)
            return running * np.exp(x - shift)
        with np.errstate(divide="ignore"):
            parts = []
            for sign in (1, -1):
                log_part = np.where(sign * grad > 0, np.log(np.abs(grad)) - out, -np.inf)
                flipped = np.logaddexp.accumulate(np.flip(log_part, axis), axis=axis)
                parts.append(np.exp(x + np.flip(flipped, axis)))
        return parts[0] - parts[1]


@op()
def logcumsumexp(x: Any, axis: int) -> Tensor:
    """y_j = ln(sum over k <= j of exp(x_k)) along ``axis`` (PyTorch's ``logcumsumexp(x,
    dim)``), without overflow;  dL/dx_i = sum over j >= i of dL/dy_j exp(x_i - y_j)."""
    return LogCumSumExp.apply(x, axis=axis)


@op(numpy=np.trapezoid, method=False, aliases=("trapz",))
def trapezoid(y: Any, x: Any = None, dx: Any = None, axis: int = -1) -> Tensor:
    """The trapezoidal rule along ``axis``: sum_i (x_(i+1) - x_i) (y_i + y_(i+1)) / 2, with the
    sample points ``x`` (broadcast against y; recorded: its gradient too), or a constant spacing
    ``dx`` (1 by default), as torch.trapezoid / torch.trapz and np.trapezoid."""
    y = as_tensor(y)
    if y.ndim == 0:
        raise ValueError("trapezoid: y must have at least one dimension")
    if not -y.ndim <= axis < y.ndim:
        raise ValueError(f"trapezoid: dim {axis} is out of range for a tensor of shape {y.shape}")
    if x is not None and dx is not None:
        raise TypeError("trapezoid: give x or dx, not both")
    axis %= y.ndim
    before = (slice(None),) * axis
    pairs = y[before + (slice(1, None),)] + y[before + (slice(None, -1),)]
    if x is None:
        spacing = 1.0 if dx is None else constant("trapezoid", "dx", dx)
        return (pairs * spacing).sum(axis=axis) / 2
    x = as_tensor(x)
    if x.ndim == 1:
        widths = diff(x)
        widths = widths.reshape((-1,) + (1,) * (y.ndim - axis - 1))
    else:
        widths = diff(x, axis=axis - y.ndim)
    return (pairs * widths).sum(axis=axis) / 2


@op(method=False)
def cumulative_trapezoid(y: Any, x: Any = None, dx: Any = None, axis: int = -1) -> Tensor:
    """PyTorch's ``cumulative_trapezoid``: the running sums of ``trapezoid``'s terms along
    ``axis`` (one fewer than y's length)."""
    y = as_tensor(y)
    if y.ndim == 0:
        raise ValueError("cumulative_trapezoid: y must have at least one dimension")
    axis %= y.ndim
    before = (slice(None),) * axis
    pairs = y[before + (slice(1, None),)] + y[before + (slice(None, -1),)]
    if x is None:
        terms = pairs * (1.0 if dx is None else constant("cumulative_trapezoid", "dx", dx))
    else:
        x = as_tensor(x)
        widths = diff(x) if x.ndim == 1 else diff(x, axis=axis - y.ndim)
        if x.ndim == 1:
            widths = widths.reshape((-1,) + (1,) * (y.ndim - axis - 1))
        terms = pairs * widths
    return terms.cumsum(axis=axis) / 2
