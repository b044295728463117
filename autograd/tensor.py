"""``Tensor``: an n-dimensional array that remembers how it was computed.

A Tensor wraps a NumPy array (``.data``). When it is the result of an op on tensors that require
grad, it also points at that op's graph node (``.grad_fn``), which ``backward()`` walks in reverse
to fill in ``.grad`` on the leaves.

This class holds what every tensor has (data, grad, the link to its node, Python protocols). Its
op methods and operators (``t.exp()``, ``t.sum(axis=0)``, ``t + u``, ``t[i]``) are not written
here: each op's declaration in ``autograd/ops`` installs them (see ``autograd.registry``).
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import versions

ArrayLike = Any


def as_array(data: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray following the library's dtype rules.

    Python floats and (nested) lists with a float become float32, Python ints int64, bools bool
    (where NumPy and PyTorch agree); NumPy arrays and scalars keep their dtype; ``dtype``
    overrides all of these.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        array = np.asarray(data, dtype=dtype)
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        array = np.asarray(data)
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64, copy=False)
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

    def _set_grad(self, value: Any) -> None:
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

    # (The getter is a C-level attrgetter, not a Python function: optimizers read every
    # parameter's grad on every step, and a Python getter made that a frame per read.)
    grad = property(
        operator.attrgetter("_grad"),
        _set_grad,
        doc="""dL/d(self) accumulated by ``backward()``: an ndarray of this tensor's shape and
        dtype, or None. Assigning checks the shape and converts to this tensor's dtype (a copy).""",
    )

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
    def size(self) -> Size:
        """The number of elements, the product of shape (NumPy's attribute). Called, it is
        PyTorch's method: ``t.size()`` is the shape, ``t.size(d)`` the length of axis d."""
        return Size(self.data.size, self.data.shape)

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

    # ----- in-place changes (outside the graph) ------------------------------------------------
    def _writable(self, what: str) -> np.ndarray:
        # Changing .data in place is refused wherever a graph could depend on the value: on a
        # recorded result, and on a leaf that requires grad while recording is on. Under no_grad
        # it is the PyTorch idiom ``w -= lr * w.grad``. Results are not rewritten in place (as
        # PyTorch can, by rebasing their history): one graph mechanism, and ``c = c + x`` says
        # the same thing.
        if self._node is not None or (self._requires_grad and _grad_mode.STATE.grad_enabled):
            kind = "a recorded result" if self._node is not None else "a tensor that requires grad"
            raise RuntimeError(
                f"{what} on {kind}: the graph may need its old value. Change parameters inside "
                "`with autograd.no_grad():`, or write `t = t + x` (not `t += x`) to record a new "
                "tensor"
            )
        return self.data

    def _changed(self) -> Tensor:
        versions.bump(self.data)  # a graph that saved the old value now raises in backward
        return self

    def __iadd__(self, other: Any) -> Tensor:
        np.add(self._writable("in-place +="), _plain(other), out=self.data)
        return self._changed()

    def __isub__(self, other: Any) -> Tensor:
        np.subtract(self._writable("in-place -="), _plain(other), out=self.data)
        return self._changed()

    def __imul__(self, other: Any) -> Tensor:
        np.multiply(self._writable("in-place *="), _plain(other), out=self.data)
        return self._changed()

    def __itruediv__(self, other: Any) -> Tensor:
        np.true_divide(self._writable("in-place /="), _plain(other), out=self.data)
        return self._changed()

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` with NumPy indexing (``t[t < 0] = 0``), outside the graph."""
        self._writable("item assignment")[plain_index(index)] = _plain(value)
        self._changed()

    def add_(self, other: Any, alpha: float = 1) -> Tensor:
        """PyTorch's in-place ``t += alpha * other``."""
        return self.__iadd__(other if alpha == 1 else alpha * _plain(other))

    def sub_(self, other: Any, alpha: float = 1) -> Tensor:
        """PyTorch's in-place ``t -= alpha * other``."""
        return self.__isub__(other if alpha == 1 else alpha * _plain(other))

    def mul_(self, other: Any) -> Tensor:
        """PyTorch's in-place ``t *= other``."""
        return self.__imul__(other)

    def div_(self, other: Any) -> Tensor:
        """PyTorch's in-place ``t /= other``."""
        return self.__itruediv__(other)

    def fill_(self, value: Any) -> Tensor:
        """PyTorch's in-place fill: every element becomes ``value``."""
        self._writable("fill_")[...] = _plain(value)
        return self._changed()

    def zero_(self) -> Tensor:
        """PyTorch's in-place ``fill_(0)``."""
        return self.fill_(0)

    def copy_(self, source: Any) -> Tensor:
        """PyTorch's in-place copy: this tensor's values become ``source``'s (broadcast)."""
        np.copyto(self._writable("copy_"), _plain(source), casting="unsafe")
        return self._changed()

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - PyTorch's names
        """PyTorch's in-place clamp: values below ``min`` become ``min``, above ``max``, ``max``."""
        np.clip(self._writable("clamp_"), _plain(min), _plain(max), out=self.data)
        return self._changed()

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """PyTorch's in-place switch: set ``requires_grad`` (leaves only) and return the tensor."""
        self.requires_grad = requires_grad
        return self

    def detach_(self) -> Tensor:
        """PyTorch's in-place detach: this tensor becomes a leaf that does not require grad."""
        self._node = None
        self._requires_grad = False
        return self

    # ----- PyTorch's ways of asking about a tensor -------------------------------------------
    def dim(self) -> int:
        """PyTorch's name for ``ndim``, the number of axes."""
        return self.data.ndim

    def numel(self) -> int:
        """PyTorch's name for ``size``, the number of elements."""
        return self.data.size

    def tolist(self) -> Any:
        """The values as (nested) Python lists of Python numbers."""
        return self.data.tolist()

    def cpu(self) -> Tensor:
        """PyTorch's move to the CPU: the tensor itself (backproplab runs on the CPU)."""
        return self

    @property
    def device(self) -> str:
        """Where the data lives: always ``"cpu"``."""
        return "cpu"

    is_cuda = False

    # ----- NumPy interoperability ------------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _numpy_protocol.array_function(func, args, kwargs)


class Size(int):
    """An element count (NumPy's ``a.size``) that can also be called as PyTorch's ``size()``:
    with no argument it returns the shape, with an axis that axis's length."""

    def __new__(cls, count: int, shape: tuple[int, ...]) -> Size:
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]


# PyTorch names a Tensor lacks, and what to use instead (the AttributeError says it).
MISSING = {
    "cuda": "backproplab runs on the CPU; drop .cuda() (or use .to('cpu'))",
    "expand": "use .broadcast_to(shape) (NumPy's name)",
    "expand_as": "use .broadcast_to(other.shape)",
    "masked_fill": "use autograd.where(mask, value, t) (recorded), or t[mask] = value in place",
    "index_select": "use t[indices] or np.take(t, indices, axis=dim)",
    "narrow": "use slicing: t[:, start:start + length]",
    "type_as": "use .astype(other.dtype)",
    "new_zeros": "use autograd.zeros(shape, dtype=t.dtype)",
    "new_ones": "use autograd.ones(shape, dtype=t.dtype)",
    "softmax": "use nn.functional.softmax(t, dim)",
    "log_softmax": "use nn.functional.log_softmax(t, dim)",
    "register_hook": "backproplab has no tensor hooks; use autograd.trace() to see gradients",
    "contiguous": "not needed: NumPy arrays need no contiguity step (drop the call)",
    "squeeze_": "in-place shape changes are not supported; use t = t.squeeze()",
    "unsqueeze_": "in-place shape changes are not supported; use t = t.unsqueeze(d)",
}


class Lacking:
    """A PyTorch Tensor name backproplab lacks: reading it raises an AttributeError that says what
    to use instead (``t.expand`` -> "use .broadcast_to(shape)").

    One such attribute per name in ``MISSING``, rather than a ``Tensor.__getattr__``: a class
    that defines ``__getattr__`` sends every attribute read on its instances (``t.data`` too)
    down Python's slow path, about 3 % of a small model's training step.
    """

    def __init__(self, name: str, hint: str) -> None:
        self.name = name
        self.hint = hint
        self.__doc__ = f"Not in backproplab: {hint}."  # what help(Tensor) lists under the name

    def __get__(self, tensor: Any, owner: Any = None) -> Any:
        raise AttributeError(f"'Tensor' object has no attribute {self.name!r}: {self.hint}")


for _name, _hint in MISSING.items():
    setattr(Tensor, _name, Lacking(_name, _hint))
del _name, _hint


def _plain(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


def plain_index(index: Any) -> Any:
    """An index with Tensors and lists inside it turned into ndarrays (lists of bools into
    masks), as NumPy indexing expects."""
    if isinstance(index, tuple):
        return tuple(plain_index(part) for part in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def as_tensor(value: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``value`` itself if it is a Tensor (converted if ``dtype`` differs), else a new constant
    Tensor sharing its memory where it can (library dtype rules), as PyTorch's ``as_tensor``."""
    if device is not None:
        from .devices import check_device

        check_device(device, "as_tensor")
    if isinstance(value, Tensor):
        return value if dtype is None or np.dtype(dtype) == value.dtype else value.astype(dtype)
    return Tensor(value, dtype=dtype)


# Imported last: these modules need the Tensor class defined above.
from . import engine as _engine  # noqa: E402
from . import grad_mode as _grad_mode  # noqa: E402
from . import numpy_protocol as _numpy_protocol  # noqa: E402
