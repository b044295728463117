"""Matrix decompositions with gradients: QR, the symmetric eigendecomposition (eigh) and the SVD,
batched over leading axes; and their value-only forms ``eigvalsh`` and ``svdvals``.

A decomposition has several results, an op one: each ``Function`` here returns its results
packed into one array along the last axis (``pack``), and the public function cuts them apart
with recorded slices (``cut``), so backward receives one gradient with a block per result
(zeros for a result the loss does not use).

Where a derivative does not exist (eigenvectors of a repeated eigenvalue, singular vectors of a
repeated or zero singular value), backward raises ValueError when the loss depends on the
ill-defined part, and gives the true derivative when it does not (a loss invariant to the choice
of basis). PyTorch returns inf or NaN there instead.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .solving import _mT


def pack(batch: tuple[int, ...], *arrays: np.ndarray) -> np.ndarray:
    """The arrays (each of batch shape ``batch``) as one array of shape batch + (total size,)."""
    # (Sizes written out, not -1, which NumPy cannot infer when the batch is empty.)
    sizes = [math.prod(a.shape[len(batch) :]) for a in arrays]
    return np.concatenate([a.reshape(batch + (n,)) for a, n in zip(arrays, sizes)], axis=-1)


def cut(packed: Any, shapes: list[tuple[int, ...]]) -> list[Any]:
    """The blocks of ``packed`` (an array or Tensor), reshaped to ``shapes`` (per batch)."""
    batch = packed.shape[:-1]
    blocks, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        blocks.append(packed[..., start : start + size].reshape(batch + shape))
        start += size
    return blocks


def _values(x: Any) -> np.ndarray:
    """The numbers of x (a Tensor's array, for the checks below; never differentiated)."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def gap_inverse(values: Any, numerator: Any, raw: list[Any], fn: str, what: str) -> Any:
    """F o numerator with F_ij = 1 / (values_j - values_i) off the diagonal and 0 on it.

    Where two values coincide (to rounding) the derivative of their vectors does not exist. The
    term is then 0 if the loss does not involve how those vectors mix, i.e. if the entries
    (i, j) and (j, i) of every matrix in ``raw`` (V^T G_V for eigh) vanish; otherwise backward
    raises. (A loss that ignores the basis, such as V diag(w) V^T, can have a finite derivative
    there, but not one this formula can give: 0 / 0. PyTorch returns NaN or inf.)"""
    v = _values(values)
    gaps = v[..., None, :] - v[..., :, None]
    scale = np.max(np.abs(v), axis=-1, keepdims=True)[..., None]
    eps = np.finfo(v.dtype).eps
    n = v.shape[-1]
    off_diagonal = ~np.eye(n, dtype=bool)
    tied = (np.abs(gaps) <= 8 * eps * np.maximum(scale, np.finfo(v.dtype).tiny)) & off_diagonal
    if np.any(tied):
        for matrix in raw:
            m = np.abs(_values(matrix))
            negligible = 64 * eps * np.max(m, axis=(-2, -1), keepdims=True)
            if np.any(tied & ((m > negligible) | (np.swapaxes(m, -1, -2) > negligible))):
                raise ValueError(
                    f"{fn}: the gradient is not defined: {what} repeat, and the loss depends on "
                    "how their vectors are chosen (PyTorch returns NaN or inf here); a loss of "
                    "the values alone, or of the vectors of distinct values, is differentiable"
                )
    # The gaps again from ``values`` itself, which is recorded under create_graph.
    recorded = values[..., None, :] - values[..., :, None]
    return numerator / np.where(tied | ~off_diagonal, np.inf, recorded)


class QRResult(NamedTuple):
    """What ``qr`` returns (NumPy's and PyTorch's field names)."""

    Q: Tensor  # noqa: N815
    R: Tensor  # noqa: N815


def _copyltu(m: Any) -> Any:
    """The symmetric matrix whose lower triangle (diagonal included) is m's."""
    n = m.shape[-1]
    lower = np.tril(np.ones((n, n)), -1).astype(m.dtype)
    strict = m * lower
    return strict + _mT(strict) + m * np.eye(n, dtype=m.dtype)


def _qr_backward_tall(q: Any, r: Any, grad_q: Any, grad_r: Any) -> Any:
    """dL/dA for A = Q R with A (m, n), m >= n, R invertible (Walter & Lehmann; Liao et al.):
    (G_Q + Q copyltu(M)) R^-T,  M = R G_R^T - G_Q^T Q."""
    m = r @ _mT(grad_r) - _mT(grad_q) @ q
    left = grad_q + q @ _copyltu(m)
    return _mT(np.linalg.solve(r, _mT(left)))  # left R^-T


class QR(Function):
    """A = Q R with Q's columns orthonormal and R upper-triangular (LAPACK's signs, as NumPy and
    PyTorch), packed (Q, R). Reduced: Q (m, k), R (k, n), k = min(m, n). Gradient for A of full
    rank: for m >= n, (G_Q + Q copyltu(R G_R^T - G_Q^T Q)) R^-T; for m < n, A = [X Y] gives
    dL/dY = Q G_R2 and dL/dX from the square rule with G_Q + Y G_R2^T."""

    name = "linalg.qr"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, complete: bool = False) -> np.ndarray:
        q, r = np.linalg.qr(a, mode="complete" if complete else "reduced")
        ctx.shapes = [q.shape[-2:], r.shape[-2:]]
        ctx.complete = complete and a.shape[-2] > a.shape[-1]
        out = pack(a.shape[:-2], q, r)
        ctx.save_for_backward(out)  # the result: recorded again under create_graph
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        if ctx.complete:
            raise ValueError(
                "linalg.qr: not differentiable with mode='complete' when A has more rows than "
                "columns (Q's extra columns are any basis of the complement); use "
                "mode='reduced'"
            )
        q, r = cut(ctx.saved_tensors[0], ctx.shapes)
        grad_q, grad_r = cut(grad, ctx.shapes)
        diagonal = np.abs(np.diagonal(_values(r), axis1=-2, axis2=-1))
        limit = np.finfo(diagonal.dtype).eps * max(r.shape[-2:]) * np.max(diagonal, initial=0)
        if np.any(diagonal <= limit):
            raise ValueError("linalg.qr: the gradient is not defined for a rank-deficient A")
        m, n = q.shape[-2], r.shape[-1]
        if m >= n:
            return _qr_backward_tall(q, r, grad_q, grad_r)
        square_r, grad_r1, grad_r2 = r[..., :m], grad_r[..., :m], grad_r[..., m:]
        rest = q @ r[..., m:]  # Y, the columns beyond the first m
        grad_x = _qr_backward_tall(q, square_r, grad_q + rest @ _mT(grad_r2), grad_r1)
        return np.concatenate([grad_x, q @ grad_r2], axis=-1)


