"""Devices and dtypes as PyTorch code passes them: ``device=``, ``model.to("cpu")``, ``dtype=``.

backproplab computes with NumPy on the CPU, so ``"cpu"`` (or ``None``, or any object whose
``str`` is ``"cpu"``, such as a ``torch.device("cpu")``) is accepted and changes nothing, and any
other device is refused with a ValueError rather than silently ignored. Dtypes are NumPy's:
``np.float64``, ``np.dtype("float32")``, the string ``"float64"``, or anything ``np.dtype``
understands. ``check_device`` is ``autograd.devices.check_device``, re-exported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# The one device check lives below nn, where autograd's creation functions use it too.
from autograd.devices import check_device

__all__ = ["check_device", "floating_dtype", "is_dtype"]


def floating_dtype(dtype: Any, where: str, default: Any = np.float32) -> np.dtype:
    """``np.dtype(dtype)`` (``default`` for None), which must be a floating type: the dtype of
    a layer's parameters (``nn.Linear(..., dtype=np.float64)``) or of ``model.to(dtype)``.

    A dtype NumPy does not understand, or a non-floating one, is a TypeError naming ``where``.
    """
    try:
        resolved = np.dtype(default if dtype is None else dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: {dtype!r} is not a data type") from None
    if resolved.kind != "f":
        raise TypeError(f"{where}: dtype must be floating, got {resolved}")
    return resolved


def is_dtype(value: Any) -> bool:
    """Whether NumPy reads ``value`` as a data type (``"float64"``, ``np.float32``, ...), as
    opposed to a device (``"cpu"``, ``"cuda:0"``, a device object); ``None`` is neither."""
    if value is None:
        return False
    try:
        np.dtype(value)
    except (TypeError, ValueError):
        return False
    return True
