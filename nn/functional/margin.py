"""Margin and ranking losses, as PyTorch defines them: ``margin_ranking_loss``,
``hinge_embedding_loss``, ``cosine_embedding_loss``, ``triplet_margin_loss``,
``triplet_margin_with_distance_loss``, ``soft_margin_loss``, ``multilabel_soft_margin_loss``,
``multi_margin_loss`` and ``multilabel_margin_loss``.

Each is composed of recorded ops (``soft_margin_loss`` is one fused op, computed without
overflow). Hinges follow PyTorch's derivatives at the kink: ``max(0, z)`` written as a clamp
passes the gradient at z = 0 (the ranking, embedding and triplet losses), the multi-class
margins count a term only where z > 0. Labels (+1 / -1 targets, class indices) are not
differentiated: a label Tensor that requires grad is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd

from .activation import logsigmoid
from .checks import (
    as_tensor,
    check_floating,
    check_reduction,
    float_like,
    legacy_reduction,
    refuse_grad,
)
from .checks import reduce as reduced  # (``reduce`` is PyTorch's legacy argument here)
from .distance import pairwise_distance

# The constant PyTorch adds to each squared norm in cosine_embedding_loss: a C++ float 1e-12.
_COSINE_EPS = float(np.float32(1e-12))


def _floating(fn: str, name: str, value: Any) -> autograd.Tensor:
    x = as_tensor(value)
    check_floating(fn, name, x)
    return x


def _partner(fn: str, name: str, value: Any, x: autograd.Tensor) -> autograd.Tensor:
    """A second input compared with ``x``: a Tensor as it is (floating), anything else in
    ``x``'s dtype (a float64 array must not make a float32 model's loss float64)."""
    if isinstance(value, autograd.Tensor):
        check_floating(fn, name, value)
        return value
    return autograd.Tensor(np.asarray(value), dtype=x.dtype)


def _labels(fn: str, target: Any, x: autograd.Tensor) -> np.ndarray:
    """A label target's values (refused if it requires grad: labels are not differentiated)."""
    refuse_grad(fn, "target", target, " (labels)")
    t = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    try:
        np.broadcast_shapes(x.shape, t.shape)
    except ValueError:
        raise ValueError(
            f"{fn}: input shape {x.shape} and target shape {t.shape} do not broadcast together"
        ) from None
    return t


def _check_broadcast(fn: str, **tensors: Any) -> None:
    """A ValueError naming ``fn`` and every shape unless the shapes broadcast together."""
    shapes = {name: np.shape(getattr(t, "_data", t)) for name, t in tensors.items()}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"{fn}: shapes do not broadcast together: {listed}") from None


def _number(fn: str, name: str, value: Any) -> float:
    refuse_grad(fn, name, value)  # read as a number, as PyTorch's float options are
    return float(value)


