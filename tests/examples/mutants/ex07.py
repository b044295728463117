"""Exercise 7's wrong and correct solutions for the mutation suite.

Momentum: the Momentum optimizer's update.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import warnings

import numpy as np

import optim

from .common import GRAD_CHANGED, MOMENTUM, SHARED, right, wrong

# == ex07_momentum ===============================================================================


def momentum_on_self(self, p, g, state, group):
    if not hasattr(self, "b"):
        self.b = np.zeros_like(p)
    self.b = group["momentum"] * self.b + g
    step = g + group["momentum"] * self.b if group["nesterov"] else self.b
    p -= group["lr"] * step


def momentum_in_group(self, p, g, state, group):
    b = group.get("velocity")
    group["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


def momentum_nesterov_old_velocity(self, p, g, state, group):
    old = state.get("velocity", np.zeros_like(p))
    state["velocity"] = group["momentum"] * old + g
    step = g + group["momentum"] * old if group["nesterov"] else state["velocity"]
    p -= group["lr"] * step


def momentum_scales_gradient(self, p, g, state, group):
    g *= group["lr"]  # the caller's p.grad, scaled
    b = state.get("velocity")
    state["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= g + group["momentum"] * b if group["nesterov"] else b


def momentum_lr_times_momentum(self, p, g, state, group):
    b = state.get("velocity")
    state["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    step = g + group["momentum"] * b if group["nesterov"] else b
    p -= group["lr"] * group["momentum"] * step


for _rule, _pattern in (
    (momentum_on_self, SHARED),
    (momentum_in_group, SHARED),
    (momentum_nesterov_old_velocity, r"nesterov"),
    (momentum_scales_gradient, GRAD_CHANGED),
    (momentum_lr_times_momentum, r"step 1|times|ratio"),
):
    wrong("ex07_momentum", _pattern)(MOMENTUM(_rule))


def momentum_zeros_first(self, p, g, state, group):
    b = state.setdefault("velocity", np.zeros_like(p))
    b *= group["momentum"]
    b += g
    p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


def momentum_get_default(self, p, g, state, group):
    state["b"] = state.get("b", 0.0) * group["momentum"] + g
    d = state["b"]
    if group["nesterov"]:
        d = g + group["momentum"] * d
    np.subtract(p, group["lr"] * d, out=p)


def momentum_slice_assign(self, p, g, state, group):
    if "velocity" in state:
        state["velocity"] = group["momentum"] * state["velocity"] + g
    else:
        state["velocity"] = np.array(g, copy=True)
    b = state["velocity"]
    p[...] = p - group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


for _rule in (momentum_zeros_first, momentum_get_default, momentum_slice_assign):
    right("ex07_momentum")(MOMENTUM(_rule))


with warnings.catch_warnings():  # the old name warns when the class is made
    warnings.simplefilter("ignore", DeprecationWarning)

    class MomentumOldName(optim.Optimizer):
        """Written for the old extension point, ``_update`` (deprecated, still working)."""

        def __init__(self, params, lr=0.01, momentum=0.9, nesterov=False):
            super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})

        _update = momentum_zeros_first


right("ex07_momentum")(MomentumOldName)
