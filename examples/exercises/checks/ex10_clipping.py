"""Exercise 10: clipping by global norm; per-layer gradient norms, to tell vanishing from
exploding gradients."""

from __future__ import annotations

import numpy as np

import autograd
import nn
from nn import functional as F

from .core import Exercise, Mistake, as_array, changed, seeded

# -- ex10_clip: clip_grad_norm(params, max_norm) -> total norm before clipping ------------------


def clip_grad_norm(params, max_norm):
    """The reference: the library's clip_grad_norm_."""
    return nn.utils.clip_grad_norm_(params, max_norm)


def _grads(params):
    return [p.grad for p in params if p.grad is not None]


def clip_each(params, max_norm):
    norms = [np.sqrt((g**2).sum()) for g in _grads(params)]
    for g, norm in zip(_grads(params), norms):
        if norm > max_norm:
            g *= max_norm / norm  # each by its own norm
    return np.sqrt(sum(n**2 for n in norms))


def clip_elements(params, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in _grads(params)))
    for g in _grads(params):
        np.clip(g, -max_norm, max_norm, out=g)
    return total


def clip_always(params, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in _grads(params)))
    for g in _grads(params):
        g *= max_norm / total  # also scales small gradients up
    return total


def clip_returning_new_norm(params, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in _grads(params)))
    if total > max_norm:
        for g in _grads(params):
            g *= max_norm / total
    return np.sqrt(sum((g**2).sum() for g in _grads(params)))


def clip_sum_of_norms(params, max_norm):
    total = sum(np.sqrt((g**2).sum()) for g in _grads(params))
    if total > max_norm:
        for g in _grads(params):
            g *= max_norm / total
    return total


def clip_not_in_place(params, max_norm):
    total = np.sqrt(sum((g**2).sum() for g in _grads(params)))
    if total > max_norm:
        for g in _grads(params):
            g = g * (max_norm / total)  # a new array, never stored
    return total


def clip_without_skipping(params, max_norm):
    total = np.sqrt(sum((p.grad**2).sum() for p in params))
    if total > max_norm:
        for p in params:
            p.grad *= max_norm / total
    return total


def clip_case(grads, max_norm):
    def case(fn):
        params = []
        for g in grads:
            p = autograd.tensor(np.ones(np.shape(g) if g is not None else 2), requires_grad=True)
            if g is not None:
                p.grad = np.array(g, dtype=np.float64)
            params.append(p)
        values = [np.array(np.asarray(p.data)) for p in params]
        total = fn(params, max_norm)
        after = [as_array(p.grad) if p.grad is not None else None for p in params]
        moved = changed(
            {f"parameter {i + 1}": v for i, v in enumerate(values)},
            {f"parameter {i + 1}": p.data for i, p in enumerate(params)},
        )
        return {
            "the returned norm": as_array(total),
            "the gradients after clipping": after,
            "parameters changed by clipping": moved,
        }

    return case


CLIP_CASES = {
    "gradients [3] and [4] (norm 5), max_norm 1": clip_case([[3.0], [4.0]], 1.0),
    "gradients of norm 0.5, max_norm 1": clip_case([[0.3], [0.4]], 1.0),
    "a 2x3 and a 3-vector gradient, max_norm 2": clip_case(
        [[[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], [2.0, 2.0, -4.0]], 2.0
    ),
    "a parameter without a gradient, max_norm 1": clip_case([[3.0], None, [4.0]], 1.0),
    "gradients of size 1e-100 and 1e100, max_norm 1": clip_case(
        [[1e-100, 2e-100], [3e100, -4e100]], 1.0
    ),
}

# -- ex10_norms: layer_gradient_norms(model, x, y) -> the weight-gradient norm of each layer -----


def layer_gradient_norms(model, x, y):
    """The reference: the library's grad_norms after a fresh backward of the mean squared error."""
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    norms = nn.utils.grad_norms(model)
    return [norms[name] for name, _ in model.named_parameters() if name.endswith("weight")]


def _weights(model):
    return [layer.weight for layer in model.modules() if isinstance(layer, nn.Linear)]


def norms_of_weights(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.sqrt((w.data**2).sum())) for w in _weights(model)]


