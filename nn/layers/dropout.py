"""``Dropout`` and its variants: randomly zero activations (or whole channels) in training."""

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


class _DropoutLayer(Module):
    """A dropout layer calling ``nn.functional``'s ``function`` with the module's mode."""

    function: str = ""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be between 0 and 1, got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return getattr(F, self.function)(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutLayer):
    """Channel dropout of (N, C, L) or (C, L) inputs in training: each whole channel zeroed
    with probability ``p``, the rest scaled by 1 / (1 - p); the identity in evaluation."""

    function = "dropout1d"


class Dropout3d(_DropoutLayer):
    """Channel dropout of (N, C, D, H, W) or (C, D, H, W) inputs in training: each whole
    channel zeroed with probability ``p``, the rest scaled by 1 / (1 - p); the identity in
    evaluation."""

    function = "dropout3d"


class AlphaDropout(_DropoutLayer):
    """Alpha dropout for SELU networks in training: dropped units take SELU's saturation value
    and an affine map keeps mean 0 and variance 1 (see ``nn.functional.alpha_dropout``); the
    identity in evaluation."""

    function = "alpha_dropout"


class FeatureAlphaDropout(_DropoutLayer):
    """Alpha dropout of whole channels of (N, C, ...) inputs in training (see
    ``nn.functional.feature_alpha_dropout``); the identity in evaluation."""

    function = "feature_alpha_dropout"
