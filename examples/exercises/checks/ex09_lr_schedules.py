"""Exercise 9: learning-rate schedules: step, exponential, cosine, and a warm-up before cosine."""

from __future__ import annotations

import math

import numpy as np

import autograd
import optim
from optim import lr_scheduler

from .core import Exercise, Mistake, describe_difference
from .observations import numeric


def library_lr(make, base_lr, epoch):
    """The LR the library's scheduler ``make(optimizer)`` sets for ``epoch`` (0 = the start)."""
    p = autograd.tensor(np.zeros(1), requires_grad=True)
    opt = optim.SGD([p], lr=base_lr)
    scheduler = make(opt)
    for _ in range(epoch):
        scheduler.step()
    return opt.param_groups[0]["lr"]


def sequence(*args, epochs):
    """A case: the schedule's LR at epochs 0 .. epochs - 1, all other arguments fixed."""

    def case(fn):
        base_lr, *rest = args
        lrs = [float(fn(base_lr, e, *rest)) for e in range(epochs)]
        return {"the lr at epochs 0, 1, ...": np.array(lrs)}

    return case


# -- the references: the library's schedulers, behind the exercise's functions ---------------


def step_lr(base_lr, epoch, step_size, gamma):
    return library_lr(lambda o: lr_scheduler.StepLR(o, step_size, gamma), base_lr, epoch)


def exponential_lr(base_lr, epoch, gamma):
    return library_lr(lambda o: lr_scheduler.ExponentialLR(o, gamma), base_lr, epoch)


def cosine_lr(base_lr, epoch, T_max, eta_min=0.0):
    return library_lr(
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max, eta_min=eta_min), base_lr, epoch
    )


def warmup_cosine_lr(base_lr, epoch, warmup, total, start_factor=0.1):
    def make(opt):
        rise = lr_scheduler.LinearLR(opt, start_factor=start_factor, total_iters=warmup)
        fall = lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup)
        return lr_scheduler.SequentialLR(opt, [rise, fall], milestones=[warmup])

    return library_lr(make, base_lr, epoch)


# -- typical wrong implementations ------------------------------------------------------------


def step_every_epoch(base_lr, epoch, step_size, gamma):
    return base_lr * gamma**epoch


