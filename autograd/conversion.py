"""``as_tensor``: a Tensor from any value, sharing its memory where it can, as PyTorch's."""

from __future__ import annotations

from typing import Any

import numpy as np

from .devices import check_device
from .tensor import Tensor


def as_tensor(value: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``value`` itself if it is a Tensor (converted if ``dtype`` differs), else a new constant
    Tensor sharing its memory where it can (library dtype rules), as PyTorch's ``as_tensor``."""
    if device is not None:
        check_device(device, "as_tensor")
    if isinstance(value, Tensor):
        return value if dtype is None or np.dtype(dtype) == value.dtype else value.astype(dtype)
    return Tensor(value, dtype=dtype)
