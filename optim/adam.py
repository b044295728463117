"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .checks import check_betas, check_nonnegative
from .optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t = 1, 2, ...``::

        g     = -g_t if maximize else g_t
        g     = g + weight_decay * p                 # L2 penalty (Adam); AdamW decays p instead
        m     = beta1 * m + (1 - beta1) * g          # first moment, m = 0 before step 1
        v     = beta2 * v + (1 - beta2) * g**2       # second moment, v = 0 before step 1
        v_max = max(v_max, v)                        # amsgrad only; then used in place of v
        m_hat = m / (1 - beta1**t)                   # bias corrections: m and v start at 0
        v_hat = v / (1 - beta2**t)
        p     = p - lr * m_hat / (sqrt(v_hat) + eps)

    ``eps`` is added after the bias correction (to ``sqrt(v_hat)``). State (PyTorch's names):
    ``step`` (t, an int), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad,
    ``max_exp_avg_sq`` (v_max).
    """

    # AdamW sets this: decay p directly instead of adding weight_decay * p to the gradient.
    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def validate(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        check_nonnegative(name, "lr", group["lr"])
        check_nonnegative(name, "eps", group["eps"])
        check_betas(name, group["betas"])
        check_nonnegative(name, "weight_decay", group["weight_decay"])

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if not state:  # the first step: m = v = 0
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]

        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            if self._decoupled:
                p *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p -= lr * m_hat / (np.sqrt(v_hat) + group["eps"])


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    Same as :class:`Adam` except the decay acts on the parameter directly, scaled by ``lr``,
    before the Adam step, and is not fed through the moment estimates::

        p = p * (1 - lr * weight_decay)
        ... then Adam's rule with g = (-g_t if maximize else g_t), without the L2 term

    The default ``weight_decay`` is 1e-2.
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)
