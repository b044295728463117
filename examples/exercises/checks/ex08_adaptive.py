"""Exercise 8: RMSprop, Adam with bias correction, AdamW with decoupled weight decay."""

from __future__ import annotations

import numpy as np

import optim

from .core import Exercise, Mistake
from .steps import scalar_steps, steps_case, two_parameters

_rng = np.random.default_rng(8)
_start_2x2 = [np.array([[1.0, -2.0], [0.5, 3.0]])]
_grads_2x2 = [[_rng.normal(size=(2, 2)).round(2)] for _ in range(3)]

# -- ex08_rmsprop ---------------------------------------------------------------------------------


class RMSprop(optim.RMSprop):
    """The reference: the library's RMSprop, under the exercise's name and defaults."""

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps)


class _RMSpropBase(optim.Optimizer):
    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps})


class RMSpropEpsInside(_RMSpropBase):
    def update(self, p, g, state, group):
        v = state.setdefault("square_avg", np.zeros_like(p))
        v *= group["alpha"]
        v += (1 - group["alpha"]) * g**2
        p -= group["lr"] * g / np.sqrt(v + group["eps"])


class RMSpropWithoutOneMinusAlpha(_RMSpropBase):
    def update(self, p, g, state, group):
        v = state.setdefault("square_avg", np.zeros_like(p))
        v *= group["alpha"]
        v += g**2
        p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


class RMSpropWithoutRoot(_RMSpropBase):
    def update(self, p, g, state, group):
        v = state.setdefault("square_avg", np.zeros_like(p))
        v *= group["alpha"]
        v += (1 - group["alpha"]) * g**2
        p -= group["lr"] * g / (v + group["eps"])


class RMSpropStartsAtSquare(_RMSpropBase):
    def update(self, p, g, state, group):
        if "square_avg" not in state:
            state["square_avg"] = g**2
        else:
            state["square_avg"] = group["alpha"] * state["square_avg"] + (1 - group["alpha"]) * g**2
        p -= group["lr"] * g / (np.sqrt(state["square_avg"]) + group["eps"])


RMSPROP_CASES = {
    "a (2, 3) and a (4,) parameter, 4 steps": steps_case(
        *two_parameters(80, steps=4), lr=0.01, alpha=0.9
    ),
    "lr 0.1, gradients 1, 1, 1": steps_case([np.array([0.0])], scalar_steps(1, 1, 1), lr=0.1),
    "lr 0.1, gradients 0.001, 0.001 (eps matters)": steps_case(
        [np.array([0.0])], scalar_steps(1e-3, 1e-3), lr=0.1, eps=1e-6
    ),
    "alpha 0.9, lr 0.01, a 2x2 parameter": steps_case(_start_2x2, _grads_2x2, lr=0.01, alpha=0.9),
}

# -- ex08_adam ------------------------------------------------------------------------------------


class Adam(optim.Adam):
    """The reference: the library's Adam, under the exercise's name and defaults."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr=lr, betas=betas, eps=eps)


class _AdamBase(optim.Optimizer):
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @staticmethod
    def moments(p, g, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state.update(step=0, m=np.zeros_like(p), v=np.zeros_like(p))
        state["step"] += 1
        state["m"] = beta1 * state["m"] + (1 - beta1) * g
        state["v"] = beta2 * state["v"] + (1 - beta2) * g**2
        return state["m"], state["v"], state["step"], beta1, beta2


class AdamUncorrected(_AdamBase):
    def update(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        p -= group["lr"] * m / (np.sqrt(v) + group["eps"])


class AdamUncorrectedM(_AdamBase):
    def update(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        p -= group["lr"] * m / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


class AdamUncorrectedV(_AdamBase):
    def update(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v) + group["eps"])


class AdamStuckAtStepOne(_AdamBase):
    def update(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        t = 1  # the step count is not used
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


class AdamEpsInside(_AdamBase):
    def update(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p -= group["lr"] * m_hat / np.sqrt(v_hat + group["eps"])


ADAM_CASES = {
    "a (2, 3) and a (4,) parameter, 4 steps": steps_case(
        *two_parameters(81, steps=4), lr=0.01, betas=(0.8, 0.95)
    ),
    "a (2, 3) and a (4,) parameter, gradients of size ~1e-6 (eps matters)": steps_case(
        *two_parameters(82, steps=3, scale=1e-6), lr=0.01
    ),
    "lr 0.1, gradients 1, 1, 1": steps_case([np.array([0.0])], scalar_steps(1, 1, 1), lr=0.1),
    "lr 0.1, eps 0.001, gradients 0.01, 0.01": steps_case(
        [np.array([0.0])], scalar_steps(0.01, 0.01), lr=0.1, eps=1e-3
    ),
    "betas (0.8, 0.9), lr 0.05, a 2x2 parameter": steps_case(
        _start_2x2, _grads_2x2, lr=0.05, betas=(0.8, 0.9)
    ),
}

# -- ex08_adamw -----------------------------------------------------------------------------------


class AdamW(optim.AdamW):
    """The reference: the library's AdamW, under the exercise's name and defaults."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


class _AdamWBase(_AdamBase):
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        optim.Optimizer.__init__(self, params, defaults)

    def adam_step(self, p, g, state, group):
        m, v, t, beta1, beta2 = self.moments(p, g, state, group)
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


