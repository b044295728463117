"""Exercise 5: softmax with cross-entropy, forward and backward, numerically stable."""

from __future__ import annotations

import numpy as np

import autograd
from nn import functional as F

from .core import Exercise, Mistake, as_array, changed, describe_difference
from .observations import numeric

# -- ex05_log_softmax: log_softmax(z) along the last axis, for z of shape (N, C) ---------------


def log_softmax(z):
    """The reference: the library's log_softmax (a stable log-sum-exp)."""
    return F.log_softmax(autograd.tensor(np.asarray(z, dtype=np.float64)), axis=-1).data


def log_softmax_naive(z):
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def log_softmax_wrong_axis(z):
    m = z.max(axis=0, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=0, keepdims=True))


def log_softmax_global_max(z):
    m = z.max()
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def log_softmax_of_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.log(e / e.sum(axis=-1, keepdims=True))


def log_softmax_without_keepdims(z):
    m = z.max(axis=-1)
    return z - m - np.log(np.exp(z - m).sum(axis=-1))


def logits_case(rows):
    z = np.array(rows, dtype=np.float64)

    def case(fn):
        given = z.copy()
        result = as_array(fn(given))
        return {"result": result, "arguments changed in place": changed({"z": z}, {"z": given})}

    return case


LOG_SOFTMAX_CASES = {
    "logits [[1, 2, 3], [1, 1, 1]]": logits_case([[1, 2, 3], [1, 1, 1]]),
    "logits [[1000, 1001, 1002], [1, 2, 3]] (large)": logits_case([[1000, 1001, 1002], [1, 2, 3]]),
    "logits [[0, -800, 2]] (extreme)": logits_case([[0, -800, 2]]),
    "4 random rows of 5 logits": logits_case(np.random.default_rng(0).normal(0, 3, (4, 5))),
}

# -- ex05_cross_entropy: the mean over the batch of -log softmax(z_i)[target_i] -----------------


def cross_entropy(z, targets):
    """The reference: the library's fused cross-entropy."""
    return F.cross_entropy(autograd.tensor(np.asarray(z, dtype=np.float64)), targets).item()


def cross_entropy_block(z, targets):
    return -log_softmax(z)[:, targets].mean()


def cross_entropy_sum(z, targets):
    return -log_softmax(z)[np.arange(len(z)), targets].sum()


def cross_entropy_positive_log(z, targets):
    return log_softmax(z)[np.arange(len(z)), targets].mean()


def cross_entropy_all_classes(z, targets):
    return -log_softmax(z).mean()


def batch_case(seed, n, c, scale=2.0):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, scale, (n, c))
    targets = rng.integers(0, c, n)

    def case(fn):
        args = {"z": z.copy(), "targets": targets.copy()}
        result = as_array(fn(*args.values()))
        before = {"z": z, "targets": targets}
        return {"result": result, "arguments changed in place": changed(before, args)}

    return case


CROSS_ENTROPY_CASES = {
    "4 examples, 3 classes": batch_case(1, 4, 3),
    "4 examples, 5 classes, logits of size ~1000 (large)": batch_case(2, 4, 5, scale=1000.0),
    "6 examples, 2 classes": batch_case(3, 6, 2),
    "1 example, 7 classes": batch_case(4, 1, 7),
}

# -- ex05_grad: d(mean cross-entropy)/dz = (softmax(z) - onehot(targets)) / N -------------------


def cross_entropy_grad(z, targets):
    """The reference: the library's cross-entropy, differentiated by the library."""
    t = autograd.tensor(np.asarray(z, dtype=np.float64), requires_grad=True)
    F.cross_entropy(t, targets).backward()
    return t.grad


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _onehot(targets, classes):
    return np.eye(classes)[targets]


def grad_not_averaged(z, targets):
    return _softmax(z) - _onehot(targets, z.shape[1])


def grad_without_onehot(z, targets):
    return _softmax(z) / len(z)


def grad_flipped(z, targets):
    return (_onehot(targets, z.shape[1]) - _softmax(z)) / len(z)


def grad_columns(z, targets):
    p = _softmax(z)
    p[:, targets] -= 1
    return p / len(z)


def _rows_explained(case, where, yours, expected, total, what):
    """Name a property every correct row has, when the student's rows break it."""
    text = describe_difference(case, where, yours, expected)
    y = numeric(yours)
    if where != "result" or y is None or y.ndim != 2 or not np.all(np.isfinite(y)):
        return text
    sums = total(y)
    if not np.allclose(sums, 0.0, atol=1e-6):
        worst = int(np.argmax(np.abs(sums)))
        return f"{text}; {what} (row {worst}: {sums[worst]:.10g})"
    return text


