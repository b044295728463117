"""Several schedulers at once on one optimizer: each ``step()`` steps them all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..optimizer import Optimizer
from ..state_io import as_list
from .base import LRScheduler, check_optimizer, refuse_epoch
from .plateau import ReduceLROnPlateau


class ChainedScheduler(LRScheduler):
    """Step every scheduler of ``schedulers``, in order, on each ``step()``.

    The schedules compound because each one updates ``group["lr"]`` from its current value;
    e.g. a constant warm-up factor and an exponential decay::

        chain = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2),
                                  ExponentialLR(opt, gamma=0.9)])
        # lr(e) = base_lr * 0.9**e * (0.1 if e < 2 else 1)

    Building the chain takes no step (each scheduler took its own initial step when it was
    built). All schedulers must drive the same optimizer (``optimizer`` defaults to the
    first's); ReduceLROnPlateau cannot be chained (its ``step`` needs a metric). ``state_dict()``
    holds each scheduler's state under "_schedulers", as PyTorch.
    """

    _not_state = (*LRScheduler._not_state, "_schedulers")

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        owner = "ChainedScheduler"
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError(f"{owner}: schedulers is empty; give at least one")
        if optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        check_optimizer(owner, optimizer)
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau) or not isinstance(scheduler, LRScheduler):
                raise ValueError(
                    f"{owner}: schedulers[{i}] is a {type(scheduler).__name__}; it must be an "
                    "epoch-based LRScheduler (ReduceLROnPlateau's step needs a metric)"
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"{owner}: schedulers[{i}] belongs to a different optimizer")
        assert optimizer is not None  # check_optimizer refused None
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self, epoch: int | None = None) -> None:
        """Step each scheduler once, in the order given (no ``epoch``, as in PyTorch)."""
        refuse_epoch("ChainedScheduler", epoch)
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """This scheduler's attributes plus each scheduler's state under "_schedulers"."""
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore this scheduler and each chained one."""
        state = dict(state_dict)
        nested = as_list(state.pop("_schedulers", []), "ChainedScheduler.load_state_dict")
        if len(nested) != len(self._schedulers):
            raise ValueError(
                f"ChainedScheduler.load_state_dict: saved state has {len(nested)} schedulers, "
                f"this one has {len(self._schedulers)}"
            )
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, nested, strict=True):
            scheduler.load_state_dict(saved)

    def __repr__(self) -> str:
        names = ", ".join(type(s).__name__ for s in self._schedulers)
        return f"ChainedScheduler([{names}], lr={self._last_lr})"
