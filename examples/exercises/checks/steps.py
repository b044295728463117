"""Running an optimizer for a few steps on given gradients: what the optimizer checks observe."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .observations import Raised

# Taken at import, before a notebook's cells run (see core.changed).
_array_equal, _allclose = np.array_equal, np.allclose


def _params(initial: list) -> list:
    return [autograd.tensor(np.array(p, dtype=np.float64), requires_grad=True) for p in initial]


def _values(params: list) -> list[np.ndarray]:
    # np.asarray: .data may be an ndarray or a Tensor sharing its memory
    return [np.array(np.asarray(p.data), dtype=np.float64) for p in params]


def _run(optimizer: type, initial: list, gradients: list[list], hyper: dict) -> tuple:
    """Every parameter's value after every step, and whether step() left p.grad alone."""
    params = _params(initial)
    opt = optimizer(params, **hyper)
    history, handed = [], []
    for grads in gradients:
        for p, g in zip(params, grads, strict=True):
            p.grad = np.array(g, dtype=np.float64)
            handed.append((p, p.grad, np.array(g, dtype=np.float64)))
        opt.step()
        history.append(_values(params))
    # every gradient array handed to step(), at the end: a state that is a gradient array
    # changes the earlier ones later
    grads_kept = all(
        _array_equal(given, original) and p.grad is not None for p, given, original in handed
    )
    return history, grads_kept


def run_steps(optimizer: type, initial: list, gradients: list[list], **hyper: Any) -> dict:
    """Build ``optimizer(params, **hyper)``, then for each step set every ``p.grad`` to the
    given gradient and call ``step()``. Observes every parameter after every step, whether the
    rule left the gradients alone, and, with several parameters, whether each moves exactly as
    it would alone (no state shared between parameters)."""
    observed: dict[str, Any] = {}
    several = len(initial) > 1
    try:
        history, grads_kept = _run(optimizer, initial, gradients, hyper)
    except NotImplementedError:
        raise
    except Exception as error:  # observed, and the invariants below still are
        history, grads_kept = None, False
        observed["the steps"] = Raised.from_error(error)
    if history is not None:
        for t, values in enumerate(history, 1):
            for i, value in enumerate(values):
                name = f"parameter {i + 1} of shape {value.shape}" if several else "the parameter"
                observed[f"step {t}, {name}"] = value
        observed["parameters step() never moved"] = [
            f"parameter {i + 1}" if several else "the parameter"
            for i, start in enumerate(initial)
            if _array_equal(history[-1][i], np.asarray(start, dtype=np.float64))
        ]
        observed["p.grad left unchanged by step()"] = bool(grads_kept)
    if several:
        alone = True
        for i, start in enumerate(initial):
            try:
                mine, _ = _run(optimizer, [start], [[g[i]] for g in gradients], hyper)
            except NotImplementedError:
                raise
            except Exception:  # noqa: BLE001 -- the joint run's own error is observed above
                alone = False
                continue
            alone &= history is not None and _allclose(mine[-1][0], history[-1][i], rtol=1e-12)
        observed["each parameter moves as it would alone"] = bool(alone)
    return observed


def steps_case(initial: list, gradients: list[list], **hyper: Any):
    """A case: ``run_steps`` on the class under test."""

    def case(optimizer):
        return run_steps(optimizer, initial, gradients, **hyper)

    return case


def scalar_steps(*values: float) -> list[list]:
    """Gradients for one scalar-like parameter of shape (1,): one value per step."""
    return [[np.array([v])] for v in values]


def two_parameters(seed: int, steps: int = 3, scale: float = 1.0) -> tuple[list, list[list]]:
    """A (2, 3) and a (4,) parameter and ``steps`` steps of gradients of different sizes: state
    shared between the parameters, or kept per shape, shows."""
    rng = np.random.default_rng(seed)
    initial = [rng.normal(size=(2, 3)).round(2), rng.normal(size=4).round(2)]
    gradients = [
        [scale * rng.normal(size=(2, 3)).round(2), 10 * scale * rng.normal(size=4).round(2)]
        for _ in range(steps)
    ]
    return initial, gradients
