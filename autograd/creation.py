"""Ways to make tensors: from data, filled with constants, or random (library generator)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops.shape import normalize_shape
from .random import get_generator
from .tensor import Tensor


def tensor(
    data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
) -> Tensor:
    """A new leaf Tensor holding a copy of ``data`` (numbers and lists become float32)."""
    source = data.data if isinstance(data, Tensor) else data
    copied = np.array(source, dtype=dtype, copy=True) if isinstance(source, np.ndarray) else source
    return Tensor(copied, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return Tensor(np.zeros(normalize_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return Tensor(np.ones(normalize_shape(shape), dtype=dtype), requires_grad=requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``t``."""
    array = t.data if isinstance(t, Tensor) else np.asarray(t)
    return Tensor(np.zeros_like(array, dtype=dtype), requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``t``."""
    array = t.data if isinstance(t, Tensor) else np.asarray(t)
    return Tensor(np.ones_like(array, dtype=dtype), requires_grad=requires_grad)


def randn(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal distribution N(0, 1), from the library generator."""
    data = get_generator().standard_normal(normalize_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad)


def rand(*shape: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """Samples of the uniform distribution on [0, 1), from the library generator."""
    data = get_generator().random(normalize_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None) -> Tensor:
    """Evenly spaced values in [start, stop), as np.arange: integer arguments give an integer
    tensor (usable as indices), any float argument gives float32 unless ``dtype`` says otherwise."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and values.dtype.kind == "f":
        dtype = np.float32
    return Tensor(values if dtype is None else values.astype(dtype))
