"""Exercise 5's wrong and correct solutions for the mutation suite.

Softmax and cross-entropy: ``log_softmax``, the loss, its gradient.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

from .common import ARGUMENT, DTYPE, LARGE, LINE, right, wrong

# -- the student's helper, written correctly, which this exercise's solutions call ------------


def log_softmax(z, axis=-1):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


# == ex05_log_softmax ============================================================================


@wrong("ex05_log_softmax", LARGE)
def log_softmax_shift_by_min(z):
    m = z.min(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", r"(times|ratio|offset|constant|row|is .* expected)")
def log_softmax_forgets_max(z):
    m = z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", ARGUMENT)
def log_softmax_in_place(z):
    z -= z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", LARGE)
def log_softmax_clipped(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.log(np.maximum(e / e.sum(axis=-1, keepdims=True), 1e-12))


@wrong("ex05_log_softmax", DTYPE)
def log_softmax_float32(z):
    z = z.astype(np.float32)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@right("ex05_log_softmax")
def log_softmax_logaddexp(z):
    return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)


@right("ex05_log_softmax")
def log_softmax_columns(z):
    m = np.max(z, axis=1)[:, None]
    return z - (m + np.log(np.sum(np.exp(z - m), axis=1))[:, None])


@right("ex05_log_softmax")
def log_softmax_rows(z):
    return np.stack([row - row.max() - np.log(np.exp(row - row.max()).sum()) for row in z])


# == ex05_cross_entropy ==========================================================================


@wrong("ex05_cross_entropy", r"(is .* expected|times|ratio)")
def cross_entropy_rows(z, targets):
    return -log_softmax(z)[targets].mean()


@wrong("ex05_cross_entropy", LARGE)
def cross_entropy_naive(z, targets):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(z)), targets]).mean()


@wrong("ex05_cross_entropy", r"times|ratio")
def cross_entropy_over_classes(z, targets):
    return -log_softmax(z)[np.arange(len(z)), targets].sum() / z.shape[1]


@wrong("ex05_cross_entropy", ARGUMENT)
def cross_entropy_shifts_z(z, targets):
    z -= z.max(axis=1, keepdims=True)
    return -(z[np.arange(len(z)), targets] - np.log(np.exp(z).sum(axis=1))).mean()


@wrong("ex05_cross_entropy", LINE)
def cross_entropy_take_along(z, targets):
    return -np.take_along_axis(log_softmax(z), targets, axis=1).mean()


@right("ex05_cross_entropy")
def cross_entropy_with_axis(z, targets):
    logp = log_softmax(z, axis=1)  # the student's helper has an axis argument
    return float(-np.mean(logp[np.arange(z.shape[0]), targets]))


@right("ex05_cross_entropy")
def cross_entropy_loop(z, targets):
    total = 0.0
    for row, t in zip(z, targets):
        total -= log_softmax(row[None, :])[0, t]
    return total / len(targets)


@right("ex05_cross_entropy")
def cross_entropy_onehot(z, targets):
    onehot = np.eye(z.shape[1])[targets]
    return -(onehot * log_softmax(z)).sum() / len(z)


# == ex05_grad ===================================================================================


@wrong("ex05_grad", ARGUMENT)
def grad_shifts_z(z, targets):
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", r"(is .* expected|column|axis)")
def grad_softmax_over_batch(z, targets):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", LARGE)
def grad_naive_softmax(z, targets):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", r"times|ratio")
def grad_over_classes(z, targets):
    p = np.exp(log_softmax(z))
    p[np.arange(len(z)), targets] -= 1
    return p / z.shape[1]


@wrong("ex05_grad", r"line \d+|shape")
def grad_square_onehot(z, targets):
    return (np.exp(log_softmax(z)) - np.eye(len(targets))[targets]) / len(z)


@right("ex05_grad")
def grad_from_helper_with_axis(z, targets):
    p = np.exp(log_softmax(z, axis=1))
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@right("ex05_grad")
def grad_loops(z, targets):
    out = np.zeros_like(z)
    for i in range(len(z)):
        e = np.exp(z[i] - z[i].max())
        out[i] = e / e.sum()
        out[i, targets[i]] -= 1.0
    return out / z.shape[0]


@right("ex05_grad")
def grad_eye(z, targets):
    return (np.exp(log_softmax(z)) - np.eye(z.shape[1])[targets]) / len(targets)