def norms_with_biases(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.sqrt((p.grad**2).sum())) for p in model.parameters()]


def norms_without_zeroing(model, x, y):
    F.mse_loss(model(x), y).backward()  # adds to whatever gradients were there
    return [float(np.sqrt((w.grad**2).sum())) for w in _weights(model)]


def norms_reversed(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.sqrt((w.grad**2).sum())) for w in reversed(_weights(model))]


def norms_of_summed_loss(model, x, y):
    model.zero_grad()
    ((model(x) - y) ** 2).sum().backward()
    return [float(np.sqrt((w.grad**2).sum())) for w in _weights(model)]


def norms_case(activation, calls=1):
    def case(fn):
        with seeded(10):
            model = nn.Sequential(
                nn.Linear(3, 5), activation(), nn.Linear(5, 4), activation(), nn.Linear(4, 1)
            ).double()
            x = autograd.randn(8, 3).double()
            y = autograd.randn(8, 1).double()
        for _ in range(calls):
            result = fn(model, x, y)
        return as_array(result)

    return case


NORMS_CASES = {
    "a 3-5-4-1 tanh network, batch of 8": norms_case(nn.Tanh),
    "a 3-5-4-1 sigmoid network, batch of 8": norms_case(nn.Sigmoid),
    "the tanh network, measured twice in a row": norms_case(nn.Tanh, calls=2),
}

EXERCISES = [
    Exercise(
        id="ex10_clip",
        title="clipping by global norm",
        name="clip_grad_norm",
        reference=clip_grad_norm,
        cases=CLIP_CASES,
        checked=(
            "the returned norm and every gradient, norms above and below max_norm, a "
            "parameter without a gradient, gradients of 1e-100 and 1e100; parameters "
            "unchanged"
        ),
        mistakes=(
            Mistake(
                clip_each,
                "you clipped each gradient by its own norm: the global norm is the root of the "
                "sum of all squares, and every gradient is scaled by the same factor",
            ),
            Mistake(
                clip_elements,
                "np.clip clamps single elements, which changes the gradient's direction: scale "
                "all gradients by max_norm / total_norm instead",
            ),
            Mistake(
                clip_always,
                "you scaled up gradients whose norm 0.5 was already below max_norm = 1: clip "
                "only when the total norm exceeds max_norm",
            ),
            Mistake(
                clip_returning_new_norm,
                "you returned the norm after clipping: return the total norm before clipping, "
                "as PyTorch does (it is what you log)",
            ),
            Mistake(
                clip_sum_of_norms,
                "your total norm for [3] and [4] is 7, the sum of their norms: the global norm "
                "is sqrt(3^2 + 4^2) = 5",
            ),
            Mistake(
                clip_not_in_place,
                "your gradients did not change: g = g * c makes a new array; scale p.grad in "
                "place (p.grad *= c)",
            ),
            Mistake(
                clip_without_skipping,
                "a parameter whose .grad is None made your code fail: skip it, it has no "
                "gradient to clip",
            ),
        ),
    ),
    Exercise(
        id="ex10_norms",
        title="gradient norms layer by layer",
        name="layer_gradient_norms",
        reference=layer_gradient_norms,
        cases=NORMS_CASES,
        checked="tanh and sigmoid networks, and the same model measured twice in a row",
        mistakes=(
            Mistake(
                norms_of_weights,
                "those are the norms of the weights themselves: take the norms of their "
                "gradients, layer.weight.grad",
            ),
            Mistake(
                norms_with_biases,
                "your list has 6 entries for 3 layers: report only each Linear layer's weight "
                "gradient",
            ),
            Mistake(
                norms_without_zeroing,
                "measured twice in a row, your norms doubled: clear the old gradients "
                "(model.zero_grad()) before backward",
            ),
            Mistake(
                norms_reversed,
                "your list starts with the last layer: list the layers from input to output",
            ),
            Mistake(
                norms_of_summed_loss,
                "your norms are 8 times too large, the batch size: use the mean squared error "
                "(F.mse_loss), not the sum",
            ),
        ),
    ),
]
