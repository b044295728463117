"""Exercise 12: gradient accumulation over micro-batches equals one step on the whole batch."""

from __future__ import annotations

import numpy as np

import autograd
import nn
import optim
from nn import functional as F

from .core import Exercise, Mistake, as_array, seeded

# -- ex12_accumulate: accumulated_step(model, opt, X, y, micro_batches) -------------------------


def accumulated_step(model, opt, X, y, micro_batches):
    """The reference: the library's mean loss over each micro-batch, weighted by its share of
    the batch, accumulated; its step equals one ordinary step on the whole batch."""
    n = len(X)
    opt.zero_grad()
    for idx in np.array_split(np.arange(n), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
    opt.step()


def _parts(n, k):
    return np.array_split(np.arange(n), k)


def accumulate_unscaled(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in _parts(len(X), micro_batches):
        F.mse_loss(model(X[idx]), y[idx]).backward()  # k means add up to k times the mean
    opt.step()


def accumulate_zeroing_inside(model, opt, X, y, micro_batches):
    n = len(X)
    for idx in _parts(n, micro_batches):
        opt.zero_grad()  # throws away the micro-batches before
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
    opt.step()


def accumulate_stepping_inside(model, opt, X, y, micro_batches):
    n = len(X)
    opt.zero_grad()
    for idx in _parts(n, micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
        opt.step()  # k small steps instead of one


def accumulate_by_count(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in _parts(len(X), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) / micro_batches).backward()  # right for equal parts
    opt.step()


def accumulate_without_zeroing(model, opt, X, y, micro_batches):
    n = len(X)
    for idx in _parts(n, micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
    opt.step()


def accumulation_case(micro_batches, leftover=False):
    def case(fn):
        with seeded(12):
            model = nn.Linear(3, 2).double()
            X = autograd.randn(10, 3).double()
            y = autograd.randn(10, 2).double()
        opt = optim.SGD(model.parameters(), lr=0.1)
        if leftover:  # gradients from an earlier forward and backward, never cleared
            F.mse_loss(model(X[:4]), y[:4]).backward()
        calls, steps = [], []
        forward, step = model.forward, opt.step

        def counted_forward(x, *args, **kwargs):
            calls.append(len(x))
            return forward(x, *args, **kwargs)

        def counted_step(*args, **kwargs):
            steps.append(1)
            return step(*args, **kwargs)

        model.forward, opt.step = counted_forward, counted_step
        fn(model, opt, X, y, micro_batches)
        return {
            "the parameters after the step": [as_array(p.data) for p in model.parameters()],
            "forward calls of the model": f"{len(calls)} calls on {sum(calls)} examples",
            "optimizer steps": len(steps),
        }

    return case


CASES = {
    "10 examples in 2 micro-batches": accumulation_case(2),
    "10 examples in 4 micro-batches (3, 3, 2, 2)": accumulation_case(4),
    "4 micro-batches, with gradients left over from before": accumulation_case(4, leftover=True),
}

EXERCISES = [
    Exercise(
        id="ex12_accumulate",
        title="gradient accumulation",
        name="accumulated_step",
        reference=accumulated_step,
        cases=CASES,
        checked="2 and 4 micro-batches (unequal sizes), gradients left over from before; the "
        "parameters after the step, the number of forward calls and of optimizer steps "
        "(p.grad afterwards is yours to clear or keep)",
        mistakes=(
            Mistake(
                accumulate_unscaled,
                "your accumulated gradient is the sum of the micro-batch means, about k times "
                "too large: scale each micro-batch's loss by its size / n",
            ),
            Mistake(
                accumulate_zeroing_inside,
                "your step used only the last micro-batch's gradient: call zero_grad once, "
                "before the loop, not in it",
            ),
            Mistake(
                accumulate_stepping_inside,
                "you stepped after every micro-batch: let the gradients add up, then call "
                "step once after the loop",
            ),
            Mistake(
                accumulate_by_count,
                "with micro-batches of sizes 3, 3, 2, 2 your gradient is off: weight each "
                "micro-batch's loss by its size / n, not by 1 / k",
            ),
            Mistake(
                accumulate_without_zeroing,
                "gradients left over from before the call were added in: call opt.zero_grad() "
                "before accumulating",
            ),
        ),
    ),
]
