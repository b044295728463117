"""Exercise 9's wrong and correct solutions for the mutation suite.

Learning-rate schedules: step, exponential, cosine, warmup.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import math

import numpy as np

from .common import right, wrong

# -- the student's helper, written correctly, which this exercise's solutions call ------------


def cosine_lr(base_lr, epoch, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2


# == ex09 schedules ==============================================================================

EPOCH = r"epoch \d+"
for _fn in (
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** (epoch // step_size + 1),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma * (epoch // step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** round(epoch / step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** max(0, (epoch - 1) // step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** (epoch % step_size),
):
    wrong("ex09_step", EPOCH)(_fn)


def _step_loop(base_lr, epoch, step_size, gamma):
    lr = base_lr
    for e in range(1, epoch + 1):
        if e % step_size == 0:
            lr *= gamma
    return lr


right("ex09_step")(_step_loop)
right("ex09_step")(
    lambda base_lr, epoch, step_size, gamma: base_lr * math.pow(gamma, epoch // step_size)
)
right("ex09_step")(
    lambda base_lr, epoch, step_size, gamma: base_lr * np.power(gamma, np.floor(epoch / step_size))
)

for _fn in (
    lambda base_lr, epoch, gamma: base_lr * (1 - gamma) ** epoch,
    lambda base_lr, epoch, gamma: base_lr * gamma * epoch if epoch else base_lr,
    lambda base_lr, epoch, gamma: base_lr / gamma**epoch,
    lambda base_lr, epoch, gamma: base_lr * gamma ** max(epoch - 1, 0),
    lambda base_lr, epoch, gamma: base_lr * gamma ** (2 * epoch),
):
    wrong("ex09_exponential", EPOCH)(_fn)


def _exp_loop(base_lr, epoch, gamma):
    for _ in range(epoch):
        base_lr *= gamma
    return base_lr


right("ex09_exponential")(_exp_loop)
right("ex09_exponential")(lambda base_lr, epoch, gamma: base_lr * math.exp(epoch * math.log(gamma)))
right("ex09_exponential")(lambda base_lr, epoch, gamma: float(base_lr * np.power(gamma, epoch)))

for _fn in (
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(math.pi * e / (T - 1))) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(e / T)) / 2,
    lambda b, e, T, m=0.0: 2 * m + (b - m) * (1 + math.cos(math.pi * e / T)) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 - math.cos(math.pi * e / T)) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(math.pi * (e + 1) / T)) / 2,
):
    wrong("ex09_cosine", EPOCH)(_fn)

right("ex09_cosine")(lambda b, e, T, m=0.0: m + (b - m) * math.cos(math.pi * e / (2 * T)) ** 2)
right("ex09_cosine")(lambda b, e, T, m=0.0: float(m + 0.5 * (b - m) * (1 + np.cos(np.pi * e / T))))
right("ex09_cosine")(lambda b, e, T, m=0.0: b - (b - m) * (1 - math.cos(math.pi * e / T)) / 2)


def warmup_cosine_over_total(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, total)


def warmup_factor_not_scaled(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return start_factor + (base_lr - start_factor) * epoch / warmup
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def warmup_to_floor(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, total - warmup, start_factor * base_lr)


def warmup_one_late(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch <= warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / (warmup + 1))
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def warmup_cosine_unshifted_end(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup + 1, total - warmup + 1)


for _fn in (
    warmup_cosine_over_total,
    warmup_factor_not_scaled,
    warmup_to_floor,
    warmup_one_late,
    warmup_cosine_unshifted_end,
):
    wrong("ex09_warmup", EPOCH)(_fn)


@right("ex09_warmup")
def warmup_inclusive(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch <= warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, T_max=total - warmup)


@right("ex09_warmup")
def warmup_interpolated(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return float(np.interp(epoch, [0, warmup], [start_factor * base_lr, base_lr]))
    return base_lr * (1 + math.cos(math.pi * (epoch - warmup) / (total - warmup))) / 2


@right("ex09_warmup")
def warmup_own_cosine(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch >= warmup:
        return cosine_lr(base_lr, epoch - warmup, total - warmup, eta_min=0.0)
    return base_lr * start_factor + base_lr * (1 - start_factor) * epoch / warmup
