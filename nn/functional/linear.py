"""``linear`` (one fused op), ``bilinear``, ``dropout``, ``embedding`` and ``one_hot``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd.graph.origins import name_array

from .checks import as_tensor, check_floating, refuse_grad
from .inplace import write_in_place


class LinearFunction(autograd.Function):
    """y = x W^T + b for x of shape (..., in), W (out, in), b (out,).

    Backward, with G = dL/dy flattened to (M, out) and X to (M, in):
    dL/dx = G W,  dL/dW = G^T X,  dL/db = sum of G over rows. Only the gradients some input
    needs are computed: the first layer of an MLP never pays for dL/dx of its data.

    The products are ``np.dot`` of 2-D matrices: a batch of sequences (N, L, in) is multiplied
    as one (N * L, in) matrix. On small layers matmul's broadcasting machinery costs as much as
    the arithmetic, and np.dot of a 3-D array does not call BLAS's matrix product at all
    (measured 4x slower on (64, 14, 256) inputs).
    """

    name = "linear"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, weight: np.ndarray, *bias: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x, weight)
        if x.ndim == 2:
            out = np.dot(x, weight.T)
        else:
            out = np.dot(_matrix(x), weight.T)
            out = out.reshape(*x.shape[:-1], weight.shape[0])
        if bias:
            out += bias[0]  # ``out`` is a fresh array, so adding in place is safe
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, ...]:
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        rows = grad
        if grad.ndim != 2:  # (..., out) -> (M, out); a batch of vectors is already 2-D
            rows = _matrix(grad)
        grad_x = None
        if needs[0]:
            grad_x = np.dot(rows, weight)
            if grad.ndim != 2:
                grad_x = grad_x.reshape(x.shape)
        grad_w = None
        if needs[1]:
            grad_w = np.dot(rows.T, x if x.ndim == 2 else _matrix(x))
        if len(needs) == 2:
            return grad_x, grad_w
        grad_b = rows.sum(axis=0) if needs[2] else None
        return grad_x, grad_w, grad_b


class ScaleGradFunction(autograd.Function):
    """y = x (the same values); dL/dx = dL/dy * scale. Embedding's ``scale_grad_by_freq``:
    each looked-up row's gradient divided by how often its index occurs in the batch."""

    name = "scale_grad"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, scale: Any = None) -> np.ndarray:
        ctx.scale = scale
        return x.copy()

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * ctx.scale


def by_frequency(rows: autograd.Tensor, idx: np.ndarray) -> autograd.Tensor:
    """``rows`` (one per entry of ``idx``, then the embedding axis) with their gradient divided
    by the number of times each entry's index occurs in ``idx``."""
    if not idx.size:
        return rows
    _, where, counts = np.unique(idx, return_inverse=True, return_counts=True)
    scale = (1.0 / counts[where.reshape(idx.shape)]).astype(rows.dtype)[..., None]
    return ScaleGradFunction.apply(rows, scale=scale)


