"""Linear change of the LR factor over the first ``total_iters`` epochs (warm-up)."""

from __future__ import annotations

from ..checks import check_positive_int
from ..optimizer import Optimizer
from .base import LRScheduler


class LinearLR(LRScheduler):
    r"""Scale the LR by a factor moving linearly from ``start_factor`` to ``end_factor``.

    Closed form::

        lr(epoch) = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)

    The default (1/3 -> 1 over 5 epochs) is a short warm-up. Each step computes the LR from the
    current one by the ratio of consecutive factors, as PyTorch does, so it composes with other
    schedulers.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(
                f"LinearLR: invalid start_factor={start_factor!r}; expected 0 < start_factor <= 1"
            )
        if not 0 <= end_factor <= 1:
            raise ValueError(
                f"LinearLR: invalid end_factor={end_factor!r}; expected 0 <= end_factor <= 1"
            )
        check_positive_int("LinearLR", "total_iters", total_iters)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return [group["lr"] for group in groups]
        change = self.end_factor - self.start_factor
        # factor(t) / factor(t - 1), written as PyTorch writes it
        ratio = 1.0 + change / (
            self.total_iters * self.start_factor + (self.last_epoch - 1) * change
        )
        return [group["lr"] * ratio for group in groups]

    def _closed_form_lr(self) -> list[float]:
        change = self.end_factor - self.start_factor
        fraction = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (self.start_factor + change * fraction) for base in self.base_lrs]
