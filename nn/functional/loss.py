"""Classification losses, each with ``reduction='mean' | 'sum' | 'none'`` as in PyTorch.

``cross_entropy``, ``binary_cross_entropy`` and ``binary_cross_entropy_with_logits`` are fused
ops (one graph node, numerically stable formulas). The regression losses are in
``regression.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from ._classes import Targets, build_targets, class_layout, plain_class_targets, to_rows
from .checks import (
    REDUCTIONS,
    as_tensor,
    check_floating,
    check_reduction,
    loss_pair,
    reduce,
    refuse_grad,
)

_Tensor = autograd.Tensor


class CrossEntropyFunction(autograd.Function):
    """Fused log-softmax + weighted negative log-likelihood (see ``nn.functional._classes``).

    Forward, per row: log p = z - logsumexp(z) (shifted by max z, so +-1000 stays finite),
    loss = -sum_c Q_c log p_c. Backward: dloss/dz = (sum_c Q_c) * softmax(z) - Q,
    which is softmax - onehot for plain targets.

    Plain class indices with some rows ignored (``ignore_index``) come as the indices and
    ``kept``, 1 for a row that counts and 0 for an ignored one: Q = kept * onehot(index), so
    an ignored row's loss and gradient are 0.
    """

    name = "cross_entropy"
    target = "targets"  # the class indices: an option it keeps on its node (drawn as a target)

    @staticmethod
    def forward(
        ctx: Any,
        x: np.ndarray,
        targets: Any = None,
        reduction: str = "mean",
        kept: np.ndarray | None = None,
    ) -> Any:
        z = to_rows(x, targets.perm, targets.classes)
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        if targets.index is not None:  # plain class indices: pick one log-probability per row
            per_row = np.log(total[:, 0]) - shifted[np.arange(z.shape[0]), targets.index]
            if kept is not None:  # an ignored row adds 0, even if its logits are not finite
                per_row = np.where(kept != 0, per_row, 0.0)
        else:
            with np.errstate(invalid="ignore"):  # 0 * -inf: NaN, kept or masked below
                terms = targets.coef * (shifted - np.log(total))
            if not targets.probabilities:  # a class outside the sum adds 0, even at -inf
                terms[targets.coef == 0] = 0.0
            per_row = -terms.sum(axis=1)
        ctx.save_for_backward(x, e / total)
        ctx.targets = targets
        ctx.reduction = reduction
        ctx.kept = kept
        if reduction == "none":
            return per_row.reshape(targets.sample_shape)
        loss = per_row.sum()
        if reduction == "mean":
            if targets.denom:  # (np.errstate only where it is needed: see docs/guides/speed.md)
                return loss / _in_dtype(targets.denom, x.dtype)
            with np.errstate(invalid="ignore", divide="ignore"):
                loss = loss / _in_dtype(targets.denom, x.dtype)  # 0/0: NaN if all are ignored
        return loss

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, probs = ctx.saved_tensors
        targets, reduction, kept = ctx.targets, ctx.reduction, ctx.kept
        if isinstance(grad, autograd.Tensor):
            # Differentiating the backward itself: rebuild softmax from the input so that it
            # is connected to the graph (the cached array would be a constant).
            z = to_rows(x, targets.perm, targets.classes)
            if z.shape[0] == 0:  # an empty batch: no row has a maximum to shift by
                probs = z * 0.0
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                probs = e / e.sum(axis=1, keepdims=True)
        if reduction == "none":
            grad = grad.reshape(-1, 1)
        elif reduction == "mean":
            # Every row ignored: the loss is 0 / 0 = NaN but no row has a gradient (PyTorch's 0).
            # (zeros, not grad * 0: a NaN arriving from above must not come back as NaN)
            grad = grad / targets.denom if targets.denom else np.zeros(np.shape(grad), x.dtype)
        index = targets.index
        # (Not a Tensor rather than exactly an ndarray: autograd.compile's stand-in arrays must
        # take the path eager takes, or a captured step would round differently.)
        if index is not None and type(probs) is not _Tensor:
            # Plain class indices in an ordinary backward: softmax * g, minus g at each row's
            # class (PyTorch's order of operations), without building the one-hot matrix. The
            # in-place update touches only the fresh product, never an input or ``grad``.
            rows = probs * grad
            rows[np.arange(index.shape[0]), index] -= grad if grad.ndim < 2 else grad[:, 0]
            if kept is not None:
                rows *= kept[:, None]
            return rows.reshape(x.shape) if targets.perm is None else _unmove(rows, x, targets)
        coef = targets.matrix(x.dtype)
        if targets.coef is not None:
            probs = coef.sum(axis=1, keepdims=True) * probs
        rows = grad * (probs - coef)
        if kept is not None:
            rows = rows * kept[:, None]
        return rows.reshape(x.shape) if targets.perm is None else _unmove(rows, x, targets)


def _unmove(rows: Any, x: Any, targets: Any) -> Any:
    """(rows, classes) back to the layout of ``x`` (N, C, d1, ...): undo ``to_rows``."""
    moved = tuple(x.shape[i] for i in targets.perm)
    return np.transpose(rows.reshape(moved), tuple(int(i) for i in np.argsort(targets.perm)))


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> autograd.Tensor:
    """Cross-entropy of logits ``input`` (C,), (N, C) or (N, C, d1, ...) against class
    indices (integer ``target`` of shape (), (N,) or (N, d1, ...)) or class probabilities
    (float ``target`` of the input's shape). One fused op.

    l_i = -sum_c Q_ic log softmax(x_i)_c, Q as in PyTorch: (1 - e) w[y_i] onehot(y_i) + e w / C
    for ``label_smoothing`` e and class ``weight`` w; rows whose target equals
    ``ignore_index`` count zero. 'mean' divides by sum_i w[y_i] over the counted rows.
    Probability targets and ``weight`` are differentiated when they require grad (soft targets
    such as a teacher's softmax); ``weight`` with class-index targets cannot require grad (as
    in PyTorch), and class indices never do.
    """
    # (The checks are written out: this runs on every step of a classifier, and each helper
    # call or Tensor property read costs a few hundred nanoseconds.)
    if reduction not in REDUCTIONS:
        check_reduction("cross_entropy", reduction)
    x = input if isinstance(input, autograd.Tensor) else as_tensor(input)
    if x._data.dtype.kind != "f":
        check_floating("cross_entropy", "input", x)
    if (isinstance(target, autograd.Tensor) and target._requires_grad) or (
        isinstance(weight, autograd.Tensor) and weight._requires_grad
    ):
        return _recorded_targets(x, target, weight, ignore_index, reduction, label_smoothing)
    targets = kept = None
    if weight is None and not label_smoothing:  # a plain classifier's every step: checked fast
        targets = plain_class_targets(x, target, ignore_index)
        if targets is None:  # padded sequences: plain indices but for rows of ignore_index
            targets, kept = _plain_targets_but_ignored(x, target, ignore_index)
    if targets is None:
        targets = build_targets("cross_entropy", x, target, weight, ignore_index, label_smoothing)
    if kept is None:
        return CrossEntropyFunction.apply(x, targets=targets, reduction=reduction)
    return CrossEntropyFunction.apply(x, targets=targets, reduction=reduction, kept=kept)


def _recorded_targets(
    x: autograd.Tensor,
    target: Any,
    weight: Any,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
) -> autograd.Tensor:
    """cross_entropy when probability targets or the class weights require grad: the same
    loss, -sum_c w_c ((1 - e) t_c + e / C) log softmax(x)_c per row, from recorded ops, so
    that both receive their gradients (the fused op treats them as constants)."""
    fn = "cross_entropy"
    plain_target = target.detach() if isinstance(target, autograd.Tensor) else target
    plain_weight = weight.detach() if isinstance(weight, autograd.Tensor) else weight
    # Checks every argument (shapes, dtypes, ranges) with the fused op's messages.
    build_targets(fn, x, plain_target, plain_weight, ignore_index, label_smoothing)
    t = plain_target._data if isinstance(plain_target, autograd.Tensor) else np.asarray(target)
    if t.dtype.kind != "f":  # class indices: PyTorch's nll_loss does not differentiate weight
        refuse_grad(fn, "weight", weight, " with class-index targets")
    classes, _, _ = class_layout(fn, x)
    axis = 0 if x.ndim == 1 else 1
    from .activation import log_softmax

    q = as_tensor(target, dtype=x.dtype)
    if label_smoothing:
        q = q * (1.0 - label_smoothing) + label_smoothing / classes
    if weight is not None:
        shape = (classes,) + (1,) * (x.ndim - 1 - axis)
        q = q * as_tensor(weight, dtype=x.dtype).reshape(shape)
    per_row = -(q * log_softmax(x, axis=axis)).sum(axis=axis)
    if reduction == "none":
        return per_row
    return per_row.sum() if reduction == "sum" else per_row.mean()


def _plain_targets_but_ignored(x: Any, target: Any, ignore_index: int) -> tuple[Any, Any]:
    """(Targets, kept) for an (N, C) input whose N class indices are in [0, C) or equal to
    ``ignore_index``, at least one of each: the ignored rows' index is 0 and their ``kept`` 0.
    (None, None) otherwise: ``build_targets`` handles the case, or says what is wrong."""
    data = x._data
    y = target._data if isinstance(target, autograd.Tensor) else np.asarray(target)
    if data.ndim != 2 or y.ndim != 1 or y.shape[0] != data.shape[0] or y.dtype.kind not in "iu":
        return None, None
    ignored = y == ignore_index
    # (Branches on booleans, not on a count: autograd.compile turns each into a check that
    # holds for every batch with some, but not only, ignored positions.)
    if not ignored.any() or ignored.all():
        return None, None
    index = np.where(ignored, 0, y)
    if index.min() < 0 or index.max() >= data.shape[1]:
        return None, None
    kept = (~ignored).astype(data.dtype)
    # The count of kept rows as a scalar of the input's dtype, computed from the targets
    # (not a Python float: autograd.compile keeps it an array computed by the program).
    denom = (y.shape[0] - ignored.sum()).astype(data.dtype)
    return Targets(None, index, denom, y.shape, None, data.shape[1]), kept


def _in_dtype(denom: Any, dtype: np.dtype) -> Any:
    """The 'mean' denominator as a scalar of ``dtype`` (it may already be one)."""
    return dtype.type(denom) if type(denom) is float else denom


def nll_loss(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
) -> autograd.Tensor:
    """Negative log-likelihood of log-probabilities ``input`` (e.g. from ``log_softmax``):
    l_i = -w[y_i] * input[i, y_i]; 'mean' divides by sum_i w[y_i] over non-ignored rows."""
    check_reduction("nll_loss", reduction)
    refuse_grad("nll_loss", "weight", weight)
    x = as_tensor(input)
    check_floating("nll_loss", "input", x)
    targets = build_targets("nll_loss", x, target, weight, ignore_index, allow_probabilities=False)
    coef = targets.matrix(x.dtype)
    rows = to_rows(x, targets.perm, targets.classes)
    # Only the target's log-probability counts: another class's -inf (a masked vocabulary)
    # must not make 0 * -inf = NaN.
    rows = autograd.where(coef != 0, rows, 0.0)
    per_row = -(rows * coef).sum(axis=1)
    if reduction == "none":
        return per_row.reshape(targets.sample_shape)
    total = per_row.sum()
    if reduction == "mean":
        if not targets.denom:  # every row ignored: 0 / 0 = NaN, and no row has a gradient
            return autograd.where(np.False_, total, x.dtype.type(np.nan))
        return total / _in_dtype(targets.denom, x.dtype)
    return total


def _elementwise_weight(fn: str, name: str, w: Any, shape: tuple, dtype: np.dtype) -> Any:
    if w is None:
        return None
    arr = w._data if isinstance(w, autograd.Tensor) else np.asarray(w)
    try:
        fits = np.broadcast_shapes(arr.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{fn}: {name} of shape {arr.shape} does not broadcast to the input shape {shape}"
        )
    return arr.astype(dtype, copy=False)


class BCEFunction(autograd.Function):
    """l = -w * (y * max(log x, -100) + (1 - y) * max(log(1 - x), -100)).

    dl/dx = w * (x - y) / max(x (1 - x), 1e-12) (PyTorch's formula, finite at 0 and 1);
    dl/dy = w * (log(1 - x) - log x) with the same clamps.
    """

    name = "binary_cross_entropy"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, y: np.ndarray, weight: Any = None) -> np.ndarray:
        ctx.save_for_backward(x, y)
        ctx.weight = weight
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        loss = -(y * log_x + (1 - y) * log_1mx)
        return loss if weight is None else loss * weight

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        x, y = ctx.saved_tensors
        if ctx.weight is not None:
            grad = grad * ctx.weight
        needs = ctx.needs_input_grad
        grad_x = grad * (x - y) / np.maximum(x * (1 - x), 1e-12) if needs[0] else None
        grad_y = None
        if needs[1]:
            # np.log(1 - x), not forward's np.log1p(-x): Tensors dispatch np.log but not
            # np.log1p, so only this form is recorded under create_graph.
            with np.errstate(divide="ignore"):
                grad_y = grad * (np.maximum(np.log(1 - x), -100) - np.maximum(np.log(x), -100))
        return grad_x, grad_y


def binary_cross_entropy(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean"
) -> autograd.Tensor:
    """Binary cross-entropy of probabilities ``input`` in [0, 1]:
    l = -w * (y log x + (1 - y) log(1 - x)), each log clamped at -100 as in PyTorch."""
    fn = "binary_cross_entropy"
    x, y = loss_pair(fn, input, target, reduction)
    refuse_grad(fn, "weight", weight)
    for name, values in (("input", x), ("target", y)):
        # (min/max are NaN if any value is: a NaN fails both comparisons)
        lo, hi = (float(values._data.min()), float(values._data.max())) if x.size else (0.0, 0.0)
        if not (lo >= 0.0 and hi <= 1.0):
            hint = "; for logits use binary_cross_entropy_with_logits" if name == "input" else ""
            raise ValueError(
                f"{fn}: {name} values must be in [0, 1] (probabilities), "
                f"got values from {lo} to {hi}{hint}"
            )
    w = _elementwise_weight(fn, "weight", weight, x.shape, x.dtype)
    return reduce(BCEFunction.apply(x, y, weight=w), reduction)


class BCEWithLogitsFunction(autograd.Function):
    """Stable sigmoid + binary cross-entropy on logits z, with pos_weight p (default 1):

    l = w * ((1 - y) z + (1 + (p - 1) y) * softplus(-z)),  softplus(-z) = max(-z, 0) +
    log(1 + exp(-|z|)) (never overflows). dl/dz = w * ((1 - y) - (1 + (p - 1) y) sigmoid(-z)),
    dl/dy = w * (-z + (p - 1) softplus(-z)).
    """

    name = "binary_cross_entropy_with_logits"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(
        ctx: Any, z: np.ndarray, y: np.ndarray, weight: Any = None, pos_weight: Any = None
    ) -> np.ndarray:
        ctx.save_for_backward(z, y)
        ctx.weights = (weight, pos_weight)
        softplus_neg = np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        loss = (1 - y) * z + log_weight * softplus_neg
        return loss if weight is None else loss * weight

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        z, y = ctx.saved_tensors
        weight, pos_weight = ctx.weights
        if weight is not None:
            grad = grad * weight
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        grad_z = grad_y = None
        if ctx.needs_input_grad[0]:
            sigmoid_neg = 0.5 - 0.5 * np.tanh(0.5 * z)  # sigmoid(-z) without overflow
            grad_z = grad * ((1 - y) - log_weight * sigmoid_neg)
        if ctx.needs_input_grad[1]:
            d = -z
            if pos_weight is not None:  # softplus(-z) with np.log, as in BCEFunction.backward
                d = d + (pos_weight - 1) * (np.maximum(-z, 0) + np.log(1 + np.exp(-np.abs(z))))
            grad_y = grad * d
        return grad_z, grad_y


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> autograd.Tensor:
    """Binary cross-entropy on logits, l = -w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))],
    computed stably in one op (finite for |x| = 1000). ``pos_weight`` p (broadcast along the
    last axis, e.g. one per class) up-weights positive examples."""
    fn = "binary_cross_entropy_with_logits"
    x, y = loss_pair(fn, input, target, reduction)
    refuse_grad(fn, "weight", weight)
    refuse_grad(fn, "pos_weight", pos_weight)
    w = _elementwise_weight(fn, "weight", weight, x.shape, x.dtype)
    pw = _elementwise_weight(fn, "pos_weight", pos_weight, x.shape, x.dtype)
    return reduce(BCEWithLogitsFunction.apply(x, y, weight=w, pos_weight=pw), reduction)
