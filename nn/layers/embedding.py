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
    accumulate all their gradients.

    ``padding_idx`` (as PyTorch; negative counts from the end): that row starts at zero and
    receives no gradient, so it stays whatever it is set to (a "no token" vector).
    ``dtype`` defaults to float32; ``device`` must be the CPU; both are keyword-only."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        if padding_idx is not None:
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, int | np.integer):
                raise TypeError(f"Embedding: padding_idx must be an int, got {padding_idx!r}")
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx {padding_idx} is out of range for "
                    f"{self.num_embeddings} embeddings"
                )
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        check_device(device, "Embedding")
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Parameter(np.empty(shape, dtype=floating_dtype(dtype, "Embedding")))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1); the padding row, if any, is set to zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            autograd.versions.write(self.weight, 0, self.padding_idx)

    def forward(self, indices: Any) -> autograd.Tensor:
        return F.embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else f"{text}, padding_idx={self.padding_idx}"
