"""``autograd.cuda``: what PyTorch scripts ask before choosing a device. backproplab runs on the
CPU, so there is never a GPU: ``device = "cuda" if autograd.cuda.is_available() else "cpu"``
picks the CPU."""

from __future__ import annotations


def is_available() -> bool:
    """Whether a CUDA GPU can be used: never, backproplab runs on the CPU."""
    return False


def device_count() -> int:
    """The number of CUDA GPUs backproplab can use: 0."""
    return 0
