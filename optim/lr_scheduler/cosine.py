"""Cosine annealing from the base LR down to ``eta_min`` over ``T_max`` epochs."""

from __future__ import annotations

import math

from ..checks import check_positive_int
from ..optimizer import Optimizer
from .base import LRScheduler


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing (SGDR without restarts, Loshchilov & Hutter, 2017).

    Closed form, followed when this scheduler acts alone::

        lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    so the LR falls from ``base_lr`` at epoch 0 to ``eta_min`` at ``T_max``, and past
    ``T_max`` rises again along the same cosine (period ``2 * T_max``).

    Like PyTorch, each step computes the LR recursively from the current one, which lets it
    compose with other schedulers acting on the same optimizer::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T)) / (1 + cos(pi (t-1) / T))

    and, at the trough (where that ratio is 0/0), ``lr_t = lr_{t-1} + (base_lr - eta_min) *
    (1 - cos(pi / T)) / 2``.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        check_positive_int("CosineAnnealingLR", "T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and t > 0:
            # First step of a scheduler resumed at last_epoch > 0: use the closed form.
            return self._closed_form_lr()
        if (t - 1 - period) % (2 * period) == 0:
            rise = (1 - math.cos(math.pi / period)) / 2
            return [
                group["lr"] + (base - eta_min) * rise
                for base, group in zip(self.base_lrs, groups, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (group["lr"] - eta_min) + eta_min for group in groups]

    def _closed_form_lr(self) -> list[float]:
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * cosine / 2 for base in self.base_lrs]
