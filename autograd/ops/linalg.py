"""Products of arrays (matmul, the ``@`` operator, np.dot, tensordot, outer), trace, and
np.linalg.norm. (einsum has a module of its own.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .axes import normalize_axis
from .indexing import diagonal
from .piecewise import Abs
from .shape import normalize_axis_list, reshape


class MatMul(Function):
    """Y = A @ B (2-D or batched, as np.matmul);  dL/dA = G @ B^T,  dL/dB = A^T @ G."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.shape[-1] != b.shape[-2]:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last axis of "
                f"the first) != {b.shape[-2]} (second-to-last of the second)"
            )
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad @ b.swapaxes(-1, -2) if need_a else None
        grad_b = a.swapaxes(-1, -2) @ grad if need_b else None
        return grad_a, grad_b


class Norm(Function):
    """y = sqrt(sum of x^2) over ``axis`` (the Euclidean norm of vectors, Frobenius of
    matrices);  dy/dx = x / y, and 0 where y = 0 (the subgradient PyTorch uses)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, axis: tuple[int, ...] = (), keepdims: bool = False) -> Any:
        kept = np.sqrt(np.square(x).sum(axis=axis, keepdims=True))
        out = kept if keepdims else kept.reshape(removed(x.shape, axis))
        ctx.kept = kept.shape
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        out = out.reshape(ctx.kept)
        # x = 0 wherever y = 0: dividing by 1 there gives the 0 gradient, without a NaN.
        safe = np.where(np.asarray(out) == 0, 1, out)
        return grad.reshape(ctx.kept) * x / safe


class PNorm(Function):
    """y = (sum of |x|^p)^(1/p) over ``axis``, for a number p > 0 (PyTorch's ``norm(p=3)``);
    dy/dx = sign(x) |x|^(p-1) / y^(p-1), and 0 where x = 0 (where the formula is 0 * inf for
    p < 1, and 0 / 0 for the norm of zeros), as PyTorch."""

    name = "norm"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, p: float, axis: tuple[int, ...], keepdims: bool) -> Any:
        kept = (np.abs(x) ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        out = kept if keepdims else kept.reshape(removed(x.shape, axis))
        ctx.kept, ctx.p = kept.shape, p
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, out = ctx.saved_tensors
        out, p = out.reshape(ctx.kept), ctx.p
        zero = np.asarray(x) == 0  # (y = 0 only where every x is)
        if not zero.any():
            return grad.reshape(ctx.kept) * np.sign(x) * (np.abs(x) / out) ** (p - 1)
        # The formula at x = 1, y = 1 there, so that its own derivative (create_graph) is finite
        # too: the 0 that where sends back, times an infinite derivative, would be NaN.
        x = np.where(zero, 1, x)
        out = np.where(np.asarray(out) == 0, 1, out)
        return np.where(zero, 0, grad.reshape(ctx.kept) * np.sign(x) * (np.abs(x) / out) ** (p - 1))


def removed(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` without ``axes``: a reduction's output shape when keepdims is False."""
    return tuple(n for i, n in enumerate(shape) if i not in axes)


@op(numpy=np.matmul, operator="@", aliases=("mm",))
def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with np.matmul's rules: 1-D operands are promoted to a row (first) or a
    column (second) and the added axis removed again; leading axes broadcast as batches."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim >= 2 and b.ndim >= 2:
        return MatMul.apply(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must have at least one dimension, got shapes {a.shape} and "
            f"{b.shape} (use * to multiply by a scalar)"
        )
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last axis "
            f"of the first) != {inner_b} ({'only' if b.ndim == 1 else 'second-to-last'} axis "
            "of the second)"
        )
    out = MatMul.apply(
        a.reshape(1, -1) if a.ndim == 1 else a, b.reshape(-1, 1) if b.ndim == 1 else b
    )
    drop = ([-2] if a.ndim == 1 else []) + ([-1] if b.ndim == 1 else [])
    return out.reshape(tuple(s for i, s in enumerate(out.shape) if i - out.ndim not in drop))


@op(numpy=np.dot)
def dot(a: Any, b: Any) -> Tensor:
    """np.dot: sum over the last axis of ``a`` and the second-to-last of ``b`` (its only axis
    when 1-D), dot(a, b)[i.., j.., m] = sum_k a[i.., k] b[j.., k, m]; a 0-d operand multiplies.
    For a ``b`` of at most two axes this is ``matmul``."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim <= 2:
        return matmul(a, b)
    # b (j.., k, m): bring k to the front, flatten the rest, one 2-D product, unflatten.
    k, m = b.shape[-2], b.shape[-1]
    if a.shape[-1] != k:
        raise ValueError(
            f"dot: shapes {a.shape} and {b.shape} are not aligned: {a.shape[-1]} (last axis of "
            f"the first) != {k} (second-to-last axis of the second)"
        )
    # (Sizes written out, not -1, which NumPy cannot infer when an axis is 0.)
    rest = math.prod(b.shape[:-2]) * m
    front = b.permute(b.ndim - 2, *range(b.ndim - 2), b.ndim - 1).reshape(k, rest)
    out = matmul(a.reshape(math.prod(a.shape[:-1]), k), front)
    return out.reshape(*a.shape[:-1], *b.shape[:-2], m)


def _torch_tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """PyTorch's ``torch.tensordot(a, b, dims=2)``: ``tensordot`` with ``dims`` for ``axes``."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    return tensordot(a, b, axes=dims)


