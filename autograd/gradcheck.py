"""``gradcheck``: compare backprop's gradients with central finite differences.

For a function f and a fixed random weighting v of its outputs, the check compares, for every
element x_j of every input that requires grad,

    analytic:  d(sum(v * f(x))) / dx_j           from one backward pass
    numeric:   (g(x + eps e_j) - g(x - eps e_j)) / (2 eps),   g = sum(v * f)

and accepts when |analytic - numeric| <= atol + rtol * |numeric| everywhere. A random v makes
every output element count without building the full Jacobian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .grad_mode import enable_grad, no_grad
from .gradients import grad as autograd_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytic and numeric gradients disagree."""


def _outputs(result: Any) -> list[Tensor]:
    return [result] if isinstance(result, Tensor) else list(result)


def _weighted_sum(outputs: list[Tensor], weights: list[np.ndarray]) -> Any:
    total = None
    for out, w in zip(outputs, weights):
        term = (out * w).sum()
        total = term if total is None else total + term
    return total


def gradcheck(
    fn: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Return True if ``fn``'s backprop gradients match central differences; otherwise raise
    ``GradcheckError`` naming the input, the worst element and both values.

    ``inputs`` are passed to ``fn`` positionally; those that require grad are checked and must be
    float64 (float32 central differences are too coarse to tell a bug from rounding).
    """
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise ValueError(
                f"gradcheck: input {i} is {inputs[i].dtype}; central differences need float64 "
                "(make it with dtype=np.float64)"
            )
    rng = np.random.default_rng(0)  # a private generator: checking must not disturb the seed
    outputs = _outputs(fn(*inputs))
    weights = [rng.uniform(0.5, 1.5, size=out.shape) for out in outputs]
    differentiable = [out for out in outputs if out.requires_grad]
    analytic: list[Any] = [None] * len(checked)
    if differentiable:
        weighted = _weighted_sum(
            differentiable, [w for w, out in zip(weights, outputs) if out.requires_grad]
        )
        analytic = list(autograd_grad(weighted, [inputs[i] for i in checked], allow_unused=True))

    def value() -> float:
        with no_grad():
            outs = _outputs(fn(*inputs))
            return float(sum(float(np.sum(o._data * w)) for o, w in zip(outs, weights)))

    for k, i in enumerate(checked):
        x = inputs[i]._data
        expected = np.zeros_like(x) if analytic[k] is None else analytic[k]._data
        if expected.shape != x.shape:
            raise GradcheckError(
                f"gradcheck: the gradient of input {i} has shape {expected.shape}, the input "
                f"{x.shape}"
            )
        numeric = np.zeros_like(x)
        flat, flat_numeric = x.reshape(-1), numeric.reshape(-1)  # views: x is perturbed in place
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = value()
            flat[j] = original - eps
            minus = value()
            flat[j] = original
            flat_numeric[j] = (plus - minus) / (2 * eps)
        error = np.abs(expected - numeric) - (atol + rtol * np.abs(numeric))
        if (error > 0).any() or not np.isfinite(expected).all():
            worst = np.unravel_index(
                np.argmax(np.where(np.isfinite(error), error, np.inf)), x.shape
            )
            name = f" ({inputs[i].name!r})" if inputs[i].name else ""
            raise GradcheckError(
                f"gradcheck: gradient of input {i}{name} is wrong; worst at index "
                f"{tuple(int(w) for w in worst)}: backprop gives {float(expected[worst])!r}, "
                f"central differences give {float(numeric[worst])!r} (atol={atol}, rtol={rtol}; "
                "values are d(sum(v * output))/dx for fixed random weights v)"
            )
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    order: int = 2,
    **tolerances: Any,
) -> bool:
    """Check derivatives of order ``order`` (2 = second): gradcheck the function
    x -> sum_k w_k * d^(order-1)(v . fn)/dx_k, built with ``grad(..., create_graph=True)``."""
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    rng = np.random.default_rng(1)

    def lower_order(f: Callable[..., Any]) -> Callable[..., Any]:
        cache: dict[str, list[np.ndarray]] = {}

        @enable_grad()  # it differentiates inside, even when gradcheck evaluates under no_grad
        def derivative(*args: Any) -> Tensor:
            outputs = _outputs(f(*args))
            if "v" not in cache:
                cache["v"] = [rng.uniform(0.5, 1.5, size=o.shape) for o in outputs]
                cache["w"] = [rng.uniform(0.5, 1.5, size=args[i].shape) for i in checked]
            weighted = _weighted_sum(outputs, cache["v"])
            if not weighted.requires_grad:  # a derivative that is constant: the next one is 0
                return Tensor(np.zeros((), dtype=np.float64))
            grads = autograd_grad(
                weighted, [args[i] for i in checked], create_graph=True, allow_unused=True
            )
            pairs = [(g, w) for g, w in zip(grads, cache["w"]) if g is not None]
            if not pairs:
                return Tensor(np.zeros((), dtype=np.float64))
            return _weighted_sum([g for g, _ in pairs], [w for _, w in pairs])

        return derivative

    target = fn
    for _ in range(order - 1):
        target = lower_order(target)
    return gradcheck(target, inputs, **tolerances)
