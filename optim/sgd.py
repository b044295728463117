"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .checks import check_nonnegative
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t``::

        g   = -g_t if maximize else g_t
        g   = g + weight_decay * p                      # L2 penalty (if weight_decay != 0)
        if momentum != 0:
            b_1 = g                                     # first step: no dampening
            b_t = momentum * b_{t-1} + (1 - dampening) * g
            d   = g + momentum * b_t  if nesterov  else  b_t
        else:
            d   = g
        p   = p - lr * d

    State: ``momentum_buffer`` (b, only when momentum != 0). Nesterov needs ``momentum > 0`` and
    ``dampening == 0``. PyTorch 2.x's default ``lr`` is 1e-3.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def validate(self, group: dict[str, Any]) -> None:
        check_nonnegative("SGD", "lr", group["lr"])
        check_nonnegative("SGD", "momentum", group["momentum"])
        check_nonnegative("SGD", "dampening", group["dampening"])
        check_nonnegative("SGD", "weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: invalid nesterov=True with momentum={group['momentum']!r} and "
                f"dampening={group['dampening']!r}; Nesterov needs momentum > 0 and dampening 0"
            )

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr = self._scalar(group["lr"], p)  # a 0-d array of p's dtype: see _scalar
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = np.array(g, dtype=p.dtype)  # a copy
            else:
                b *= momentum
                b += (1 - group["dampening"]) * g
            d = g + momentum * b if group["nesterov"] else b
        else:
            d = g
        p -= lr * d
