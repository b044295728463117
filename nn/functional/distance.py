"""Vector normalisation and similarity along an axis: ``normalize``, ``cosine_similarity``,
``pairwise_distance`` (PyTorch's, as contrastive and siamese examples use them). Composed of
recorded ops, so their gradients are those ops'."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, refuse_grad, resolve_spelling


def normalize(
    x: Any, p: float = 2.0, dim: int | None = None, eps: float = 1e-12, *, axis: int | None = None
) -> autograd.Tensor:
    """x / max(||x||_p, eps), the p-norm taken along ``dim`` (PyTorch's name) or ``axis``,
    default 1 (each slice scaled to norm 1; a slice of zeros stays zeros)."""
    dim = resolve_spelling("normalize", "axis", axis, "dim", dim, 1)
    x = as_tensor(x)
    check_floating("normalize", "input", x)
    refuse_grad("normalize", "eps", eps)
    refuse_grad("normalize", "p", p)
    return x / x.norm(p, dim=dim, keepdim=True).clamp(min=float(eps))


def cosine_similarity(
    x1: Any, x2: Any, dim: int | None = None, eps: float = 1e-8, *, axis: int | None = None
) -> autograd.Tensor:
    """sum(x1 * x2) / (||x1|| ||x2||) along ``dim`` (or ``axis``; default 1; inputs broadcast),
    each norm at least ``eps``: both vectors are normalised first, as PyTorch computes it."""
    dim = resolve_spelling("cosine_similarity", "axis", axis, "dim", dim, 1)
    x1, x2 = as_tensor(x1), as_tensor(x2)
    check_floating("cosine_similarity", "x1", x1)
    check_floating("cosine_similarity", "x2", x2)
    refuse_grad("cosine_similarity", "eps", eps)
    shape = np.broadcast_shapes(x1.shape, x2.shape)  # broadcast first: norms of the full slices
    x1 = x1 if x1.shape == shape else x1.broadcast_to(shape)
    x2 = x2 if x2.shape == shape else x2.broadcast_to(shape)
    n1 = x1.norm(2, dim=dim, keepdim=True).clamp(min=float(eps))
    n2 = x2.norm(2, dim=dim, keepdim=True).clamp(min=float(eps))
    return ((x1 / n1) * (x2 / n2)).sum(dim=dim)


def pairwise_distance(
    x1: Any,
    x2: Any,
    p: float = 2.0,
    eps: float = 1e-6,
    keepdim: bool | None = None,
    *,
    keepdims: bool | None = None,
) -> autograd.Tensor:
    """||x1 - x2 + eps||_p along the last axis (PyTorch adds ``eps`` to the difference so that
    the norm's gradient stays finite when x1 = x2); ``keepdim`` (or ``keepdims``) keeps that
    axis."""
    keepdim = resolve_spelling("pairwise_distance", "keepdims", keepdims, "keepdim", keepdim, False)
    x1, x2 = as_tensor(x1), as_tensor(x2)
    check_floating("pairwise_distance", "x1", x1)
    check_floating("pairwise_distance", "x2", x2)
    refuse_grad("pairwise_distance", "eps", eps)
    refuse_grad("pairwise_distance", "p", p)
    return (x1 - x2 + float(eps)).norm(p, dim=-1, keepdim=keepdim)
