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


def manual_seed(seed: int) -> None:
    """Seed the GPU generators: there are none, so nothing happens (as in PyTorch without a
    GPU). ``autograd.manual_seed`` seeds the library generator."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """Free cached GPU memory: there is none."""


def synchronize(device: object = None) -> None:
    """Wait for the GPU: there is none, so this returns at once."""


from . import amp  # noqa: E402, F401  (torch.cuda.amp.GradScaler and autocast)
