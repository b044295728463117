"""PyTorch's fused products: ``addmm``, ``addmv``, ``addbmm``, ``baddbmm``, ``addr`` (beta * input
+ alpha * a product), ``addcmul``/``addcdiv`` as functions, ``kron``, ``cross`` and ``cdist``.

The ``add*`` spellings, ``kron`` and ``cross`` are composed of recorded ops (matmul, products,
sums, indexing), so their gradients are those ops'. ``cdist`` is one Function: its backward
gives 0 where two points coincide, as PyTorch's does (the composed norm's would be NaN there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arguments import constant
from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .joining import stack
from .linalg import matmul, outer
from .shape import moveaxis, reshape


def _scaled(fn: str, input: Any, product: Tensor, beta: Any, alpha: Any) -> Tensor:  # noqa: A002
    # beta * input + alpha * product; with beta = 0 input is not read (PyTorch: NaN and inf in
    # it do not propagate), and it must still broadcast to the product's shape.
    beta, alpha = constant(fn, "beta", beta), constant(fn, "alpha", alpha)
    input = as_tensor(input)  # noqa: A001
    try:
        shape = np.broadcast_shapes(input.shape, product.shape)
    except ValueError:
        shape = None
    if shape != product.shape:
        raise ValueError(
            f"{fn}: input of shape {input.shape} does not broadcast to the product's shape "
            f"{product.shape}"
        )
    scaled = product if _one(alpha) else product * np.asarray(alpha, dtype=product.dtype)
    if beta == 0:
        return scaled
    return (input if _one(beta) else input * np.asarray(beta, dtype=input.dtype)) + scaled


def _one(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and value == 1


def _shapes(fn: str, want: str, *pairs: tuple[Tensor, int]) -> None:
    if any(t.ndim != n for t, n in pairs):
        got = " and ".join(str(t.shape) for t, _ in pairs)
        raise ValueError(f"{fn}: expected {want}, got shapes {got}")


@op()
def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``addmm``: beta * input + alpha * (mat1 @ mat2), mat1 (n, m), mat2 (m, p), input
    broadcast to (n, p) (``nn.Linear``'s bias + x @ W.T)."""
    mat1, mat2 = as_tensor(mat1), as_tensor(mat2)
    _shapes("addmm", "matrices (n, m) and (m, p)", (mat1, 2), (mat2, 2))
    return _scaled("addmm", input, matmul(mat1, mat2), beta, alpha)


@op()
def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``addmv``: beta * input + alpha * (mat @ vec), mat (n, m), vec (m,), input
    broadcast to (n,)."""
    mat, vec = as_tensor(mat), as_tensor(vec)
    _shapes("addmv", "a matrix (n, m) and a vector (m,)", (mat, 2), (vec, 1))
    return _scaled("addmv", input, matmul(mat, vec), beta, alpha)


def _batches(fn: str, batch1: Tensor, batch2: Tensor) -> None:
    _shapes(fn, "batches (b, n, m) and (b, m, p)", (batch1, 3), (batch2, 3))
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise ValueError(
            f"{fn}: expected batches (b, n, m) and (b, m, p), got shapes {batch1.shape} and "
            f"{batch2.shape}"
        )


@op()
def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``addbmm``: beta * input + alpha * sum_i batch1[i] @ batch2[i], batch1 (b, n, m),
    batch2 (b, m, p), input broadcast to (n, p)."""
    batch1, batch2 = as_tensor(batch1), as_tensor(batch2)
    _batches("addbmm", batch1, batch2)
    return _scaled("addbmm", input, matmul(batch1, batch2).sum(axis=0), beta, alpha)


