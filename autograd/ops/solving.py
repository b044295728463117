"""Inverses, determinants and linear solves of square matrices (batched over leading axes, as
np.linalg): ``inverse``, ``det``, ``slogdet``, ``logdet``, the solve behind
``autograd.linalg.solve``, ``cholesky`` and the pseudo-inverse behind ``autograd.linalg.pinv``.

Each gradient is the classical matrix-calculus result, written with ``@`` and ``np.linalg``
functions that are themselves recorded ops, so that ``create_graph=True`` differentiates them
again. ``A^-T`` is the inverse transposed; ``G`` the incoming gradient.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .linalg import matmul
from .piecewise import where


def _mT(a: Any) -> Any:  # noqa: N802 - PyTorch's name for the matrix transpose
    return np.swapaxes(a, -1, -2)


def square(fn: str, a: np.ndarray, name: str = "A") -> None:
    """Raise unless ``a`` is a (batch of) square matrices."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"{fn}: {name} must be a square matrix or a batch of them (shape (*, n, n)), got "
            f"shape {a.shape}"
        )


def singular(fn: str, a: np.ndarray) -> np.linalg.LinAlgError:
    """The error for a singular input, naming the op and the shape."""
    return np.linalg.LinAlgError(
        f"{fn}: the input of shape {a.shape} is singular (not invertible); its result or its "
        "gradient is not defined"
    )


@op("inverse", numpy=np.linalg.inv)
class Inv(Function):
    """Y = A^-1 (batched);  dL/dA = -Y^T G Y^T (from dY = -Y dA Y)."""

    name = "inverse"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        square("inverse", a)
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise singular("inverse", a) from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        out_t = _mT(out)
        return -(out_t @ grad @ out_t)