@op(numpy=np.linalg.qr)
def qr(a: Any, mode: str = "reduced") -> QRResult:
    """The QR decomposition A = Q R (batched): mode "reduced" (Q (m, k), R (k, n), k = min(m,
    n)), "complete" (Q (m, m)) or "r" (R only; Q is empty). Differentiable for A of full rank
    (see ``QR``)."""
    a = as_tensor(a)
    if a.ndim < 2:
        raise ValueError(f"linalg.qr: A must have at least 2 dimensions, got shape {a.shape}")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    m, n = a.shape[-2:]
    complete = mode == "complete"
    k = m if complete else min(m, n)
    q, r = cut(QR.apply(a, complete=complete), [(m, k), (k if not complete else m, n)])
    if mode == "r":
        q = Tensor(np.zeros((0,), dtype=a.dtype))
    return QRResult(q, r)


class EighResult(NamedTuple):
    """What ``eigh`` returns (NumPy's and PyTorch's field names)."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class Eigh(Function):
    """A = V diag(w) V^T for symmetric A (eigenvalues ascending; only the lower triangle is read,
    or the upper with UPLO="U"), packed (w, V). Gradient, with A taken symmetric:
    dL/dA = V (diag(G_w) + F o skew(V^T G_V)) V^T, F_ij = 1 / (w_j - w_i) off the diagonal,
    skew(M) = (M - M^T) / 2."""

    name = "linalg.eigh"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, UPLO: str = "L") -> np.ndarray:  # noqa: N803
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise ValueError(f"linalg.eigh: A must be square (*, n, n), got shape {a.shape}")
        w, v = np.linalg.eigh(a, UPLO=UPLO)  # type: ignore[call-overload]  # numpy stubs: Literal
        n = a.shape[-1]
        ctx.shapes = [(n,), (n, n)]
        out = pack(a.shape[:-2], w, v)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        w, v = cut(ctx.saved_tensors[0], ctx.shapes)
        grad_w, grad_v = cut(grad, ctx.shapes)
        # Only the antisymmetric part of V^T G_V counts (the gradient is symmetrised), and it
        # is the part that must vanish where eigenvalues repeat.
        projected = _mT(v) @ grad_v
        skew = 0.5 * (projected - _mT(projected))
        inner = gap_inverse(w, skew, [projected], "linalg.eigh", "eigenvalues")
        n = w.shape[-1]
        inner = inner + grad_w[..., None, :] * np.eye(n, dtype=_values(w).dtype)
        return v @ inner @ _mT(v)


@op(numpy=np.linalg.eigh, method=False, export=False)
def eigh(a: Any, UPLO: str = "L") -> EighResult:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (batched):
    A = V diag(w) V^T. Differentiable; where eigenvalues repeat, the gradient of a loss that
    depends on the eigenvectors' basis raises (see ``Eigh``)."""
    a = as_tensor(a)
    n = a.shape[-1] if a.ndim else 0
    w, v = cut(Eigh.apply(a, UPLO=UPLO), [(n,), (n, n)])
    return EighResult(w, v)


