"""Exercise 1: the update rule w <- w - lr * dL/dw, and how large lr may be."""

from __future__ import annotations

import numpy as np

import autograd
import optim

from .core import Exercise, Mistake, as_array, changed, describe_difference, numeric


def bowl(h, c):
    """L(w) = 1/2 sum_i h_i (w_i - c_i)^2: a bowl with curvature h_i along axis i, minimum c."""
    h, c = np.asarray(h, dtype=np.float64), np.asarray(c, dtype=np.float64)

    def loss_fn(w):
        return 0.5 * (h * (w - c) ** 2).sum()

    return loss_fn


# -- ex01_descend: descend(loss_fn, w0, lr, steps) -> the path, shape (steps + 1, *w0.shape) ----


def descend(loss_fn, w0, lr, steps):
    """The reference: the library's SGD does the update."""
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([w], lr=lr)
    path = [w.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(w).backward()
        opt.step()
        path.append(w.data.copy())
    return np.array(path)


def descend_without_reset(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()  # adds into w.grad, which still holds the previous gradients
        with autograd.no_grad():
            w -= lr * w.grad
        path.append(w.data.copy())
    return np.array(path)


def descend_uphill(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w += lr * w.grad  # the wrong direction
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


def descend_without_lr(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= w.grad  # lr forgotten
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


def descend_rebinding(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()
        w = w - lr * w.grad  # a new tensor, computed from w: not a leaf, so no .grad next time
        path.append(w.data.copy())
    return np.array(path)


def descend_without_start(loss_fn, w0, lr, steps):
    return descend(loss_fn, w0, lr, steps)[1:]  # the path must start at w0


def descend_case(h, c, w0, lr, steps):
    w0 = np.array(w0, dtype=np.float64)

    def case(fn):
        given = w0.copy()
        path = as_array(fn(bowl(h, c), given, lr, steps))
        return {"path": path, "arguments changed in place": changed({"w0": w0}, {"w0": given})}

    return case


DESCEND_CASES = {
    "one step on L = (w - 3)^2 from w = 0 with lr = 0.1": descend_case([2.0], [3.0], [0.0], 0.1, 1),
    "4 steps on a 2-D bowl (curvatures 1 and 10), lr = 0.05": descend_case(
        [1.0, 10.0], [1.0, -2.0], [3.0, 2.0], 0.05, 4
    ),
    "3 steps on a 2x2 parameter, lr = 0.3": descend_case(
        [[1.0, 2.0], [0.5, 3.0]], [[0.0, 1.0], [2.0, 0.0]], np.ones((2, 2)), 0.3, 3
    ),
}


def explain_descend(case, where, yours, expected):
    """Name the row of the path (the step) where it first goes wrong."""
    y, e = numeric(yours), numeric(expected)
    if where == "path" and y is not None and e is not None and y.shape == e.shape and len(y) > 1:
        if np.allclose(y, y[-1]) and not np.allclose(e, e[-1]):
            return (
                f"on {case}, every row of your path is the same array (the final w): append "
                "a copy of w (w.data.copy()), not w.data, which keeps changing"
            )
        row = next(t for t in range(len(y)) if not np.allclose(y[t], e[t], rtol=1e-6, atol=1e-9))
        where = f"row {row} of the path (w after step {row})"
        return describe_difference(case, where, y[row], e[row])
    return describe_difference(case, where, yours, expected)


# -- ex01_stable_lr: largest_stable_lr(curvatures) -> the lr above which descent diverges ------


def largest_stable_lr(curvatures):
    """The reference: along axis i, w_i - c_i is multiplied by (1 - lr h_i) at every step, which
    shrinks only while |1 - lr h_i| < 1, i.e. lr < 2 / h_i; the steepest axis decides."""
    return 2.0 / float(np.max(curvatures))


CURVATURES = {
    "curvatures [1, 10]": [1.0, 10.0],
    "curvatures [4]": [4.0],
    "curvatures [0.5, 3, 2]": [0.5, 3.0, 2.0],
}


def stable_lr_case(h):
    return lambda f: float(f(np.array(h)))


STABLE_LR_CASES = {name: stable_lr_case(h) for name, h in CURVATURES.items()}

# Formulas students write instead of 2 / max(h), and what each one means.
_SUSPECTS = (
    (lambda h: 2 / np.min(h), "2 / min(h): the flattest axis; the steepest one limits the lr"),
    (lambda h: 2 / np.mean(h), "2 / mean(h): one axis too steep still diverges; use max(h)"),
    (lambda h: 2 / np.sum(h), "2 / sum(h): the axes do not add up; the steepest, max(h), limits"),
    (lambda h: 2 / h[-1], "2 / h[-1]: the last curvature is not always the largest; use max(h)"),
    (lambda h: 2 / np.max(h) ** 2, "2 / max(h)^2: one step multiplies by 1 - lr h, linear in h"),
    (lambda h: np.sqrt(2 / np.max(h)), "sqrt(2 / max(h)): |1 - lr h| < 1 gives lr < 2 / h"),
)


def explain_stable_lr(case, where, yours, expected):
    """Recognise a formula that is not 2 / max(h) from the value it gave."""
    h = np.array(CURVATURES.get(case, [np.nan]))
    value = numeric(yours)
    if value is not None and value.ndim == 0:
        for formula, meaning in _SUSPECTS:
            if np.isclose(float(value), formula(h), rtol=1e-9):
                return f"on {case}, your lr is {float(value):.10g} = {meaning}"
    return describe_difference(case, where, yours, expected)


EXERCISES = [
    Exercise(
        id="ex01_descend",
        title="gradient descent with autograd",
        name="descend",
        reference=descend,
        cases=DESCEND_CASES,
        explain=explain_descend,
        checked="the whole path on three bowls (1, 2 and 4 numbers, 1 to 4 steps); w0 must "
        "stay unchanged",
        mistakes=(
            Mistake(
                descend_without_reset,
                "your second step used the sum of the first two gradients: backward adds into "
                "w.grad, so reset it (w.grad = None) after each update",
            ),
            Mistake(
                descend_uphill,
                "your steps go uphill (the loss grows from the first step): subtract "
                "lr * w.grad, don't add it",
            ),
            Mistake(
                descend_without_lr,
                "your first step moved w by the whole gradient: multiply the gradient by lr",
            ),
            Mistake(
                descend_rebinding,
                "w = w - lr * w.grad makes w a new, non-leaf tensor whose .grad stays None at the "
                "next step: update the leaf in place (w -= lr * w.grad) under autograd.no_grad()",
            ),
            Mistake(
                descend_without_start,
                "your path has steps points, not steps + 1: start it with w0, before the first "
                "step",
            ),
        ),
    ),
    Exercise(
        id="ex01_stable_lr",
        title="the largest stable learning rate",
        name="largest_stable_lr",
        reference=largest_stable_lr,
        cases=STABLE_LR_CASES,
        explain=explain_stable_lr,
        checked=("three sets of curvatures (1 to 3 of them)"),
        mistakes=(
            Mistake(
                lambda h: 2.0 / float(np.min(h)),
                "you used the flattest curvature: the steepest one, max(h), limits the learning "
                "rate",
            ),
            Mistake(
                lambda h: 1.0 / float(np.max(h)),
                "1 / max(h) reaches the minimum of the steepest axis in one step, but descent "
                "still converges (oscillating) up to twice that: |1 - lr h| < 1",
            ),
            Mistake(
                lambda h: 2.0 * float(np.max(h)),
                "the limit is 2 / h, not 2 h: a steeper bowl needs a smaller step",
            ),
        ),
    ),
]
