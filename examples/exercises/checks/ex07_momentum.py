"""Exercise 7: SGD with momentum and Nesterov momentum, as an optim.Optimizer subclass."""

from __future__ import annotations

import numpy as np

import optim

from .core import Exercise, Mistake
from .steps import scalar_steps, steps_case, two_parameters


class Momentum(optim.SGD):
    """The reference: the library's SGD with momentum (no dampening), under the exercise's
    name and defaults."""

    def __init__(self, params, lr=0.01, momentum=0.9, nesterov=False):
        super().__init__(params, lr=lr, momentum=momentum, nesterov=nesterov)


class _Base(optim.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9, nesterov=False):
        super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})


class MomentumForgetful(_Base):
    def update(self, p, g, state, group):
        b = np.zeros_like(p)  # a new velocity at every step
        b = group["momentum"] * b + g
        p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


class MomentumAveraged(_Base):
    def update(self, p, g, state, group):
        m = group["momentum"]
        b = state.setdefault("velocity", np.zeros_like(p))
        b *= m
        b += (1 - m) * g  # an average of the gradients, not a sum
        p -= group["lr"] * (g + m * b if group["nesterov"] else b)


class MomentumWithoutNesterov(_Base):
    def update(self, p, g, state, group):
        if "velocity" not in state:
            state["velocity"] = g.copy()
        else:
            state["velocity"] = group["momentum"] * state["velocity"] + g
        p -= group["lr"] * state["velocity"]  # nesterov is never looked at


class MomentumRebinding(_Base):
    def update(self, p, g, state, group):
        if "velocity" not in state:
            state["velocity"] = g.copy()
        else:
            state["velocity"] = group["momentum"] * state["velocity"] + g
        b = state["velocity"]
        d = g + group["momentum"] * b if group["nesterov"] else b
        p = p - group["lr"] * d  # noqa: F841  (a new local array: the parameter is untouched)


class MomentumAliasingGrad(_Base):
    def update(self, p, g, state, group):
        if "velocity" not in state:
            state["velocity"] = g  # the gradient array itself, not a copy
        else:
            state["velocity"] *= group["momentum"]
            state["velocity"] += g
        b = state["velocity"]
        p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


class MomentumShared(_Base):
    def update(self, p, g, state, group):
        if not hasattr(self, "velocity"):
            self.velocity = g.copy()  # one velocity for every parameter
        else:
            self.velocity = group["momentum"] * self.velocity + g
        b = self.velocity
        p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


_rng = np.random.default_rng(7)
_grads_2x2 = [[_rng.normal(size=(2, 2)).round(2)] for _ in range(3)]

_two = two_parameters(70, steps=4)

CASES = {
    "a (2, 3) and a (4,) parameter, 4 steps, nesterov": steps_case(
        *_two, lr=0.05, momentum=0.8, nesterov=True
    ),
    "momentum 0.9, lr 0.1, gradients 1, 1, 1": steps_case(
        [np.array([0.0])], scalar_steps(1, 1, 1), lr=0.1, momentum=0.9
    ),
    "Nesterov, momentum 0.9, lr 0.1, gradients 1, 1, 1": steps_case(
        [np.array([0.0])], scalar_steps(1, 1, 1), lr=0.1, momentum=0.9, nesterov=True
    ),
    "momentum 0.5, lr 0.2, a 2x2 parameter": steps_case(
        [np.ones((2, 2))], _grads_2x2, lr=0.2, momentum=0.5
    ),
    "two parameters with gradients 1 and -3": steps_case(
        [np.array([0.0]), np.array([1.0])],
        [[np.array([1.0]), np.array([-3.0])]] * 3,
        lr=0.1,
        momentum=0.9,
    ),
}

EXERCISES = [
    Exercise(
        id="ex07_momentum",
        title="SGD with momentum and Nesterov",
        name="Momentum",
        reference=Momentum,
        cases=CASES,
        checked=(
            "one and two parameters (shapes (2, 3) and (4,)) over 2 to 4 steps; p.grad left "
            "unchanged, every parameter moved, each moving as it would alone (no shared "
            "state), with and without Nesterov"
        ),
        mistakes=(
            Mistake(
                MomentumForgetful,
                "your second step equals plain SGD: the velocity is not kept between steps "
                "(store it in state)",
            ),
            Mistake(
                MomentumAveraged,
                "your first step moved by 0.1 * lr * g: that averages, b = m b + (1 - m) g; "
                "momentum adds the whole gradient, b = m b + g",
            ),
            Mistake(
                MomentumWithoutNesterov,
                "with nesterov=True your steps equal plain momentum: the Nesterov step is "
                "g + momentum * b",
            ),
            Mistake(
                MomentumRebinding,
                "your parameter did not move: p = p - ... makes a new array and binds it to "
                "the local name p; change the parameter in place (p -= ...)",
            ),
            Mistake(
                MomentumAliasingGrad,
                "your velocity is the gradient array itself, so updating it changed p.grad: "
                "start it as a copy (g.copy())",
            ),
            Mistake(
                MomentumShared,
                "your two parameters share one velocity: keep it in state, which the base "
                "class gives each parameter",
            ),
        ),
    ),
]
