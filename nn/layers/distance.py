"""``CosineSimilarity`` and ``PairwiseDistance``: the layer forms of ``F.cosine_similarity`` and
``F.pairwise_distance`` (no parameters)."""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..functional.checks import resolve_spelling
from ..module import Module


class CosineSimilarity(Module):
    """sum(x1 * x2) / (max(||x1||, eps) max(||x2||, eps)) along ``dim`` (default 1)."""

    def __init__(self, dim: int | None = None, eps: float = 1e-8, *, axis: int | None = None):
        super().__init__()
        self.dim = resolve_spelling("CosineSimilarity", "axis", axis, "dim", dim, 1)
        self.eps = eps

    def forward(self, x1: Any, x2: Any) -> autograd.Tensor:
        return F.cosine_similarity(x1, x2, dim=self.dim, eps=self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last axis (PyTorch's placement of ``eps``: added to the
    difference); ``keepdim=True`` (or ``keepdims=True``) keeps that axis."""

    def __init__(
        self,
        p: float = 2.0,
        eps: float = 1e-6,
        keepdim: bool | None = None,
        *,
        keepdims: bool | None = None,
    ) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = resolve_spelling(
            "PairwiseDistance", "keepdims", keepdims, "keepdim", keepdim, False
        )

    def forward(self, x1: Any, x2: Any) -> autograd.Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
