"""``Tensor``: an n-dimensional array that remembers how it was computed.

A Tensor wraps a NumPy array (``.data``). When it is the result of an op on tensors that require
grad, it also points at that op's graph node (``.grad_fn``), which ``backward()`` walks in reverse
to fill in ``.grad`` on the leaves.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

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

    __slots__ = ("data", "grad", "_requires_grad", "_node", "_name", "__weakref__")

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self.data: np.ndarray = as_array(data, dtype)
        self.grad: np.ndarray | None = None
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
        tensor.grad = None
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

    # ----- arithmetic (the hot path: straight to the op) -------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return Add.apply(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return Add.apply(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return Sub.apply(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return Sub.apply(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return Mul.apply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return Mul.apply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return Div.apply(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return Pow.apply(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return Pow.apply(other, self)

    def __neg__(self) -> Tensor:
        return Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor) and self.data.ndim >= 2 and other.data.ndim >= 2:
            return MatMul.apply(self, other)
        return _routines.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _routines.matmul(other, self)

    def dot(self, other: Any) -> Tensor:
        """np.dot(self, other): see :func:`autograd.dot`."""
        return _routines.dot(self, other)

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
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._update(np.add, other, "+")

    def __isub__(self, other: Any) -> Tensor:
        return self._update(np.subtract, other, "-")

    def __imul__(self, other: Any) -> Tensor:
        return self._update(np.multiply, other, "*")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._update(np.true_divide, other, "/")

    # ----- comparisons: boolean tensors outside the graph --------------------------------------
    def __lt__(self, other: Any) -> Tensor:
        return _compare(np.less, self, other)

    def __le__(self, other: Any) -> Tensor:
        return _compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _compare(np.greater, self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _compare(np.greater_equal, self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(np.equal, self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(np.not_equal, self, other)

    def __invert__(self) -> Tensor:
        if self.data.dtype != np.bool_:
            raise TypeError(f"~ needs a boolean tensor, this one is {self.data.dtype}")
        return Tensor._make(~self.data, None)

    # ----- elementwise -----------------------------------------------------------------------
    def exp(self) -> Tensor:
        """e^x."""
        return Exp.apply(self)

    def log(self) -> Tensor:
        """ln x."""
        return Log.apply(self)

    def sqrt(self) -> Tensor:
        """sqrt(x)."""
        return Sqrt.apply(self)

    def abs(self) -> Tensor:
        """|x|."""
        return Abs.apply(self)

    def sin(self) -> Tensor:
        """sin x."""
        return Sin.apply(self)

    def cos(self) -> Tensor:
        """cos x."""
        return Cos.apply(self)

    def tanh(self) -> Tensor:
        """tanh x."""
        return Tanh.apply(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x)."""
        return Sigmoid.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0)."""
        return Relu.apply(self)

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        """min(max(x, lo), hi)."""
        return _routines.clip(self, lo, hi)

    # ----- reductions ------------------------------------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis``."""
        return Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis``."""
        return Mean.apply(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis`` (ties share the gradient)."""
        return Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis`` (ties share the gradient)."""
        return Min.apply(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Variance sum((x - mean)^2) / (n - ddof)."""
        return _routines.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Standard deviation sqrt(var)."""
        return _routines.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """log(sum(e^x)), computed stably."""
        return LogSumExp.apply(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum (integer tensor, no gradient)."""
        return _routines.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the minimum (integer tensor, no gradient)."""
        return _routines.argmin(self, axis=axis, keepdims=keepdims)

    # ----- shape and movement ----------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        return _routines.reshape(self, *shape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (reversed when none are given)."""
        return _routines.transpose(self, *axes)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes."""
        return _routines.swapaxes(self, axis1, axis2)

    def flatten(self) -> Tensor:
        """All elements as a 1-D tensor."""
        return _routines.reshape(self, -1)

    def squeeze(self, axis: Any = None) -> Tensor:
        """Remove size-1 axes."""
        return _routines.squeeze(self, axis)

    def expand_dims(self, axis: Any) -> Tensor:
        """Insert size-1 axes."""
        return _routines.expand_dims(self, axis)

    def broadcast_to(self, shape: Any) -> Tensor:
        """Repeat along new or size-1 axes to ``shape``."""
        return BroadcastTo.apply(self, shape=tuple(shape))

    def astype(self, dtype: Any) -> Tensor:
        """Convert to ``dtype`` (differentiable between floating types)."""
        if np.dtype(dtype) == self.data.dtype:
            return self
        return Astype.apply(self, dtype=dtype)

    def __getitem__(self, index: Any) -> Tensor:
        return _routines.take(self, index)

    # ----- NumPy interoperability ------------------------------------------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _numpy_protocol.array_function(func, args, kwargs)


def _compare(ufunc: Any, a: Any, b: Any) -> Tensor:
    # Also NumPy's route for ``ndarray < tensor`` (numpy_protocol), hence a may be a plain value.
    a = a.data if isinstance(a, Tensor) else a
    b = b.data if isinstance(b, Tensor) else b
    return Tensor._make(np.asarray(ufunc(a, b)), None)


# Imported last: the ops and routines need the Tensor class defined above.
from . import engine as _engine  # noqa: E402
from . import grad_mode as _grad_mode  # noqa: E402
from . import numpy_protocol as _numpy_protocol  # noqa: E402
from . import routines as _routines  # noqa: E402
from .ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub  # noqa: E402
from .ops.elementwise import Abs, Cos, Exp, Log, Relu, Sigmoid, Sin, Sqrt, Tanh  # noqa: E402
from .ops.movement import Astype, BroadcastTo  # noqa: E402
from .ops.reductions import LogSumExp, Max, Mean, Min, Sum  # noqa: E402