@op()
def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``baddbmm``: beta * input + alpha * (batch1 @ batch2) batch by batch, batch1
    (b, n, m), batch2 (b, m, p), input broadcast to (b, n, p) (attention scores with a bias)."""
    batch1, batch2 = as_tensor(batch1), as_tensor(batch2)
    _batches("baddbmm", batch1, batch2)
    return _scaled("baddbmm", input, matmul(batch1, batch2), beta, alpha)


@op()
def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``addr``: beta * input + alpha * outer(vec1, vec2), input broadcast to
    (len(vec1), len(vec2))."""
    vec1, vec2 = as_tensor(vec1), as_tensor(vec2)
    _shapes("addr", "two vectors", (vec1, 1), (vec2, 1))
    return _scaled("addr", input, outer(vec1, vec2), beta, alpha)


@op(method=False)
def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``torch.addcmul``: input + value * tensor1 * tensor2 (broadcast; recorded as
    those ops; ``Tensor.addcmul`` is the method)."""
    return as_tensor(input).addcmul(tensor1, tensor2, value=value)


@op(method=False)
def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:  # noqa: A002
    """PyTorch's ``torch.addcdiv``: input + value * tensor1 / tensor2 (broadcast; recorded as
    those ops; ``Tensor.addcdiv`` is the method)."""
    return as_tensor(input).addcdiv(tensor1, tensor2, value=value)


@op(numpy=np.kron)
def kron(a: Any, b: Any) -> Tensor:
    """The Kronecker product: y[i * n + k, j * m + l] = a[i, j] b[k, l] (and likewise in any
    number of dimensions, the fewer-dimensional operand padded with leading 1s), as np.kron and
    torch.kron; recorded as a broadcast product and a reshape."""
    a, b = as_tensor(a), as_tensor(b)
    ndim = max(a.ndim, b.ndim)
    a = reshape(a, (1,) * (ndim - a.ndim) + a.shape)
    b = reshape(b, (1,) * (ndim - b.ndim) + b.shape)
    # a's axes interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...)
    spread_a = reshape(a, tuple(x for n in a.shape for x in (n, 1)))
    spread_b = reshape(b, tuple(x for n in b.shape for x in (1, n)))
    return reshape(spread_a * spread_b, tuple(m * n for m, n in zip(a.shape, b.shape)))


def _cross_along(a: Tensor, b: Tensor, axis: int) -> Tensor:
    a, b = moveaxis(a, axis, -1), moveaxis(b, axis, -1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return moveaxis(out, -1, axis)


def _cross_operands(fn: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    a, b = as_tensor(a), as_tensor(b)
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{fn}: shapes {a.shape} and {b.shape} do not broadcast") from None
    return a.broadcast_to(shape), b.broadcast_to(shape)


def _torch_cross(a: Any, b: Any, axis: int | None = None) -> Tensor:
    """PyTorch's ``torch.cross(a, b, dim=None)``: the cross product along ``dim``, which must have
    length 3; without ``dim``, along the first dimension of length 3 (PyTorch's rule, which it
    warns about: ``torch.linalg.cross`` and NumPy use the last). (The registry hands ``dim``
    over as ``axis``.)"""
    a, b = _cross_operands("cross", a, b)
    dim = axis
    if dim is None:
        threes = [i for i, n in enumerate(a.shape) if n == 3]
        if not threes:
            raise ValueError(f"cross: no dimension of length 3 in shape {a.shape}")
        dim = threes[0]
    if not -a.ndim <= dim < a.ndim or a.shape[dim] != 3:
        raise ValueError(f"cross: dim {dim} of shape {a.shape} must exist and have length 3")
    return _cross_along(a, b, dim % a.ndim)


@op(torch=_torch_cross)
def cross(a: Any, b: Any, axis: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``axis`` (the last by default, as np.cross and
    ``torch.linalg.cross``): y = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0), operands
    broadcast; recorded as products and differences. PyTorch's ``torch.cross(a, b)`` without
    ``dim`` takes the first dimension of length 3 instead: that meaning under
    ``pytorch_meanings`` (converted code) or with ``dim=``."""
    a, b = _cross_operands("cross", a, b)
    if not -a.ndim <= axis < a.ndim or a.shape[axis] != 3:
        raise ValueError(f"cross: axis {axis} of shape {a.shape} must exist and have length 3")
    return _cross_along(a, b, axis % a.ndim)


