"""Exercise 8's wrong and correct solutions for the mutation suite.

Adaptive optimizers: RMSprop, Adam, AdamW.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import math

import numpy as np

from .common import ADAM, ADAMW, GRAD_CHANGED, RMSPROP, SHARED, right, wrong

# == ex08_rmsprop ================================================================================


def rmsprop_on_self(self, p, g, state, group):
    if not hasattr(self, "v"):
        self.v = np.zeros_like(p)
    self.v = group["alpha"] * self.v + (1 - group["alpha"]) * g**2
    p -= group["lr"] * g / (np.sqrt(self.v) + group["eps"])


def rmsprop_in_group(self, p, g, state, group):
    v = group.get("v", 0.0)
    group["v"] = v = group["alpha"] * v + (1 - group["alpha"]) * g**2
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


def rmsprop_forgets_to_store(self, p, g, state, group):
    v = state.get("v", np.zeros_like(p))
    v = group["alpha"] * v + (1 - group["alpha"]) * g**2  # never stored back
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


def rmsprop_squares_in_place(self, p, g, state, group):
    v = state.setdefault("v", np.zeros_like(p))
    g2 = g
    g2 *= g  # squares the caller's gradient
    v *= group["alpha"]
    v += (1 - group["alpha"]) * g2
    p -= group["lr"] * np.sqrt(g2) * np.sign(g2) / (np.sqrt(v) + group["eps"])


def rmsprop_swapped_alpha(self, p, g, state, group):
    v = state.get("v", np.zeros_like(p))
    state["v"] = v = (1 - group["alpha"]) * v + group["alpha"] * g**2
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


for _rule, _pattern in (
    (rmsprop_on_self, SHARED),
    (rmsprop_in_group, SHARED),
    (rmsprop_forgets_to_store, r"step 2|state"),
    (rmsprop_squares_in_place, GRAD_CHANGED),
    (rmsprop_swapped_alpha, r"step 1|alpha"),
):
    wrong("ex08_rmsprop", _pattern)(RMSPROP(_rule))


def rmsprop_in_place(self, p, g, state, group):
    v = state.setdefault("square_avg", np.zeros_like(p))
    v *= group["alpha"]
    v += (1 - group["alpha"]) * g * g
    p -= group["lr"] * g / (v**0.5 + group["eps"])


def rmsprop_if_empty(self, p, g, state, group):
    if not state:
        state["v"] = np.zeros(p.shape)
    state["v"] = state["v"] + (1 - group["alpha"]) * (np.square(g) - state["v"])
    p -= np.divide(group["lr"] * g, np.sqrt(state["v"]) + group["eps"])


def rmsprop_copyto(self, p, g, state, group):
    v = group["alpha"] * state.get("v", 0) + (1 - group["alpha"]) * g**2
    state["v"] = v
    np.copyto(p, p - group["lr"] * g / (np.sqrt(v) + group["eps"]))


for _rule in (rmsprop_in_place, rmsprop_if_empty, rmsprop_copyto):
    right("ex08_rmsprop")(RMSPROP(_rule))


# == ex08_adam ===================================================================================


def adam_step_on_self(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    self.t = getattr(self, "t", 0) + 1  # counts parameters too, not steps
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**self.t), v / (1 - beta2**self.t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_moments_on_self(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    if not hasattr(self, "m"):
        self.m, self.v, self.t = 0.0, 0.0, 0
    self.t += 1
    self.m = beta1 * self.m + (1 - beta1) * g
    self.v = beta2 * self.v + (1 - beta2) * g**2
    m_hat, v_hat = self.m / (1 - beta1**self.t), self.v / (1 - beta2**self.t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_counts_from_zero(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    t = state.get("step", 0)
    state["step"] = t + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2**t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_forgets_m(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    m = beta1 * state.get("m", 0) + (1 - beta1) * g  # never stored back
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


def adam_scales_gradient(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    g *= 1 - beta1  # the caller's p.grad
    m = state["m"] = beta1 * state.get("m", 0) + g
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


for _rule, _pattern in (
    (adam_step_on_self, SHARED + r"|step count"),
    (adam_moments_on_self, SHARED),
    (adam_counts_from_zero, r"step 1|nan|inf"),
    (adam_forgets_m, r"step 2|state"),
    (adam_scales_gradient, GRAD_CHANGED),
):
    wrong("ex08_adam", _pattern)(ADAM(_rule))


def adam_in_place(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    if "m" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(p), np.zeros_like(p), 0
    state["t"] += 1
    state["m"] *= beta1
    state["m"] += (1 - beta1) * g
    state["v"] *= beta2
    state["v"] += (1 - beta2) * g * g
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_torch_style(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", np.zeros_like(p)) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", np.zeros_like(p)) + (1 - beta2) * g * g
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(v) / math.sqrt(bc2) + group["eps"]
    p -= (group["lr"] / bc1) * m / denom


def adam_power(self, p, g, state, group):
    b1, b2 = group["betas"]
    if not state:
        state.update(n=0, first=np.zeros(p.shape), second=np.zeros(p.shape))
    state["n"] += 1
    state["first"] = state["first"] + (1 - b1) * (g - state["first"])
    state["second"] = state["second"] + (1 - b2) * (np.power(g, 2) - state["second"])
    m_hat = state["first"] / (1 - np.power(b1, state["n"]))
    v_hat = state["second"] / (1 - np.power(b2, state["n"]))
    p[...] -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


for _rule in (adam_in_place, adam_torch_style, adam_power):
    right("ex08_adam")(ADAM(_rule))


# == ex08_adamw ==================================================================================


def _adam_direction(state, g, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    return (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


def adamw_rebinds(self, p, g, state, group):
    p = p * (1 - group["lr"] * group["weight_decay"])  # a new local array
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_constant_decay(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"]  # not proportional to p
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_shared_step(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    p *= 1 - group["lr"] * group["weight_decay"]
    self.t = getattr(self, "t", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**self.t)) / (np.sqrt(v / (1 - beta2**self.t)) + 1e-8)


def adamw_decays_gradient(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    g += group["weight_decay"] * p  # the caller's p.grad, changed
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * direction


def adamw_uncorrected_v(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    p *= 1 - group["lr"] * group["weight_decay"]
    state["step"] = t = state.get("step", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v) + group["eps"])


for _rule, _pattern in (
    (adamw_rebinds, r"(did not|never|not) (move|change)|unchanged"),
    (adamw_constant_decay, r"step 1|decay"),
    (adamw_shared_step, SHARED + r"|step count"),
    (adamw_decays_gradient, GRAD_CHANGED),
    (adamw_uncorrected_v, r"step 1|times|ratio"),
):
    wrong("ex08_adamw", _pattern)(ADAMW(_rule))


def adamw_decay_last(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    p *= 1 - group["lr"] * group["weight_decay"]
    p -= group["lr"] * direction


def adamw_subtract_decay(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_single_expression(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    p[...] = p * (1 - group["lr"] * group["weight_decay"]) - group["lr"] * direction


for _rule in (adamw_decay_last, adamw_subtract_decay, adamw_single_expression):
    right("ex08_adamw")(ADAMW(_rule))
