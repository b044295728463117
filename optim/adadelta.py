"""Adadelta: step sizes from running averages of squared gradients and of squared steps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .checks import check_nonnegative
from .optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g``::

        g     = -g if maximize else g
        g     = g + weight_decay * p                          # L2 penalty
        v     = rho * v + (1 - rho) * g**2                    # running mean of g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g             # the step, in p's units
        u     = rho * u + (1 - rho) * delta**2                # running mean of delta^2
        p     = p - lr * delta

    State (PyTorch's names): ``step``, ``square_avg`` (v) and ``acc_delta`` (u), both starting
    at zero. PyTorch's default ``lr`` is 1.0: the step's size comes from the ratio.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "eps", "weight_decay"):
            check_nonnegative("Adadelta", name, group[name])
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: rho must be between 0 and 1, got {group['rho']}")

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))
        state["step"] += 1
        v, u = state["square_avg"], state["acc_delta"]
        rho, eps = group["rho"], group["eps"]

        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= group["lr"] * delta
