"""Exercise 12's wrong and correct solutions for the mutation suite.

Gradient accumulation over micro-batches.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

from nn import functional as F

from .common import LINE, right, wrong

# == ex12_accumulate =============================================================================


@wrong("ex12_accumulate", r"micro|forward|call")
def accumulate_full_batch(model, opt, X, y, micro_batches):
    opt.zero_grad()
    F.mse_loss(model(X), y).backward()  # the micro-batches never used
    opt.step()


@wrong("ex12_accumulate", r"micro|forward|call|example|is .* expected")
def accumulate_drops_remainder(model, opt, X, y, micro_batches):
    n = len(X)
    k = n // micro_batches
    opt.zero_grad()
    for i in range(micro_batches):
        idx = np.arange(i * k, (i + 1) * k)
        (F.mse_loss(model(X[idx]), y[idx]) / micro_batches).backward()
    opt.step()


@wrong("ex12_accumulate", LINE)
def accumulate_np_split(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in np.split(np.arange(len(X)), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / len(X))).backward()
    opt.step()


@wrong("ex12_accumulate", r"micro|forward|call|step")
def accumulate_two_steps(model, opt, X, y, micro_batches):
    n = len(X)
    opt.zero_grad()
    for idx in np.array_split(np.arange(n), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
    opt.step()
    opt.step()  # once more "to be sure"


@wrong("ex12_accumulate", r"is .* expected|times|ratio|micro")
def accumulate_mean_of_sums(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in np.array_split(np.arange(len(X)), micro_batches):
        (((model(X[idx]) - y[idx]) ** 2).sum() / len(X)).backward()
    opt.step()


@right("ex12_accumulate")
def accumulate_zeroing_after(model, opt, X, y, micro_batches):
    n = len(X)
    opt.zero_grad()
    for idx in np.array_split(np.arange(n), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * len(idx) / n).backward()
    opt.step()
    opt.zero_grad()  # a common habit


@right("ex12_accumulate")
def accumulate_sum_reduction(model, opt, X, y, micro_batches):
    model.zero_grad()
    for idx in np.array_split(np.arange(len(X)), micro_batches):
        out = model(X[idx])
        (((out - y[idx]) ** 2).sum() / (len(X) * out.shape[1])).backward()
    opt.step()


@right("ex12_accumulate")
def accumulate_slices(model, opt, X, y, micro_batches):
    n = len(X)
    for p in model.parameters():
        p.grad = None
    bounds = np.linspace(0, n, micro_batches + 1)
    sizes = np.diff(np.array([len(part) for part in np.array_split(np.arange(n), micro_batches)]))
    del bounds, sizes
    start = 0
    for part in np.array_split(np.arange(n), micro_batches):
        stop = start + len(part)
        (F.mse_loss(model(X[start:stop]), y[start:stop]) * ((stop - start) / n)).backward()
        start = stop
    opt.step()