@op(numpy=np.tensordot, method=False, torch=_torch_tensordot)
def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2) -> Tensor:
    """Sum of products over pairs of axes, as np.tensordot: ``axes=n`` pairs the last n axes of
    a with the first n of b, ``axes=(axes_a, axes_b)`` names them. The result's axes are a's
    free axes, then b's. (Computed as one matrix product of the transposed, reshaped operands.)"""
    a, b = as_tensor(a), as_tensor(b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} does not fit shapes {a.shape}, {b.shape}")
        pairs_a, pairs_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        given_a, given_b = axes
        pairs_a = normalize_axis_list(given_a, a.ndim, "tensordot")
        pairs_b = normalize_axis_list(given_b, b.ndim, "tensordot")
    if len(pairs_a) != len(pairs_b) or any(
        a.shape[i] != b.shape[j] for i, j in zip(pairs_a, pairs_b)
    ):
        raise ValueError(
            f"tensordot: shape mismatch for sum: axes {pairs_a} of {a.shape} against axes "
            f"{pairs_b} of {b.shape}"
        )
    free_a = [i for i in range(a.ndim) if i not in pairs_a]
    free_b = [j for j in range(b.ndim) if j not in pairs_b]
    inner = math.prod(a.shape[i] for i in pairs_a)
    # (Sizes written out, not -1, which NumPy cannot infer when an axis is 0.)
    left = a.permute(*free_a, *pairs_a).reshape(math.prod(a.shape[i] for i in free_a), inner)
    right = b.permute(*pairs_b, *free_b).reshape(inner, math.prod(b.shape[j] for j in free_b))
    return matmul(left, right).reshape(*(a.shape[i] for i in free_a), *(b.shape[j] for j in free_b))


@op(numpy=np.outer, aliases=("ger",))
def outer(a: Any, b: Any) -> Tensor:
    """The outer product y[i, j] = a_i b_j of the flattened operands;  d/da_i = sum_j g_ij b_j,
    d/db_j = sum_i g_ij a_i."""
    return reshape(a, -1, 1) * reshape(b, -1)


