"""Exercise 10's wrong and correct solutions for the mutation suite.

Gradient clipping: ``clip_grad_norm`` and the per-layer norms.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import math

import numpy as np

import nn
from nn import functional as F

from .common import LINE, right, wrong

# == ex10_clip ===================================================================================


def _present(params):
    return [p for p in params if p.grad is not None]


@wrong("ex10_clip", r"returned norm|norm")
def clip_l1(params, max_norm):
    total = float(sum(np.abs(np.asarray(p.grad)).sum() for p in _present(params)))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total
    return total


@wrong("ex10_clip", r"returned norm|norm")
def clip_largest(params, max_norm):
    total = max(float(np.sqrt((np.asarray(p.grad) ** 2).sum())) for p in _present(params))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total
    return total


@wrong("ex10_clip", r"gradients after|p\.grad|times|ratio")
def clip_inverted(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.grad *= total / max_norm
    return total


@wrong("ex10_clip", r"None|return")
def clip_without_return(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total


@wrong("ex10_clip", r"parameter|p\.data|data")
def clip_the_parameters(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.data *= max_norm / total  # the parameters, not their gradients
    return total


@right("ex10_clip")
def clip_rebinding_grad(params, max_norm):
    params = _present(params)
    total = math.sqrt(sum(float((np.asarray(p.grad) ** 2).sum()) for p in params))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    for p in params:
        p.grad = p.grad * scale
    return total


@right("ex10_clip")
def clip_linalg(params, max_norm):
    grads = [np.asarray(p.grad) for p in _present(params)]
    total = float(np.linalg.norm([np.linalg.norm(g) for g in grads]))
    if total > max_norm:
        for g in grads:
            np.multiply(g, max_norm / total, out=g)
    return total


@right("ex10_clip")
def clip_concatenated(params, max_norm):
    grads = [np.asarray(p.grad) for p in params if p.grad is not None]
    total = float(np.sqrt(np.sum(np.concatenate([g.ravel() for g in grads]) ** 2)))
    factor = max_norm / total
    if factor < 1:
        for g in grads:
            g *= factor
    return total


# == ex10_norms ==================================================================================


def _linear_weights(model):
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear)]


@wrong("ex10_norms", r"is .* expected|times|ratio|squared")
def norms_squared(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float((np.asarray(w.grad) ** 2).sum()) for w in _linear_weights(model)]


@wrong("ex10_norms", LINE)
def norms_zeroed_too_early(model, x, y):
    F.mse_loss(model(x), y).backward()
    model.zero_grad()
    return [float(np.sqrt((np.asarray(w.grad) ** 2).sum())) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected")
def norms_max_entry(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.abs(np.asarray(w.grad)).max()) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected|times|ratio")
def norms_of_mean_abs_loss(model, x, y):
    model.zero_grad()
    (model(x) - y).abs().mean().backward()
    return [float(np.linalg.norm(np.asarray(w.grad))) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected|times|ratio")
def norms_per_example(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.linalg.norm(np.asarray(w.grad))) / len(x) for w in _linear_weights(model)]


@right("ex10_norms")
def norms_two_dimensional(model, x, y):
    for p in model.parameters():
        p.grad = None
    ((model(x) - y) ** 2).mean().backward()
    return [float(np.linalg.norm(np.asarray(p.grad))) for p in model.parameters() if p.ndim == 2]


@right("ex10_norms")
def norms_named(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [
        math.sqrt(float((np.asarray(p.grad) ** 2).sum()))
        for name, p in model.named_parameters()
        if name.endswith("weight")
    ]


@right("ex10_norms")
def norms_then_cleared(model, x, y):
    loss = F.mse_loss(model(x), y)
    model.zero_grad()
    loss.backward()
    return np.array([np.sqrt(np.sum(np.asarray(w.grad) ** 2)) for w in _linear_weights(model)])
