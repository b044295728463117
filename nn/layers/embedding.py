"""``Embedding``: a learnable lookup table of vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter


class Embedding(Module):
    """y[..., :] = weight[indices[...], :], weight of shape (num_embeddings, embedding_dim)
    drawn from N(0, 1) (PyTorch's default). Rows looked up several times in one batch
    accumulate all their gradients. ``dtype`` defaults to float32; ``device`` must be the CPU.
    Both are keyword-only: PyTorch's third positional argument is ``padding_idx``, which
    backproplab does not have."""

    def __init__(
        self, num_embeddings: int, embedding_dim: int, *, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        check_device(device, "Embedding")
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Parameter(np.empty(shape, dtype=floating_dtype(dtype, "Embedding")))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1)."""
        init.normal_(self.weight)

    def forward(self, indices: Any) -> autograd.Tensor:
        return F.embedding(indices, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
