"""How a Tensor looks like an ndarray (``shape``, ``ndim``, ``dtype``, ``T``, ``numpy()``) and
behaves as a Python object: its ``name``, ``repr``, ``len``, iteration, truth value, conversion
to Python numbers (``item``, ``float``, ``int``).

None of this is needed to follow forward recording and backward: ``autograd/__init__.py``
installs it on Tensor, as it installs the ops.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .defaults import PRINT_OPTIONS

if TYPE_CHECKING:  # the methods below become Tensor's: type-check them as such
    from .tensor import Tensor as _Base
else:
    _Base = object


class PythonProtocols(_Base):
    """The attributes ``autograd/__init__.py`` installs on Tensor."""

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, as ``ndarray.shape``."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of axes, len(shape)."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The element type of the values (and of ``.grad``)."""
        return self._data.dtype

    @property
    def name(self) -> str | None:
        """A label shown by ``repr`` and ``draw_graph``."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        self._name = value
        if self._node is not None:
            self._node.name = value

    @property
    def T(self) -> Any:
        """The transpose (axes reversed), as ``ndarray.T``."""
        return self.transpose()

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""
        return self._data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item: only one-element tensors convert, shape is {self.shape}")
        return self._data.item()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        # PyTorch's rule (NumPy raises a ValueError): one element converts, others are ambiguous.
        if self._data.size != 1:
            many = "more than one value" if self._data.size else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """A one-element integer tensor as an index or slice bound (``xs[t]``, ``range(t)``)."""
        if self._data.size != 1 or self._data.dtype.kind not in "iu":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``); others as ``str`` does, and
        refuse a format spec, as in PyTorch."""
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return object.__format__(self, spec)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", **PRINT_OPTIONS)
        extras = []
        if self._data.dtype != np.float32:
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.fn.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self._name:
            extras.append(f"name={self._name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"
