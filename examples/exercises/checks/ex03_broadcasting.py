"""Exercise 3: broadcasting in backward: sum a gradient back to its input's shape."""

from __future__ import annotations

import numpy as np

import autograd
from nn import functional as F

from .core import Exercise, Mistake, as_array, changed, describe_difference, numeric

# -- ex03_unbroadcast: unbroadcast(grad, shape) -> grad summed to ``shape`` ---------------------


def unbroadcast(grad, shape):
    """The reference: the engine's own reduction. x of ``shape`` is broadcast to grad's shape,
    and backward hands x the gradient of sum(grad * broadcast(x))."""
    x = autograd.tensor(np.zeros(shape), requires_grad=True)
    (x * np.asarray(grad, dtype=np.float64)).sum().backward()
    return x.grad


def unbroadcast_unchanged(grad, shape):
    return grad


def unbroadcast_leading_only(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad


def unbroadcast_without_keepdims(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes)


def unbroadcast_mean(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.mean(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.mean(axis=axes, keepdims=True)


def unbroadcast_case(grad_shape, shape, seed):
    grad = np.random.default_rng(seed).standard_normal(grad_shape).round(2)

    def case(fn):
        given = grad.copy()
        result = as_array(fn(given, shape))
        return {
            "result": result,
            "arguments changed in place": changed({"grad": grad}, {"grad": given}),
        }

    return case


UNBROADCAST_CASES = {
    f"{g} -> {s}": unbroadcast_case(g, s, seed)
    for seed, (g, s) in enumerate(
        [
            ((4, 3), (3,)),
            ((4, 3), (4, 1)),
            ((4, 3), (1, 3)),
            ((2, 4, 3), (4, 1)),
            ((4, 3), ()),
            ((4, 3), (4, 3)),
            ((2, 4, 3), (3,)),
            ((2, 4, 3), (1, 3)),
            ((3, 2, 5), (2, 1)),
            ((2, 3, 4, 5), (3, 1, 1)),
            ((5,), (1,)),
            ((1, 3), (1, 3)),
        ]
    )
}


# -- ex03_linear: linear_backward(x, w, grad_out) -> (grad_x, grad_w, grad_b) for y = x w^T + b


def linear_backward(x, w, grad_out):
    """The reference: the library's F.linear, differentiated by the library."""
    tx = autograd.tensor(x, requires_grad=True)
    tw = autograd.tensor(w, requires_grad=True)
    tb = autograd.tensor(np.zeros(w.shape[0]), requires_grad=True)
    (F.linear(tx, tw, tb) * grad_out).sum().backward()
    return tx.grad, tw.grad, tb.grad


def linear_backward_transposed_w(x, w, grad_out):
    return grad_out @ w, x.T @ grad_out, grad_out.sum(axis=0)


def linear_backward_unsummed_b(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, grad_out


def linear_backward_mean_b(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, grad_out.mean(axis=0)


def linear_backward_wrong_x(x, w, grad_out):
    return grad_out @ w.T, grad_out.T @ x, grad_out.sum(axis=0)


def linear_case(n, fan_in, fan_out, seed):
    rng = np.random.default_rng(seed)
    x, w, g = (
        rng.standard_normal(s).round(2) for s in [(n, fan_in), (fan_out, fan_in), (n, fan_out)]
    )

    def case(fn):
        args = {"x": x.copy(), "w": w.copy(), "grad_out": g.copy()}
        grads = fn(*args.values())
        observed = {"arguments changed in place": changed({"x": x, "w": w, "grad_out": g}, args)}
        if not isinstance(grads, (tuple, list)) or len(grads) != 3:
            kind = type(grads).__name__
            size = f" of {len(grads)} items" if isinstance(grads, (tuple, list)) else ""
            return {"what it returns": f"a {kind}{size}", **observed}
        names = ("grad_x", "grad_w", "grad_b")
        return {
            "what it returns": "3 gradients",
            **{name: as_array(grad) for name, grad in zip(names, grads, strict=True)},
            **observed,
        }

    return case


LINEAR_CASES = {
    "x of shape (5, 3), w of shape (4, 3)": linear_case(5, 3, 4, 0),
    "x of shape (2, 6), w of shape (3, 6)": linear_case(2, 6, 3, 1),
    "x of shape (1, 4), w of shape (1, 4) (one example, one output)": linear_case(1, 4, 1, 2),
}


def explain_unbroadcast(case, where, yours, expected):
    """Say which kind of axis was not summed: one broadcasting added, or one it stretched."""
    y, e = numeric(yours), numeric(expected)
    if where == "result" and y is not None and e is not None and y.shape != e.shape:
        if y.ndim > e.ndim:
            return (
                f"on {case}, your result has shape {y.shape}, expected {e.shape}: sum away "
                f"every leading axis that broadcasting added ({y.ndim - e.ndim} left here), "
                "not only the first"
            )
        if y.ndim == e.ndim:
            axes = [i for i, (a, b) in enumerate(zip(y.shape, e.shape)) if a != b]
            return (
                f"on {case}, your result has shape {y.shape}, expected {e.shape}: axis "
                f"{axes[0]} was stretched from 1, so sum over it with keepdims=True"
            )
    return describe_difference(case, where, yours, expected)


EXERCISES = [
    Exercise(
        id="ex03_unbroadcast",
        title="sum a gradient back to its input's shape",
        name="unbroadcast",
        reference=unbroadcast,
        cases=UNBROADCAST_CASES,
        explain=explain_unbroadcast,
        checked="every rank and broadcast pattern (axes added in front, axes stretched from 1, "
        "both, none, a scalar); the gradient you are given must stay unchanged",
        mistakes=(
            Mistake(
                unbroadcast_unchanged,
                "your gradient has the output's shape (4, 3), not the input's (3,): sum over "
                "the broadcast axes",
            ),
            Mistake(
                unbroadcast_leading_only,
                "for an input of shape (4, 1) your gradient has shape (4, 3): the input's "
                "size-1 axes were stretched too, so sum over them as well (keepdims=True)",
            ),
            Mistake(
                unbroadcast_without_keepdims,
                "for an input of shape (4, 1) your gradient has shape (4,): sum the stretched "
                "size-1 axes with keepdims=True",
            ),
            Mistake(
                unbroadcast_mean,
                "your gradient is the mean over the broadcast axes: every copy of an input "
                "element passes on its full gradient, so sum them",
            ),
        ),
    ),
    Exercise(
        id="ex03_linear",
        title="the backward of a linear layer",
        name="linear_backward",
        reference=linear_backward,
        cases=LINEAR_CASES,
        checked="three shapes of x, w and grad_out, each gradient's shape and values; x, w and "
        "grad_out must stay unchanged",
        mistakes=(
            Mistake(
                linear_backward_transposed_w,
                "your grad_w has shape (3, 4), the weight's is (4, 3): w is stored (out, in), "
                "so dL/dw = grad_out.T @ x",
            ),
            Mistake(
                linear_backward_unsummed_b,
                "your grad_b has shape (5, 4), one row per example: the bias is broadcast over "
                "the batch, so sum its gradient over axis 0",
            ),
            Mistake(
                linear_backward_mean_b,
                "your grad_b is the mean over the batch: every example uses the bias, so their "
                "gradients add up (sum over axis 0)",
            ),
            Mistake(
                linear_backward_wrong_x,
                "grad_out @ w.T does not fit the shapes: y = x @ w.T, so grad_x = grad_out @ w",
            ),
        ),
        helpers={"unbroadcast": "ex03_unbroadcast"},
    ),
]
