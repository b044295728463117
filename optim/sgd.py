"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_nonnegative
from ._kernels import axpy_
from .optimizer import SMALL, Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as PyTorch computes it.

    For each parameter ``p`` with gradient ``g_t`` at step ``t``::

        g  = -g_t if maximize else g_t
        g  = g + weight_decay * p                       # L2 penalty (if weight_decay != 0)
        if momentum != 0:
            b_1 = g                                     # first step: no dampening
            b_t = momentum * b_{t-1} + (1 - dampening) * g
            d   = g + momentum * b_t  if nesterov  else  b_t
        else:
            d   = g
        p  = p - lr * d

    State: ``momentum_buffer`` (only when momentum != 0). Nesterov needs ``momentum > 0`` and
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

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonnegative("SGD", "lr", group["lr"])
        check_nonnegative("SGD", "momentum", group["momentum"])
        check_nonnegative("SGD", "dampening", group["dampening"])
        check_nonnegative("SGD", "weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: invalid nesterov=True with momentum={group['momentum']!r} and "
                f"dampening={group['dampening']!r}; Nesterov needs momentum > 0 and dampening 0"
            )

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        nesterov = group["nesterov"]
        weight_decay = group["weight_decay"]
        maximize = group["maximize"]
        if momentum == 0 and weight_decay == 0 and not maximize:
            # Plain SGD, p <- p - lr * g: the most common step, kept to two ufunc calls per
            # parameter. Small parameters take a fresh product (cheaper than the scratch
            # buffer's bookkeeping) and lr as a 0-d array of their dtype: NumPy converts a
            # Python float anew on every call, which costs as much as the product itself.
            # (lr rounded to the dtype, then one rounded product: the same as ``x -= lr * g``.)
            rate = None
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                x = p.data
                if grad.shape != x.shape:
                    self._bad_gradient(x, grad)
                if x.size <= SMALL:
                    if rate is None or rate.dtype is not x.dtype:
                        rate = np.array(lr, dtype=x.dtype)
                    x -= rate * grad
                else:
                    axpy_(x, -lr, grad, self._buffer(x, 0))
            return
        for p, grad in self._params_with_grad(group):
            x = p.data
            d = self._decayed_grad(x, grad, weight_decay, maximize)
            owned = d is not grad  # d is scratch we may overwrite
            if momentum != 0:
                state = self.state.get(p)
                buf = None if state is None else state.get("momentum_buffer")
                if buf is None:
                    buf = np.array(d, dtype=x.dtype, copy=True)
                    self.state.setdefault(p, {})["momentum_buffer"] = buf
                else:
                    buf *= momentum
                    if dampening == 0:
                        buf += d
                    else:
                        axpy_(buf, 1 - dampening, d, self._buffer(x, 1))
                if nesterov:
                    # d may live in scratch slot 0: compute d + momentum * buf in slot 1.
                    look_ahead = self._buffer(x, 1)
                    np.multiply(buf, momentum, out=look_ahead)
                    np.add(d, look_ahead, out=look_ahead)
                    d, owned = look_ahead, True
                else:
                    d, owned = buf, False
            # p += (-lr) * d, scaling d in place only when it is scratch.
            axpy_(x, -lr, d, d if owned else self._buffer(x, 1))
