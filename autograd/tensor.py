"""``Tensor``: an n-dimensional array that remembers how it was computed.

A Tensor wraps a NumPy array (``._data``; ``.numpy()`` returns it). When it is the result of an
op on tensors that require grad, it also points at that op's graph node (``.grad_fn``), which
``backward()`` walks in reverse to fill in ``.grad`` on the leaves. This file holds what every
tensor has; the modules that define the rest install it on Tensor, the way ops are (see
autograd/__init__.py), and ``_tensor_methods.pyi`` lists every method for IDEs.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import as_array

if TYPE_CHECKING:  # the installed methods, as type checkers and IDEs see them
    from ._tensor_methods import TensorMethods
else:
    TensorMethods = object


class Tensor(TensorMethods):
    """An array with an optional gradient and a link to the op that produced it.

    ``Tensor(data, requires_grad=False, dtype=None, name=None)``. ``data`` follows the library's
    dtype rules (``autograd.dtypes.as_array``). Only floating tensors can require grad.
    """

    # ``_data`` and ``_grad``: the arrays the engine reads and writes. ``.data`` and ``.grad``,
    # Tensors over them as in PyTorch, are installed from torch_facade.py (with ``_grad_view``).
    __slots__ = ("_data", "_grad", "_grad_view", "_requires_grad", "_node", "_name", "__weakref__")

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self._data: np.ndarray = as_array(data, dtype)
        self._grad: np.ndarray | None = None
        self._node: Any = None  # the graph node of the op that made it (None for a leaf)
        self._name = name
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _make(data: np.ndarray, node: Any) -> Tensor:
        # The engine's constructor: no conversion, no checks.
        tensor = object.__new__(Tensor)
        tensor._data = data
        tensor._grad = None
        tensor._node = node
        tensor._requires_grad = node is not None
        tensor._name = None
        return tensor

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor (always True for a recorded result)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._node is not None:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use .detach() to get a leaf"
            )
        if value and self._data.dtype.kind != "f":
            raise ValueError(
                f"only floating-point tensors can require grad, this one is {self._data.dtype}"
            )
        self._requires_grad = bool(value)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than recorded ops (their ``.grad`` is kept)."""
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        """The graph node of the op that produced this tensor, or None for a leaf."""
        return self._node

    __hash__ = object.__hash__  # by identity: optimizer state and graph bookkeeping key on it

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this intermediate result too (leaves always keep theirs)."""
        if self._node is not None:
            self._node.retained = weakref.ref(self)

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor._make(self._data, None)
