"""Target handling shared by ``cross_entropy`` and ``nll_loss``.

Both losses are written as  loss_i = -sum_c Q[i, c] * log p[i, c]  for a coefficient matrix Q
built once from the targets, with rows i running over samples (and, for inputs of shape
(N, C, d1, ...), over positions). With class indices y, class weights w, label smoothing e
and C classes (PyTorch's definition)::

    Q[i, c] = (1 - e) * w[y_i] * [c == y_i]  +  e / C * w[c]      (zero if y_i == ignore_index)
    'mean' divides the summed loss by  sum_i w[y_i]  over the rows that are not ignored.

With class probabilities t instead of indices: Q[i, c] = w[c] * ((1 - e) * t[i, c] + e / C),
and 'mean' divides by the number of rows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import autograd
from autograd.arguments import refuse_grad


class Targets(NamedTuple):
    """Q (rows x classes) or, in the common plain case (class indices, no weight, no label
    smoothing, nothing ignored), just the class index of each row (Q = onehot(index));
    the 'mean' denominator; the shape of the per-row losses; the permutation that moves the
    class axis last (None when it is already last); the number of classes."""

    coef: np.ndarray | None
    # (The name hides tuple.index on purpose: NamedTuple fields are read by name here.)
    index: np.ndarray | None  # type: ignore[assignment]
    denom: float
    sample_shape: tuple[int, ...]
    perm: tuple[int, ...] | None
    classes: int
    # Q came from class probabilities (PyTorch multiplies every log-probability by its
    # coefficient there, so a -inf logit with coefficient 0 makes the loss NaN); from class
    # indices, a coefficient of 0 means the class is not in the sum at all.
    probabilities: bool = False

    def matrix(self, dtype: np.dtype) -> np.ndarray:
        """Q as a dense (rows x classes) array."""
        if self.coef is not None:
            return self.coef
        assert self.index is not None  # the plain case: no coef, the class indices
        q = np.zeros((self.index.shape[0], self.classes), dtype=dtype)
        q[np.arange(self.index.shape[0]), self.index] = 1
        return q


def class_layout(fn: str, x: autograd.Tensor) -> tuple[int, tuple[int, ...], tuple | None]:
    """Number of classes, per-sample shape and class-last permutation for input ``x``:
    (C,) is one sample, (N, C) N samples, (N, C, d1, ...) N * d1 * ... samples."""
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class dimension, got a 0-d input")
    if x.ndim == 1:
        return x.shape[0], (), None
    perm = (0, *range(2, x.ndim), 1) if x.ndim > 2 else None
    return x.shape[1], (x.shape[0], *x.shape[2:]), perm


def to_rows(x: Any, perm: tuple | None, classes: int) -> Any:
    """View ``x`` (array or Tensor) as (rows, classes) with the class axis last."""
    if perm is not None:
        x = np.transpose(x, perm)
    return x.reshape(-1, classes)


def _class_weight(fn: str, weight: Any, classes: int, dtype: np.dtype) -> np.ndarray | None:
    if weight is None:
        return None
    w = weight._data if isinstance(weight, autograd.Tensor) else np.asarray(weight)
    if w.shape != (classes,):
        raise ValueError(f"{fn}: weight must have shape ({classes},), one per class, got {w.shape}")
    return w.astype(dtype, copy=False)


# Signed integer dtype -> unsigned of the same width, for the one-reduction range check below.
_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def plain_class_targets(x: autograd.Tensor, target: Any, ignore_index: int) -> Targets | None:
    """``Targets`` for the common case, an (N, C) input with N class indices in [0, C), or None
    (the caller then uses ``build_targets``, which also says what is wrong with a bad target).

    The caller has checked that there is no class weight and no label smoothing.
    """
    data = x._data
    y = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    if data.ndim != 2 or y.ndim != 1 or y.shape[0] != data.shape[0] or not y.shape[0]:
        return None
    classes = data.shape[1]
    unsigned = _UNSIGNED.get(y.dtype, y.dtype if y.dtype.kind == "u" else None)
    if unsigned is None or 0 <= ignore_index < classes:  # not integers, or a class is ignored
        return None
    # Viewed as unsigned, a negative index becomes huge: one max() checks 0 <= y < C (two
    # reductions, min and max, cost twice as much on a batch of labels).
    if y.view(unsigned).max() >= classes:
        return None
    return Targets(None, y, float(y.shape[0]), y.shape, None, classes)


def build_targets(
    fn: str,
    x: autograd.Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    allow_probabilities: bool = True,
) -> Targets:
    """Check ``target`` against input ``x`` and build the coefficient matrix Q."""
    classes, sample_shape, perm = class_layout(fn, x)
    y = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}: label_smoothing must be in [0, 1], got {label_smoothing}")
    w = _class_weight(fn, weight, classes, x.dtype)
    refuse_grad(fn, "label_smoothing", label_smoothing)  # read as a number
    eps = float(label_smoothing)
    if y.dtype.kind == "f" and (y.shape == sample_shape or not allow_probabilities):
        # One float per sample: class indices held in a float array (e.g. built from Python
        # floats), which PyTorch refuses too. Probabilities would have the input's shape.
        also = f"; class probabilities would need the input's shape {x.shape}"
        raise TypeError(
            f"{fn}: class indices must be integers, got {y.dtype}; convert the target with "
            f".long() or .astype(np.int64){also if allow_probabilities else ''}"
        )
    if y.dtype.kind == "f":
        if y.shape != x.shape:
            raise ValueError(
                f"{fn}: class-probability targets must have the input's shape "
                f"{x.shape}, got {y.shape} (class indices: integers of shape {sample_shape})"
            )
        coef = (1.0 - eps) * to_rows(y, perm, classes).astype(x.dtype) + eps / classes
        if w is not None:
            coef = coef * w
        return Targets(coef, None, float(coef.shape[0]), sample_shape, perm, classes, True)
    if y.dtype.kind not in "iu":
        kind = (
            "class indices (integers) or probabilities"
            if allow_probabilities
            else ("class indices (integers)")
        )
        raise TypeError(f"{fn}: target must hold {kind}, got dtype {y.dtype}")
    if y.shape != sample_shape:
        raise ValueError(
            f"{fn}: target shape {y.shape} does not fit input shape {x.shape} "
            f"(expected {sample_shape}: one class index per sample)"
        )
    y = y.reshape(-1)
    # Fast path (every training step of a plain classifier): two reductions check it all.
    plain = w is None and not eps and y.size and not 0 <= ignore_index < classes
    if plain and y.min() >= 0 and y.max() < classes:
        return Targets(None, y, float(y.size), sample_shape, perm, classes)
    valid = y != ignore_index
    bad = valid & ((y < 0) | (y >= classes))
    if bad.any():
        raise ValueError(
            f"{fn}: target class {y[bad][0]} is out of range for {classes} "
            f"classes (valid: 0 to {classes - 1}, or ignore_index={ignore_index})"
        )
    rows = np.flatnonzero(valid)
    picked = y[rows]
    w_picked = w[picked] if w is not None else np.ones(len(rows), dtype=x.dtype)
    coef = np.zeros((y.shape[0], classes), dtype=x.dtype)
    coef[rows, picked] = (1.0 - eps) * w_picked
    if eps:
        coef[rows] += (eps / classes) * (w if w is not None else 1.0)
    return Targets(coef, None, float(w_picked.sum()), sample_shape, perm, classes)
