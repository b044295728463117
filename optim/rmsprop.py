"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .checks import check_nonnegative
from .optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t``::

        g = -g_t if maximize else g_t
        g = g + weight_decay * p                        # L2 penalty
        v = alpha * v + (1 - alpha) * g**2              # mean square, v = 0 before step 1
        if centered:                                    # subtract the squared mean gradient
            a = alpha * a + (1 - alpha) * g             # mean gradient, a = 0 before step 1
            s = sqrt(v - a**2) + eps
        else:
            s = sqrt(v) + eps
        if momentum > 0:
            b = momentum * b + g / s                    # b = 0 before step 1
            p = p - lr * b
        else:
            p = p - lr * g / s

    Unlike Adam there is no bias correction, and ``eps`` is added outside the square root.
    State (PyTorch's names): ``step`` (the count of steps), ``square_avg`` (v), ``grad_avg`` (a,
    centered only), ``momentum_buffer`` (b, momentum only).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            check_nonnegative("RMSprop", name, group[name])

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        alpha, momentum, weight_decay = group["alpha"], group["momentum"], group["weight_decay"]
        if not state:  # the first step: v = 0
            state.update(step=0, square_avg=np.zeros_like(p))
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = np.zeros_like(p)
        if momentum > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = np.zeros_like(p)
        state["step"] += 1
        v = state["square_avg"]

        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * p
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1 - alpha) * g
            s = np.sqrt(v - a * a) + group["eps"]
        else:
            s = np.sqrt(v) + group["eps"]
        if momentum > 0:
            b = state["momentum_buffer"]
            b *= momentum
            b += g / s
            p -= group["lr"] * b
        else:
            p -= group["lr"] * g / s
