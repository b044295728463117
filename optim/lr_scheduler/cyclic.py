"""Cyclical learning rates: the LR goes up and down between two bounds, batch after batch."""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

from ..optimizer import Optimizer
from ..state_io import to_plain, to_python
from .base import LRScheduler, check_optimizer, per_group

_MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(LRScheduler):
    """Cyclical learning rate (Smith, 2017); step it after every batch.

    A cycle lasts ``step_size_up + step_size_down`` steps (``step_size_down`` defaults to
    ``step_size_up``). At step t (``last_epoch``), with ``up = step_size_up / cycle length``::

        cycle = floor(1 + t / length)            (1 for the first cycle)
        x     = 1 + t / length - cycle           (position in the cycle, 0 .. 1)
        h     = x / up if x <= up else (x - 1) / (up - 1)    (0 -> 1 -> 0)
        lr    = base_lr + (max_lr - base_lr) * h * scale

    ``mode`` picks ``scale``: "triangular" 1; "triangular2" ``1 / 2**(cycle - 1)`` (the height
    halves every cycle); "exp_range" ``gamma**t``. A custom ``scale_fn(v)`` replaces the mode,
    called with ``v = cycle`` (``scale_mode="cycle"``) or ``v = t`` ("iterations").

    The constructor writes ``base_lr`` into each group's ``lr``. With ``cycle_momentum`` (the
    default) the momentum (SGD/RMSprop ``momentum``, or Adam's ``beta1``) moves the other way::

        momentum = max_momentum - (max_momentum - base_momentum) * h * scale

    starting at ``max_momentum``; each group records ``max_momentum`` and ``base_momentum``, as
    PyTorch. The sequence of LRs and momenta equals PyTorch's. ``state_dict()`` leaves out a
    custom ``scale_fn`` that is a function (pass the same one again); of a callable object it
    saves the attributes (under "_scale_fn_custom").
    """

    _not_state = (*LRScheduler._not_state, "_scale_fn_custom")

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        owner = "CyclicLR"
        check_optimizer(owner, optimizer)
        base_lrs = [float(v) for v in per_group(owner, "base_lr", optimizer, base_lr)]
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs, strict=True):
                group["lr"] = lr
        self.max_lrs = [float(v) for v in per_group(owner, "max_lr", optimizer, max_lr)]
        up = float(step_size_up)
        down = up if step_size_down is None else float(step_size_down)
        if not (up > 0 and down >= 0):
            raise ValueError(
                f"{owner}: step_size_up must be > 0 and step_size_down >= 0, got "
                f"{step_size_up!r} and {step_size_down!r}"
            )
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in _MODES:
            raise ValueError(
                f"{owner}: mode must be 'triangular', 'triangular2' or 'exp_range' (or give "
                f"scale_fn), got {mode!r}"
            )
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{owner}: scale_fn must be callable, got {type(scale_fn).__name__}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(
                f"{owner}: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}"
            )
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        # The built-in modes fix what their scale reads, as PyTorch does.
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"{owner}: cycle_momentum=True needs an optimizer with momentum or betas; "
                    f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = per_group(owner, "base_momentum", optimizer, base_momentum)
            self.max_momentums = per_group(owner, "max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for group, high, low in zip(
                    optimizer.param_groups, self.max_momentums, self.base_momentums, strict=True
                ):
                    self._set_momentum(group, high)
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch)
        # PyTorch's order: the initial step read the groups' initial_lr; from now on base_lr.
        self.base_lrs = base_lrs

    def scale_fn(self, v: float) -> float:
        """The height factor of cycle ``v`` (or step ``v``): the custom ``scale_fn`` or the
        mode's (1, ``1 / 2**(v - 1)`` or ``gamma**v``)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(v)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (v - 1))
        return self.gamma**v

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        up = self.step_ratio
        height = x / up if x <= up else (x - 1) / (up - 1)  # 0 -> 1 -> 0 over the cycle
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        lrs = [
            low + (high - low) * height * scale
            for low, high in zip(self.base_lrs, self.max_lrs, strict=True)
        ]
        if self.cycle_momentum:
            for group, low, high in zip(
                self.optimizer.param_groups, self.base_momentums, self.max_momentums, strict=True
            ):
                self._set_momentum(group, high - (high - low) * height * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The base state, plus the attributes of a custom ``scale_fn`` that is a callable
        object (a plain function or lambda is left out, as PyTorch)."""
        state = super().state_dict()
        fn = self._scale_fn_custom
        if fn is not None and not isinstance(fn, types.FunctionType):
            state["_scale_fn_custom"] = to_plain(dict(vars(fn)))
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state; a saved callable object's attributes go back into the current
        ``scale_fn``."""
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if saved is not None and self._scale_fn_custom is not None:
            vars(self._scale_fn_custom).update(to_python(saved))
