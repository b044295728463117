"""Run several schedulers one after another, switching at given epochs."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from ..optimizer import Optimizer
from ..state_io import as_list
from .base import LRScheduler, check_optimizer, refuse_epoch
from .plateau import ReduceLROnPlateau


class SequentialLR(LRScheduler):
    """Use ``schedulers[i]`` from epoch ``milestones[i-1]`` until ``milestones[i]``.

    E.g. a 5-epoch warm-up then cosine decay::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        decay = CosineAnnealingLR(opt, T_max=95)
        sched = SequentialLR(opt, [warmup, decay], milestones=[5])

    At a milestone the next scheduler restarts at its own epoch 0 from the groups' base LRs
    (its closed form), not from the LR the previous one left. Semantics follow PyTorch: the
    constructor resets every group's LR to ``initial_lr``, undoes the initial step each
    sub-scheduler took when it was built, and takes the initial step of the one active at
    epoch 0. A SequentialLR may itself be one of the stages (PyTorch cannot hand over to one).
    """

    _not_state = (*LRScheduler._not_state, "_schedulers")

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        check_optimizer("SequentialLR", optimizer)
        schedulers = list(schedulers)
        milestones = [int(m) for m in milestones]
        if not schedulers:
            raise ValueError("SequentialLR: schedulers is empty; give at least one")
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau) or not isinstance(scheduler, LRScheduler):
                raise ValueError(
                    f"SequentialLR: schedulers[{i}] is a {type(scheduler).__name__}; "
                    "it must be an epoch-based LRScheduler (not ReduceLROnPlateau)"
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR: schedulers[{i}] belongs to a different optimizer")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                f"milestones, got {len(milestones)}"
            )
        if milestones != sorted(milestones):
            raise ValueError(f"SequentialLR: milestones={milestones} must be non-decreasing")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            _undo_initial_step(scheduler)
        first = schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch, delegating to the scheduler active at the new epoch (no
        ``epoch``, as in PyTorch)."""
        refuse_epoch("SequentialLR", epoch)
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)  # hand-over: restart at epoch 0 from the base LRs
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def _closed_form_lr(self) -> list[float]:
        """Restart at ``last_epoch`` (a hand-over from an enclosing SequentialLR): the
        scheduler active then restarts at its own epoch, counted from its milestone."""
        idx = bisect_right(self._milestones, self.last_epoch)
        start = self._milestones[idx - 1] if idx > 0 else 0
        scheduler = self._schedulers[idx]
        scheduler._update_lr(self.last_epoch - start)
        return scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """This scheduler's attributes plus each sub-scheduler's state under "_schedulers"."""
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore this scheduler and each sub-scheduler."""
        state = dict(state_dict)
        nested = as_list(state.pop("_schedulers", []), "SequentialLR.load_state_dict")
        if len(nested) != len(self._schedulers):
            raise ValueError(
                f"SequentialLR.load_state_dict: saved state has {len(nested)} schedulers, "
                f"this one has {len(self._schedulers)}"
            )
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, nested, strict=True):
            scheduler.load_state_dict(saved)


def _undo_initial_step(scheduler: LRScheduler) -> None:
    """Step back ``last_epoch`` by one, recursing into nested SequentialLRs."""
    if isinstance(scheduler, SequentialLR):
        for inner in scheduler._schedulers:
            _undo_initial_step(inner)
    else:
        scheduler.last_epoch -= 1