class SVDResult(NamedTuple):
    """What ``svd`` returns (NumPy's and PyTorch's field names)."""

    U: Tensor  # noqa: N815
    S: Tensor  # noqa: N815
    Vh: Tensor  # noqa: N815


class SVD(Function):
    """A = U diag(s) V^T, reduced (U (m, k), s (k,), V^T (k, n), k = min(m, n)), packed. With
    F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, J = U^T G_U, K = V^T G_V (Townsend 2016):

        dL/dA = U [F o ((J - J^T) S + S (K - K^T)) + diag(G_s)] V^T
                + (I - U U^T) G_U S^-1 V^T + U S^-1 G_V^T (I - V V^T)."""

    name = "linalg.svd"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        if a.ndim < 2:
            raise ValueError(f"linalg.svd: A must have at least 2 dimensions, got {a.shape}")
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        m, n, k = a.shape[-2], a.shape[-1], s.shape[-1]
        ctx.shapes = [(m, k), (k,), (k, n)]
        out = pack(a.shape[:-2], u, s, vh)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        u, s, vh = cut(ctx.saved_tensors[0], ctx.shapes)
        grad_u, grad_s, grad_vh = cut(grad, ctx.shapes)
        v, grad_v = _mT(vh), _mT(grad_vh)
        m, n, k = u.shape[-2], v.shape[-2], s.shape[-1]
        dtype = _values(s).dtype
        j, kk = _mT(u) @ grad_u, _mT(v) @ grad_v
        squares = s * s
        what = "singular values"
        s_row = s[..., None, :]
        numerator = (j - _mT(j)) * s_row + _mT(s_row) * (kk - _mT(kk))
        middle = gap_inverse(squares, numerator, [j, kk], "linalg.svd", what)
        middle = middle + grad_s[..., None, :] * np.eye(k, dtype=dtype)
        out = u @ middle @ vh
        if m > k:  # U's columns leave out part of R^m: (I - U U^T) G_U S^-1 V^T
            outside = grad_u - u @ j
            out = out + _over_s(outside, s, "U") @ vh
        if n > k:  # U S^-1 G_V^T (I - V V^T)
            outside = grad_v - v @ kk
            out = out + u @ _mT(_over_s(outside, s, "V"))
        return out


