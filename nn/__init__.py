"""``nn``: neural-network building blocks on top of ``autograd``.

Models are ``Module``s made of layers whose weights are ``Parameter``s; a loss turns the
model's output into one number, ``loss.backward()`` (autograd) fills every ``p.grad``, and an
optimizer (``optim``) moves the parameters.

Sub-modules: ``nn.functional`` (stateless ops and losses, ``from nn import functional as F``),
``nn.init`` (weight initialisation), ``nn.utils`` (gradient clipping and norms), ``nn.data``
(datasets and batching); ``nn.save`` / ``nn.load`` write and read safe ``.npz`` checkpoints.
"""

from . import data, functional, init, utils
from .checkpoint import load, save
from .containers import ModuleDict, ModuleList, Sequential
from .layers import *  # noqa: F403
from .layers import __all__ as _layers
from .module import IncompatibleKeys, Module
from .parameter import Parameter

__all__ = [
    "IncompatibleKeys",
    "Module",
    "ModuleDict",
    "ModuleList",
    "Parameter",
    "Sequential",
    "data",
    "functional",
    "init",
    "load",
    "save",
    "utils",
    *_layers,
]