def explain_log_softmax(case, where, yours, expected):
    return _rows_explained(
        case,
        where,
        yours,
        expected,
        lambda y: np.log(np.exp(y - y.max(axis=1, keepdims=True)).sum(axis=1)) + y.max(axis=1),
        "exp of each of your rows should sum to 1, so log-sum-exp of each row should be 0: is "
        "the sum over the last axis, and the max subtracted from z everywhere it is added?",
    )


def explain_grad(case, where, yours, expected):
    return _rows_explained(
        case,
        where,
        yours,
        expected,
        lambda y: y.sum(axis=1),
        "each row of softmax(z) - onehot(targets) sums to 0, yours does not: is the softmax "
        "taken over each row (the last axis), and exactly one 1 subtracted per row?",
    )


EXERCISES = [
    Exercise(
        id="ex05_log_softmax",
        title="a numerically stable log-softmax",
        name="log_softmax",
        explain=explain_log_softmax,
        reference=log_softmax,
        cases=LOG_SOFTMAX_CASES,
        checked="ordinary, large (1000) and extreme (-800) logits, random rows; z must stay "
        "unchanged",
        mistakes=(
            Mistake(
                log_softmax_naive,
                "with logits around 1000 your result is NaN, since exp overflows: subtract each "
                "row's max first (a shift does not change log-softmax)",
            ),
            Mistake(
                log_softmax_wrong_axis,
                "your rows don't normalize: you summed over axis 0 (the examples) instead of "
                "the classes (axis -1)",
            ),
            Mistake(
                log_softmax_global_max,
                "the row [1, 2, 3] became -inf next to [1000, 1001, 1002]: subtract each row's "
                "own max (axis=-1, keepdims=True), not the largest logit of the batch",
            ),
            Mistake(
                log_softmax_of_softmax,
                "the log-probability of the logit -800 is -inf instead of about -802: compute "
                "z - max - log(sum(exp(z - max))) rather than the log of softmax",
            ),
            Mistake(
                log_softmax_without_keepdims,
                "z.max(axis=-1) without keepdims=True has shape (N,), which does not broadcast "
                "against (N, C): keep the axis",
            ),
        ),
    ),
    Exercise(
        id="ex05_cross_entropy",
        title="cross-entropy from log-softmax",
        name="cross_entropy",
        reference=cross_entropy,
        cases=CROSS_ENTROPY_CASES,
        checked="batches of 1, 4 and 6 rows, logits of size ~2 and ~1000; z and targets must "
        "stay unchanged",
        mistakes=(
            Mistake(
                cross_entropy_block,
                "logp[:, targets] picks an N x N block: take one entry per row with "
                "logp[np.arange(N), targets]",
            ),
            Mistake(
                cross_entropy_sum,
                "your loss is N = 4 times too large: cross-entropy is the mean over the batch, "
                "not the sum",
            ),
            Mistake(
                cross_entropy_positive_log,
                "your loss is negative: it is minus the log-probability of the target class",
            ),
            Mistake(
                cross_entropy_all_classes,
                "you averaged -log p over every class: take only each row's target class",
            ),
        ),
        helpers={"log_softmax": "ex05_log_softmax"},
    ),
    Exercise(
        id="ex05_grad",
        title="the gradient of softmax cross-entropy",
        name="cross_entropy_grad",
        explain=explain_grad,
        reference=cross_entropy_grad,
        cases=CROSS_ENTROPY_CASES,
        checked="batches of 1, 4 and 6 rows, logits of size ~2 and ~1000; z and targets must "
        "stay unchanged",
        mistakes=(
            Mistake(
                grad_not_averaged,
                "your gradient is N = 4 times too large: the loss is the mean over the batch, "
                "so divide by N",
            ),
            Mistake(
                grad_without_onehot,
                "your gradient is softmax(z) / N: subtract 1 at each row's target class",
            ),
            Mistake(
                grad_flipped,
                "your gradient points the wrong way: it is (softmax - onehot) / N, not "
                "(onehot - softmax) / N",
            ),
            Mistake(
                grad_columns,
                "p[:, targets] -= 1 changes whole columns: subtract 1 at "
                "p[np.arange(N), targets], one entry per row",
            ),
        ),
        helpers={"log_softmax": "ex05_log_softmax"},
    ),
]
