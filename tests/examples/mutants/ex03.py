"""Exercise 3's wrong and correct solutions for the mutation suite.

Broadcasting: ``unbroadcast`` and the linear layer's gradients.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

from .common import ARGUMENT, LINE, right, wrong

# -- the student's helper, written correctly, which this exercise's solutions call ------------


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


# == ex03_unbroadcast ============================================================================


@wrong("ex03_unbroadcast", r"(added|leading|new) ax")
def unbroadcast_stretched_only(grad, shape):
    for i, n in enumerate(shape):
        if n == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


@wrong("ex03_unbroadcast", r"(two|added|leading|new) ax")
def unbroadcast_one_leading_axis(grad, shape):
    if grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@wrong("ex03_unbroadcast", LINE)
def unbroadcast_reshape(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad.reshape(shape)


@wrong("ex03_unbroadcast", r"(right|trailing|align|shape)")
def unbroadcast_from_the_left(grad, shape):
    grad = grad.sum(axis=tuple(range(len(shape), grad.ndim)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@wrong("ex03_unbroadcast", r"mean|times|ratio")
def unbroadcast_mean_of_batch(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.mean(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@right("ex03_unbroadcast")
def unbroadcast_axes_then_reshape(grad, shape):
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape)


@right("ex03_unbroadcast")
def unbroadcast_keepdims_loop(grad, shape):
    out = grad
    for _ in range(grad.ndim - len(shape)):
        out = np.add.reduce(out, axis=0)
    for i, n in enumerate(shape):
        if n == 1:
            out = out.sum(axis=i, keepdims=True)
    return out


@right("ex03_unbroadcast")
def unbroadcast_padded_shape(grad, shape):
    padded = (1,) * (grad.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, padded)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


# == ex03_linear =================================================================================


@wrong("ex03_linear", r"grad_b")
def linear_b_over_features(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, grad_out.sum(axis=1)


@wrong("ex03_linear", r"grad_w")
def linear_w_averaged(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x / len(x), grad_out.sum(axis=0)


@wrong("ex03_linear", r"grad_b")
def linear_b_weight_shape(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, unbroadcast(grad_out, (1, w.shape[0]))


@wrong("ex03_linear", LINE)
def linear_w_transposes_twice(x, w, grad_out):
    return grad_out @ w, x.T @ grad_out.T, grad_out.sum(axis=0)


@wrong("ex03_linear", ARGUMENT)
def linear_scales_grad_out(x, w, grad_out):
    grad_b = grad_out.sum(axis=0)
    grad_out *= 1.0  # harmless here...
    grad_out += 0.0
    x -= 0.0
    grad_w = grad_out.T @ x
    w *= 2.0  # ...but the caller's w is doubled
    return grad_out @ (w / 2.0), grad_w, grad_b


@right("ex03_linear")
def linear_einsum(x, w, grad_out):
    return (
        np.einsum("no,oi->ni", grad_out, w),
        np.einsum("no,ni->oi", grad_out, x),
        np.einsum("no->o", grad_out),
    )


@right("ex03_linear")
def linear_as_list(x, w, grad_out):
    return [grad_out @ w, grad_out.T @ x, unbroadcast(grad_out, (w.shape[0],))]


@right("ex03_linear")
def linear_transposed_product(x, w, grad_out):
    return (w.T @ grad_out.T).T, (x.T @ grad_out).T, np.sum(grad_out, axis=0)
