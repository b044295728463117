"""The scheduler base class: one ``step()`` per epoch (or batch) sets each group's ``lr``."""

from __future__ import annotations

import warnings
from typing import Any

from ..optimizer import Optimizer
from ..state_io import to_plain, to_python


class LRScheduler:
    """Base class of the learning-rate schedulers, with PyTorch's semantics.

    Constructing a scheduler records ``group["initial_lr"]`` (if absent) as each group's base
    LR, sets ``last_epoch = 0`` and writes the schedule's first LR into the optimizer (the
    "initial step"). Each later ``step()`` advances ``last_epoch`` by one and writes
    ``lr(last_epoch)``. Call it after ``optimizer.step()``::

        for epoch in range(epochs):
            train_one_epoch(model, opt)    # many opt.step() calls
            sched.step()

    Most schedules are computed recursively from the current ``group["lr"]`` (as PyTorch
    does), so several schedulers can act on one optimizer and multiply their effects; each
    class states the closed form the recursion follows when used alone.

    ``get_last_lr()`` returns the LRs written by the latest step. ``state_dict()`` holds every
    attribute except the optimizer (plain values only); ``load_state_dict()`` restores them.
    """

    # Attributes left out of state_dict(): live objects, not state.
    _not_state: tuple[str, ...] = ("optimizer", "_is_initial")
    # True only during the initial step taken by the constructor.
    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        check_optimizer(name, optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: param_groups[{i}] has no 'initial_lr'; resuming with "
                        f"last_epoch={last_epoch} needs the optimizer state of that run"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the step that writes the schedule's first LR."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The LRs for ``last_epoch`` (called by ``step`` after it advances ``last_epoch``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def _closed_form_lr(self) -> list[float]:
        """The LRs at ``last_epoch`` computed from ``base_lrs`` alone; used when a
        SequentialLR hands control to this scheduler. Defaults to ``get_lr``."""
        return self.get_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new LR into every parameter group.

        ``step(epoch)``, PyTorch's deprecated form, jumps to ``epoch`` and writes the
        schedule's closed form there (with PyTorch's warning)."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(
                f"{type(self).__name__}.step(epoch) is deprecated in PyTorch; call step() once "
                "per epoch (step(epoch) jumps to the closed form at that epoch)",
                UserWarning,
                stacklevel=2,
            )
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The LR of each parameter group as set by the most recent step."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer, as plain values (lists copied)."""
        return {k: to_plain(v) for k, v in vars(self).items() if k not in self._not_state}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by ``state_dict()`` (0-d arrays and arrays from an
        ``.npz`` round trip become Python numbers and lists)."""
        for key, value in state_dict.items():
            setattr(self, key, to_python(value))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"


class _LRScheduler(LRScheduler):
    """PyTorch's former name of ``LRScheduler``, which older code subclasses."""


def check_optimizer(owner: str, optimizer: Any) -> None:
    """Raise TypeError unless ``optimizer`` is an ``optim.Optimizer``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: expected an optim.Optimizer, got {type(optimizer).__name__}")


def refuse_epoch(owner: str, epoch: Any) -> None:
    """Raise TypeError for ``step(epoch)`` on a scheduler that steps its own schedulers (as
    PyTorch's ``step()`` takes no argument there)."""
    if epoch is not None:
        raise TypeError(f"{owner}.step() takes no epoch: it steps each of its schedulers once")


def per_group(owner: str, name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """Expand a scalar to one value per parameter group, or check a list's length."""
    count = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"{owner}: {name} has {len(value)} values but the optimizer has {count} "
                "parameter groups"
            )
        return list(value)
    return [value] * count
