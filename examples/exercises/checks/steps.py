"""Running an optimizer for a few steps on given gradients: what the optimizer checks observe."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd


def run_steps(optimizer: type, initial: list, gradients: list[list], **hyper: Any) -> dict:
    """Build ``optimizer([params], **hyper)``, then for each step set every ``p.grad`` to the
    given gradient and call ``step()``. Observes the parameters after each step, and whether
    the rule left the gradients alone (it must not change ``p.grad``)."""
    params = [autograd.tensor(np.array(p, dtype=np.float64), requires_grad=True) for p in initial]
    opt = optimizer(params, **hyper)
    observed: dict[str, Any] = {}
    handed = []
    for t, grads in enumerate(gradients, 1):
        for p, g in zip(params, grads, strict=True):
            p.grad = np.array(g, dtype=np.float64)
            handed.append((p.grad, p.grad.copy()))
        opt.step()
        values = [p.data.copy() for p in params]
        observed[f"the parameter after step {t}"] = values[0] if len(values) == 1 else values
    observed["gradients left unchanged"] = all(np.array_equal(a, b) for a, b in handed)
    return observed


def steps_case(initial: list, gradients: list[list], **hyper: Any):
    """A case: ``run_steps`` on the class under test."""

    def case(optimizer):
        return run_steps(optimizer, initial, gradients, **hyper)

    return case


def scalar_steps(*values: float) -> list[list]:
    """Gradients for one scalar-like parameter of shape (1,): one value per step."""
    return [[np.array([v])] for v in values]
