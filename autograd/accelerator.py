"""``autograd.accelerator``: PyTorch's ``torch.accelerator`` questions, answered for an engine
that runs on the CPU only (``device = torch.accelerator.current_accelerator() or "cpu"``)."""

from __future__ import annotations


def is_available() -> bool:
    """Whether a GPU or other accelerator can be used: never."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """The accelerator in use: None (the CPU)."""
    return None


def device_count() -> int:
    """The number of accelerators: 0."""
    return 0