def margin_ranking_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Ranking hinge: l = max(0, -y (x1 - x2) + margin), for y = 1 when x1 should rank
    higher and y = -1 when x2 should. The three tensors have the same number of dimensions
    (and broadcast); all three are differentiated (dl/dy = -(x1 - x2) on the hinge)."""
    fn = "margin_ranking_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x1 = _floating(fn, "input1", input1)
    x2 = _partner(fn, "input2", input2, x1)
    y = float_like(x1, target)
    if not x1.ndim == x2.ndim == y.ndim:
        raise ValueError(
            f"{fn}: input1, input2 and target must have the same number of dimensions, got "
            f"shapes {x1.shape}, {x2.shape} and {y.shape}"
        )
    try:
        np.broadcast_shapes(x1.shape, x2.shape, y.shape)
    except ValueError:
        raise ValueError(
            f"{fn}: input1 shape {x1.shape}, input2 shape {x2.shape} and target shape "
            f"{y.shape} do not broadcast together"
        ) from None
    m = _number(fn, "margin", margin)
    return reduced((-y * (x1 - x2) + m).clamp(min=0.0), reduction)


def hinge_embedding_loss(
    input: Any,
    target: Any,
    margin: float = 1.0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """For distances x and labels y = 1 (similar) or -1 (dissimilar): l = x where y = 1,
    max(0, margin - x) where y = -1 (a label that is neither adds both terms, as in
    PyTorch). Input and target broadcast."""
    fn = "hinge_embedding_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x = _floating(fn, "input", input)
    y = _labels(fn, target, x)
    m = _number(fn, "margin", margin)
    hinge = autograd.where(y != 1, (m - x).clamp(min=0.0), 0.0)
    return reduced(hinge + autograd.where(y != -1, x, 0.0), reduction)


def cosine_embedding_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """For pairs of vectors (rows of (N, D) inputs with an (N,) target, or two (D,) vectors
    with a 0-d target) and labels y: l = 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) -
    margin) where y = -1 (0 for any other label). PyTorch's cosine: sum(x1 x2) /
    sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))."""
    fn = "cosine_embedding_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x1 = _floating(fn, "input1", input1)
    x2 = _partner(fn, "input2", input2, x1)
    refuse_grad(fn, "target", target, " (labels)")
    y = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    if y.ndim > 1:
        raise ValueError(f"{fn}: target must be 0-D or 1-D (one label per pair), got {y.shape}")
    wanted = y.ndim + 1
    if x1.ndim != wanted or x2.ndim != wanted:
        raise ValueError(
            f"{fn}: a {y.ndim}-D target (shape {y.shape}) needs {wanted}-D inputs, got shapes "
            f"{x1.shape} and {x2.shape}"
        )
    axis = y.ndim
    dot = (x1 * x2).sum(axis=axis)
    squares = ((x1 * x1).sum(axis=axis) + _COSINE_EPS) * ((x2 * x2).sum(axis=axis) + _COSINE_EPS)
    cos = dot / squares.sqrt()
    try:
        np.broadcast_shapes(cos.shape, y.shape)
    except ValueError:
        raise ValueError(
            f"{fn}: target shape {y.shape} does not fit the {cos.shape[0]} pairs of inputs "
            f"{x1.shape} and {x2.shape}"
        ) from None
    m = _number(fn, "margin", margin)
    similar = autograd.where(y == 1, 1 - cos, 0.0)
    return reduced(similar + autograd.where(y == -1, (cos - m).clamp(min=0.0), 0.0), reduction)


def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Triplet loss l = max(0, d(a, p) + margin - d(a, n)) with d the ``pairwise_distance``
    ||u - v + eps||_p along the last axis. ``swap=True`` uses min(d(a, n), d(p, n)) for the
    negative distance (the distance swap of Balntas et al., 2016). margin must be > 0."""
    fn = "triplet_margin_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    m = _number(fn, "margin", margin)
    if not m > 0:
        raise ValueError(f"{fn}: margin must be greater than 0, got {m}")
    refuse_grad(fn, "p", p)
    refuse_grad(fn, "eps", eps)
    a = _floating(fn, "anchor", anchor)
    pos = _partner(fn, "positive", positive, a)
    neg = _partner(fn, "negative", negative, a)
    if not a.ndim == pos.ndim == neg.ndim:
        raise ValueError(
            f"{fn}: anchor, positive and negative must have the same number of dimensions, "
            f"got shapes {a.shape}, {pos.shape} and {neg.shape}"
        )
    _check_broadcast(fn, anchor=a, positive=pos, negative=neg)
    d_pos = pairwise_distance(a, pos, float(p), float(eps))
    d_neg = pairwise_distance(a, neg, float(p), float(eps))
    if swap:
        d_neg = autograd.minimum(d_neg, pairwise_distance(pos, neg, float(p), float(eps)))
    return reduced((m + d_pos - d_neg).clamp(min=0.0), reduction)


