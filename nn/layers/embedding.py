"""``Embedding``: a learnable lookup table of vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter


class Embedding(Module):
    """y[..., :] = weight[indices[...], :], weight of shape (num_embeddings, embedding_dim)
    drawn from N(0, 1) (PyTorch's default). Rows looked up several times in one batch
    accumulate all their gradients."""

    def __init__(self, num_embeddings: int, embedding_dim: int, dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Parameter(np.empty(shape, dtype=np.dtype(dtype or np.float32)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1)."""
        init.normal_(self.weight)

    def forward(self, indices: Any) -> autograd.Tensor:
        return F.embedding(indices, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
