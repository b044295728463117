"""The 1cycle policy: LR up then down (and momentum down then up) over one run."""

from __future__ import annotations

import math
import numbers
from typing import Any

from ..checks import check_positive_int
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, per_group


class OneCycleLR(LRScheduler):
    r"""The 1cycle learning-rate policy (Smith & Topin, 2018); step it after every batch.

    With ``T = total_steps`` (or ``epochs * steps_per_epoch``), each group's LR goes

    * from ``initial_lr = max_lr / div_factor`` up to ``max_lr`` over steps ``0 ..
      pct_start * T - 1``,
    * then down to ``min_lr = initial_lr / final_div_factor`` at step ``T - 1``.

    With ``three_phase=True`` it goes up, back down to ``initial_lr`` by step ``2 * pct_start *
    T - 2``, then down to ``min_lr``. Within a phase from ``a`` to ``b`` at fraction ``f`` of
    the way::

        cos:    b + (a - b) * (1 + cos(pi * f)) / 2
        linear: a + (b - a) * f

    With ``cycle_momentum`` the momentum (SGD/RMSprop ``momentum``, Adam's ``beta1``) moves the
    opposite way, between ``max_momentum`` and ``base_momentum``. The constructor stores
    ``initial_lr, max_lr, min_lr`` (and ``max_momentum, base_momentum``) in each parameter
    group, as PyTorch does, and stepping past ``T`` raises ValueError.
    """

    pct_start: float
    three_phase: bool
    anneal_strategy: str
    cycle_momentum: bool
    use_beta1: bool  # Adam's beta1 cycles (else the optimizer's momentum)

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        owner = "OneCycleLR"
        check_optimizer(owner, optimizer)
        if total_steps is not None:
            check_positive_int(owner, "total_steps", total_steps)
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            check_positive_int(owner, "epochs", epochs)
            check_positive_int(owner, "steps_per_epoch", steps_per_epoch)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(f"{owner}: give total_steps, or both epochs and steps_per_epoch")
        if not (isinstance(pct_start, numbers.Real) and 0 <= pct_start <= 1):
            raise ValueError(f"{owner}: invalid pct_start={pct_start!r}; expected 0..1")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{owner}: invalid anneal_strategy={anneal_strategy!r}; expected 'cos' or 'linear'"
            )
        self.pct_start = float(pct_start)
        self.three_phase = bool(three_phase)
        self.anneal_strategy = anneal_strategy
        self.cycle_momentum = bool(cycle_momentum)
        groups = optimizer.param_groups
        max_lrs = per_group(owner, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, peak in zip(groups, max_lrs, strict=True):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"{owner}: cycle_momentum=True needs an optimizer with momentum or betas; "
                    f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            highs = per_group(owner, "max_momentum", optimizer, max_momentum)
            lows = per_group(owner, "base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, high, low in zip(groups, highs, lows, strict=True):
                    self._set_momentum(group, high)
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch)

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        """(end step, start LR key, end LR key, start momentum key, end momentum key)."""
        total, pct = self.total_steps, self.pct_start
        if self.three_phase:
            return [
                (float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (
                    float(2 * pct * total) - 2,
                    "max_lr",
                    "initial_lr",
                    "base_momentum",
                    "max_momentum",
                ),
                (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        return [
            (float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ]

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: stepped {step} times but total_steps is {self.total_steps}"
            )
        phases = self._phases()
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, lr_a, lr_b, mom_a, mom_b) in enumerate(phases):
                if step <= end_step or i == len(phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[lr_a], group[lr_b], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[mom_a], group[mom_b], pct))
                    break
                start_step = end_step
        return lrs
