"""``Dropout``: randomly zero activations during training."""

from __future__ import annotations

import autograd

from .. import functional as F
from ..module import Module


class Dropout(Module):
    """Inverted dropout: in training, each element is zeroed with probability ``p`` and the
    survivors are scaled by 1 / (1 - p), so the expected output equals the input; in
    evaluation mode (``model.eval()``) it is the identity. Masks come from the library
    generator (``autograd.manual_seed``)."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be between 0 and 1, got {p}")
        self.p = p
        self.inplace = inplace  # PyTorch's: write the result into the input's memory

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}" + (", inplace=True" if self.inplace else "")
