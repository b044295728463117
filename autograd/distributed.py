"""``autograd.distributed``: what single-process programs ask of ``torch.distributed`` before
deciding not to use it (``if dist.is_available() and dist.is_initialized(): ...``).
backproplab trains in one process; anything that would start or join a process group raises.
"""

from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """Whether distributed training is supported: no."""
    return False


def is_initialized() -> bool:
    """Whether a process group was started: never."""
    return False


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"module 'autograd.distributed' has no attribute {name!r}: backproplab trains in one "
        "process on the CPU; run the script without its distributed setup"
    )
