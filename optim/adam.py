"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_betas, check_nonnegative
from ._kernels import decay_add_square_, lerp_
from .optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t = 1, 2, ...``::

        g   = -g_t if maximize else g_t
        g   = g + weight_decay * p                  # L2 penalty (Adam); see AdamW
        m_t = beta1 * m_{t-1} + (1 - beta1) * g     # first moment, m_0 = 0
        v_t = beta2 * v_{t-1} + (1 - beta2) * g**2  # second moment, v_0 = 0
        vmax_t = max(vmax_{t-1}, v_t)               # only with amsgrad; used instead of v_t
        p   = p - lr / (1 - beta1**t) * m_t / (sqrt(v_t) / sqrt(1 - beta2**t) + eps)

    The two ``1 - beta**t`` factors undo the bias of starting the averages at zero; note that
    ``eps`` is added after the bias correction of ``sqrt(v_t)``. State: ``step`` (int),
    ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq`` (vmax).
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

    def _validate(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        check_nonnegative(name, "lr", group["lr"])
        check_nonnegative(name, "eps", group["eps"])
        check_betas(name, group["betas"])
        check_nonnegative(name, "weight_decay", group["weight_decay"])

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        for p, grad in self._params_with_grad(group):
            x = p.data
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {
                    "step": 0,
                    "exp_avg": np.zeros_like(x),
                    "exp_avg_sq": np.zeros_like(x),
                }
            state["step"] += 1
            t = state["step"]
            if self._decoupled:
                if weight_decay != 0:
                    x *= 1 - lr * weight_decay
                g = self._decayed_grad(x, grad, 0, group["maximize"])
            else:
                g = self._decayed_grad(x, grad, weight_decay, group["maximize"])
            m, v = state["exp_avg"], state["exp_avg_sq"]
            tmp = self._buffer(x, 1)
            lerp_(m, g, 1 - beta1, tmp)
            decay_add_square_(v, beta2, g, tmp)
            if group["amsgrad"]:
                if "max_exp_avg_sq" not in state:
                    state["max_exp_avg_sq"] = np.zeros_like(x)
                v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            step_size = lr / (1 - beta1**t)
            # denom = sqrt(v) / sqrt(1 - beta2**t) + eps, in tmp
            np.sqrt(v, out=tmp)
            tmp /= (1 - beta2**t) ** 0.5
            tmp += eps
            # p -= step_size * m / denom; g is no longer needed, so slot 0 is free
            update = self._buffer(x, 0)
            np.multiply(m, step_size, out=update)
            update /= tmp
            x -= update


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    Same as :class:`Adam` except the decay acts on the parameter directly, scaled by ``lr``,
    before the Adam step, and is not fed through the moment estimates::

        p = p * (1 - lr * weight_decay)
        ... then the Adam update with g = (-g_t if maximize else g_t)

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