def step_one_early(base_lr, epoch, step_size, gamma):
    return base_lr * gamma ** ((epoch + 1) // step_size)


def step_smooth(base_lr, epoch, step_size, gamma):
    return base_lr * gamma ** (epoch / step_size)


def exponential_one_ahead(base_lr, epoch, gamma):
    return base_lr * gamma ** (epoch + 1)


def exponential_exp(base_lr, epoch, gamma):
    return base_lr * math.exp(-gamma * epoch)


def cosine_plain(base_lr, epoch, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * math.cos(math.pi * epoch / T_max)


def cosine_to_zero(base_lr, epoch, T_max, eta_min=0.0):
    return base_lr * (1 + math.cos(math.pi * epoch / T_max)) / 2


def cosine_offset(base_lr, epoch, T_max, eta_min=0.0):
    return eta_min + base_lr * (1 + math.cos(math.pi * epoch / T_max)) / 2


def cosine_half(base_lr, epoch, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / (2 * T_max))) / 2


def warmup_from_zero(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * epoch / warmup
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def warmup_unshifted(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch, total)


def warmup_one_early(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * min(epoch / (warmup - 1), 1))
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def explain_schedule(case, where, yours, expected):
    """Say from which epoch the schedule goes wrong, and whether it is shifted by one."""
    y, e = numeric(yours), numeric(expected)
    if y is None or e is None or y.shape != e.shape or y.ndim != 1:
        return describe_difference(case, where, yours, expected)
    wrong = ~np.isclose(y, e, rtol=1e-6, atol=1e-12)
    first = int(np.argmax(wrong))
    text = f"on {case}, the lr at epoch {first} is {y[first]:.10g}, expected {e[first]:.10g}"
    if np.allclose(y[1:], e[:-1], rtol=1e-6):
        return text + ": your schedule runs one epoch late (epoch e gets the lr of epoch e - 1)"
    if np.allclose(y[:-1], e[1:], rtol=1e-6):
        return text + ": your schedule runs one epoch early (epoch e gets the lr of epoch e + 1)"
    nonzero = np.abs(e) > 1e-12
    ratios = y[nonzero] / e[nonzero]
    if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-6):
        return text + f" (at every epoch yours is {ratios[0]:.8g} times the expected lr)"
    later = np.flatnonzero(~wrong[first:])
    if first == 1:
        text += " (epoch 0 is right)"
    elif first > 1:
        text += f" (epochs 0 to {first - 1} are right)"
    elif later.size:
        text += f" (epoch {first + int(later[0])} is right again)"
    return text


EXERCISES = [
    Exercise(
        id="ex09_step",
        title="step decay",
        name="step_lr",
        explain=explain_schedule,
        reference=step_lr,
        cases={
            "base_lr 0.1, step_size 3, gamma 0.5, epochs 0-9": sequence(0.1, 3, 0.5, epochs=10),
            "base_lr 1, step_size 2, gamma 0.9, epochs 0-5": sequence(1.0, 2, 0.9, epochs=6),
        },
        checked=("the lr at every epoch of two schedules"),
        mistakes=(
            Mistake(
                step_every_epoch,
                "your lr decays at every epoch: step decay multiplies by gamma once every "
                "step_size epochs, gamma ** (epoch // step_size)",
            ),
            Mistake(
                step_one_early,
                "your lr drops one epoch early (at epoch step_size - 1): the first drop is at "
                "epoch step_size, so use epoch // step_size",
            ),
            Mistake(
                step_smooth,
                "your lr decays smoothly: use integer division, epoch // step_size, so that it "
                "drops in steps",
            ),
        ),
    ),
    Exercise(
        id="ex09_exponential",
        title="exponential decay",
        name="exponential_lr",
        explain=explain_schedule,
        reference=exponential_lr,
        cases={
            "base_lr 0.1, gamma 0.9, epochs 0-5": sequence(0.1, 0.9, epochs=6),
            "base_lr 2, gamma 0.5, epochs 0-3": sequence(2.0, 0.5, epochs=4),
        },
        checked=("the lr at every epoch of two schedules"),
        mistakes=(
            Mistake(
                exponential_one_ahead,
                "your lr at epoch 0 is already decayed: the schedule starts at base_lr, "
                "lr = base_lr * gamma ** epoch",
            ),
            Mistake(
                exponential_exp,
                "exponential decay multiplies by gamma each epoch, base_lr * gamma ** epoch, "
                "not base_lr * exp(-gamma * epoch)",
            ),
        ),
    ),
    Exercise(
        id="ex09_cosine",
        title="cosine annealing",
        name="cosine_lr",
        explain=explain_schedule,
        reference=cosine_lr,
        cases={
            "base_lr 0.1, T_max 10, eta_min 0, epochs 0-10": sequence(0.1, 10, 0.0, epochs=11),
            "base_lr 1, T_max 4, eta_min 0.1, epochs 0-4": sequence(1.0, 4, 0.1, epochs=5),
        },
        checked=("the lr at every epoch of two schedules"),
        mistakes=(
            Mistake(
                cosine_plain,
                "your lr turns negative in the second half: lr = eta_min + (base_lr - eta_min) "
                "* (1 + cos(pi * epoch / T_max)) / 2",
            ),
            Mistake(
                cosine_to_zero,
                "your lr ends at 0, not at eta_min: lr = eta_min + (base_lr - eta_min) * "
                "(1 + cos(pi * epoch / T_max)) / 2",
            ),
            Mistake(
                cosine_offset,
                "your lr starts at base_lr + eta_min: scale the cosine by (base_lr - eta_min)",
            ),
            Mistake(
                cosine_half,
                "your lr stops halfway, at (base_lr + eta_min) / 2: the cosine's angle goes "
                "from 0 to pi over T_max epochs",
            ),
        ),
    ),
    Exercise(
        id="ex09_warmup",
        title="linear warm-up, then cosine",
        name="warmup_cosine_lr",
        explain=explain_schedule,
        reference=warmup_cosine_lr,
        cases={
            "base_lr 0.1, warmup 3, total 10, start_factor 0.1": sequence(
                0.1, 3, 10, 0.1, epochs=11
            ),
            "base_lr 1, warmup 2, total 6, start_factor 0.25": sequence(1.0, 2, 6, 0.25, epochs=7),
        },
        checked=("the lr at every epoch of two schedules"),
        mistakes=(
            Mistake(
                warmup_from_zero,
                "your warm-up starts at 0: it starts at start_factor * base_lr and rises "
                "linearly to base_lr at epoch warmup",
            ),
            Mistake(
                warmup_unshifted,
                "after the warm-up your cosine does not start at base_lr: run it on "
                "epoch - warmup, over total - warmup epochs",
            ),
            Mistake(
                warmup_one_early,
                "your warm-up reaches base_lr one epoch early: at epoch e < warmup the factor "
                "is start_factor + (1 - start_factor) * e / warmup",
            ),
        ),
        helpers={"cosine_lr": "ex09_cosine"},
    ),
]
