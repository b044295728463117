"""Adagrad: per-coordinate step sizes that shrink with the sum of past squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .checks import check_nonnegative
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer, 2011), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t = 1, 2, ...``::

        g    = -g_t if maximize else g_t
        g    = g + weight_decay * p                     # L2 penalty
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G    = G + g**2                                 # G = initial_accumulator_value at first
        p    = p - lr_t * g / (sqrt(G) + eps)

    State (PyTorch's names): ``step`` (t) and ``sum`` (G). PyTorch creates the state when the
    optimizer is built; here it is created at the first step that sees a gradient (same
    numbers).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_nonnegative("Adagrad", name, group[name])

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:  # the first step: G = initial_accumulator_value
            state.update(step=0, sum=np.full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        t, G = state["step"], state["sum"]

        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        G += g * g
        p -= lr_t * g / (np.sqrt(G) + group["eps"])
