"""Exercise 11's wrong and correct solutions for the mutation suite.

Weight decay: the L2 penalty and SGDW.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

from .common import GRAD_CHANGED, SGDW, SHARED, right, wrong

# == ex11_l2 =====================================================================================

for _fn in (
    lambda params, lam: lam / 2 * sum(p.sum() ** 2 for p in params),
    lambda params, lam: lam / 2 * sum((p * p).sum() for p in params[:-1]),
    lambda params, lam: lam / 2 * sum((p * p).sum() for p in params) / len(params),
    lambda params, lam: lam**2 / 2 * sum((p * p).sum() for p in params),
    lambda params, lam: lam / 2 * sum(p.abs().sum() ** 2 for p in params),
):
    wrong("ex11_l2", r"is .* expected|times|ratio|gradient")(_fn)


@right("ex11_l2")
def l2_loop(params, lam):
    total = 0.0
    for p in params:
        total = total + (p**2).sum()
    return total * (lam / 2)


right("ex11_l2")(lambda params, lam: sum(0.5 * lam * (p * p).sum() for p in params))
right("ex11_l2")(lambda params, lam: lam * sum((p * p / 2).sum() for p in params))

# == ex11_sgdw ===================================================================================


def _velocity(state, g, momentum):
    b = state.get("velocity")
    state["velocity"] = b = np.array(g) if b is None else momentum * b + g
    return b


def sgdw_on_self(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    self.b = g.copy() if not hasattr(self, "b") else group["momentum"] * self.b + g
    p -= group["lr"] * self.b


def sgdw_decay_in_velocity(self, p, g, state, group):
    b = _velocity(state, g, group["momentum"])
    b -= group["weight_decay"] * p  # stored in the velocity, so it carries over
    p -= group["lr"] * b


def sgdw_aliases_grad(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    if "velocity" not in state:
        state["velocity"] = g  # the caller's gradient array
    else:
        state["velocity"] *= group["momentum"]
        state["velocity"] += g
    p -= group["lr"] * state["velocity"]


def sgdw_pow_decay(self, p, g, state, group):
    p *= (1 - group["weight_decay"]) ** group["lr"]
    p -= group["lr"] * _velocity(state, g, group["momentum"])


def sgdw_in_group(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    b = group.get("velocity")
    group["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= group["lr"] * b


for _rule, _pattern in (
    (sgdw_on_self, SHARED),
    (sgdw_decay_in_velocity, r"step 2|velocity|decay"),
    (sgdw_aliases_grad, GRAD_CHANGED),
    (sgdw_pow_decay, r"step 1|decay"),
    (sgdw_in_group, SHARED),
):
    wrong("ex11_sgdw", _pattern)(SGDW(_rule))


def sgdw_subtract(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * _velocity(state, g, group["momentum"])


def sgdw_zeros_first(self, p, g, state, group):
    b = state.setdefault("b", np.zeros_like(p))
    b *= group["momentum"]
    b += g
    p *= 1 - group["lr"] * group["weight_decay"]
    p -= group["lr"] * b


def sgdw_one_line(self, p, g, state, group):
    b = _velocity(state, g, group["momentum"])
    p[...] = (1 - group["lr"] * group["weight_decay"]) * p - group["lr"] * b


for _rule in (sgdw_subtract, sgdw_zeros_first, sgdw_one_line):
    right("ex11_sgdw")(SGDW(_rule))
