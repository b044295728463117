"""``Linear`` (fully connected layer), ``Identity`` and ``Flatten``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter


def reset_weight_and_bias(weight: Parameter, bias: Parameter | None) -> None:
    """PyTorch's default initialisation of ``Linear`` and ``Conv2d``: W = kaiming_uniform_(W,
    a=sqrt(5)) and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the gain sqrt(2 / (1 + 5)) makes
    W's bound 1/sqrt(fan_in) too, so every entry is uniform within the same interval."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init.calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """Fully connected layer: y = x W^T + b, W of shape (out_features, in_features).

    PyTorch's default initialisation: W = kaiming_uniform_(a=sqrt(5)), i.e. every entry of W
    and b is drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)). ``dtype`` defaults to
    float32; use ``np.float64`` for gradient checks. ``device`` must be the CPU (see
    ``nn.devices``).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = check_size("Linear", "in_features", in_features, allow_zero=True)
        self.out_features = check_size("Linear", "out_features", out_features, allow_zero=True)
        check_device(device, "Linear")
        dtype = floating_dtype(dtype, "Linear")
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation."""
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """y = x. Accepts and ignores any constructor arguments (as PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        nd = max(x.ndim, 1)
        start, end = self.start_dim % nd, self.end_dim % nd
        if not (-nd <= self.start_dim < nd and -nd <= self.end_dim < nd) or start > end:
            raise ValueError(
                f"Flatten: start_dim={self.start_dim}, end_dim={self.end_dim} do "
                f"not fit an input of shape {x.shape}"
            )
        shape = x.shape
        return x.reshape(*shape[:start], -1, *shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
