"""Losses of probability distributions, as PyTorch defines them: ``kl_div`` (Kullback-Leibler
divergence from log-probabilities), ``poisson_nll_loss`` and ``gaussian_nll_loss`` (negative
log-likelihoods of a Poisson and a Gaussian).

Inputs and targets broadcast against each other as in PyTorch; 'mean' averages over every
element of the broadcast loss. ``kl_div`` is one fused op (its target term t log t needs its own
rule at t = 0); the other two are composed of recorded ops.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd

from .checks import (
    as_tensor,
    check_floating,
    check_reduction,
    float_like,
    legacy_reduction,
    refuse_grad,
)
from .checks import reduce as reduced  # (``reduce`` is PyTorch's legacy argument here)


class KLDivFunction(autograd.Function):
    """Pointwise KL term of log-probabilities x against a target t (PyTorch's formula):

    l = t log t - t x (with 0 log 0 = 0), or with ``log_target`` (t holds log-probabilities)
    l = exp(t) (t - x).

    dl/dx = -t (``log_target``: -exp(t)); dl/dt = log t + 1 - x, which does not exist at t = 0
    (t log t falls like -inf there): NaN, as PyTorch gives (``log_target``: exp(t) (t - x + 1)).
    """

    name = "kl_div"
    target = 1  # operand 1 is the target (drawn as such)

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, t: np.ndarray, log_target: bool = False) -> np.ndarray:
        ctx.save_for_backward(x, t)
        ctx.log_target = log_target
        if log_target:
            return np.exp(t) * (t - x)
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 is masked; log(<0) is NaN
            t_log_t = np.where(t == 0, 0.0, t * np.log(t))
        return t_log_t - t * x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, Any]:
        x, t = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_x = grad_t = None
        if ctx.log_target:
            e = np.exp(t)
            if needs[0]:
                grad_x = -e * grad
            if needs[1]:
                grad_t = e * (t - x + 1) * grad
            return grad_x, grad_t
        if needs[0]:
            grad_x = -t * grad
        if needs[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = np.where(t == 0, np.nan, np.log(t) + 1 - x)
            grad_t = slope * grad
        return grad_x, grad_t


def kl_div(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> autograd.Tensor:
    """Kullback-Leibler divergence KL(t || p) of log-probabilities ``input`` log p against
    ``target`` t, summed pointwise: l = t (log t - log p) (0 where t = 0), or with
    ``log_target=True`` (t given as log-probabilities) l = exp(t) (t - log p).

    ``reduction``: 'batchmean' is the divergence per sample, sum(l) / input.shape[0] (the
    mathematical KL for (N, C) rows); 'mean' (the default, as in PyTorch, which warns about it)
    divides by the number of elements instead; 'sum'; 'none'. Input and target broadcast.
    Both are differentiated: dl/dt = log t + 1 - log p (NaN at t = 0, where it does not exist).
    """
    fn = "kl_div"
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(fn, size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "kl_div: reduction='mean' divides the total loss by both the batch size and the "
            "support size (as in PyTorch); 'batchmean' divides only by the batch size and is "
            "the mathematical KL divergence. PyTorch plans to make 'mean' mean 'batchmean'.",
            UserWarning,
            stacklevel=2,
        )
    if reduction != "batchmean":
        check_reduction(fn, reduction)
    x = as_tensor(input)
    check_floating(fn, "input", x)
    t = float_like(x, target)
    _check_broadcast(fn, x, t)
    loss = KLDivFunction.apply(x, t, log_target=bool(log_target))
    if reduction == "batchmean":
        total = loss.sum()
        return total / x.shape[0] if x.ndim else total
    return reduced(loss, reduction)


def _check_broadcast(fn: str, x: autograd.Tensor, t: autograd.Tensor, name: str = "target") -> None:
    try:
        np.broadcast_shapes(x.shape, t.shape)
    except ValueError:
        raise ValueError(
            f"{fn}: input shape {x.shape} and {name} shape {t.shape} do not broadcast together"
        ) from None


def poisson_nll_loss(
    input: Any,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    size_average: Any = None,
    eps: float = 1e-8,
    reduce: Any = None,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Negative log-likelihood of a target t under a Poisson distribution of rate lambda:

    l = exp(x) - t x when ``input`` x is log(lambda) (``log_input=True``, the default),
    l = x - t log(x + eps) when x is lambda itself.

    ``full=True`` adds Stirling's approximation of log(t!), t log t - t + log(2 pi t) / 2, for
    t > 1 (and 0 for t <= 1, as log(t!) is for t = 0 and 1). Input and target broadcast; both
    are differentiated (for t <= 0 with ``full``, PyTorch's derivative is NaN; the term is 0
    there, and so is its derivative here).
    """
    fn = "poisson_nll_loss"
    reduction = legacy_reduction(fn, size_average, reduce, reduction)
    check_reduction(fn, reduction)
    refuse_grad(fn, "eps", eps)
    x = as_tensor(input)
    check_floating(fn, "input", x)
    t = float_like(x, target)
    _check_broadcast(fn, x, t)
    loss = x.exp() - t * x if log_input else x - t * (x + float(eps)).log()
    if full:
        counted = t._data > 1
        # The masked targets are replaced by 2 before the logs, so that no log(<= 0) is taken
        # and the gradient of a masked position is exactly 0.
        safe = autograd.where(counted, t, 2.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + autograd.where(counted, stirling, 0.0)
    return reduced(loss, reduction)


def gaussian_nll_loss(
    input: Any,
    target: Any,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> autograd.Tensor:
    """Negative log-likelihood of a target y under a Gaussian of mean ``input`` mu and
    variance ``var``: l = (log max(var, eps) + (mu - y)^2 / max(var, eps)) / 2, plus
    log(2 pi) / 2 with ``full=True``.

    ``var`` is one variance per element (the input's shape), per sample (the input's shape
    without its last axis, or with one axis of size 1), or a number. Negative variances are an
    error. As in PyTorch, the clamp at ``eps`` is invisible to the gradient: where var < eps the
    derivative is that of the formula at var = eps (a straight-through estimate, so a variance
    pushed below eps can recover; the exact derivative there would be 0).
    """
    fn = "gaussian_nll_loss"
    check_reduction(fn, reduction)
    refuse_grad(fn, "eps", eps)
    x = as_tensor(input)
    check_floating(fn, "input", x)
    y = float_like(x, target)
    _check_broadcast(fn, x, y)
    if not isinstance(var, autograd.Tensor) and np.ndim(var) == 0:
        if float(var) < 0:
            raise ValueError(f"{fn}: var has negative entry/entries (got {float(var)})")
        v = autograd.full(x.shape, float(var), dtype=x.dtype)
    else:
        v = _variance(fn, float_like(x, var), x.shape)
    eps = float(eps)
    # max(var, eps) forward; identity backward: where var < eps, (var - var) + eps is eps
    # exactly, with derivative 1.
    clamped = autograd.where(v._data >= eps, v, (v - v.detach()) + eps)
    loss = 0.5 * (clamped.log() + (x - y) ** 2 / clamped)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduced(loss, reduction)


def _variance(fn: str, v: autograd.Tensor, shape: tuple[int, ...]) -> autograd.Tensor:
    """``var`` checked (no negative entry) and shaped to broadcast against the input (PyTorch's
    rules: the input's shape, that shape without its last axis, or one axis of size 1)."""
    if bool((v._data < 0).any()):
        raise ValueError(f"{fn}: var has negative entry/entries")
    if v.shape == shape:
        return v
    if v.shape == shape[:-1]:
        return v.reshape(*v.shape, 1)
    if v.ndim == len(shape) and sum(b for a, b in zip(shape, v.shape) if a != b) == 1:
        return v
    raise ValueError(
        f"{fn}: var of shape {v.shape} does not fit input shape {shape}: var must have the "
        "input's shape, that shape without its last axis, or size 1 along one axis"
    )
