"""Weight initialisation, with PyTorch's formulas and names.

Every function fills ``t``'s array in place (``t`` may be a Tensor, a Parameter or an ndarray),
returns ``t``, and draws from ``autograd.get_generator()``: after ``autograd.manual_seed(n)``
the same model gets the same weights.

Fans (PyTorch's convention, for a weight of shape ``(out, in, *kernel)``)::

    receptive = prod(kernel)      fan_in = in * receptive      fan_out = out * receptive
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np

import autograd

T = TypeVar("T")

_LINEAR_GAIN_ONE = (
    "linear", "identity", "sigmoid",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)  # fmt: skip


def _array(fn: str, t: Any) -> np.ndarray:
    arr = t._data if isinstance(t, autograd.Tensor) else t
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"nn.init.{fn}: expected a Tensor or ndarray, got {type(t).__name__}")
    if arr.dtype.kind != "f":
        raise TypeError(f"nn.init.{fn}: tensor must be floating point, got dtype {arr.dtype}")
    return arr


def _fill(fn: str, t: T, values: Any) -> T:
    # (versions.write: a graph that saved the old values must not use the new)
    autograd.versions.write(_array(fn, t), values)
    return t


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Recommended scale for the weights feeding ``nonlinearity`` (PyTorch's table).

    linear / conv / sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);  selu: 3/4;
    leaky_relu with slope ``param`` (default 0.01): sqrt(2 / (1 + slope^2)).
    """
    if nonlinearity in _LINEAR_GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"nn.init.calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(f"nn.init.calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(t: Any) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``; needs ndim >= 2."""
    shape = _array("calculate_fan_in_and_fan_out", t).shape
    if len(shape) < 2:
        raise ValueError(
            f"nn.init: fan in and fan out need a tensor with at least 2 dimensions, got shape "
            f"{shape}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(fn: str, t: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init.{fn}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    return fan_in if mode == "fan_in" else fan_out


def _generator() -> np.random.Generator:
    return autograd.get_generator()


def uniform_(t: T, a: float = 0.0, b: float = 1.0) -> T:
    """Fill with samples of U(a, b)."""
    arr = _array("uniform_", t)
    if not a <= b:
        raise ValueError(f"nn.init.uniform_: need a <= b, got a={a}, b={b}")
    return _fill("uniform_", t, _generator().uniform(a, b, size=arr.shape))


def normal_(t: T, mean: float = 0.0, std: float = 1.0) -> T:
    """Fill with samples of N(mean, std^2)."""
    arr = _array("normal_", t)
    if std < 0:
        raise ValueError(f"nn.init.normal_: std must be >= 0, got {std}")
    return _fill("normal_", t, _generator().normal(mean, std, size=arr.shape))


def constant_(t: T, val: float) -> T:
    """Fill with ``val``."""
    return _fill("constant_", t, val)


def zeros_(t: T) -> T:
    """Fill with 0."""
    return _fill("zeros_", t, 0.0)


def ones_(t: T) -> T:
    """Fill with 1."""
    return _fill("ones_", t, 1.0)


def xavier_uniform_(t: T, gain: float = 1.0) -> T:
    """Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return uniform_(t, -a, a)


def xavier_normal_(t: T, gain: float = 1.0) -> T:
    """Glorot/Xavier normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return normal_(t, 0.0, std)


def _kaiming_std(fn: str, t: Any, a: float, mode: str, nonlinearity: str) -> float:
    fan = _fan(fn, t, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(
    t: T, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> T:
    """He/Kaiming uniform: U(-bound, bound), bound = gain * sqrt(3 / fan).

    ``a`` is the leaky-ReLU slope used for the gain; ``fan`` is fan_in or fan_out (``mode``).
    ``nn.Linear``'s default ``kaiming_uniform_(w, a=sqrt(5))`` gives bound = 1 / sqrt(fan_in).
    """
    bound = math.sqrt(3.0) * _kaiming_std("kaiming_uniform_", t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound)


def kaiming_normal_(
    t: T, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> T:
    """He/Kaiming normal: N(0, std^2) with std = gain / sqrt(fan)."""
    return normal_(t, 0.0, _kaiming_std("kaiming_normal_", t, a, mode, nonlinearity))


def orthogonal_(t: T, gain: float = 1.0) -> T:
    """A (semi-)orthogonal matrix times ``gain``: rows or columns of the weight, viewed as
    ``(shape[0], prod(shape[1:]))``, are orthonormal (QR of a Gaussian matrix, with the signs
    of R's diagonal folded into Q so the result is uniformly distributed)."""
    arr = _array("orthogonal_", t)
    if arr.ndim < 2:
        raise ValueError(f"nn.init.orthogonal_: need at least 2 dimensions, got shape {arr.shape}")
    rows, cols = arr.shape[0], arr.size // arr.shape[0]
    flat = _generator().standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill("orthogonal_", t, gain * q.reshape(arr.shape))