def triplet_margin_with_distance_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    *,
    distance_function: Callable[[Any, Any], autograd.Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Triplet loss l = max(0, d(a, p) + margin - d(a, n)) with any distance d (a function of
    two tensors giving one distance per triplet; default ``pairwise_distance``), e.g.
    ``lambda u, v: 1 - F.cosine_similarity(u, v)``. ``swap`` as in ``triplet_margin_loss``."""
    fn = "triplet_margin_with_distance_loss"
    check_reduction(fn, reduction)
    m = _number(fn, "margin", margin)
    if not m > 0:
        raise ValueError(f"{fn}: margin must be greater than 0, got {m}")
    a = _floating(fn, "anchor", anchor)
    pos = _partner(fn, "positive", positive, a)
    neg = _partner(fn, "negative", negative, a)
    if not a.ndim == pos.ndim == neg.ndim:
        raise ValueError(
            f"{fn}: anchor, positive and negative must have the same number of dimensions, "
            f"got shapes {a.shape}, {pos.shape} and {neg.shape}"
        )
    _check_broadcast(fn, anchor=a, positive=pos, negative=neg)
    distance = pairwise_distance if distance_function is None else distance_function
    d_pos, d_neg = as_tensor(distance(a, pos)), as_tensor(distance(a, neg))
    if swap:
        d_neg = autograd.minimum(d_neg, as_tensor(distance(pos, neg)))
    return reduced((m + d_pos - d_neg).clamp(min=0.0), reduction)


class SoftMarginFunction(autograd.Function):
    """l = log(1 + exp(-y x)) for labels y, computed as max(m, 0) + log(1 + exp(-|m|)) with
    m = -y x (no overflow: PyTorch's direct formula gives inf for y x < -709 in float64).
    dl/dx = -y sigmoid(-y x); the labels are not differentiated."""

    name = "soft_margin_loss"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x, y)
        m = -y * x
        return np.maximum(m, 0) + np.log1p(np.exp(-np.abs(m)))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, None]:
        x, y = ctx.saved_tensors
        sigmoid_m = 0.5 + 0.5 * np.tanh(-0.5 * y * x)  # sigmoid(-y x) without overflow
        return -y * sigmoid_m * grad, None


def soft_margin_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Two-class logistic loss for labels y = 1 or -1: l = log(1 + exp(-y x)) (one fused op,
    stable for large |x|). The target broadcasts to the input's shape."""
    fn = "soft_margin_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x = _floating(fn, "input", input)
    y = _labels(fn, target, x)
    if np.broadcast_shapes(x.shape, y.shape) != x.shape:
        raise ValueError(
            f"{fn}: target shape {y.shape} does not broadcast to the input shape {x.shape}"
        )
    labels = autograd.Tensor(y, dtype=x.dtype)  # (labels: the loss has the input's dtype)
    return reduced(SoftMarginFunction.apply(x, labels), reduction)


def multilabel_soft_margin_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Multi-label logistic loss over the C classes of the last axis, for targets y in [0, 1]:
    l = -sum_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c)) / C, one value per
    sample. Input, target and ``weight`` (per class) broadcast; all three are differentiated.
    """
    fn = "multilabel_soft_margin_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x = _floating(fn, "input", input)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class axis (its last), got a 0-d input")
    y = float_like(x, target)
    w = None if weight is None else float_like(x, weight)
    _check_broadcast(fn, input=x, target=y, **({} if w is None else {"weight": w}))
    loss = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))
    if w is not None:
        loss = loss * w
    classes = x.shape[-1]
    return reduced(loss.sum(axis=x.ndim - 1) / classes, reduction)


def _class_rows(fn: str, x: autograd.Tensor) -> tuple[autograd.Tensor, tuple[int, ...]]:
    """(N, C) rows of a multi-class margin input ((C,) or () is one sample) and the shape of
    the per-sample loss."""
    if x.ndim > 2:
        raise ValueError(f"{fn}: input must be (C,) or (N, C), got shape {x.shape}")
    if x.ndim == 2:
        return x, (x.shape[0],)
    return x.reshape(1, -1), ()


def _class_indices(fn: str, target: Any) -> np.ndarray:
    refuse_grad(fn, "target", target, " (class indices)")
    y = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{fn}: target must hold class indices (integers), got dtype {y.dtype}")
    return y


def multi_margin_loss(
    input: Any,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Multi-class hinge for scores x (N, C) or (C,) and class indices y:
    l = sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C, with p = 1 or 2 and an optional
    per-class ``weight`` w (not differentiated, as in PyTorch)."""
    fn = "multi_margin_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    refuse_grad(fn, "p", p)
    if p != 1 and p != 2:
        raise ValueError(f"{fn}: only p == 1 and p == 2 are supported, got p={p!r}")
    m = _number(fn, "margin", margin)
    refuse_grad(fn, "weight", weight)
    x = _floating(fn, "input", input)
    rows, sample_shape = _class_rows(fn, x)
    n, classes = rows.shape
    y = _class_indices(fn, target)
    if y.size != n or (x.ndim == 2 and y.ndim != 1) or y.ndim > 1:
        raise ValueError(
            f"{fn}: target must hold one class index per sample: shape ({n},) for input shape "
            f"{x.shape}, got {y.shape}"
        )
    index = y.reshape(-1)
    if index.size and (index.min() < 0 or index.max() >= classes):
        bad = index[(index < 0) | (index >= classes)][0]
        raise ValueError(f"{fn}: target class {bad} is out of range for {classes} classes")
    w = None
    if weight is not None:
        w = weight._data if isinstance(weight, autograd.Tensor) else np.asarray(weight)
        if w.ndim != 1 or w.shape[0] != classes:
            raise ValueError(
                f"{fn}: weight must be one-dimensional with one value per class, shape "
                f"({classes},), got {w.shape}"
            )
    picked = autograd.take_along_axis(rows, index[:, None], axis=1)  # x_y, (N, 1)
    z = (m - picked) + rows
    counted = (np.arange(classes) != index[:, None]) & (z._data > 0)
    hinge = autograd.where(counted, z, 0.0)
    if p == 2:
        hinge = hinge * hinge
    if w is not None:
        hinge = hinge * w.astype(x.dtype)[index][:, None]
    per_sample = hinge.sum(axis=1) / classes
    out_shape = sample_shape if x.ndim == 2 else y.shape
    return reduced(per_sample.reshape(out_shape), reduction)


