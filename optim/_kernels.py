"""In-place array updates shared by the update rules.

Each writes into an existing array and uses a caller-provided scratch array, so a training step
allocates nothing. The operation order follows PyTorch's CPU kernels, so results agree with
PyTorch's to within an ulp or two (PyTorch may fuse a multiply-add into one rounding; NumPy
cannot).
"""

from __future__ import annotations

import numpy as np


def lerp_(avg: np.ndarray, x: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """Exponential moving average in place: ``avg <- avg + weight * (x - avg)``,
    i.e. ``(1 - weight) * avg + weight * x``.

    For ``weight >= 0.5`` it is computed as ``x - (x - avg) * (1 - weight)``, which is exact
    at ``weight = 1`` (PyTorch's ``lerp`` does the same).
    """
    np.subtract(x, avg, out=tmp)
    if weight < 0.5:
        tmp *= weight
        avg += tmp
    else:
        tmp *= 1 - weight
        np.subtract(x, tmp, out=avg)


def decay_add_square_(avg: np.ndarray, decay: float, x: np.ndarray, tmp: np.ndarray) -> None:
    """Moving average of squares in place: ``avg <- decay * avg + (1 - decay) * x * x``."""
    avg *= decay
    np.multiply(x, 1 - decay, out=tmp)
    tmp *= x
    avg += tmp


def axpy_(y: np.ndarray, alpha: float, x: np.ndarray, tmp: np.ndarray) -> None:
    """``y <- y + alpha * x`` in place (``tmp`` may be ``x`` itself if ``x`` is scratch)."""
    np.multiply(x, alpha, out=tmp)
    y += tmp
