"""``autograd.linalg``: PyTorch's ``torch.linalg`` namespace, with PyTorch's arguments and
semantics (``dim``/``keepdim``; NumPy's ``axis``/``keepdims`` are accepted too), every
differentiable function recorded with its matrix-calculus gradient.

Loaded on first use (``autograd.linalg`` or ``import autograd.linalg``), so that
``import autograd`` does not pay for it. The ops behind it live in ``autograd/ops``
(solving.py, decompositions.py, norms.py); this module gives them torch.linalg's signatures.

Where a derivative does not exist (eigenvectors or singular vectors of repeated values),
backward raises when the loss depends on the ill-defined part: see ``eigh`` and ``svd``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .arguments import constant
from .conversion import as_tensor
from .ops.decompositions import (
    Eigenvalues,
    EighResult,
    QRResult,
    SingularValues,
    SVDResult,
    eigh,
    qr,
    svd,
)
from .ops.indexing import diagonal as _diagonal
from .ops.linalg import matmul
from .ops.norms import VectorNorm
from .ops.piecewise import where
from .ops.solving import Cholesky, Det, Inv, Pinv, Solve, default_rtol, slogdet
from .ops.solving import matrix_power as _matrix_power
from .tensor import Tensor

__all__ = [
    "EighResult",
    "QRResult",
    "SVDResult",
    "cholesky",
    "cholesky_ex",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]


def _number(fn: str, name: str, value: Any) -> Any:
    """An order or tolerance given as a number (a Tensor is read as one, never differentiated)."""
    value = constant(fn, name, value)
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _dims(fn: str, dim: Any, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        if not -ndim <= d < max(ndim, 1):
            raise IndexError(f"{fn}: dim {d} is out of range for a tensor of {ndim} dimensions")
        out.append(int(d) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: dim {dim} names an axis twice")
    return tuple(out)


def _spelling(dim: Any, keepdim: Any, kwargs: dict[str, Any], fn: str) -> tuple[Any, bool]:
    """PyTorch's ``dim``/``keepdim``, or NumPy's ``axis``/``keepdims`` in ``kwargs``."""
    if "axis" in kwargs:
        if dim is not None:
            raise TypeError(f"{fn}: got both dim= and axis=; give one")
        dim = kwargs.pop("axis")
    if "keepdims" in kwargs:
        keepdim = kwargs.pop("keepdims")
    if kwargs:
        raise TypeError(f"{fn}: unexpected keyword argument {next(iter(kwargs))!r}")
    return dim, bool(keepdim)


def vector_norm(
    x: Any,
    ord: Any = 2,  # noqa: A002
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    **kwargs: Any,
) -> Tensor:
    """||x||_ord over ``dim`` (all elements when None, as one flat vector): (sum |x|^ord)^(1/ord)
    for any real ord (negative too), max |x| for inf, min |x| for -inf, the count of non-zeros
    for 0. Gradient as PyTorch's: x / ||x|| for ord 2, 0 at the zero vector; see
    ``ops.norms.VectorNorm`` for the other orders."""
    dim, keepdim = _spelling(dim, keepdim, kwargs, "linalg.vector_norm")
    x = as_tensor(x)
    if dtype is not None:
        x = x.astype(dtype)
    if x.dtype.kind != "f":
        raise TypeError(
            f"linalg.vector_norm: expected a floating-point tensor, got {x.dtype} (pass dtype=)"
        )
    ord = _number("linalg.vector_norm", "ord", ord)  # noqa: A001
    if isinstance(ord, str):
        raise ValueError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    axes: tuple[int, ...] | None = (
        tuple(range(x.ndim)) if dim is None else _dims("linalg.vector_norm", dim, x.ndim)
    )
    if x.ndim == 0:
        axes = None
    out = VectorNorm.apply(x, ord=float(ord), axis=axes)
    if keepdim:
        return out
    return out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in (axes or ())))


def matrix_norm(
    a: Any,
    ord: Any = "fro",  # noqa: A002
    dim: Any = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: Any = None,
    **kwargs: Any,
) -> Tensor:
    """The matrix norm of the matrices on axes ``dim`` (the last two): "fro" sqrt(sum a_ij^2);
    "nuc" the sum of singular values; 2 / -2 the largest / smallest singular value; 1 / -1 the
    largest / smallest column sum of |a|; inf / -inf the largest / smallest row sum. Gradients
    through the ops they are made of (a maximum's gradient shared among ties, as PyTorch)."""
    dim, keepdim = _spelling(dim, keepdim, kwargs, "linalg.matrix_norm")
    a = as_tensor(a)
    if dtype is not None:
        a = a.astype(dtype)
    ord = _number("linalg.matrix_norm", "ord", ord)  # noqa: A001
    if a.ndim < 2:
        raise ValueError(
            f"linalg.matrix_norm: A must have at least 2 dimensions, got shape {a.shape}"
        )
    rows, cols = _dims("linalg.matrix_norm", dim, a.ndim)
    if len((rows, cols)) != 2:
        raise ValueError(f"linalg.matrix_norm: dim must name two axes, got {dim}")
    if ord == "fro":
        return vector_norm(a, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        rest = [i for i in range(a.ndim) if i not in (rows, cols)]
        values = svdvals(a.permute(*rest, rows, cols))
        if ord == "nuc":
            out = values.sum(axis=-1)
        else:
            out = vector_norm(values, math.inf if ord == 2 else -math.inf, -1)
        if keepdim:
            out = out.reshape(tuple(1 if i in (rows, cols) else n for i, n in enumerate(a.shape)))
        return out
    if ord in (1, -1, math.inf, -math.inf):
        summed, picked = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = vector_norm(a, 1, summed, keepdim=True)
        out = vector_norm(sums, math.inf if ord > 0 else -math.inf, picked, keepdim=True)
        if keepdim:
            return out
        return out.reshape(tuple(n for i, n in enumerate(a.shape) if i not in (rows, cols)))
    raise ValueError(
        f"linalg.matrix_norm: ord must be 'fro', 'nuc', 2, -2, 1, -1, inf or -inf, got {ord!r}"
    )


def norm(
    a: Any,
    ord: Any = None,  # noqa: A002
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    **kwargs: Any,
) -> Tensor:
    """torch.linalg.norm: a vector norm (``vector_norm``) when ``dim`` is one axis, or when
    ``dim`` and ``ord`` are None (all elements, flattened); a matrix norm (``matrix_norm``) when
    ``dim`` is two axes or ``ord`` is a string. With ``dim=None`` and a numeric ``ord``, A must
    be 1-D (vector) or 2-D (matrix)."""
    dim, keepdim = _spelling(dim, keepdim, kwargs, "linalg.norm")
    a = as_tensor(a)
    ord = _number("linalg.norm", "ord", ord)  # noqa: A001
    if dim is not None:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(a, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return matrix_norm(a, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(a, 2, None, keepdim, dtype=dtype)
    if isinstance(ord, str) or a.ndim == 2:
        return matrix_norm(a, ord, (-2, -1), keepdim, dtype=dtype)
    if a.ndim == 1:
        return vector_norm(a, ord, None, keepdim, dtype=dtype)
    raise ValueError(
        f"linalg.norm: with dim=None and ord={ord!r}, A must be 1-D or 2-D, got shape {a.shape}"
    )


def inv(a: Any) -> Tensor:
    """A^-1 of a (batch of) square matrices;  dL/dA = -A^-T G A^-T."""
    return Inv.apply(a)


def det(a: Any) -> Tensor:
    """det A (batched);  dL/dA = g adj(A)^T, exact also where A is singular."""
    return Det.apply(a)


def _is_vector(a: Tensor, b: Tensor) -> bool:
    """PyTorch's rule: B is a batch of vectors when it is 1-D, or when its shape is A's without
    the last axis."""
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(a: Any, b: Any, *, left: bool = True) -> Tensor:
    """X with A X = B (``left=True``) or X A = B (``left=False``), batch axes broadcast. B is a
    (batch of) vector(s) when it is 1-D or has A's shape without its last axis (PyTorch's rule),
    else a (batch of) matrices. dL/dB = A^-T G, dL/dA = -dL/dB X^T."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"linalg.solve: A must be square (*, n, n), got shape {a.shape}")
    vector = _is_vector(a, b)
    if vector:
        b = b.reshape(b.shape + (1,))
    if left:
        out = Solve.apply(a, b)
    else:  # X A = B  <=>  A^T X^T = B^T
        if vector:
            raise ValueError("linalg.solve: left=False needs B to be a matrix, not a vector")
        out = Solve.apply(a.swapaxes(-1, -2), b.swapaxes(-1, -2)).swapaxes(-1, -2)
    return out.reshape(out.shape[:-1]) if vector else out


def solve_triangular(
    a: Any, b: Any, *, upper: bool, left: bool = True, unitriangular: bool = False
) -> Tensor:
    """X with A X = B (``left=False``: X A = B) for A triangular: only its upper (``upper=True``)
    or lower triangle is read, and with ``unitriangular`` its diagonal is taken as ones. Made of
    a triangle mask and ``solve``, so dL/dA is the solve's gradient on that triangle (0
    elsewhere, and on the diagonal when unitriangular), dL/dB = A^-T G."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"linalg.solve_triangular: A must be square (*, n, n), got shape {a.shape}"
        )
    if b.ndim < 2:
        raise ValueError(
            f"linalg.solve_triangular: B must have at least 2 dimensions, got shape {b.shape}"
        )
    n = a.shape[-1]
    keep = np.triu(np.ones((n, n), dtype=bool), 1 if unitriangular else 0)
    if not upper:
        keep = keep.T
    triangle = where(keep, a, np.eye(n, dtype=a.dtype) if unitriangular else 0)
    if left:
        return Solve.apply(triangle, b)
    return Solve.apply(triangle.swapaxes(-1, -2), b.swapaxes(-1, -2)).swapaxes(-1, -2)


def cholesky(a: Any, *, upper: bool = False) -> Tensor:
    """L lower-triangular with A = L L^T (U = L^T with ``upper=True``), A symmetric
    positive-definite (its lower triangle is read). The gradient is symmetric, as PyTorch's."""
    return Cholesky.apply(a, upper=upper)


class CholeskyExResult(NamedTuple):
    """What ``cholesky_ex`` returns (PyTorch's field names)."""

    L: Tensor  # noqa: N815
    info: Tensor


class InvExResult(NamedTuple):
    """What ``inv_ex`` returns (PyTorch's field names)."""

    inverse: Tensor
    info: Tensor


def _first_failure(a: np.ndarray, fails: Any) -> np.ndarray:
    """Per matrix of the batch ``a``: 0, or the order k of the first leading block
    a[:k, :k] for which ``fails`` is true (LAPACK's ``info``)."""
    batch = a.reshape((-1,) + a.shape[-2:])
    info = np.zeros(len(batch), dtype=np.int32)
    for i, matrix in enumerate(batch):
        for k in range(1, matrix.shape[-1] + 1):
            if fails(matrix[:k, :k]):
                info[i] = k
                break
    return info.reshape(a.shape[:-2])


def _not_positive_definite(block: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(block)
    except np.linalg.LinAlgError:
        return True
    return False


def cholesky_ex(a: Any, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:
    """``cholesky`` that reports instead of raising (PyTorch's ``cholesky_ex``): ``info`` is 0
    where the matrix is positive-definite, else the order of its first leading block that is
    not, and that matrix's L is NaN (its derivative does not exist). ``check_errors=True``
    raises as ``cholesky`` does."""
    a = as_tensor(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"linalg.cholesky_ex: A must be square (*, n, n), got shape {a.shape}")
    info = _first_failure(a._data, _not_positive_definite)
    if check_errors or not info.any():
        return CholeskyExResult(Cholesky.apply(a, upper=upper), Tensor(info))
    good = (info == 0)[..., None, None]
    safe = where(good, a, np.eye(a.shape[-1], dtype=a.dtype))  # failures: the identity
    out = where(good, Cholesky.apply(safe, upper=upper), np.asarray(np.nan, dtype=a.dtype))
    return CholeskyExResult(out, Tensor(info))


def inv_ex(a: Any, *, check_errors: bool = False) -> InvExResult:
    """``inv`` that reports instead of raising (PyTorch's ``inv_ex``): ``info`` is 0 where the
    matrix is invertible, else positive, and that matrix's inverse is NaN. ``check_errors=True``
    raises as ``inv`` does."""
    a = as_tensor(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"linalg.inv_ex: A must be square (*, n, n), got shape {a.shape}")
    rank = np.linalg.matrix_rank(a._data) if a.shape[-1] else np.zeros(a.shape[:-2], int)
    info = np.where(rank < a.shape[-1], rank + 1, 0).astype(np.int32)
    if check_errors or not info.any():
        return InvExResult(Inv.apply(a), Tensor(info))
    good = (info == 0)[..., None, None]
    safe = where(good, a, np.eye(a.shape[-1], dtype=a.dtype))
    out = where(good, Inv.apply(safe), np.asarray(np.nan, dtype=a.dtype))
    return InvExResult(out, Tensor(info))


def svdvals(a: Any) -> Tensor:
    """The singular values of A, descending;  dL/dA = U diag(G) V^T."""
    return SingularValues.apply(a)


def eigvalsh(a: Any, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of symmetric A, ascending;  dL/dA = V diag(G) V^T."""
    return Eigenvalues.apply(a, UPLO=UPLO)


def _tolerances(fn: str, a: Tensor, atol: Any, rtol: Any, hermitian: bool) -> tuple[Any, Any]:
    atol = _number(fn, "atol", atol)
    rtol = _number(fn, "rtol", rtol)
    if rtol is None:
        rtol = 0.0 if atol is not None and np.any(np.asarray(atol) > 0) else None
        rtol = default_rtol(a.shape, a.dtype) if rtol is None else rtol
    return (0.0 if atol is None else atol), rtol


def pinv(
    a: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False, rcond: Any = None
) -> Tensor:
    """The Moore-Penrose pseudo-inverse A^+, singular values at or below max(atol, rtol s_max)
    taken as 0 (rtol's default, eps * max(m, n) when atol is not given, as PyTorch; ``rcond`` is
    its old name). Differentiable where the rank does not change nearby (Golub & Pereyra)."""
    a = as_tensor(a)
    if rcond is not None:
        rtol = rcond
    atol, rtol = _tolerances("linalg.pinv", a, atol, rtol, hermitian)
    return Pinv.apply(a, atol=atol, rtol=rtol)


def matrix_power(a: Any, n: int) -> Tensor:
    """A^n for an integer n (n = 0: the identity; n < 0: (A^-1)^|n|), by repeated squaring of
    recorded products, so its gradient is theirs."""
    return _matrix_power(a, n)


def matrix_rank(
    a: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False, tol: Any = None
) -> Tensor:
    """The number of singular values above max(atol, rtol * s_max) (int64; not
    differentiable). ``tol`` is PyTorch's old absolute tolerance."""
    a = as_tensor(a)
    if a.ndim < 2:
        raise ValueError(f"linalg.matrix_rank: A must have at least 2 dimensions, got {a.shape}")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances("linalg.matrix_rank", a, atol, rtol, hermitian)
    s = np.linalg.svd(a._data, compute_uv=False)
    if s.shape[-1] == 0:
        return Tensor(np.zeros(s.shape[:-1], dtype=np.int64))
    cutoff = np.maximum(np.asarray(atol), np.asarray(rtol) * s[..., :1])
    return Tensor(np.sum(s > cutoff, axis=-1).astype(np.int64))


def multi_dot(tensors: Sequence[Any]) -> Tensor:
    """The product A_1 A_2 ... A_k of a list of matrices (the first may be a 1-D row vector and
    the last a 1-D column vector, as PyTorch), multiplied left to right."""
    tensors = [as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise ValueError(f"linalg.multi_dot: needs at least 2 tensors, got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            raise ValueError(
                f"linalg.multi_dot: tensor {i} must be {' or '.join(f'{n}-D' for n in allowed)}"
                f", got shape {t.shape}"
            )
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def cross(a: Any, b: Any, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (batch axes broadcast):
    c = (a_1 b_2 - a_2 b_1, a_2 b_0 - a_0 b_2, a_0 b_1 - a_1 b_0)."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim != b.ndim:
        raise ValueError(
            f"linalg.cross: a and b must have the same number of dimensions, got shapes "
            f"{a.shape} and {b.shape}"
        )
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise ValueError(
            f"linalg.cross: dim {dim} must have length 3 in both, got shapes {a.shape} and "
            f"{b.shape}"
        )
    a, b = a.moveaxis(dim, -1), b.moveaxis(dim, -1)
    from .ops.joining import stack

    parts = [a[..., i] * b[..., j] - a[..., j] * b[..., i] for i, j in ((1, 2), (2, 0), (0, 1))]
    return stack(parts, axis=-1).moveaxis(-1, dim)


def diagonal(a: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal a[..., i, i + offset] of the matrices on axes ``dim1``, ``dim2`` (the last
    two), as the last axis; d/da = 1 on that diagonal."""
    return _diagonal(a, offset, dim1, dim2)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """sum_i x_i y_i along ``dim``, batch axes broadcast (real tensors: no conjugate)."""
    return (as_tensor(x) * y).sum(axis=dim)


class LstsqResult(NamedTuple):
    """What ``lstsq`` returns (PyTorch's field names)."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def lstsq(a: Any, b: Any, rcond: Any = None, *, driver: str | None = None) -> LstsqResult:
    """The least-squares solution X = A^+ B of A X ~ B (the minimum-norm one when A is
    rank-deficient; singular values below rcond * s_max count as zero, rcond's default eps *
    max(m, n)). Like PyTorch's default CPU driver ("gelsy"), ``residuals`` and
    ``singular_values`` are empty; ``rank`` is A's rank. Differentiable where A's rank does not
    change nearby (through ``pinv``)."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim < 2:
        raise ValueError(f"linalg.lstsq: A must have at least 2 dimensions, got {a.shape}")
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise ValueError(f"linalg.lstsq: unknown driver {driver!r}")
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b.reshape(b.shape + (1,))
    if b.shape[-2] != a.shape[-2]:
        raise ValueError(
            f"linalg.lstsq: A of shape {a.shape} and B of shape {b.shape} must have the same "
            "number of rows"
        )
    solution = matmul(pinv(a, rtol=rcond), b)
    if vector:
        solution = solution.reshape(solution.shape[:-1])
    empty = Tensor(np.zeros((0,), dtype=a.dtype))
    return LstsqResult(solution, empty, matrix_rank(a.detach(), rtol=rcond), empty)
