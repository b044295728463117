"""PyTorch's process-wide defaults that scripts set first: the default device and dtype, and
how tensors print. backproplab's defaults are fixed at the CPU and float32; these accept what
keeps them and refuse what would change them, so no result differs from what the script says.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .devices import check_device

# Keyword arguments for np.array2string when a Tensor prints (see set_printoptions).
PRINT_OPTIONS: dict[str, Any] = {}


def set_default_device(device: Any) -> None:
    """Accept the CPU (the only device); any other device raises."""
    check_device(device, "set_default_device")


def get_default_device() -> str:
    """``"cpu"``."""
    return "cpu"


def set_default_dtype(dtype: Any) -> None:
    """Accept float32 (what Python floats already become); another dtype raises, since
    backproplab's default cannot change: pass ``dtype=`` where the tensors are made."""
    if np.dtype(dtype) != np.float32:
        raise ValueError(
            f"set_default_dtype: backproplab's default dtype is float32 and cannot change (got "
            f"{np.dtype(dtype)}); pass dtype= to the calls that make tensors"
        )


def get_default_dtype() -> np.dtype:
    """float32, the dtype Python floats become."""
    return np.dtype(np.float32)


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """How tensors print, as PyTorch's ``set_printoptions`` (digits after the point, how many
    elements before summarising, ...); NumPy arrays keep their own options. ``profile`` is
    "default", "short" or "full"; ``sci_mode=False`` turns scientific notation off."""
    if profile is not None:
        PRINT_OPTIONS.clear()
        if profile == "short":
            PRINT_OPTIONS.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
        elif profile == "full":
            PRINT_OPTIONS.update(threshold=np.inf)
        elif profile != "default":
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "max_line_width": linewidth,
    }
    PRINT_OPTIONS.update({k: v for k, v in given.items() if v is not None})
    if sci_mode is not None:
        PRINT_OPTIONS["suppress_small"] = not sci_mode
        if not sci_mode:
            PRINT_OPTIONS["floatmode"] = "fixed"
        else:
            PRINT_OPTIONS.pop("floatmode", None)
