"""Adagrad: per-coordinate step sizes that shrink with the sum of past squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_nonnegative
from .optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer, 2011), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t = 1, 2, ...``::

        g   = -g_t if maximize else g_t
        g   = g + weight_decay * p                      # L2 penalty
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G_t = G_{t-1} + g**2                            # G_0 = initial_accumulator_value
        p   = p - lr_t * g / (sqrt(G_t) + eps)

    State: ``step`` and ``sum`` (G). PyTorch creates the state when the optimizer is built;
    here it is created at the first step that sees a gradient (same numbers).
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

    def _validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_nonnegative("Adagrad", name, group[name])

    def _step_group(self, group: dict[str, Any]) -> None:
        for p, grad in self._params_with_grad(group):
            x = p.data
            state = self.state.get(p)
            if state is None:
                initial = group["initial_accumulator_value"]
                state = self.state[p] = {"step": 0, "sum": np.full_like(x, initial)}
            state["step"] += 1
            g = self._decayed_grad(x, grad, group["weight_decay"], group["maximize"])
            clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
            total = state["sum"]
            tmp = self._buffer(x, 1)
            np.multiply(g, g, out=tmp)
            total += tmp
            np.sqrt(total, out=tmp)
            tmp += group["eps"]
            # p -= clr * g / (sqrt(G) + eps), computed as (clr * g) / std like PyTorch
            update = self._buffer(x, 2)
            np.multiply(g, clr, out=update)
            update /= tmp
            x -= update
