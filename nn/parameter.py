"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd.checkpoint import register_tensor_subclass


class Parameter(autograd.Tensor):
    """A leaf tensor that requires grad and is registered by ``Module.__setattr__``.

    Assigning ``self.w = Parameter(x)`` inside a module adds ``w`` to ``parameters()`` and to
    ``state_dict()``; a plain ``Tensor`` assigned the same way is just an attribute.
    Built from a ``Tensor``, the parameter shares that tensor's memory (as in PyTorch).
    """

    __slots__ = ()
    is_parameter = True  # drawings colour it as a parameter (autograd knows no nn class)

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        elif isinstance(data, autograd.Tensor):
            data = data._data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


# Checkpoints (autograd.save / nn.save) keep parameters as parameters.
register_tensor_subclass("parameter", Parameter)
