"""Activation layers: thin ``Module`` wrappers around ``nn.functional``."""

from __future__ import annotations

import autograd

from .. import functional as F
from ..functional.checks import resolve_spelling
from ..module import Module


class ReLU(Module):
    """y = max(x, 0). ``inplace=True`` (PyTorch's) writes y into x's memory and returns x."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        if self.inplace:
            return F.relu(x, inplace=True)
        return F.relu(x)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """y = x for x > 0, negative_slope * x otherwise. ``inplace=True`` (PyTorch's) writes y into
    x's memory and returns x."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace}"


class Tanh(Module):
    """y = tanh(x)."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x))."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.sigmoid(x)


class GELU(Module):
    """y = x * Phi(x) (``approximate='none'``) or its tanh approximation (``'tanh'``)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``dim`` (PyTorch's name) or ``axis`` (NumPy's);
    default -1, the last axis. Stored as ``self.dim``."""

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = resolve_spelling("Softmax", "axis", axis, "dim", dim, -1)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.softmax(x, axis=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """y_i = x_i - log(sum_j exp(x_j)) along ``dim`` (PyTorch's name) or ``axis`` (NumPy's);
    default -1, the last axis. Stored as ``self.dim``."""

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = resolve_spelling("LogSoftmax", "axis", axis, "dim", dim, -1)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.log_softmax(x, axis=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
