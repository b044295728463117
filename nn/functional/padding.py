"""PyTorch's ``F.pad``: padding given as (left, right) pairs from the last axis backwards,
``F.pad(x, (1, 1, 2, 0))`` pads the last axis by 1 and 1 and the one before by 2 and 0 -- the
reverse of NumPy's per-axis ``pad_width``, into which it is translated (``autograd.pad``
records the gradient: the padded elements' gradients are dropped, or folded back onto the
elements they copy in the reflect, replicate and circular modes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import autograd

from .checks import as_tensor, refuse_grad

# PyTorch's mode names -> NumPy's.
MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(
    x: Any, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> autograd.Tensor:
    """Pad ``x`` by ``pad = (left_last, right_last, left_before_last, right_before_last, ...)``
    elements; ``mode`` is "constant" (with ``value``, default 0), "reflect", "replicate" or
    "circular"."""
    x = as_tensor(x)
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {sorted(MODES)}, got {mode!r}")
    sizes = [int(p) for p in pad]
    if len(sizes) % 2 or len(sizes) // 2 > x.ndim:
        raise ValueError(
            f"pad: needs an even number of sizes, two per padded axis (at most {2 * x.ndim} for "
            f"shape {x.shape}), got {tuple(pad)}"
        )
    if any(p < 0 for p in sizes):
        raise ValueError(f"pad: negative padding (cropping) is not supported, got {tuple(pad)}")
    if value is not None and mode != "constant":
        raise ValueError(f"pad: value= is for mode 'constant', not {mode!r}")
    refuse_grad("pad", "value", value)
    width = [(0, 0)] * x.ndim
    for i in range(len(sizes) // 2):  # pair i pads axis -1 - i
        width[x.ndim - 1 - i] = (sizes[2 * i], sizes[2 * i + 1])
        size = x.shape[x.ndim - 1 - i]
        # NumPy would reflect or wrap again past the edge; PyTorch refuses, and so do we.
        if (mode == "reflect" and max(width[x.ndim - 1 - i]) >= size) or (
            mode == "circular" and max(width[x.ndim - 1 - i]) > size
        ):
            limit = "less than" if mode == "reflect" else "at most"
            raise ValueError(
                f"pad: {mode} padding must be {limit} the size of the padded axis, got "
                f"{tuple(pad)} for input shape {x.shape} (axis {x.ndim - 1 - i} has size {size})"
            )
    if mode == "constant":
        return autograd.pad(x, tuple(width), constant_values=0.0 if value is None else value)
    return autograd.pad(x, tuple(width), mode=MODES[mode])
