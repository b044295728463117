"""``LazyLinear``: a ``Linear`` whose ``in_features`` is read from its first input.

Until the first forward its ``weight`` and ``bias`` are ``UninitializedParameter``s (no shape,
no values). The first forward gives them their shapes, draws them with ``Linear``'s
initialisation and turns the module into an ordinary ``nn.Linear`` (its class changes, as in
PyTorch). Loading a state dict before that gives the parameters the loaded shapes and values
instead; the first forward then only checks that the input fits them.

As PyTorch's documentation says: run one forward pass (a "dry run" with a batch of the right
shape) before creating the optimizer and before ``state_dict()``. The parameters are materialised
in place, so an optimizer made earlier does see them, but a state dict taken earlier holds the
empty placeholders.
"""

from __future__ import annotations

from typing import Any

import autograd

from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import UninitializedParameter
from .linear import Linear


class LazyLinear(Linear):
    """y = x W^T + b with ``in_features`` inferred from the last axis of the first input;
    then exactly ``nn.Linear(in_features, out_features, bias)`` (same initialisation: every
    entry uniform in (-1/sqrt(in_features), 1/sqrt(in_features))). Before the first forward,
    ``in_features`` is 0."""

    cls_to_become = Linear

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        Module.__init__(self)
        check_device(device, "LazyLinear")
        dtype = floating_dtype(dtype, "LazyLinear")
        self.in_features = 0
        self.out_features = check_size("LazyLinear", "out_features", out_features, allow_zero=True)
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter still waits for its shape."""
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def reset_parameters(self) -> None:
        """``Linear``'s initialisation once the shapes are known (nothing before)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, x: autograd.Tensor) -> None:
        """Give the parameters their shapes from ``x`` (in_features = x.shape[-1]) and draw
        them; parameters already given values (by ``load_state_dict``) are kept."""
        if x.ndim == 0:
            raise ValueError("LazyLinear: the first input needs a feature axis, got a 0-d input")
        if self.has_uninitialized_params():
            self.in_features = x.shape[-1]
            shapes = {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}
            for name, p in self._parameters.items():
                if isinstance(p, UninitializedParameter):
                    p.materialize(shapes[name])
            self.reset_parameters()
        else:
            self.in_features = self.weight.shape[1]
        self.__class__ = self.cls_to_become  # type: ignore[assignment]  # as PyTorch's

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        self.initialize_parameters(x)
        return self.forward(x)  # Linear's, now that the class has changed
