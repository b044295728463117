"""Exercise 6's wrong and correct solutions for the mutation suite.

Batch sizes: ``batches`` and one epoch of mini-batch descent.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

import autograd
import optim
from nn import functional as F

from .common import ARGUMENT, right, wrong

# -- the student's helper, written correctly, which this exercise's solutions call ------------


def batches(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


# == ex06_batches ================================================================================


@wrong("ex06_batches", r"generator|order")
def batches_numpy_random(n, batch_size, shuffle=False):
    order = np.random.permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@wrong("ex06_batches", r"last|batch sizes")
def batches_merging_last(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    out = [order[i : i + batch_size] for i in range(0, n, batch_size)]
    if len(out) > 1 and len(out[-1]) < batch_size:
        out[-2:] = [np.concatenate(out[-2:])]
    return out


@wrong("ex06_batches", r"once|missing|never|batch sizes")
def batches_off_by_one(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n - 1, batch_size)]


@wrong("ex06_batches", r"shuffl|order")
def batches_shuffling_batches(n, batch_size, shuffle=False):
    out = [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    if shuffle:
        out = [out[i] for i in autograd.get_generator().permutation(len(out))]
    return out


@wrong("ex06_batches", r"shuffl|order")
def batches_always_shuffled(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@right("ex06_batches")
def batches_split(n, batch_size, shuffle=False):
    order = np.arange(n)
    if shuffle:
        order = autograd.get_generator().permutation(n)
    return np.split(order, range(batch_size, n, batch_size))


@right("ex06_batches")
def batches_lists(n, batch_size, shuffle=False):
    order = list(autograd.get_generator().permutation(n)) if shuffle else list(range(n))
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@right("ex06_batches")
def batches_while(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    out, start = [], 0
    while start < n:
        out.append(order[start : min(start + batch_size, n)])
        start += batch_size
    return out


# == ex06_epoch ==================================================================================


@wrong("ex06_epoch", ARGUMENT)
def epoch_by_hand_in_place(w, X, y, batch_size, lr):
    for idx in batches(len(X), batch_size):
        xb, yb = X[idx], y[idx]
        w -= lr * 2 * xb.T @ (xb @ w - yb) / len(idx)
    return w


@wrong("ex06_epoch", r"is .* expected|times|ratio")
def epoch_without_two(w, X, y, batch_size, lr):
    w = np.array(w, dtype=np.float64)
    for idx in batches(len(X), batch_size):
        xb, yb = X[idx], y[idx]
        w = w - lr * xb.T @ (xb @ w - yb) / len(idx)
    return w


@wrong("ex06_epoch", r"shuffl|order|is .* expected")
def epoch_shuffled(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size, shuffle=True):
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


@wrong("ex06_epoch", r"last|is .* expected")
def epoch_divides_by_n(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        (((X[idx] @ wt - y[idx]) ** 2).sum() / batch_size).backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


@wrong("ex06_epoch", r"is .* expected|times|ratio")
def epoch_lr_per_example(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr / len(idx) * wt.grad
        wt.grad = None
    return wt.data


@right("ex06_epoch")
def epoch_with_sgd(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([wt], lr=lr)
    for idx in batches(len(X), batch_size):
        F.mse_loss(X[idx] @ wt, y[idx]).backward()
        opt.step()
        opt.zero_grad()
    return np.asarray(wt.data)


@right("ex06_epoch")
def epoch_by_hand(w, X, y, batch_size, lr):
    w = np.copy(w)
    for start in range(0, len(X), batch_size):
        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        w = w - lr * (2.0 / len(xb)) * (xb.T @ (xb @ w - yb))
    return w


@right("ex06_epoch")
def epoch_returns_tensor(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        wt.grad = None
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
    return wt.detach()
