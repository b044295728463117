"""Reductions over ``axis`` (None, an int or a tuple) with NumPy's ``keepdims``.

A reduction's backward first puts the reduced axes back (size 1) and then spreads the gradient
over the input's shape: every input element that fed an output element receives its gradient.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .axes import Axis, expand, kept_shape, normalize_axis
from .piecewise import Maximum, Minimum


@op(numpy=np.sum)
class Sum(Function):
    """y = sum of x over ``axis`` (all axes by default);
    dy/dx_i = 1 for every element i that was summed."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "sum")
        ctx.in_shape, ctx.kept = x.shape, kept_shape(x.shape, axes)
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return expand(grad.reshape(ctx.kept), ctx.in_shape)


@op(numpy=np.mean)
class Mean(Function):
    """y = (1/n) sum of x over ``axis`` (all axes by default), the mean;  dy/dx_i = 1/n."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "mean")
        ctx.in_shape, ctx.kept = x.shape, kept_shape(x.shape, axes)
        ctx.count = math.prod([x.shape[a] for a in axes])
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        if not ctx.count:  # the mean of nothing: its gradient is empty (no 0/0 to record)
            return expand(grad.reshape(ctx.kept) * 0, ctx.in_shape)
        return expand(grad.reshape(ctx.kept) / ctx.count, ctx.in_shape)


class Max(Function):
    """y = max of x over ``axis``;  dy/dx_i = 1/k for the k elements equal to the max, else 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        return extreme(ctx, np.max, x, axis, keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (share,) = ctx.saved_tensors
        return grad.reshape(ctx.kept) * share


class Min(Function):
    """y = min of x over ``axis``;  dy/dx_i = 1/k for the k elements equal to the min, else 0."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        return extreme(ctx, np.min, x, axis, keepdims)

    backward = Max.backward


def extreme(ctx: Any, pick: Any, x: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
    """The forward of max and min: ``pick`` over ``axis``; saves each element's share of the
    gradient (1/k for the k elements that tie for the extreme, 0 elsewhere)."""
    if x.size == 0:
        raise ValueError("the array is empty")
    axes = normalize_axis(axis, x.ndim, pick.__name__)
    out = pick(x, axis=axes, keepdims=True)
    if ctx.needs_input_grad:
        hits = (x == out).astype(x.dtype)
        ctx.save_for_backward(hits / hits.sum(axis=axes, keepdims=True))
        ctx.kept = out.shape
    return out if keepdims else out.squeeze(axis=axes)


@op(numpy=np.prod)
class Prod(Function):
    """y = product of x over ``axis`` (all axes by default);
    dy/dx_i = the product of the other elements.

    That product is computed without dividing by x_i (as the running product of the elements
    before i times that of the elements after i), so it is exact where some elements are 0.
    """

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "prod")
        ctx.axes, ctx.kept = axes, kept_shape(x.shape, axes)
        ctx.save_for_backward(x)
        return x.prod(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad.reshape(ctx.kept) * product_of_others(x, ctx.axes)


def product_of_others(x: Any, axes: tuple[int, ...]) -> Any:
    """For each element of ``x``, the product of the other elements along ``axes``, written with
    recorded operations only (cumprod, flip, concatenate), so that it can be differentiated."""
    if x.size == 0:
        return x
    kept = [i for i in range(x.ndim) if i not in axes]
    order = (*kept, *axes)
    moved = x.transpose(order)
    lanes = moved.reshape(*moved.shape[: len(kept)], -1)  # the reduced axes as one, last
    ones = np.ones((*lanes.shape[:-1], 1), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, lanes[..., :-1]], axis=-1), axis=-1)
    after = np.concatenate([lanes[..., 1:], ones], axis=-1)
    after = np.flip(np.cumprod(np.flip(after, -1), axis=-1), -1)
    others = (before * after).reshape(moved.shape)
    return others.transpose(tuple(int(i) for i in np.argsort(order)))


@op()
class LogSumExp(Function):
    """y = log(sum(e^x)) over ``axis``, computed as m + log(sum(e^(x - m))) with m = max x;
    dy/dx_i = e^(x_i - y) (the softmax)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> Any:
        axes = normalize_axis(axis, x.ndim, "logsumexp")
        # (initial=-inf: over an empty axis the sum of nothing is 0, and its log -inf, as in
        # PyTorch)
        shift = x.max(axis=axes, keepdims=True, initial=-np.inf)
        shift = np.where(np.isfinite(shift), shift, 0)  # all -inf (or inf) rows: no shift
        with np.errstate(divide="ignore"):
            out = np.log(np.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        ctx.kept = out.shape
        if not keepdims:
            out = out.reshape([s for i, s in enumerate(x.shape) if i not in axes])
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        return grad.reshape(ctx.kept) * np.exp(x - out.reshape(ctx.kept))


class ValuesIndices(NamedTuple):
    """What PyTorch's ``max(dim=)``, ``min(dim=)`` and ``sort(dim=)`` return."""

    values: Tensor
    indices: Tensor


def max_with_indices(
    x: Any, axis: int | None = None, keepdims: bool = False
) -> ValuesIndices | Tensor:
    """PyTorch's ``max(x, dim=d)``: the maxima over ``d`` and where they are. As in PyTorch,
    the gradient goes to the returned index alone (ties do not share it)."""
    if isinstance(axis, Tensor):
        return Maximum.apply(x, axis)
    if axis is None:  # PyTorch's max(dim=None) is the overall maximum
        return Max.apply(x, axis=None, keepdims=keepdims)
    return _picked(x, argmax, axis, keepdims)


def min_with_indices(
    x: Any, axis: int | None = None, keepdims: bool = False
) -> ValuesIndices | Tensor:
    """PyTorch's ``min(x, dim=d)``: the minima over ``d`` and where they are; the gradient
    goes to the returned index alone."""
    if isinstance(axis, Tensor):
        return Minimum.apply(x, axis)
    if axis is None:
        return Min.apply(x, axis=None, keepdims=keepdims)
    return _picked(x, argmin, axis, keepdims)


def _picked(x: Any, locate: Any, axis: int, keepdims: bool) -> ValuesIndices:
    """The values of ``x`` at ``locate``'s indices along ``axis`` (a recorded gather)."""
    from .indexing import take_along_axis  # (indexing imports this module's neighbours)

    x = as_tensor(x)
    if x.size == 0:
        raise ValueError(f"{locate.__name__[3:]}: the array is empty (shape {x.shape})")
    index = locate(x, axis=axis, keepdims=True)
    values = take_along_axis(x, index, axis=axis)
    if not keepdims:
        values, index = values.squeeze(axis), index.squeeze(axis)
    return ValuesIndices(values, index)


@op(numpy=(np.max, np.amax), torch=max_with_indices)
def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis``; ties share the gradient evenly. ``max(a, b)`` with a tensor as
    second argument is PyTorch's elementwise maximum."""
    if isinstance(axis, Tensor):
        return Maximum.apply(x, axis)
    return Max.apply(x, axis=axis, keepdims=keepdims)


@op(numpy=(np.min, np.amin), torch=min_with_indices)
def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis``; ties share the gradient evenly. ``min(a, b)`` with a tensor as
    second argument is PyTorch's elementwise minimum."""
    if isinstance(axis, Tensor):
        return Minimum.apply(x, axis)
    return Min.apply(x, axis=axis, keepdims=keepdims)


def ddof_of(correction: float | None, unbiased: bool | None) -> float:
    """PyTorch's ``correction`` (default 1, the unbiased estimate; ``unbiased=False`` means 0)
    as NumPy's ``ddof``."""
    if correction is not None and unbiased is not None:
        raise TypeError("var/std: give correction= or unbiased=, not both")
    if correction is None:
        return 0 if unbiased is False else 1
    return correction


def var_corrected(
    x: Any,
    axis: Any = None,
    unbiased: bool | None = None,
    keepdims: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """PyTorch's ``var(x, dim, correction=1, keepdim=False)``: sum((x - mean)^2) / (n - correction),
    the unbiased estimate unless ``correction=0`` (or ``unbiased=False``, which PyTorch also
    takes positionally: ``var(x, dim, unbiased, keepdim)``, ``var(x, unbiased)``)."""
    if isinstance(axis, bool):  # PyTorch's var(x, unbiased)
        axis, unbiased = None, axis
    return var(x, axis=axis, ddof=ddof_of(correction, unbiased), keepdims=keepdims)


def std_corrected(
    x: Any,
    axis: Any = None,
    unbiased: bool | None = None,
    keepdims: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """PyTorch's ``std(x, dim, correction=1, keepdim=False)``: sqrt of ``var`` spelled the same
    way (unbiased by default; ``std(x, dim, unbiased, keepdim)`` and ``std(x, unbiased)`` too)."""
    if isinstance(axis, bool):  # PyTorch's std(x, unbiased)
        axis, unbiased = None, axis
    correction = constant("std", "correction", correction)
    return std(x, axis=axis, ddof=ddof_of(correction, unbiased), keepdims=keepdims)


@op(numpy=np.var, torch=var_corrected)
def var(x: Any, axis: Axis = None, ddof: float = 0, keepdims: bool = False) -> Tensor:
    """Variance sum((x - mean)^2) / (n - ddof) over ``axis`` (NumPy's default ddof=0)."""
    x = as_tensor(x)
    axes = normalize_axis(axis, x.ndim, "var")
    count = math.prod([x.shape[a] for a in axes])
    if count - ddof <= 0:
        raise ValueError(f"var: ddof={ddof} leaves no degrees of freedom for {count} elements")
    centered = x - x.mean(axis=axes, keepdims=True)
    return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)


class Std(Function):
    """s = sqrt(sum((x - mean)^2) / (n - ddof)) over ``axis``;
    ds/dx_i = (x_i - mean) / ((n - ddof) s), taken as 0 where s = 0 (all values equal, or one
    element), as PyTorch does: there every x_i - mean is 0 too, and sqrt's infinite slope at 0
    would otherwise turn 0 * inf into NaN (which even leaks through an unused ``where`` branch).
    """

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axes: tuple = (), ddof: float = 0, keepdims: bool = False):
        ctx.axes, ctx.ddof, ctx.kept = axes, ddof, kept_shape(x.shape, axes)
        ctx.save_for_backward(x)
        return np.std(x, axis=axes, ddof=ddof, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        axes, ddof = ctx.axes, ctx.ddof
        dof = math.prod([x.shape[a] for a in axes]) - ddof
        centered = x - x.mean(axis=axes, keepdims=True)
        variance = (centered * centered).sum(axis=axes, keepdims=True) / dof
        flat = variance == 0
        # sqrt of 1 where the variance is 0: no infinite slope even in the unused branch, so
        # that differentiating this formula again (create_graph) stays finite too.
        s = np.sqrt(np.where(flat, 1.0, variance))
        return np.where(flat, 0.0, grad.reshape(ctx.kept) * centered / (dof * s))


@op(numpy=np.std, torch=std_corrected)
def std(x: Any, axis: Axis = None, ddof: float = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation sqrt(var(x, axis, ddof)) (NumPy's default ddof=0); its gradient is 0
    where the values are all equal (PyTorch's convention)."""
    x = as_tensor(x)
    ddof = constant("std", "ddof", ddof)  # an option of Std: no gradient with respect to it
    axes = normalize_axis(axis, x.ndim, "std")
    count = math.prod([x.shape[a] for a in axes])
    if count - ddof <= 0:
        raise ValueError(f"std: ddof={ddof} leaves no degrees of freedom for {count} elements")
    return Std.apply(x, axes=axes, ddof=ddof, keepdims=keepdims)


@op(numpy=np.argmax)
def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum (an integer tensor; piecewise constant, so no gradient)."""
    return Tensor(np.argmax(as_tensor(x)._data, axis=axis, keepdims=keepdims))


@op(numpy=np.argmin)
def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum (an integer tensor; piecewise constant, so no gradient)."""
    return Tensor(np.argmin(as_tensor(x)._data, axis=axis, keepdims=keepdims))
