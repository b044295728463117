"""PyTorch's legacy typed constructors, ``autograd.LongTensor([1, 2])``, ``FloatTensor(2, 3)``,
as older tutorials write them, and the same names as types for ``isinstance`` and ``t.type(...)``.

Each name stands for one dtype (``FloatTensor``: float32, ``LongTensor``: int64, ...). Called:

* with data (a list, an array, nested sequences): a new tensor of that dtype holding the data,
  converted as NumPy's ``astype`` converts (``LongTensor([1.7])`` is ``[1]``, as in PyTorch);
* with sizes (``FloatTensor(2, 3)``): a tensor of that shape. PyTorch leaves its memory
  uninitialised; here it is zeros (never garbage), which no correct program can tell apart;
* with nothing: an empty tensor of shape (0,);
* with a tensor of the same dtype: that tensor itself (PyTorch gives an alias sharing its memory
  and history); of another dtype: a TypeError, as in PyTorch (use ``t.to(dtype)``).

``isinstance(t, autograd.FloatTensor)`` is true exactly when ``t`` is a Tensor of dtype float32,
as PyTorch answers; the names are not subclasses of ``Tensor`` (PyTorch's are not either), and
no tensor's ``type()`` is one of them: ``t.type()`` gives the name as a string.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .creation import copied_out_of_graph, holds_grad
from .devices import check_device
from .tensor import Tensor


class LegacyTensorType(type):
    """The type of ``FloatTensor`` and its siblings: makes ``isinstance`` compare dtypes."""

    dtype: np.dtype

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, Tensor) and value.dtype == cls.dtype

    def __subclasscheck__(cls, other: Any) -> bool:
        return other is cls

    def __repr__(cls) -> str:
        return f"<class 'autograd.{cls.__name__}'>"


class LegacyTensor(metaclass=LegacyTensorType):
    """A typed constructor: ``cls(data)``, ``cls(*sizes)`` or ``cls()`` (see the module
    docstring); the result is an ordinary ``autograd.Tensor`` of ``cls.dtype``."""

    dtype = np.dtype(np.float32)

    def __new__(cls, *args: Any, device: Any = None) -> Any:
        check_device(device, cls.__name__)
        if not args:
            return Tensor(np.empty(0, dtype=cls.dtype))
        if all(_is_size(a) for a in args):
            return Tensor(np.zeros(tuple(int(a) for a in args), dtype=cls.dtype))
        if len(args) > 1:
            raise TypeError(
                f"{cls.__name__}: takes one sequence of data or sizes as ints, got "
                f"{', '.join(type(a).__name__ for a in args)}"
            )
        (data,) = args
        if isinstance(data, Tensor):
            if data.dtype != cls.dtype:
                raise TypeError(
                    f"{cls.__name__}: expected a tensor of dtype {cls.dtype}, got {data.dtype}; "
                    f"convert it with t.to(autograd.{cls.dtype.name})"
                )
            return data
        if isinstance(data, str) or np.ndim(data) == 0:
            raise TypeError(
                f"{cls.__name__}: data must be a sequence (got {type(data).__name__}); "
                f"for a shape pass ints, for one number {cls.__name__}([x])"
            )
        if holds_grad(data):  # [t0, t1]: copies, cut from the graph (PyTorch warns too)
            copied_out_of_graph(cls.__name__)
        return Tensor(np.asarray(data).astype(cls.dtype))


def _is_size(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _legacy(name: str, dtype: Any) -> LegacyTensorType:
    doc = f"``{name}(data)`` or ``{name}(*sizes)``: a {np.dtype(dtype)} tensor (legacy PyTorch)."
    cls = LegacyTensorType(name, (LegacyTensor,), {"dtype": np.dtype(dtype), "__doc__": doc})
    cls.__module__ = "autograd"
    return cls


BoolTensor = _legacy("BoolTensor", np.bool_)
"""bool: ``BoolTensor(data)``, ``BoolTensor(*sizes)``, ``isinstance(t, BoolTensor)``."""
ByteTensor = _legacy("ByteTensor", np.uint8)
"""uint8: ``ByteTensor(data)``, ``ByteTensor(*sizes)``, ``isinstance(t, ByteTensor)``."""
CharTensor = _legacy("CharTensor", np.int8)
"""int8: ``CharTensor(data)``, ``CharTensor(*sizes)``, ``isinstance(t, CharTensor)``."""
ShortTensor = _legacy("ShortTensor", np.int16)
"""int16: ``ShortTensor(data)``, ``ShortTensor(*sizes)``, ``isinstance(t, ShortTensor)``."""
IntTensor = _legacy("IntTensor", np.int32)
"""int32: ``IntTensor(data)``, ``IntTensor(*sizes)``, ``isinstance(t, IntTensor)``."""
LongTensor = _legacy("LongTensor", np.int64)
"""int64: ``LongTensor(data)``, ``LongTensor(*sizes)``, ``isinstance(t, LongTensor)``."""
HalfTensor = _legacy("HalfTensor", np.float16)
"""float16: ``HalfTensor(data)``, ``HalfTensor(*sizes)``, ``isinstance(t, HalfTensor)``."""
FloatTensor = _legacy("FloatTensor", np.float32)
"""float32: ``FloatTensor(data)``, ``FloatTensor(*sizes)``, ``isinstance(t, FloatTensor)``."""
DoubleTensor = _legacy("DoubleTensor", np.float64)
"""float64: ``DoubleTensor(data)``, ``DoubleTensor(*sizes)``, ``isinstance(t, DoubleTensor)``."""
