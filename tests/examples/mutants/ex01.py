"""Exercise 1's wrong and correct solutions for the mutation suite.

Gradient descent: ``descend`` and the stable learning rate.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

import autograd
import optim

from .common import ARGUMENT, right, wrong

# == ex01_descend ================================================================================


@wrong("ex01_descend", ARGUMENT)
def descend_updates_w0(loss_fn, w0, lr, steps):
    w = w0  # the caller's array, updated in place below
    path = [w.copy()]
    for _ in range(steps):
        t = autograd.tensor(w, requires_grad=True)
        loss_fn(t).backward()
        w -= lr * np.asarray(t.grad)
        path.append(w.copy())
    return np.array(path)


@wrong("ex01_descend", r"(copy|same array|every row|alias)")
def descend_path_without_copies(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.data)
    return np.array(path)


@wrong("ex01_descend", r"(shape|rows|steps \+ 1)")
def descend_one_step_short(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps - 1):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


@wrong("ex01_descend", r"step 1|row 1")
def descend_forward_differences(loss_fn, w0, lr, steps):
    w = np.array(w0, dtype=np.float64)
    path = [w.copy()]
    for _ in range(steps):
        grad = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            bumped = w.copy()
            bumped[i] += 1e-4
            grad[i] = (loss_fn(bumped) - loss_fn(w)) / 1e-4
        w = w - lr * grad
        path.append(w.copy())
    return np.array(path)


@wrong("ex01_descend", r"step 1|row 1")
def descend_normalised(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad / np.sqrt((np.asarray(w.grad) ** 2).sum())
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


@right("ex01_descend")
def descend_with_sgd(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([w], lr=lr)
    path = [np.array(w.data)]
    for _ in range(steps):
        loss_fn(w).backward()
        opt.step()
        opt.zero_grad()  # after the step: a common habit
        path.append(np.array(w.data))
    return np.stack(path)


@right("ex01_descend")
def descend_preallocated(loss_fn, w0, lr, steps):
    w0 = np.asarray(w0, dtype=np.float64)
    path = np.empty((steps + 1, *w0.shape))
    path[0] = w0
    w = autograd.tensor(w0.copy(), requires_grad=True)
    for t in range(1, steps + 1):
        w.grad = None
        loss_fn(w).backward()
        w.data[...] = np.asarray(w.data) - lr * np.asarray(w.grad)
        path[t] = np.asarray(w.data)
    return path


@right("ex01_descend")
def descend_list_of_rows(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.copy(w0), requires_grad=True)
    rows = [np.copy(w0)]
    for _ in range(steps):
        loss = loss_fn(w)
        loss.backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        rows.append(np.array(w.data, copy=True))
    return rows


# == ex01_stable_lr ==============================================================================

for _wrong_lr in (
    lambda h: 2.0 / float(np.mean(h)),
    lambda h: 2.0 / float(np.sum(h)),
    lambda h: 2.0 / float(h[-1]),
    lambda h: float(np.sqrt(2.0 / np.max(h))),
    lambda h: 2.0 / float(np.max(h)) ** 2,
):
    wrong("ex01_stable_lr", r"curvatures.*(expected|your lr is .* = )")(_wrong_lr)

right("ex01_stable_lr")(lambda h: float(np.min(2.0 / np.asarray(h))))
right("ex01_stable_lr")(lambda h: 2 / max(h))
right("ex01_stable_lr")(lambda h: 1.0 / (np.max(np.abs(h)) / 2.0))
