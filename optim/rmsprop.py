"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_nonnegative
from ._kernels import axpy_, decay_add_square_, lerp_
from .optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t``::

        g   = -g_t if maximize else g_t
        g   = g + weight_decay * p                      # L2 penalty
        v_t = alpha * v_{t-1} + (1 - alpha) * g**2      # v_0 = 0
        if centered:                                    # subtract the squared mean gradient
            a_t = alpha * a_{t-1} + (1 - alpha) * g     # a_0 = 0
            s   = sqrt(v_t - a_t**2) + eps
        else:
            s   = sqrt(v_t) + eps
        if momentum > 0:
            b_t = momentum * b_{t-1} + g / s            # b_0 = 0
            p   = p - lr * b_t
        else:
            p   = p - lr * g / s

    Unlike Adam there is no bias correction, and ``eps`` is added outside the square root.
    State: ``step``, ``square_avg`` (v), ``grad_avg`` (a, centered only), ``momentum_buffer``
    (b, momentum only).
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

    def _validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            check_nonnegative("RMSprop", name, group[name])

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        alpha = group["alpha"]
        eps = group["eps"]
        momentum = group["momentum"]
        for p, grad in self._params_with_grad(group):
            x = p.data
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0, "square_avg": np.zeros_like(x)}
            state["step"] += 1
            g = self._decayed_grad(x, grad, group["weight_decay"], group["maximize"])
            tmp = self._buffer(x, 1)
            square_avg = state["square_avg"]
            decay_add_square_(square_avg, alpha, g, tmp)
            avg = self._buffer(x, 2)
            if group["centered"]:
                if "grad_avg" not in state:
                    state["grad_avg"] = np.zeros_like(x)
                grad_avg = state["grad_avg"]
                lerp_(grad_avg, g, 1 - alpha, tmp)
                np.multiply(grad_avg, grad_avg, out=avg)
                np.subtract(square_avg, avg, out=avg)
                np.sqrt(avg, out=avg)
            else:
                np.sqrt(square_avg, out=avg)
            avg += eps
            if momentum > 0:
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = np.zeros_like(x)
                buf = state["momentum_buffer"]
                buf *= momentum
                np.divide(g, avg, out=tmp)
                buf += tmp
                axpy_(x, -lr, buf, tmp)
            else:
                np.multiply(g, lr, out=tmp)
                tmp /= avg
                x -= tmp
