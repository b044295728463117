"""Learning-rate schedules: how ``group["lr"]`` changes from epoch to epoch (or batch to batch).

A scheduler wraps an optimizer and, on each ``step()``, writes a new ``lr`` into every
parameter group; the optimizer's next ``step()`` uses it. The sequences equal PyTorch's
(``torch.optim.lr_scheduler``) for the same settings.
"""

from .base import LRScheduler, _LRScheduler  # noqa: F401 - PyTorch's former name
from .chained import ChainedScheduler
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR
from .decay import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .linear import LinearLR
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau
from .sequential import SequentialLR

__all__ = [
    "ChainedScheduler",
    "CyclicLR",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "MultiplicativeLR",
    "PolynomialLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
