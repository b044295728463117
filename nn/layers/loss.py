"""Loss modules: ``criterion = nn.CrossEntropyLoss(); loss = criterion(logits, y)``.

Each stores its options (and ``weight`` / ``pos_weight`` as buffers, as PyTorch does) and calls
the function of the same name in ``nn.functional``.
"""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..functional.checks import check_reduction
from ..module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    """Mean squared error, l = (x - y)^2 (see ``F.mse_loss``)."""

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, l = |x - y| (see ``F.l1_loss``)."""

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss: quadratic for |x - y| < delta, linear beyond (see ``F.huber_loss``)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1: (x - y)^2 / (2 beta) for |x - y| < beta, else |x - y| - beta / 2."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits against class indices or probabilities, one fused op
    (see ``F.cross_entropy`` for the formula with ``weight``, ``ignore_index`` and
    ``label_smoothing``)."""

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities, l_i = -w[y_i] x[i, y_i]."""

    def __init__(
        self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities, l = -w (y log x + (1 - y) log(1 - x))."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy on logits, computed stably in one op."""

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )
