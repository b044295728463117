"""``detect_anomaly``: stop at the first op whose forward or backward makes NaN or Inf."""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor
from .thread_state import Switch


class detect_anomaly(Switch):
    """Inside this block every op checks its result and every backward its gradients; the first
    NaN or Inf raises a RuntimeError naming the op (at a cost: use it to debug, not to train).
    Per thread, as in PyTorch; it also decorates a function."""

    setting, value = "anomaly", True


def _bad(array: Any) -> bool:
    if isinstance(array, Tensor):
        array = array._data
    return array.dtype.kind in "fc" and not np.isfinite(array).all()


def check_forward(fn: Any, out: np.ndarray) -> None:
    """Raise if the forward of ``fn`` produced NaN or Inf."""
    if _bad(out):
        kind = "NaN" if np.isnan(out).any() else "Inf"
        raise RuntimeError(f"detect_anomaly: the forward of '{fn.name}' produced {kind}")


def check_backward(node: Any, position: int, grad: Any) -> None:
    """Raise if the backward of ``node`` produced NaN or Inf for input ``position``."""
    if _bad(grad):
        raise RuntimeError(
            f"detect_anomaly: the backward of '{node.fn.name}' produced NaN or Inf in the "
            f"gradient of input {position} (shape {node.shape} -> {grad.shape})"
        )
