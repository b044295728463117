"""Exercise 11: an L2 penalty in the loss vs weight decay in the optimizer."""

from __future__ import annotations

import numpy as np

import autograd
import optim

from .core import Exercise, Mistake, as_array, describe_difference
from .observations import numeric
from .steps import scalar_steps, steps_case, two_parameters

# -- ex11_l2: l2_penalty(params, lam) -> the Tensor lam / 2 * sum of every squared entry --------


def l2_penalty(params, lam):
    """The reference: the penalty whose gradient, lam * p, is what SGD's weight_decay adds."""
    return (lam / 2) * sum((p * p).sum() for p in params)


def penalty_case(values, lam, lr=0.1):
    """Observes the penalty, the gradient of (data loss + penalty), and the parameters after one
    SGD step on that loss: the library's SGD with weight_decay=lam on the data loss alone gives
    the expected ones."""
    arrays = [np.array(v, dtype=np.float64) for v in values]
    slopes = [np.full(a.shape, 0.5) for a in arrays]  # data loss: sum(0.5 * p), gradient 0.5

    def data_loss(params):
        return sum((p * s).sum() for p, s in zip(params, slopes, strict=True))

    def case(fn):
        params = [autograd.tensor(a.copy(), requires_grad=True) for a in arrays]
        penalty = fn(params, lam)
        (data_loss(params) + penalty).backward()
        grads = [as_array(p.grad) for p in params]
        if fn is l2_penalty:  # the expected step: the library's own weight decay
            params = [autograd.tensor(a.copy(), requires_grad=True) for a in arrays]
            data_loss(params).backward()
            optim.SGD(params, lr=lr, weight_decay=lam).step()
        else:
            optim.SGD(params, lr=lr).step()
        return {
            "the gradient of loss + penalty": grads,
            "the penalty": as_array(penalty),
            "the parameters after one SGD step on it": [as_array(p.data) for p in params],
        }

    return case


PENALTY_CASES = {
    "parameters [3] and [4], lam 0.1": penalty_case([[3.0], [4.0]], 0.1),
    "a 2x2 and a 3-vector parameter, lam 0.01": penalty_case(
        [[[1.0, -2.0], [0.5, 3.0]], [1.0, 1.0, -1.0]], 0.01
    ),
}


def penalty_without_half(params, lam):
    return lam * sum((p * p).sum() for p in params)


def penalty_of_norm(params, lam):
    return (lam / 2) * sum((p * p).sum() for p in params) ** 0.5


def penalty_from_data(params, lam):
    return (lam / 2) * sum(float((p.data**2).sum()) for p in params)  # a constant


def penalty_l1(params, lam):
    return lam * sum(abs(p).sum() for p in params)


def penalty_mean(params, lam):
    return (lam / 2) * sum((p * p).mean() for p in params)


# -- ex11_sgdw: SGD with momentum and decoupled weight decay ------------------------------------


class SGDW(optim.SGD):
    """The reference: p *= 1 - lr * weight_decay, then the library's SGD momentum step."""

    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.01):
        self.decay = weight_decay
        super().__init__(params, lr=lr, momentum=momentum)

    def update(self, p, g, state, group):
        p *= 1 - group["lr"] * self.decay
        super().update(p, g, state, group)


class _SGDWBase(optim.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.01):
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    @staticmethod
    def velocity(g, state, momentum):
        if "velocity" not in state:
            state["velocity"] = np.array(g)
        else:
            state["velocity"] = momentum * state["velocity"] + g
        return state["velocity"]


class SGDWCoupled(_SGDWBase):
    def update(self, p, g, state, group):
        b = self.velocity(g + group["weight_decay"] * p, state, group["momentum"])  # L2
        p -= group["lr"] * b


class SGDWWithoutLr(_SGDWBase):
    def update(self, p, g, state, group):
        p *= 1 - group["weight_decay"]
        p -= group["lr"] * self.velocity(g, state, group["momentum"])


class SGDWDecayAfter(_SGDWBase):
    def update(self, p, g, state, group):
        p -= group["lr"] * self.velocity(g, state, group["momentum"])
        p *= 1 - group["lr"] * group["weight_decay"]


class SGDWWithoutDecay(_SGDWBase):
    def update(self, p, g, state, group):
        p -= group["lr"] * self.velocity(g, state, group["momentum"])


