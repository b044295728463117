"""Loss modules: ``criterion = nn.CrossEntropyLoss(); loss = criterion(logits, y)``.

Each stores its options (and ``weight`` / ``pos_weight`` as buffers, as PyTorch does) and calls
the function of the same name in ``nn.functional``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from ..functional.checks import check_reduction, legacy_reduction
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


def _reduction(owner: str, size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's deprecated ``size_average`` / ``reduce`` (with its warning) or ``reduction``."""
    return legacy_reduction(owner, size_average, reduce, reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of log-probabilities from a target distribution (see
    ``F.kl_div``); ``reduction='batchmean'`` gives the mathematical KL per sample."""

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        reduction = _reduction("KLDivLoss", size_average, reduce, reduction)
        Module.__init__(self)
        if reduction != "batchmean":
            check_reduction("KLDivLoss", reduction)
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood, exp(x) - t x for log-rates x (see
    ``F.poisson_nll_loss``)."""

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: Any = None,
        eps: float = 1e-8,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(_reduction("PoissonNLLLoss", size_average, reduce, reduction))
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.poisson_nll_loss(
            log_input, target, self.log_input, self.full, eps=self.eps, reduction=self.reduction
        )


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood, (log var + (x - y)^2 / var) / 2 (see
    ``F.gaussian_nll_loss``); called as ``criterion(input, target, var)``."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: autograd.Tensor, target: Any, var: Any) -> autograd.Tensor:
        return F.gaussian_nll_loss(
            input, target, var, full=self.full, eps=self.eps, reduction=self.reduction
        )


class _MarginLoss(_Loss):
    """A loss whose one option is ``margin`` (PyTorch's argument order)."""

    def __init__(
        self,
        margin: float = 0.0,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(_reduction(type(self).__name__, size_average, reduce, reduction))
        self.margin = margin


class MarginRankingLoss(_MarginLoss):
    """max(0, -y (x1 - x2) + margin) for y = 1 or -1 (see ``F.margin_ranking_loss``)."""

    def forward(self, input1: Any, input2: Any, target: Any) -> autograd.Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_MarginLoss):
    """x where y = 1, max(0, margin - x) where y = -1 (see ``F.hinge_embedding_loss``)."""

    def __init__(
        self,
        margin: float = 1.0,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1 (see
    ``F.cosine_embedding_loss``)."""

    def forward(self, input1: Any, input2: Any, target: Any) -> autograd.Tensor:
        return F.cosine_embedding_loss(
            input1, input2, target, self.margin, reduction=self.reduction
        )


class TripletMarginLoss(_Loss):
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm distance (see
    ``F.triplet_margin_loss``)."""

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(_reduction("TripletMarginLoss", size_average, reduce, reduction))
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Any, positive: Any, negative: Any) -> autograd.Tensor:
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, d(a, p) - d(a, n) + margin) for any ``distance_function`` d (default the
    Euclidean ``pairwise_distance``; see ``F.triplet_margin_with_distance_loss``)."""

    def __init__(
        self,
        *,
        distance_function: Any = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(
                f"TripletMarginWithDistanceLoss: margin must be greater than 0, got {margin}"
            )
        self.distance_function = distance_function
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Any, positive: Any, negative: Any) -> autograd.Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )


class SoftMarginLoss(_Loss):
    """log(1 + exp(-y x)) for labels y = 1 or -1 (see ``F.soft_margin_loss``)."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"):
        super().__init__(_reduction("SoftMarginLoss", size_average, reduce, reduction))

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Per-class logistic loss averaged over the classes (see
    ``F.multilabel_soft_margin_loss``); ``weight`` (one per class) is a buffer."""

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(_reduction("MultiLabelSoftMarginLoss", size_average, reduce, reduction))
        self.register_buffer("weight", weight)

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class MultiMarginLoss(_Loss):
    """Multi-class hinge sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C (see
    ``F.multi_margin_loss``); ``weight`` (one per class) is a buffer."""

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(_reduction("MultiMarginLoss", size_average, reduce, reduction))
        if p != 1 and p != 2:
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 are supported, got {p!r}")
        if weight is not None and np.ndim(weight) != 1:
            raise ValueError("MultiMarginLoss: weight must be one-dimensional")
        self.p = p
        self.margin = margin
        self.register_buffer("weight", weight)

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.multi_margin_loss(
            input, target, self.p, self.margin, self.weight, reduction=self.reduction
        )


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge over listed and unlisted classes (see ``F.multilabel_margin_loss``)."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"):
        super().__init__(_reduction("MultiLabelMarginLoss", size_average, reduce, reduction))

    def forward(self, input: autograd.Tensor, target: Any) -> autograd.Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class CTCLoss(_Loss):
    """Connectionist Temporal Classification loss of per-frame log-probabilities against
    unaligned label sequences (see ``F.ctc_loss``); called as
    ``criterion(log_probs, targets, input_lengths, target_lengths)``."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False):
        super().__init__(reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(
        self, log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any
    ) -> autograd.Tensor:
        return F.ctc_loss(
            log_probs,
            targets,
            input_lengths,
            target_lengths,
            self.blank,
            self.reduction,
            self.zero_infinity,
        )
