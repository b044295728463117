"""``nn``: neural-network building blocks on top of ``autograd``.

Models are ``Module``s made of layers whose weights are ``Parameter``s; a loss turns the
model's output into one number, ``loss.backward()`` (autograd) fills every ``p.grad``, and an
optimizer (``optim``) moves the parameters.

Sub-modules: ``nn.functional`` (stateless ops and losses, ``from nn import functional as F``),
``nn.init`` (weight initialisation), ``nn.utils`` (gradient clipping and norms), ``nn.data``
(datasets and batching), ``nn.devices`` (the ``device=`` / ``dtype=`` arguments PyTorch code
passes). ``nn.save`` / ``nn.load`` write and read safe ``.npz`` checkpoints: they are
``autograd.save`` / ``autograd.load`` (a checkpoint holds arrays, not modules).
"""

from _backproplab_clash import require_backproplab_autograd

require_backproplab_autograd()  # first: if `autograd` is another package, say so

from autograd.checkpoint import load, save

from . import data, devices, functional, init, parallel, utils
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .layers import *  # noqa: F403
from .layers import __all__ as _layers
from .module import IncompatibleKeys, Module
from .parallel import DataParallel
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "DataParallel",
    "parallel",
    "IncompatibleKeys",
    "Module",
    "ModuleDict",
    "ModuleList",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "UninitializedBuffer",
    "UninitializedParameter",
    "Sequential",
    "data",
    "devices",
    "functional",
    "init",
    "load",
    "save",
    "utils",
    *_layers,
]