@op(numpy=np.trace, method="trace")
def matrix_trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum of the diagonal x[..., i, i + offset] over ``axis1`` and ``axis2``: np.trace and
    ``Tensor.trace`` (``autograd.trace`` is the graph tracer); d/dx = 1 on that diagonal."""
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)


def _pytorch_norm(
    x: Any, p: Any = "fro", axis: Any = None, keepdims: bool = False, dtype: Any = None
) -> Tensor:
    """PyTorch's ``torch.norm(x, p="fro", dim=None, keepdim=False)`` and ``Tensor.norm``: the
    p-norm of all the elements, or along ``dim`` (the registry hands PyTorch's ``dim`` and
    ``keepdim`` over as ``axis`` and ``keepdims``). "fro" and 2 are sqrt(sum x^2); 1, inf, -inf
    and 0 are NumPy's vector norms; another p > 0 is (sum |x|^p)^(1/p) (``PNorm``); "nuc" is
    the nuclear norm of the matrices on the last two dims (or the two in ``dim``)."""
    x = as_tensor(x) if dtype is None else as_tensor(x).astype(dtype)
    if isinstance(p, Tensor):  # a number here: no derivative with respect to it
        p = constant("norm", "p", p).item()
    if isinstance(p, str) and p == "nuc":  # the nuclear norm of a matrix (the last two dims)
        return norm(x, ord="nuc", axis=(-2, -1) if axis is None else axis, keepdims=keepdims)
    if axis is None and keepdims:
        raise ValueError("norm: keepdim=True needs dim=")
    if x.ndim == 0 and axis is not None:  # PyTorch's dim 0 or -1 of a 0-d tensor: all of it
        if any(a not in (0, -1) for a in np.atleast_1d(axis)):
            raise ValueError(f"norm: dim {axis} is out of range for a 0-d tensor (0 or -1)")
        axis, keepdims = None, False
    if not isinstance(p, str) and p not in (0, 1, 2, math.inf, -math.inf) and p > 0:
        axes = tuple(range(x.ndim)) if axis is None else normalize_axis(axis, x.ndim, "norm")
        return PNorm.apply(x, p=float(p), axis=axes, keepdims=keepdims)
    ord_ = None if p in ("fro", 2) else p
    if axis is None:
        return norm(reshape(x, -1), ord=ord_)
    return norm(x, ord=ord_, axis=axis, keepdims=keepdims)


@op(numpy=np.linalg.norm, method=False, torch=_pytorch_norm)
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """Vector or matrix norm, as np.linalg.norm. Vectors (one axis, or every axis with ord None):
    ord None or 2, sqrt(sum x^2) (gradient x / ||x||, 0 at x = 0); 1, sum |x|; inf, max |x|;
    -inf, min |x|; 0, the count of non-zeros (no gradient); another p > 0, (sum |x|^p)^(1/p).
    Matrices (two axes): None or "fro", the Frobenius norm; 1 / -1, the largest / smallest
    column sum of |x|; inf / -inf, the largest / smallest row sum; "nuc", the sum of the
    singular values; 2 / -2, the largest / smallest (gradient U V^T on the values picked)."""
    x = as_tensor(x)
    if isinstance(ord, Tensor):  # a number here: no derivative with respect to it
        ord = constant("norm", "ord", ord).item()  # noqa: A001
    if axis is None:
        if ord is None:
            return Norm.apply(x, axis=tuple(range(x.ndim)), keepdims=keepdims)
        if x.ndim not in (1, 2):
            raise ValueError(f"linalg.norm: ord={ord!r} needs a 1-D or 2-D array, got {x.shape}")
        axis = tuple(range(x.ndim))
    axes = normalize_axis(axis, x.ndim, "linalg.norm")
    if np.ndim(axis) == 0 or len(axes) == 1:
        return vector_norm(x, ord, axes, keepdims)
    if len(axes) != 2:
        raise ValueError(f"linalg.norm: axis must name one or two axes, got {axis}")
    rows, cols = (int(a) % x.ndim for a in axis)
    if ord in (None, "fro"):
        return Norm.apply(x, axis=axes, keepdims=keepdims)
    if isinstance(ord, str) and ord == "nuc" or ord in (2, -2):
        return _singular_value_norm(x, ord, rows, cols, keepdims)
    sums = {1: (rows, cols), -1: (rows, cols), math.inf: (cols, rows), -math.inf: (cols, rows)}
    if ord not in sums:
        raise ValueError(
            f"linalg.norm: invalid norm order {ord!r} for matrices; use None, 'fro', 'nuc', "
            "1, -1, 2, -2, inf or -inf"
        )
    summed, picked = sums[ord]
    lines = Abs.apply(x).sum(axis=summed, keepdims=True)
    pick = lines.max if ord > 0 else lines.min
    out = pick(axis=picked, keepdims=True)
    return out if keepdims else out.reshape(removed(x.shape, axes))


def _singular_value_norm(x: Tensor, ord: Any, rows: int, cols: int, keepdims: bool) -> Tensor:  # noqa: A002
    """The matrix norms made of singular values s: "nuc" sum s, 2 max s, -2 min s;
    d(sum s)/dx = U V^T (see ``decompositions.SingularValues``)."""
    rest = [i for i in range(x.ndim) if i not in (rows, cols)]
    # (np.linalg.svdvals on a Tensor runs the recorded op of autograd/ops/decompositions.py,
    # which builds on this module: no import of it here.)
    values = np.linalg.svdvals(x.permute(*rest, rows, cols))
    out = values.sum(axis=-1) if ord == "nuc" else (values.max if ord == 2 else values.min)(-1)
    if keepdims:
        return out.reshape(tuple(1 if i in (rows, cols) else n for i, n in enumerate(x.shape)))
    return out


def vector_norm(x: Tensor, ord: Any, axes: tuple[int, ...], keepdims: bool) -> Tensor:  # noqa: A002
    """np.linalg.norm of vectors along ``axes`` for the orders listed in ``norm``."""
    if ord is None or ord == 2:
        return Norm.apply(x, axis=axes, keepdims=keepdims)
    if ord == 1:
        return Abs.apply(x).sum(axis=axes, keepdims=keepdims)
    if ord == math.inf:
        return Abs.apply(x).max(axis=axes, keepdims=keepdims)
    if ord == -math.inf:
        return Abs.apply(x).min(axis=axes, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"linalg.norm: invalid norm order {ord!r} for vectors")
    if ord == 0:  # a count: piecewise constant, so it carries no gradient
        count = (x._data != 0).sum(axis=axes, keepdims=keepdims)
        return Tensor(count.astype(np.result_type(x.dtype, np.float32)))
    if ord > 0:  # (sum |x|^p)^(1/p), as NumPy computes it
        return PNorm.apply(x, p=float(ord), axis=axes, keepdims=keepdims)
    raise TypeError(
        f"np.linalg.norm: the vector norm ord={ord!r} has no recorded derivative in "
        "backproplab; use ord None, 0 or a positive number, inf or -inf"
    )
