"""``Linear`` (fully connected layer), ``Bilinear``, ``Identity``, ``Flatten`` and
``Unflatten``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size, resolve_spelling
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


class Bilinear(Module):
    """Bilinear layer: y[..., o] = x1^T W[o] x2 + b[o] = sum_ij x1[..., i] W[o, i, j] x2[..., j]
    + b[o], W of shape (out_features, in1_features, in2_features).

    PyTorch's initialisation: every entry of W and b uniform in (-1/sqrt(in1_features),
    1/sqrt(in1_features)). ``dtype`` defaults to float32; ``device`` must be the CPU.
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "Bilinear")
        self.in1_features = check_size("Bilinear", "in1_features", in1_features)
        self.in2_features = check_size("Bilinear", "in2_features", in2_features)
        self.out_features = check_size("Bilinear", "out_features", out_features)
        dtype = floating_dtype(dtype, "Bilinear")
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw W and b uniformly in (-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x1: autograd.Tensor, x2: autograd.Tensor) -> autograd.Tensor:
        return F.bilinear(x1, x2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
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


class Unflatten(Module):
    """Split axis ``dim`` (or ``axis``) into the axes ``unflattened_size`` (one of them may be
    -1, inferred): ``Unflatten(1, (C, H, W))`` turns (N, C*H*W) back into (N, C, H, W)."""

    def __init__(
        self,
        dim: int | None = None,
        unflattened_size: Sequence[int] | None = None,
        *,
        axis: int | None = None,
    ) -> None:
        super().__init__()
        dim = resolve_spelling("Unflatten", "axis", axis, "dim", dim, None)
        if dim is None or unflattened_size is None:
            raise TypeError("Unflatten: needs dim (or axis) and unflattened_size")
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dimensions are not supported; give dim as an int")
        sizes = tuple(unflattened_size)
        if not sizes or not all(isinstance(s, int | np.integer) for s in sizes):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}"
            )
        self.dim = dim
        self.unflattened_size = tuple(int(s) for s in sizes)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        nd = x.ndim
        if not -nd <= self.dim < nd:
            raise ValueError(f"Unflatten: dim={self.dim} does not fit an input of shape {x.shape}")
        axis = self.dim % nd
        sizes, length = self.unflattened_size, x.shape[axis]
        known = math.prod(s for s in sizes if s != -1)
        inferred = sizes.count(-1)
        fits = (
            inferred == 0 and known == length or inferred == 1 and known > 0 and length % known == 0
        )
        if not fits or inferred > 1 or any(s < -1 for s in sizes):
            raise ValueError(
                f"Unflatten: sizes {list(sizes)} do not multiply up to the size of dim {axis} "
                f"({length}) of the input shape {x.shape}"
            )
        return x.reshape(*x.shape[:axis], *sizes, *x.shape[axis + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
