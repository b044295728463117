"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights; and
``UninitializedParameter`` / ``UninitializedBuffer``, the placeholders a lazy layer holds until
its first forward."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd.checkpoint import register_tensor_subclass

from .devices import check_device, floating_dtype


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


def _no_shape_yet(self: Any) -> Any:
    raise RuntimeError(
        f"{type(self).__name__}: its shape is not known yet (a lazy layer's placeholder): run "
        "one forward pass (a dry run) through the model first, or load a state dict into it"
    )


# What a placeholder cannot answer before it is materialised (PyTorch raises there too).
_NOT_YET: dict[str, Any] = {
    "shape": property(_no_shape_yet),
    "size": property(_no_shape_yet),
    "numel": _no_shape_yet,
}


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (what a lazy layer such as ``nn.LazyLinear``
    holds until its first forward): it holds no values, and ``materialize(shape)`` gives it
    its shape and turns it into an ordinary ``Parameter`` in place, so every reference to it
    (a module's attribute, an optimizer's parameter list) sees the change.

    Its dtype is the one it was made with (float32 by default) or was cast to by
    ``module.to(dtype)`` before materialising."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        check_device(device, "UninitializedParameter")
        super().__init__(
            np.empty(0, dtype=floating_dtype(dtype, "UninitializedParameter")), requires_grad
        )

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Become a ``Parameter`` of ``shape`` (values uninitialised: the layer draws them)."""
        dtype = self._data.dtype if dtype is None else np.dtype(dtype)
        self._data = np.empty(tuple(shape), dtype=dtype)
        self.__class__ = Parameter  # type: ignore[assignment]  # (same slots: a safe switch)

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    shape, size, numel = _NOT_YET["shape"], _NOT_YET["size"], _NOT_YET["numel"]


class UninitializedBuffer(autograd.Tensor):
    """A buffer whose shape is not known yet (a lazy norm layer's running statistics before its
    first forward); ``materialize(shape)`` gives it its shape and turns it into an ordinary
    Tensor in place. Its dtype is the one it was made with (float32 by default)."""

    __slots__ = ()
    cls_to_become = autograd.Tensor

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        check_device(device, "UninitializedBuffer")
        dtype = floating_dtype(dtype, "UninitializedBuffer")
        super().__init__(np.empty(0, dtype=dtype), requires_grad=requires_grad)

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Become a Tensor of ``shape`` (values uninitialised: the layer sets them)."""
        dtype = self._data.dtype if dtype is None else np.dtype(dtype)
        self._data = np.empty(tuple(shape), dtype=dtype)
        self.__class__ = autograd.Tensor  # type: ignore[assignment]  # (same slots)

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    shape, size, numel = _NOT_YET["shape"], _NOT_YET["size"], _NOT_YET["numel"]