def _over_s(x: Any, s: Any, which: str) -> Any:
    """x S^-1 (columns divided by the singular values); raises where s = 0 and x's column is
    not negligible (the derivative of ``which``'s basis there is not defined)."""
    values, num = _values(s), _values(x)
    zero = values <= np.finfo(values.dtype).eps * np.max(values, axis=-1, keepdims=True)
    if np.any(zero):
        big = np.max(np.abs(num), axis=(-2, -1), keepdims=True)[..., 0]
        column = np.max(np.abs(num), axis=-2)
        if np.any(zero & (column > np.sqrt(np.finfo(values.dtype).eps) * np.maximum(big, 1))):
            raise ValueError(
                f"linalg.svd: the gradient is not defined: A has a zero singular value and the "
                f"loss depends on the choice of {which}'s columns for it"
            )
    return x / np.where(zero, np.inf, s)[..., None, :]  # s itself: recorded under create_graph


@op(numpy=np.linalg.svd, method=False, export=False)
def svd(a: Any, full_matrices: bool = True) -> SVDResult:
    """The singular value decomposition A = U diag(S) Vh (batched), S descending. With
    ``full_matrices=True`` (the default, as NumPy and torch.linalg), U is (m, m) and Vh (n, n);
    their extra columns/rows, any basis of the complement, get no gradient (as PyTorch).
    Differentiable (see ``SVD``); where singular values repeat or are zero, a loss that depends
    on the singular vectors' basis makes backward raise."""
    a = as_tensor(a)
    if a.ndim < 2:
        raise ValueError(f"linalg.svd: A must have at least 2 dimensions, got shape {a.shape}")
    m, n = a.shape[-2:]
    k = min(m, n)
    u, s, vh = cut(SVD.apply(a), [(m, k), (k,), (k, n)])
    if full_matrices and m != n:
        full_u, _, full_vh = np.linalg.svd(a._data, full_matrices=True)
        from .joining import concatenate

        if m > k:
            u = concatenate([u, Tensor(full_u[..., :, k:])], axis=-1)
        if n > k:
            vh = concatenate([vh, Tensor(full_vh[..., k:, :])], axis=-2)
    return SVDResult(u, s, vh)


class SingularValues(Function):
    """s = the singular values of A (descending);  dL/dA = U diag(G_s) V^T (defined also where
    singular values repeat)."""

    name = "linalg.svdvals"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray) -> np.ndarray:
        if a.ndim < 2:
            raise ValueError(f"linalg.svdvals: A must have at least 2 dimensions, got {a.shape}")
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(a, u, vh)
        return s

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, u, vh = ctx.saved_tensors
        if isinstance(a, Tensor):  # create_graph: U and V^T as recorded functions of A
            u, _, vh = np.linalg.svd(a, full_matrices=False)
        return (u * grad[..., None, :]) @ vh


class Eigenvalues(Function):
    """w = the eigenvalues of symmetric A (ascending);  dL/dA = V diag(G_w) V^T (defined also
    where eigenvalues repeat)."""

    name = "linalg.eigvalsh"

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, UPLO: str = "L") -> np.ndarray:  # noqa: N803
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise ValueError(f"linalg.eigvalsh: A must be square (*, n, n), got shape {a.shape}")
        w, v = np.linalg.eigh(a, UPLO=UPLO)  # type: ignore[call-overload]  # numpy stubs: Literal
        ctx.uplo = UPLO
        ctx.save_for_backward(a, v)
        return w

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, v = ctx.saved_tensors
        if isinstance(a, Tensor):  # create_graph: V as a recorded function of A
            v = np.linalg.eigh(a, UPLO=ctx.uplo)[1]
        return (v * grad[..., None, :]) @ _mT(v)


op("svdvals", numpy=np.linalg.svdvals, method=False, export=False)(SingularValues)
op("eigvalsh", numpy=np.linalg.eigvalsh, method=False, export=False)(Eigenvalues)