class Cdist(Function):
    """y[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p;  with d = x1_i - x2_j,
    dy/dx1_i = sign(d) |d|^(p-1) / y^(p-1) (p = 1: sign(d); p = inf: sign(d) where |d| = y),
    dy/dx2_j the negative; 0 where y = 0 (coincident points), as PyTorch."""

    @staticmethod
    def forward(ctx: Any, x1: np.ndarray, x2: np.ndarray, p: float = 2.0) -> np.ndarray:
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        ctx.save_for_backward(x1, x2)
        ctx.p = p
        dist = _pnorm(np.abs(diff), p)
        return dist

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x1, x2 = ctx.saved_tensors
        p = ctx.p
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        dist = _pnorm(abs(diff), p)[..., None]
        zero = np.asarray(dist) == 0
        safe = np.where(zero, 1, dist)  # (a finite value where the points coincide)
        sign = np.sign(diff)
        if p == 0:
            local = diff * 0
        elif p == 1:
            local = sign
        elif p == np.inf:
            local = sign * (np.asarray(abs(diff)) == np.asarray(dist))
        elif p == 2:
            local = diff / safe
        else:  # (|d|^(p-1) is infinite at d = 0 for p < 1: sign(d) = 0 there)
            magnitude = np.where(np.asarray(diff) == 0, 1, abs(diff))
            local = sign * magnitude ** (p - 1) / safe ** (p - 1)
        local = np.where(zero, 0, local)
        g = grad[..., None] * local
        return g.sum(axis=-2), -g.sum(axis=-3)


def _pnorm(magnitude: Any, p: float) -> Any:
    # ||.||_p over the last axis of |d| (arrays or Tensors)
    if p == 0:
        return (np.asarray(magnitude) != 0).sum(axis=-1).astype(np.asarray(magnitude).dtype)
    if p == np.inf:
        return magnitude.max(axis=-1)
    if p == 1:
        return magnitude.sum(axis=-1)
    if p == 2:
        return np.sqrt((magnitude * magnitude).sum(axis=-1))
    return (magnitude**p).sum(axis=-1) ** (1.0 / p)


@op(method=False)
def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: Any = None) -> Tensor:
    """PyTorch's ``cdist``: the p-norm distance between each row of x1 (..., P, M) and each row
    of x2 (..., R, M), a (..., P, R) tensor (leading batch dimensions broadcast); p >= 0, inf
    allowed. ``compute_mode`` only chooses PyTorch's algorithm: ignored here. The gradient
    where two points coincide is 0, as PyTorch's."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    p = float(constant("cdist", "p", p))
    if p < 0:
        raise ValueError(f"cdist: p must be >= 0, got {p}")
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ValueError(
            f"cdist: expected x1 (..., P, M) and x2 (..., R, M) with the same M, got shapes "
            f"{x1.shape} and {x2.shape}"
        )
    try:
        batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    except ValueError:
        raise ValueError(
            f"cdist: the batch dimensions of {x1.shape} and {x2.shape} do not broadcast"
        ) from None
    x1 = x1.broadcast_to(batch + x1.shape[-2:]) if x1.shape[:-2] != batch else x1
    x2 = x2.broadcast_to(batch + x2.shape[-2:]) if x2.shape[:-2] != batch else x2
    return Cdist.apply(x1, x2, p=p)


@op(method=False)
def chain_matmul(*matrices: Any) -> Tensor:
    """PyTorch's ``chain_matmul``: the product of the matrices in order (``linalg.multi_dot``),
    each 2-D; recorded as matmuls."""
    if not matrices:
        raise ValueError("chain_matmul: expected one or more matrices, got none")
    tensors = [as_tensor(m) for m in matrices]
    for i, m in enumerate(tensors):
        if m.ndim != 2:
            raise ValueError(f"chain_matmul: matrix {i} has shape {m.shape}; each must be 2-D")
    out = tensors[0]
    for m in tensors[1:]:
        out = matmul(out, m)
    return out