_grads_2x2 = [[np.random.default_rng(11).normal(size=(2, 2)).round(2)] for _ in range(3)]

SGDW_CASES = {
    "a (2, 3) and a (4,) parameter, 4 steps": steps_case(
        *two_parameters(110, steps=4), lr=0.05, momentum=0.8, weight_decay=0.2
    ),
    "lr 0.1, weight_decay 0.5, gradients 0, 0, 0 (decay alone)": steps_case(
        [np.array([2.0])], scalar_steps(0, 0, 0), lr=0.1, weight_decay=0.5
    ),
    "lr 0.1, weight_decay 0.5, gradients 1, 1, 1": steps_case(
        [np.array([2.0])], scalar_steps(1, 1, 1), lr=0.1, weight_decay=0.5
    ),
    "momentum 0.5, weight_decay 0.1, a 2x2 parameter": steps_case(
        [np.ones((2, 2))], _grads_2x2, lr=0.2, momentum=0.5, weight_decay=0.1
    ),
}


def explain_penalty(case, where, yours, expected):
    """The gradient comes first: name a parameter the penalty leaves out, or what it should
    add (lam * p), before comparing values."""
    text = describe_difference(case, where, yours, expected)
    if where.startswith("the gradient of loss + penalty, item "):
        i = int(where.rsplit(" ", 1)[1])
        y = numeric(yours)
        if y is not None and np.allclose(y, 0.5):  # the data loss's own gradient
            return (
                f"on {case}, your penalty adds nothing to the gradient of parameter {i + 1}: "
                "every entry of every parameter belongs in it (biases too)"
            )
        return text + "; the penalty's gradient is lam * p, entry by entry"
    return text


EXERCISES = [
    Exercise(
        id="ex11_l2",
        title="an L2 penalty",
        name="l2_penalty",
        explain=explain_penalty,
        reference=l2_penalty,
        cases=PENALTY_CASES,
        checked=(
            "the penalty, the gradient it adds, and one SGD step on it (equal to SGD's "
            "weight_decay)"
        ),
        mistakes=(
            Mistake(
                penalty_without_half,
                "your penalty's gradient is 2 * lam * p: use lam / 2 * sum(p^2), whose gradient "
                "lam * p is what weight_decay = lam adds",
            ),
            Mistake(
                penalty_of_norm,
                "you penalized the norm, not its square: lam / 2 * sum(p^2), without a square root",
            ),
            Mistake(
                penalty_from_data,
                "your penalty has the right value but no gradient: it was computed from p.data, "
                "outside the graph; compute it from the tensors",
            ),
            Mistake(
                penalty_l1,
                "that is an L1 penalty (the sum of |p|): L2 uses the squares, lam / 2 * sum(p^2)",
            ),
            Mistake(
                penalty_mean,
                "you averaged the squares within each tensor: sum them, lam / 2 * sum(p^2)",
            ),
        ),
    ),
    Exercise(
        id="ex11_sgdw",
        title="SGD with decoupled weight decay",
        name="SGDW",
        reference=SGDW,
        cases=SGDW_CASES,
        checked=(
            "one and two parameters (shapes (2, 3) and (4,)) over 2 to 4 steps; p.grad left "
            "unchanged, every parameter moved, each moving as it would alone (no shared "
            "state); zero gradients (decay alone)"
        ),
        mistakes=(
            Mistake(
                SGDWCoupled,
                "your decay goes through the momentum buffer (g + weight_decay * p), which is "
                "SGD's L2 weight_decay: decoupled decay shrinks p directly, "
                "p *= 1 - lr * weight_decay",
            ),
            Mistake(
                SGDWWithoutLr,
                "with a zero gradient your p shrank by (1 - weight_decay) per step: the decay "
                "is scaled by lr, p *= 1 - lr * weight_decay",
            ),
            Mistake(
                SGDWDecayAfter,
                "you decayed p after the momentum step: shrink the old p first "
                "(p *= 1 - lr * weight_decay), then step",
            ),
            Mistake(
                SGDWWithoutDecay,
                "with a zero gradient your p did not move: decoupled decay still shrinks it by "
                "(1 - lr * weight_decay) at every step",
            ),
        ),
    ),
]