def multilabel_margin_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Multi-label hinge for scores x (N, C) or (C,): each row of ``target`` (same shape,
    integers) lists the sample's classes, ended by the first -1. Over the listed classes j and
    the classes i not listed: l = sum_{j, i} max(0, 1 - (x_j - x_i)) / C (a class listed twice
    counts twice, as in PyTorch)."""
    fn = "multilabel_margin_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    x = _floating(fn, "input", input)
    rows, sample_shape = _class_rows(fn, x)
    n, classes = rows.shape
    y = _class_indices(fn, target)
    if y.shape != x.shape:
        raise ValueError(
            f"{fn}: target shape {y.shape} must equal the input shape {x.shape} (class indices "
            "per sample, ended by -1)"
        )
    y = y.reshape(n, classes)
    if y.size and (y.min() < -1 or y.max() >= classes):
        bad = y[(y < -1) | (y >= classes)][0]
        raise ValueError(
            f"{fn}: target value {bad} is out of range for {classes} classes (valid: 0 to "
            f"{classes - 1}, and -1 to end a list)"
        )
    listed = np.cumprod(y != -1, axis=1).astype(bool)  # entries before each row's first -1
    width = int(listed.sum(axis=1).max(initial=0))  # the longest list: (N, K, C) pairs, not C^2
    entries, listed = np.where(listed, y, 0)[:, :width], listed[:, :width]
    unlisted = np.ones((n, classes), dtype=bool)
    rows_of, cols_of = np.nonzero(listed)
    unlisted[rows_of, entries[rows_of, cols_of]] = False
    picked = autograd.take_along_axis(rows, entries, axis=1)  # x_j of each listed entry
    z = 1 - picked[:, :, None] + rows[:, None, :]  # z[n, k, i] = 1 - (x_j - x_i)
    counted = listed[:, :, None] & unlisted[:, None, :] & (z._data > 0)
    hinge = autograd.where(counted, z, 0.0)
    return reduced(hinge.sum(axis=(1, 2)).reshape(sample_shape) / classes, reduction)
