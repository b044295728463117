"""``Tensor``: an n-dimensional array that remembers how it was computed.

A Tensor wraps a NumPy array (``.data``). When it is the result of an op on tensors that require
grad, it also points at that op's graph node (``.grad_fn``), which ``backward()`` walks in reverse
to fill in ``.grad`` on the leaves.

This class holds what every tensor has (data, grad, the link to its node, Python protocols). Its
op methods and operators (``t.exp()``, ``t.sum(axis=0)``, ``t + u``, ``t[i]``) are not written
here: each op's declaration in ``autograd/ops`` installs them (see ``autograd.registry``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import versions

ArrayLike = Any


def as_array(data: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray following the library's dtype rules.

    Python numbers and (nested) lists become float32; NumPy arrays and scalars keep their dtype;
    ``dtype`` overrides both. Lists of bools stay bool.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        array = np.asarray(data, dtype=dtype)
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        array = np.asarray(data)
        if array.dtype.kind in "iuf":
            array = array.astype(np.float32)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor: cannot hold data of type {type(data).__name__} (dtype {array.dtype}); "
            "use numbers, lists of numbers or numeric NumPy arrays"
        )
    return array


class Tensor:
    """An array with an optional gradient and a link to the op that produced it.

    ``Tensor(data, requires_grad=False, dtype=None, name=None)``. ``data`` follows
    :func:`as_array`'s dtype rules. Only floating tensors can require grad.
    """

    __slots__ = ("data", "_grad", "_requires_grad", "_node", "_name", "__weakref__")

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self.data: np.ndarray = as_array(data, dtype)
        self._grad: np.ndarray | None = None
        self._node = None
        self._name = name
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _make(data: np.ndarray, node: Any) -> Tensor:
        # The engine's constructor: no conversion, no checks.
        tensor = object.__new__(Tensor)
        tensor.data = data
        tensor._grad = None
        tensor._node = node
        tensor._requires_grad = node is not None
        tensor._name = None
        return tensor

    # ----- attributes -------------------------------------------------------------------------
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
        if value and self.data.dtype.kind != "f":
            raise ValueError(
                f"only floating-point tensors can require grad, this one is {self.data.dtype}"
            )
        self._requires_grad = bool(value)

    @property
    def grad(self) -> np.ndarray | None:
        """dL/d(self) accumulated by ``backward()``: an ndarray of this tensor's shape and dtype,
        or None. Assigning checks the shape and converts to this tensor's dtype (a copy)."""
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            return
        array = np.array(value.data if isinstance(value, Tensor) else value, dtype=self.dtype)
        if array.shape != self.data.shape:
            raise ValueError(
                f"grad: an assigned gradient must have the tensor's shape {self.data.shape}, "
                f"got shape {array.shape}"
            )
        self._grad = array

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (see autograd.versions)."""
        return versions.version(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, as ``ndarray.shape``."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of axes, len(shape)."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements, the product of shape."""
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        """The element type of ``.data`` (and of ``.grad``)."""
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than recorded ops (their ``.grad`` is kept)."""
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        """The graph node of the op that produced this tensor, or None for a leaf."""
        return self._node

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
    def T(self) -> Tensor:
        """The transpose (axes reversed), as ``ndarray.T``."""
        return self.transpose()

    # ----- gradient API -----------------------------------------------------------------------
    def backward(self, grad: ArrayLike | None = None, retain_graph: bool = False) -> None:
        """Backpropagate: add d(self)/d(leaf) to ``leaf.grad`` for every leaf requiring grad.

        ``grad`` is dL/d(self); it may be omitted for a scalar (it is then 1). Without
        ``retain_graph=True`` the arrays saved for backward are freed afterwards.
        """
        _engine.backward(self, grad, retain_graph)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this intermediate result too (leaves always keep theirs)."""
        if self._node is None:
            return
        self._node.retained = weakref.ref(self)

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor._make(self.data, None)

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item: only one-element tensors convert, shape is {self.shape}")
        return self.data.item()

    # ----- Python protocols -------------------------------------------------------------------
    __hash__ = object.__hash__  # by identity: optimizer state and graph bookkeeping key on it

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        # NumPy 2 passes ``copy``: True must hand over a copy (``np.array(t)`` does not alias t),
        # False must refuse one; None (and NumPy 1, which never passes it) shares when it can.
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        if copy is False and array is not self.data:
            raise ValueError(f"Tensor: converting {self.data.dtype} to {dtype} needs a copy")
        return array

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype != np.float32:
            extras.append(f"dtype={self.data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.fn.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self._name:
            extras.append(f"name={self._name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # ----- in-place updates (outside the graph) ------------------------------------------------
    def _update(self, ufunc: Any, other: Any, symbol: str) -> Tensor:
        # In-place arithmetic changes .data under the graph's feet, so it is refused wherever a
        # graph could depend on the value: on a recorded result, and on a leaf that requires grad
        # while recording is on. Under no_grad it is the PyTorch idiom ``w -= lr * w.grad``.
        if self._node is not None or (self._requires_grad and _grad_mode.STATE.grad_enabled):
            raise RuntimeError(
                f"in-place {symbol}= on a tensor that requires grad: the graph may need its old "
                f"value. Update parameters inside `with autograd.no_grad():`, or write "
                f"`t = t {symbol} other` to record a new tensor"
            )
        ufunc(self.data, other.data if isinstance(other, Tensor) else other, out=self.data)
        versions.bump(self.data)
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._update(np.add, other, "+")

    def __isub__(self, other: Any) -> Tensor:
        return self._update(np.subtract, other, "-")

    def __imul__(self, other: Any) -> Tensor:
        return self._update(np.multiply, other, "*")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._update(np.true_divide, other, "/")

    # ----- NumPy interoperability ------------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _numpy_protocol.array_function(func, args, kwargs)


def as_tensor(value: Any) -> Tensor:
    """``value`` itself if it is a Tensor, else a new constant Tensor (library dtype rules)."""
    return value if isinstance(value, Tensor) else Tensor(value)


# Imported last: these modules need the Tensor class defined above.
from . import engine as _engine  # noqa: E402
from . import grad_mode as _grad_mode  # noqa: E402
from . import numpy_protocol as _numpy_protocol  # noqa: E402
