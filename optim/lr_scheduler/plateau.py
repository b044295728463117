"""Reduce the LR when a monitored metric stops improving."""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..checks import check_nonnegative, check_unit_interval
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, per_group


class ReduceLROnPlateau(LRScheduler):
    """Multiply the LR by ``factor`` once the metric has not improved for ``patience`` epochs.

    Call ``step(metric)`` once per epoch with e.g. the validation loss. With
    ``mode="min"`` a value ``a`` improves on the best so far when::

        a < best * (1 - threshold)      threshold_mode="rel"
        a < best - threshold            threshold_mode="abs"

    (``mode="max"``: ``a > best * (1 + threshold)`` or ``a > best + threshold``). After more
    than ``patience`` epochs in a row without improvement each group's LR becomes
    ``max(lr * factor, min_lr)`` (unchanged if that moves it by ``eps`` or less), then
    ``cooldown`` epochs pass during which bad epochs are not counted. Same rules as PyTorch.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0,
        eps: float = 1e-8,
    ) -> None:
        owner = "ReduceLROnPlateau"
        check_optimizer(owner, optimizer)
        check_unit_interval(owner, "factor", factor)
        if mode not in ("min", "max"):
            raise ValueError(f"{owner}: invalid mode={mode!r}; expected 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{owner}: invalid threshold_mode={threshold_mode!r}; expected 'rel' or 'abs'"
            )
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{owner}: invalid {name}={value!r}; expected an integer >= 0")
        check_nonnegative(owner, "threshold", threshold)
        check_nonnegative(owner, "eps", eps)
        self.optimizer = optimizer
        self.min_lrs = per_group(owner, "min_lr", optimizer, min_lr)
        for i, value in enumerate(self.min_lrs):
            check_nonnegative(owner, f"min_lr[{i}]", value)
        # A single min_lr also applies to groups added later; a per-group list cannot.
        self._min_lr_per_group = isinstance(min_lr, (list, tuple))
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, a: float, best: float) -> bool:
        """True if metric value ``a`` counts as an improvement on ``best``."""
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return a < best * (1.0 - self.threshold)
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    @property
    def in_cooldown(self) -> bool:
        """True while bad epochs are being ignored after a reduction."""
        return self.cooldown_counter > 0

    # (PyTorch's step takes the metric: the base's step() has no argument, so the checker says
    # the signature differs. It does, on purpose.)
    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record one epoch's metric (a number or a one-element Tensor/array) and reduce the
        LR if it has stalled. ``epoch`` (PyTorch's deprecated argument) sets ``last_epoch``."""
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        if epoch is None:
            self.last_epoch += 1
        else:
            warnings.warn(
                "ReduceLROnPlateau.step(metrics, epoch) is deprecated in PyTorch; call "
                "step(metrics) once per epoch",
                UserWarning,
                stacklevel=2,
            )
            self.last_epoch = epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self._min_lr_per_group:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimizer now has {len(groups)} parameter groups "
                    f"but min_lr lists {len(self.min_lrs)}; set scheduler.min_lrs to match"
                )
            self.min_lrs = [self.min_lrs[0]] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