def _matrix(a: Any) -> Any:
    """(..., n) as a (M, n) matrix. The row count is given, not -1: NumPy cannot infer it when
    n is 0 (a layer with no input or no output features)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


def linear(x: Any, weight: Any, bias: Any = None) -> autograd.Tensor:
    """y = x W^T + b (``weight`` of shape (out_features, in_features), as PyTorch), one op."""
    # Every Linear layer calls this on every step, so the checks read shapes and dtypes straight
    # off the arrays rather than through Tensor properties and helpers (docs/guides/speed.md).
    if not isinstance(x, autograd.Tensor):
        x = as_tensor(x)
    if not isinstance(weight, autograd.Tensor):
        weight = as_tensor(weight)
    x_data, w_data = x._data, weight._data
    x_shape, w_shape = x_data.shape, w_data.shape
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input shape {x_shape} does not fit weight shape "
            f"{w_shape} (need input (..., {w_shape[-1] if w_shape else '?'}) and a 2-D weight)"
        )
    if x_data.dtype != w_data.dtype:
        raise TypeError(
            f"linear: input dtype {x_data.dtype} differs from weight dtype "
            f"{w_data.dtype}; convert one (e.g. model.double() or x.astype(...))"
        )
    if bias is None:
        return LinearFunction.apply(x, weight)
    if not isinstance(bias, autograd.Tensor):
        bias = as_tensor(bias)
    if bias._data.shape != w_shape[:1]:
        raise ValueError(
            f"linear: bias shape {bias._data.shape} does not fit weight shape "
            f"{w_shape} (need ({w_shape[0]},))"
        )
    return LinearFunction.apply(x, weight, bias)


def dropout(
    x: Any, p: float = 0.5, training: bool = True, inplace: bool = False
) -> autograd.Tensor:
    """Inverted dropout: in training, y = x * m / (1 - p) with m_i ~ Bernoulli(1 - p) drawn from
    the library generator, so E[y] = x; in evaluation (or p = 0), y = x. ``inplace=True``
    writes y into x's memory and returns x (PyTorch's; see nn/functional/inplace.py)."""
    if inplace and training and p != 0.0:
        return write_in_place(as_tensor(x), lambda old: dropout(old, p), "dropout_")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be between 0 and 1, got {p}")
    refuse_grad("dropout", "p", p)  # the mask is a draw: no derivative with respect to p
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    check_floating("dropout", "input", x)
    mask = dropout_mask(x.shape, p, x.dtype)
    if x.requires_grad and autograd.is_grad_enabled():  # recorded: drawings name the mask
        name_array(mask, "dropout mask")
    return x * mask


def dropout_mask(shape: tuple[int, ...], p: float, dtype: Any) -> np.ndarray:
    """Inverted dropout's factor m / (1 - p), m_i ~ Bernoulli(1 - p), drawn from the library
    generator (0 everywhere when p = 1)."""
    if p == 1.0:
        return np.zeros(shape, dtype=dtype)
    keep = autograd.get_generator().random(shape, dtype=np.float32) >= p
    return (keep * (1.0 / (1.0 - p))).astype(dtype)


def embedding(
    indices: Any,
    weight: Any,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> autograd.Tensor:
    """Row lookup: y[..., :] = weight[indices[...], :]. In backward, rows used several times
    accumulate all their gradients. Positions whose index is ``padding_idx`` still read their
    row but send it no gradient (PyTorch's padding index: that row stays as it is).

    ``max_norm`` (as PyTorch): first, each looked-up row whose ``norm_type``-norm exceeds
    ``max_norm`` is rescaled in place, ``w_i <- w_i * max_norm / (||w_i|| + 1e-7)``, outside the
    graph (``weight`` must then be a leaf, such as a Parameter; a backward that saved the old
    rows raises). ``scale_grad_by_freq=True`` divides the gradient each position sends to its
    row by the number of times that index occurs in ``indices`` (the values are unchanged).
    ``sparse=True`` gives the same gradient, dense."""
    idx = indices._data if isinstance(indices, autograd.Tensor) else np.asarray(indices)
    weight = as_tensor(weight)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D, got shape {weight.shape}")
    refuse_grad("embedding", "norm_type", norm_type)  # a number of the renorm
    if idx.size:
        lo, hi = idx.min(), idx.max()
        if lo < 0 or hi >= weight.shape[0]:
            bad = lo if lo < 0 else hi
            raise IndexError(
                f"embedding: index {bad} is out of range for {weight.shape[0]} embeddings"
            )
    if max_norm is not None:
        renorm_rows_("embedding", weight, idx, max_norm, norm_type)
    rows = weight[idx]
    if scale_grad_by_freq:
        rows = by_frequency(rows, idx)
    if padding_idx is None:
        return rows
    padding_idx = _padding_index("embedding", padding_idx, weight.shape[0])
    padded = idx == padding_idx
    if not padded.any():
        return rows
    # The same values, but where() sends the padded positions' gradient to the constant.
    return autograd.where(padded[..., None], weight._data[padding_idx].copy(), rows)


def renorm_rows_(
    fn: str, weight: autograd.Tensor, indices: np.ndarray, max_norm: Any, norm_type: Any
) -> None:
    """PyTorch's ``embedding_renorm_``: the rows of ``weight`` at ``indices`` whose
    ``norm_type``-norm is above ``max_norm`` are scaled in place by ``max_norm / (norm + 1e-7)``.
    A write outside the graph, counted by the version counters."""
    refuse_grad(fn, "max_norm", max_norm)
    refuse_grad(fn, "norm_type", norm_type)
    if weight.grad_fn is not None:
        raise RuntimeError(
            f"{fn}: max_norm rescales weight's rows in place, so weight must be a leaf (such as "
            "a Parameter), not the result of other operations"
        )
    rows = np.unique(indices)
    if not rows.size:
        return
    table = weight._data
    # The norm in the table's dtype, the factor in float64 (PyTorch's row.norm(p).item()).
    norms = np.linalg.norm(table[rows], ord=float(norm_type), axis=1).astype(np.float64)
    over = norms > float(max_norm)
    if over.any():
        scale = float(max_norm) / (norms[over] + 1e-7)
        shrunk = table[rows[over]] * scale[:, None].astype(table.dtype)
        autograd.versions.write(weight, shrunk, rows[over])


def _padding_index(fn: str, padding_idx: int, num_embeddings: int) -> int:
    """``padding_idx`` in [0, num_embeddings), a negative one counted from the end."""
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{fn}: padding_idx {padding_idx} is out of range for {num_embeddings} embeddings"
        )
    return padding_idx % num_embeddings


def one_hot(indices: Any, num_classes: int = -1) -> autograd.Tensor:
    """An int64 tensor of shape (*indices.shape, num_classes) with a 1 at each index.
    ``num_classes=-1`` means max(indices) + 1."""
    idx = indices._data if isinstance(indices, autograd.Tensor) else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got dtype {idx.dtype}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(
            f"one_hot: indices must be in [0, {num_classes}), got values from "
            f"{idx.min()} to {idx.max()}"
        )
    return autograd.Tensor((idx[..., None] == np.arange(num_classes)).astype(np.int64))


def bilinear(input1: Any, input2: Any, weight: Any, bias: Any = None) -> autograd.Tensor:
    """Bilinear map: y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o] for x1 of
    shape (..., in1), x2 (..., in2) with the same leading shape, W (out, in1, in2), b (out,).

    Computed as one matrix product, (x1 W) reshaped to (..., out, in2), then a product with x2
    summed over j: recorded ops, so every input's gradient is the engine's.
    """
    x1, x2, w = as_tensor(input1), as_tensor(input2), as_tensor(weight)
    for name, t in (("input1", x1), ("input2", x2), ("weight", w)):
        check_floating("bilinear", name, t)
    if w.ndim != 3 or x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(
            f"bilinear: needs inputs (..., in1) and (..., in2) and a weight (out, in1, in2), "
            f"got shapes {x1.shape}, {x2.shape} and {w.shape}"
        )
    out, in1, in2 = w.shape
    if x1.shape[:-1] != x2.shape[:-1] or x1.shape[-1] != in1 or x2.shape[-1] != in2:
        raise ValueError(
            f"bilinear: input shapes {x1.shape} and {x2.shape} do not fit weight shape "
            f"{w.shape} (need (..., {in1}) and (..., {in2}) with the same leading shape)"
        )
    if bias is not None and np.shape(bias) != (out,):
        raise ValueError(f"bilinear: bias must have shape ({out},), got {np.shape(bias)}")
    if not x1.dtype == x2.dtype == w.dtype:
        raise TypeError(
            f"bilinear: input dtypes {x1.dtype} and {x2.dtype} differ from each other or from "
            f"the weight dtype {w.dtype}; convert one (e.g. model.double() or x.astype(...))"
        )
    lead = x1.shape[:-1]
    rows = x1.reshape(-1, in1) @ w.permute(1, 0, 2).reshape(in1, out * in2)
    y = (rows.reshape(-1, out, in2) * x2.reshape(-1, 1, in2)).sum(axis=-1)
    if bias is not None:
        y = y + as_tensor(bias)
    return y.reshape(*lead, out)