def adjugate_transposed(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix adj(A)^T = det(A) A^-T, also where A is singular: from A = U S V^T,
    adj(A)^T = det(U) det(V) U diag(prod_{j != i} s_j) V^T (a polynomial in A, so exact
    everywhere)."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    cofactors = np.empty_like(s)
    for i in range(n):  # n is small: the product of the other singular values
        cofactors[..., i] = np.prod(np.delete(s, i, axis=-1), axis=-1)
    signs = np.linalg.det(u) * np.linalg.det(vh)
    return signs[..., None, None] * (u * cofactors[..., None, :]) @ vh


@op("det", numpy=np.linalg.det)
class Det(Function):
    """y = det A (batched);  dL/dA = g adj(A)^T = g det(A) A^-T (Jacobi's formula), which the
    backward computes from the SVD where A is singular, so the gradient there is exact too."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        square("det", a)
        out = np.linalg.det(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, out = ctx.saved_tensors
        if isinstance(a, Tensor):  # create_graph: a recorded formula (invertible A only)
            return (grad * out)[..., None, None] * _mT(np.linalg.inv(a))
        if a.shape[-1] == 0:
            return np.zeros_like(a)
        try:
            if np.all(out != 0):
                return (grad * out)[..., None, None] * _mT(np.linalg.inv(a))
        except np.linalg.LinAlgError:
            pass
        return grad[..., None, None] * adjugate_transposed(a)


class LogAbsDet(Function):
    """y = log |det A| (batched);  dL/dA = g A^-T. At a singular A, y = -inf and the gradient
    is not defined: backward raises."""

    name = "slogdet"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        square("slogdet", a)
        _, out = np.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.saved_tensors
        if isinstance(a, Tensor):
            return grad[..., None, None] * _mT(np.linalg.inv(a))
        try:
            return grad[..., None, None] * _mT(np.linalg.inv(a))
        except np.linalg.LinAlgError:
            raise singular("slogdet", a) from None


class SignLogAbsDet(NamedTuple):
    """What ``slogdet`` returns (PyTorch's and NumPy's field names)."""

    sign: Tensor
    logabsdet: Tensor


@op(numpy=np.linalg.slogdet)
def slogdet(a: Any) -> SignLogAbsDet:
    """(sign, log|det A|) of a (batch of) square matrices: det A = sign * exp(logabsdet), without
    overflow. ``sign`` (-1, 0 or 1) is a constant; d logabsdet / dA = A^-T."""
    a = as_tensor(a)
    sign = np.linalg.slogdet(a._data)[0] if a.ndim >= 2 else None
    return SignLogAbsDet(Tensor(np.asarray(sign, dtype=a.dtype)), LogAbsDet.apply(a))


@op()
def logdet(a: Any) -> Tensor:
    """log det A (PyTorch's ``torch.logdet``): NaN where det A < 0, -inf where it is 0;
    d/dA = A^-T."""
    sign, logabs = slogdet(a)
    return where(sign._data < 0, np.asarray(np.nan, dtype=logabs.dtype), logabs)


class Solve(Function):
    """X = A^-1 B for matrices B (batch axes broadcast);  dL/dB = A^-T G,  dL/dA = -dL/dB X^T."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        square("linalg.solve", a)
        if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
            raise ValueError(
                f"linalg.solve: B of shape {b.shape} does not fit A of shape {a.shape} (B needs "
                f"{a.shape[-1]} rows)"
            )
        try:
            out = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise singular("linalg.solve", a) from None
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, out = ctx.saved_tensors
        grad_b = np.linalg.solve(_mT(a), grad)
        grad_a = -(grad_b @ _mT(out)) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b


@op(numpy=np.linalg.solve, method=False, export=False)
def solve_numpy(a: Any, b: Any) -> Tensor:
    """np.linalg.solve(a, b): X with A X = B; ``b`` is one vector only when it is 1-D."""
    a, b = as_tensor(a), as_tensor(b)
    if b.ndim == 1:
        return Solve.apply(a, b.reshape(-1, 1)).reshape(-1)
    return Solve.apply(a, b)


def _phi(x: Any) -> Any:
    """The lower triangle of x with its diagonal halved."""
    n = x.shape[-1]
    weights = np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)
    return x * weights.astype(x.dtype)


@op("cholesky", numpy=np.linalg.cholesky)
class Cholesky(Function):
    """L = cholesky(A): the lower-triangular L with A = L L^T, for symmetric positive-definite A
    (only A's lower triangle is read; ``upper=True`` returns U = L^T). With Phi(M) the lower
    triangle of M with its diagonal halved, dL = L Phi(L^-1 dA L^-T), so
    dL/dA = sym(L^-T Phi(L^T G) L^-1), sym(M) = (M + M^T) / 2: the symmetric gradient PyTorch
    returns (A is taken to be symmetric)."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, upper: bool = False) -> np.ndarray:
        square("cholesky", a)
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError(
                f"cholesky: the input of shape {a.shape} is not positive-definite"
            ) from None
        ctx.upper = upper
        out = np.ascontiguousarray(_mT(lower)) if upper else lower
        ctx.save_for_backward(out)  # the result itself: recorded again under create_graph
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        lower = _mT(out) if ctx.upper else out
        if ctx.upper:
            grad = _mT(grad)
        inner = _phi(_mT(lower) @ grad)
        # L^-T P L^-1 = (L^-T (L^-T P)^T)^T: two solves with L^T instead of inverting L.
        left = np.linalg.solve(_mT(lower), inner)
        full = _mT(np.linalg.solve(_mT(lower), _mT(left)))
        return 0.5 * (full + _mT(full))


def default_rtol(shape: tuple[int, ...], dtype: np.dtype) -> float:
    """PyTorch's default relative tolerance for rank decisions: eps * max(m, n)."""
    return float(np.finfo(dtype).eps) * max(shape[-2], shape[-1])


class Pinv(Function):
    """P = A^+, the Moore-Penrose pseudo-inverse from the SVD, singular values at or below
    max(atol, rtol * s_max) taken as zero. Where the rank is constant nearby (Golub & Pereyra),
    dL/dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)."""

    name = "linalg.pinv"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, atol: Any = None, rtol: Any = None) -> np.ndarray:
        if a.ndim < 2:
            raise ValueError(f"linalg.pinv: A must have at least 2 dimensions, got {a.shape}")
        if a.shape[-1] == 0 or a.shape[-2] == 0:
            out = np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)
            ctx.save_for_backward(a, out)
            return out
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        if rtol is None:
            rtol = 0.0 if atol is not None and np.any(np.asarray(atol) > 0) else None
            rtol = default_rtol(a.shape, a.dtype) if rtol is None else rtol
        atol = 0.0 if atol is None else atol
        cutoff = np.maximum(np.asarray(atol), np.asarray(rtol) * s[..., :1])
        kept = s > cutoff
        inverse = np.where(kept, 1 / np.where(kept, s, 1), 0).astype(a.dtype)
        out = (_mT(vh) * inverse[..., None, :]) @ _mT(u)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, p = ctx.saved_tensors
        p_t, grad_t = _mT(p), _mT(grad)
        m, n = a.shape[-2], a.shape[-1]
        left = np.eye(m, dtype=p.dtype) - a @ p  # I - A P, (m, m)
        right = np.eye(n, dtype=p.dtype) - p @ a  # I - P A, (n, n)
        return -(p_t @ grad @ p_t) + left @ grad_t @ p @ p_t + p_t @ p @ grad_t @ right


@op(numpy=np.linalg.matrix_power)
def matrix_power(a: Any, n: int) -> Tensor:
    """A^n for an integer n by repeated squaring (n = 0: the identity; n < 0: (A^-1)^|n|), made
    of recorded products, so its gradient is theirs."""
    a = as_tensor(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"matrix_power: A must be square (*, n, n), got shape {a.shape}")
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: n must be an integer, got {n!r}")
    if n == 0:
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return Tensor(np.array(eye)) + a * 0
    if n < 0:
        a, n = Inv.apply(a), -n
    result, power = None, a
    while n:
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if n:
            power = matmul(power, power)
    assert result is not None
    return result
