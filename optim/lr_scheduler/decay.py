"""Multiplicative schedules: a user function, step decay, milestones, exponential decay."""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..checks import check_positive_int
from ..optimizer import Optimizer
from .base import LRScheduler, per_group


class LambdaLR(LRScheduler):
    """``lr(epoch) = base_lr * lr_lambda(epoch)``, with one function or one per group.

    The functions are not part of ``state_dict()`` (they cannot be saved); pass the same ones
    when rebuilding the scheduler.
    """

    _not_state = (*LRScheduler._not_state, "lr_lambdas")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = per_group("LambdaLR", "lr_lambda", optimizer, lr_lambda)
        for i, fn in enumerate(self.lr_lambdas):
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda[{i}] is a {type(fn).__name__}, not callable")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]


class StepLR(LRScheduler):
    """Multiply the LR by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``. A whole float
    ``step_size`` (``1.0``, as PyTorch's text classification tutorial writes) is read as an int.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, float) and float(step_size).is_integer():
            step_size = int(step_size)  # PyTorch accepts it; a fractional one stays refused
        check_positive_int("StepLR", "step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the LR by ``gamma`` at each epoch listed in ``milestones``.

    Closed form: ``lr(epoch) = base_lr * gamma ** (number of milestones <= epoch)``; a
    milestone listed twice counts twice.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        # A sorted list (repeats kept) rather than a Counter, so state_dict() stays plain.
        self.milestones = sorted(_epoch("MultiStepLR", "milestones", m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        hits = self.milestones.count(self.last_epoch)
        groups = self.optimizer.param_groups
        if hits == 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma**hits for group in groups]

    def _closed_form_lr(self) -> list[float]:
        passed = bisect_right(self.milestones, self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the LR by ``gamma`` every epoch: ``lr(epoch) = base_lr * gamma ** epoch``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


def _epoch(owner: str, name: str, value: Any) -> int:
    """``value`` as a whole epoch number. A fraction is refused, not truncated: epochs count in
    whole steps, so a milestone of 1.5 would never be reached (PyTorch keeps it and never
    decays there); int() would silently move it to 1."""
    number = operator.index(value) if isinstance(value, int | np.integer) else None
    if number is None:
        if not isinstance(value, float | np.floating) or not float(value).is_integer():
            raise ValueError(
                f"{owner}: {name} must be whole epoch numbers, got {value!r} (a fractional "
                "milestone would never be reached)"
            )
        number = int(value)
    return number


class MultiplicativeLR(LRScheduler):
    """Multiply the LR by ``lr_lambda(epoch)`` at every step after the first:
    ``lr(epoch) = lr(epoch - 1) * lr_lambda(epoch)``, one function or one per group (not part of
    ``state_dict()``, as ``LambdaLR``'s)."""

    _not_state = (*LRScheduler._not_state, "lr_lambdas")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = per_group("MultiplicativeLR", "lr_lambda", optimizer, lr_lambda)
        for i, fn in enumerate(self.lr_lambdas):
            if not callable(fn):
                raise TypeError(
                    f"MultiplicativeLR: lr_lambda[{i}] is a {type(fn).__name__}, not callable"
                )
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch > 0:
            return [g["lr"] * fn(self.last_epoch) for fn, g in zip(self.lr_lambdas, groups)]
        return [group["lr"] for group in groups]


class ConstantLR(LRScheduler):
    """Scale the LR by ``factor`` until epoch ``total_iters``, then restore it.

    Closed form: ``lr(epoch) = base_lr * (factor if epoch < total_iters else 1)``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < factor <= 1:
            raise ValueError(f"ConstantLR: factor must be in (0, 1], got {factor}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in groups]
        if self.last_epoch != self.total_iters:
            return [group["lr"] for group in groups]
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def _closed_form_lr(self) -> list[float]:
        scale = self.factor if self.last_epoch < self.total_iters else 1.0
        return [base * scale for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the LR polynomially to zero over ``total_iters`` epochs, then keep it there.

    Closed form: ``lr(epoch) = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power``.
    """

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        check_positive_int("PolynomialLR", "total_iters", total_iters)
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        t, total = self.last_epoch, self.total_iters
        if t == 0 or t > total:
            return [group["lr"] for group in groups]
        factor = ((1.0 - t / total) / (1.0 - (t - 1) / total)) ** self.power
        return [group["lr"] * factor for group in groups]

    def _closed_form_lr(self) -> list[float]:
        done = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (1.0 - done) ** self.power for base in self.base_lrs]
