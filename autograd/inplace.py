"""Changing a tensor's values in place: ``t -= lr * t.grad``, ``t[i] = 0``, PyTorch's ``add_``,
``zero_``, ``copy_``, ...

These methods are installed on ``Tensor`` (``autograd/__init__.py`` does it, as for ops). Each
write goes through ``versions.write`` or is followed by ``versions.bump``, so a backward that
saved the old values raises instead of using the new ones.

Changing values in place is refused on a leaf that requires grad while recording is on (as in
PyTorch); under ``no_grad`` it is the idiom ``w -= lr * w.grad``. On a recorded result, or with
a value that requires grad, every one of these changes moves the tensor's history to a new node
as PyTorch does, and rewrites the history of the views it writes through (autograd/rebase.py,
autograd/views.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import versions, views
from .arguments import constant
from .grad_mode import is_grad_enabled
from .ops.indexing import plain_index
from .rebase import read_only, rebase, rebase_setitem, rewrite
from .tensor import Tensor

if TYPE_CHECKING:  # the methods below become Tensor's: type-check them as such
    from .tensor import Tensor as _Base
else:
    _Base = object


def _plain(value: Any) -> Any:
    data = getattr(value, "_data", None)
    return data if isinstance(data, np.ndarray) else value


def with_history(tensor: Any, *values: Any) -> bool:
    """Whether writing ``values`` into ``tensor`` must be recorded (autograd/rebase.py): with
    recording on, ``tensor`` has a history or one of the values requires grad."""
    if not is_grad_enabled():
        return False
    if tensor._node is not None:
        return True
    return any(isinstance(v, Tensor) and v._requires_grad for v in values)


def writable(tensor: Any, what: str) -> np.ndarray:
    """``tensor._data``, if changing it in place outside the graph cannot fool one; else a
    RuntimeError (a recorded result's changes go through autograd/rebase.py instead)."""
    if tensor._node is not None and not is_grad_enabled():
        raise RuntimeError(
            f"{what} on a recorded result inside no_grad: its history would not see the change "
            "(PyTorch lets it pass silently). Change it with recording on, where its history "
            "moves with it, or change a copy: t = t.detach().clone()"
        )
    if tensor._node is not None or (tensor._requires_grad and is_grad_enabled()):
        kind = "a recorded result" if tensor._node is not None else "a tensor that requires grad"
        raise RuntimeError(
            f"{what} on {kind}: the graph may need its old value. Change parameters inside "
            "`with autograd.no_grad():`, or write `t = t + x` (not `t += x`) to record a new "
            "tensor"
        )
    data = tensor._data
    if not data.flags.writeable:
        raise RuntimeError(read_only(what, data.shape))
    return data


def put(tensor: Any, index: Any, value: Any, what: str) -> Any:
    """``tensor[index] = value`` (NumPy's assignment), recorded when it must be (see
    ``with_history``); every in-place fill comes here. Returns ``tensor``."""
    if with_history(tensor, value):
        return rebase_setitem(tensor, index, value, what)
    versions.write(writable(tensor, what), _plain(value), index)
    return tensor


def _update(tensor: Any, ufunc: Any, other: Any, what: str) -> Any:
    if with_history(tensor, other):
        return rebase(tensor, ufunc, other, what)  # its history moves (autograd/rebase.py)
    data = writable(tensor, what)
    ufunc(data, _plain(other), out=data)
    versions.bump(data)  # a graph that saved the old value now raises in backward
    return tensor


class InPlace(_Base):
    """The in-place methods ``install`` gives Tensor."""

    def __iadd__(self, other: Any) -> Any:
        return _update(self, np.add, other, "in-place +=")

    def __isub__(self, other: Any) -> Any:
        return _update(self, np.subtract, other, "in-place -=")

    def __imul__(self, other: Any) -> Any:
        return _update(self, np.multiply, other, "in-place *=")

    def __itruediv__(self, other: Any) -> Any:
        return _update(self, np.true_divide, other, "in-place /=")

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` with NumPy indexing (``t[t < 0] = 0``): outside the graph, or
        recorded as in PyTorch (its history moves, see autograd/rebase.py)."""
        put(self, plain_index(index), value, "item assignment")

    def add_(self, other: Any, alpha: float = 1) -> Any:
        """PyTorch's in-place ``t += alpha * other``."""
        return _update(self, np.add, other if alpha == 1 else alpha * other, "add_")

    def sub_(self, other: Any, alpha: float = 1) -> Any:
        """PyTorch's in-place ``t -= alpha * other``."""
        return _update(self, np.subtract, other if alpha == 1 else alpha * other, "sub_")

    def mul_(self, other: Any) -> Any:
        """PyTorch's in-place ``t *= other``."""
        return _update(self, np.multiply, other, "mul_")

    def div_(self, other: Any) -> Any:
        """PyTorch's in-place ``t /= other``."""
        return _update(self, np.true_divide, other, "div_")

    def fill_(self, value: Any) -> Any:
        """PyTorch's in-place fill: every element becomes ``value`` (dL/d(old) = 0; a
        0-d ``value`` that requires grad gets the sum of dL/dt)."""
        return put(self, ..., value, "fill_")

    def zero_(self) -> Any:
        """PyTorch's in-place ``fill_(0)``."""
        return put(self, ..., 0, "zero_")

    def copy_(self, source: Any) -> Any:
        """PyTorch's in-place copy: this tensor's values become ``source``'s (broadcast, cast to
        this tensor's dtype); dL/d(old) = 0, dL/d(source) = dL/dt (summed over broadcasting)."""
        return put(self, ..., source, "copy_")

    def clamp_(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002 - PyTorch's names
        """PyTorch's in-place clamp: values below ``min`` become ``min``, above ``max``, ``max``
        (recorded as ``clip``, with its derivative, when it must be)."""
        if with_history(self, min, max):
            from .ops.piecewise import clip

            return rewrite(self, lambda old, lo, hi: clip(old, lo, hi), "clamp_", min, max)
        data = writable(self, "clamp_")
        np.clip(data, constant("clamp_", "min", min), constant("clamp_", "max", max), out=data)
        versions.bump(data)
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Any:
        """PyTorch's in-place switch: set ``requires_grad`` (leaves only) and return the tensor."""
        self.requires_grad = requires_grad
        return self

    def detach_(self) -> Any:
        """PyTorch's in-place detach: this tensor becomes a leaf that does not require grad.
        Refused for a view made by a view op, as in PyTorch: a write through it afterwards would
        change its base's values with no trace in the base's history."""
        linked = views.family(self._data) if self._data.base is not None else []
        if len(linked) > 1 and any(t is self for t in linked):
            raise RuntimeError(
                f"detach_: this tensor (shape {self.shape}) is a view of another tensor, so it "
                "cannot be detached in place (as in PyTorch); use t = t.detach() instead"
            )
        self._node = None
        self._requires_grad = False
        return self
