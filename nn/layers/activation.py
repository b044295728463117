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


class _Elementwise(Module):
    """A layer that applies ``nn.functional``'s ``function`` with the options it was built with
    (PyTorch's activation layers: ``nn.ELU(alpha=0.5)``, ``nn.SiLU()``, ``nn.Hardtanh(0, 6)``)."""

    function: str  # the name in nn.functional
    options: tuple[str, ...] = ()

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        fn = getattr(F, self.function)
        return fn(x, **{name: getattr(self, name) for name in self.options})

    def extra_repr(self) -> str:
        shown = [f"{name}={getattr(self, name)}" for name in self.options if name != "inplace"]
        if getattr(self, "inplace", False):
            shown.append("inplace=True")
        return ", ".join(shown)


class ELU(_Elementwise):
    """y = x for x > 0, alpha * (exp(x) - 1) otherwise."""

    function, options = "elu", ("alpha", "inplace")

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace


class SELU(_Elementwise):
    """y = scale * elu(x, alpha) with PyTorch's constants (alpha ~ 1.6733, scale ~ 1.0507)."""

    function, options = "selu", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class CELU(_Elementwise):
    """y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""

    function, options = "celu", ("alpha", "inplace")

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace


class SiLU(_Elementwise):
    """y = x * sigmoid(x)."""

    function, options = "silu", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class Mish(_Elementwise):
    """y = x * tanh(softplus(x))."""

    function, options = "mish", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class Softplus(_Elementwise):
    """y = log(1 + exp(beta * x)) / beta (x itself where beta * x > threshold)."""

    function, options = "softplus", ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold


class Hardtanh(_Elementwise):
    """y = min(max(x, min_val), max_val)."""

    function, options = "hardtanh", ("min_val", "max_val", "inplace")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace


class ReLU6(_Elementwise):
    """y = min(max(x, 0), 6)."""

    function, options = "relu6", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class LogSigmoid(_Elementwise):
    """y = log(sigmoid(x))."""

    function = "logsigmoid"


class Softsign(_Elementwise):
    """y = x / (1 + |x|)."""

    function = "softsign"


class Hardsigmoid(_Elementwise):
    """y = clip(x / 6 + 1 / 2, 0, 1)."""

    function, options = "hardsigmoid", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class Hardswish(_Elementwise):
    """y = x * relu6(x + 3) / 6."""

    function, options = "hardswish", ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class Softmin(_Elementwise):
    """y = softmax(-x) along ``dim`` (PyTorch's name) or ``axis``; default -1."""

    function, options = "softmin", ("dim",)

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = resolve_spelling("Softmin", "axis", axis, "dim", dim, -1)


class Threshold(_Elementwise):
    """y = x where x > threshold, else ``value``."""

    function, options = "threshold", ("threshold", "value", "inplace")

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace


class GLU(_Elementwise):
    """Gated linear unit: x split in halves a, b along ``dim`` (default -1), y = a * sigmoid(b)."""

    function, options = "glu", ("dim",)

    def __init__(self, dim: int | None = None, *, axis: int | None = None) -> None:
        super().__init__()
        self.dim = resolve_spelling("GLU", "axis", axis, "dim", dim, -1)


class Softmax2d(Module):
    """Softmax over the channels of each position of an (N, C, H, W) or (C, H, W) input:
    y[..., c, h, w] = exp(x[..., c, h, w]) / sum_c' exp(x[..., c', h, w]) (axis -3)."""

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        if x.ndim not in (3, 4):
            raise ValueError(
                f"Softmax2d: expected an (N, C, H, W) or (C, H, W) input, got shape {x.shape}"
            )
        return F.softmax(x, axis=-3)
