"""Where PyTorch's modules live in backproplab, and whether a converted name exists here.

The module map, longest prefix first (a name counts only as a whole dotted part)::

    torch.nn           ->  nn            (nn.functional, nn.init, nn.utils, ...)
    torch.optim        ->  optim         (optim.lr_scheduler, ...)
    torch.utils.data   ->  nn.data       (Dataset, DataLoader, TensorDataset, ...)
    torch.autograd     ->  autograd      (Function, grad, gradcheck, ...)
    torch              ->  autograd      (everything else: tensor, zeros, manual_seed, ...)
"""

from __future__ import annotations

import importlib
from typing import Any

PREFIXES: tuple[tuple[str, str], ...] = (
    ("torch.nn", "nn"),
    ("torch.optim", "optim"),
    ("torch.utils.data", "nn.data"),
    ("torch.autograd", "autograd"),
    ("torch", "autograd"),
)

# Our top-level import names: a converted name starts with one of them.
TOP_LEVEL = ("autograd", "nn", "optim")

# PyTorch's companion packages, which have no counterpart here.
COMPANIONS = (
    "torchvision",
    "torchaudio",
    "torchtext",
    "torchdata",
    "lightning",
    "pytorch_lightning",
)


def map_module(dotted: str) -> str | None:
    """backproplab's name for the PyTorch name ``dotted`` (``torch.nn.Linear`` -> ``nn.Linear``),
    or None when ``dotted`` is not under ``torch``."""
    for theirs, ours in PREFIXES:
        if dotted == theirs or dotted.startswith(theirs + "."):
            return ours + dotted[len(theirs) :]
    return None


def is_companion(dotted: str) -> bool:
    """Whether ``dotted`` names one of PyTorch's companion packages (torchvision, ...)."""
    root = dotted.split(".")[0]
    return root in COMPANIONS


def lookup_problem(ours: str) -> str | None:
    """None if the converted name ``ours`` (``nn.Linear``) exists in backproplab; otherwise a
    sentence saying what is missing, with the library's own hint where it has one."""
    parts = ours.split(".")
    try:
        obj: Any = importlib.import_module(parts[0])
    except ImportError as error:  # pragma: no cover - the library itself is importable
        return str(error)
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError as error:
            try:  # a submodule not imported by its package
                obj = importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                return str(error)
    return None