class AdamWCoupled(_AdamWBase):
    def update(self, p, g, state, group):
        p -= self.adam_step(p, g + group["weight_decay"] * p, state, group)  # Adam's L2


class AdamWWithoutLr(_AdamWBase):
    def update(self, p, g, state, group):
        p *= 1 - group["weight_decay"]  # lr forgotten
        p -= self.adam_step(p, g, state, group)


class AdamWDecayAfter(_AdamWBase):
    def update(self, p, g, state, group):
        p -= self.adam_step(p, g, state, group)
        p *= 1 - group["lr"] * group["weight_decay"]  # decays the new p


class AdamWWithoutDecay(_AdamWBase):
    def update(self, p, g, state, group):
        p -= self.adam_step(p, g, state, group)


ADAMW_CASES = {
    "a (2, 3) and a (4,) parameter, 4 steps": steps_case(
        *two_parameters(83, steps=4), lr=0.01, weight_decay=0.1
    ),
    "lr 0.1, weight_decay 0.5, gradients 0, 0 (decay alone)": steps_case(
        [np.array([2.0])], scalar_steps(0, 0), lr=0.1, weight_decay=0.5
    ),
    "lr 0.1, weight_decay 0.5, gradients 1, 1": steps_case(
        [np.array([2.0])], scalar_steps(1, 1), lr=0.1, weight_decay=0.5
    ),
    "weight_decay 0.1, lr 0.05, a 2x2 parameter": steps_case(
        _start_2x2, _grads_2x2, lr=0.05, weight_decay=0.1
    ),
}

EXERCISES = [
    Exercise(
        id="ex08_rmsprop",
        title="RMSprop",
        name="RMSprop",
        reference=RMSprop,
        cases=RMSPROP_CASES,
        checked=(
            "one and two parameters (shapes (2, 3) and (4,)) over 2 to 4 steps; p.grad left "
            "unchanged, every parameter moved, each moving as it would alone (no shared "
            "state); tiny gradients where eps matters"
        ),
        mistakes=(
            Mistake(
                RMSpropEpsInside,
                "with gradients of 0.001 your steps are too small: eps goes outside the square "
                "root, sqrt(v) + eps",
            ),
            Mistake(
                RMSpropWithoutOneMinusAlpha,
                "your first step moved by lr, not 10 * lr: the mean square is "
                "v = alpha * v + (1 - alpha) * g^2",
            ),
            Mistake(
                RMSpropWithoutRoot,
                "you divided by the mean square v itself: divide by its root, sqrt(v) + eps",
            ),
            Mistake(
                RMSpropStartsAtSquare,
                "your v starts at g^2, so your first step moved by lr; RMSprop's v starts at 0, "
                "so its first step is lr / sqrt(1 - alpha) = 10 * lr",
            ),
        ),
    ),
    Exercise(
        id="ex08_adam",
        title="Adam with bias correction",
        name="Adam",
        reference=Adam,
        cases=ADAM_CASES,
        checked=(
            "one and two parameters (shapes (2, 3) and (4,)) over 2 to 4 steps; p.grad left "
            "unchanged, every parameter moved, each moving as it would alone (no shared "
            "state); gradients of ~1e-6 where eps matters"
        ),
        mistakes=(
            Mistake(
                AdamUncorrected,
                "your first Adam step moved by 3.16 * lr, not lr: is the bias correction "
                "missing? (m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t))",
            ),
            Mistake(
                AdamUncorrectedM,
                "your first Adam step moved by 0.1 * lr, not lr: is the bias correction of m "
                "missing? (m_hat = m / (1 - beta1^t))",
            ),
            Mistake(
                AdamUncorrectedV,
                "your first Adam step moved by 31.6 * lr, not lr: is the bias correction of v "
                "missing? (v_hat = v / (1 - beta2^t))",
            ),
            Mistake(
                AdamStuckAtStepOne,
                "your first step is right but the later ones are too large: the bias "
                "correction must use the step count t, kept in state and increased every step",
            ),
            Mistake(
                AdamEpsInside,
                "with eps = 0.001 and gradients of 0.01 your steps are too small: eps goes "
                "outside the square root, sqrt(v_hat) + eps",
            ),
        ),
    ),
    Exercise(
        id="ex08_adamw",
        title="AdamW with decoupled weight decay",
        name="AdamW",
        reference=AdamW,
        cases=ADAMW_CASES,
        checked=(
            "one and two parameters (shapes (2, 3) and (4,)) over 2 to 4 steps; p.grad left "
            "unchanged, every parameter moved, each moving as it would alone (no shared "
            "state); zero gradients (decay alone)"
        ),
        mistakes=(
            Mistake(
                AdamWCoupled,
                "your decay went through the adaptive step (weight_decay * p added to g, "
                "Adam's L2 penalty): AdamW shrinks p directly, p *= 1 - lr * weight_decay",
            ),
            Mistake(
                AdamWWithoutLr,
                "with a zero gradient your p shrank by (1 - weight_decay) per step: the "
                "decoupled decay is scaled by lr, p *= 1 - lr * weight_decay",
            ),
            Mistake(
                AdamWDecayAfter,
                "you decayed p after the Adam step: AdamW shrinks the old p first "
                "(p *= 1 - lr * weight_decay), then takes the Adam step",
            ),
            Mistake(
                AdamWWithoutDecay,
                "with a zero gradient your p did not move: AdamW still shrinks it by "
                "(1 - lr * weight_decay) at every step",
            ),
        ),
    ),
]
