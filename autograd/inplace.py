"""Changing a tensor's values in place, outside the graph: ``t -= lr * t.grad``, ``t[i] = 0``,
PyTorch's ``add_``, ``zero_``, ``copy_``, ...

These methods are installed on ``Tensor`` (``autograd/__init__.py`` does it, as for ops). Each
write goes through ``versions.write`` or is followed by ``versions.bump``, so a backward that
saved the old values raises instead of using the new ones.

Changing values in place is refused on a leaf that requires grad while recording is on (as in
PyTorch); under ``no_grad`` it is the idiom ``w -= lr * w.grad``. In-place arithmetic on a
recorded result moves its history to a new node, as PyTorch does (``autograd/rebase.py``);
so does item assignment; fills (``fill_``, ``zero_``, ``copy_``, ``clamp_``) of a recorded
result are refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import versions
from .arguments import OUTSIDE, constant, refuse_grad
from .grad_mode import is_grad_enabled
from .ops.indexing import plain_index
from .rebase import rebase, rebase_setitem

if TYPE_CHECKING:  # the methods below become Tensor's: type-check them as such
    from .tensor import Tensor as _Base
else:
    _Base = object


def _plain(value: Any) -> Any:
    data = getattr(value, "_data", None)
    return data if isinstance(data, np.ndarray) else value


def writable(tensor: Any, what: str) -> np.ndarray:
    """``tensor._data``, if changing it in place cannot fool a graph; else a RuntimeError."""
    if tensor._node is not None or (tensor._requires_grad and is_grad_enabled()):
        kind = "a recorded result" if tensor._node is not None else "a tensor that requires grad"
        raise RuntimeError(
            f"{what} on {kind}: the graph may need its old value. Change parameters inside "
            "`with autograd.no_grad():`, or write `t = t + x` (not `t += x`) to record a new "
            "tensor"
        )
    return tensor._data


def _update(tensor: Any, ufunc: Any, other: Any, what: str) -> Any:
    if tensor._node is not None and is_grad_enabled():
        return rebase(tensor, ufunc, other, what)  # a recorded result: its history moves
    refuse_grad(what, "other", other, OUTSIDE)
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
        """``t[index] = value`` with NumPy indexing (``t[t < 0] = 0``): outside the graph, or on
        a recorded result as in PyTorch (its history moves, see autograd/rebase.py)."""
        if self._node is not None and is_grad_enabled():
            rebase_setitem(self, plain_index(index), value)
            return
        refuse_grad("item assignment", "value", value, OUTSIDE)
        versions.write(writable(self, "item assignment"), _plain(value), plain_index(index))

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
        """PyTorch's in-place fill: every element becomes ``value``."""
        versions.write(writable(self, "fill_"), constant("fill_", "value", value))
        return self

    def zero_(self) -> Any:
        """PyTorch's in-place ``fill_(0)``."""
        return self.fill_(0)

    def copy_(self, source: Any) -> Any:
        """PyTorch's in-place copy: this tensor's values become ``source``'s (broadcast)."""
        versions.write(writable(self, "copy_"), constant("copy_", "source", source))
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002 - PyTorch's names
        """PyTorch's in-place clamp: values below ``min`` become ``min``, above ``max``, ``max``."""
        data = writable(self, "clamp_")
        np.clip(data, constant("clamp_", "min", min), constant("clamp_", "max", max), out=data)
        versions.bump(data)
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Any:
        """PyTorch's in-place switch: set ``requires_grad`` (leaves only) and return the tensor."""
        self.requires_grad = requires_grad
        return self

    def detach_(self) -> Any:
        """PyTorch's in-place detach: this tensor becomes a leaf that does not require grad."""
        self._node = None
        self._requires_grad = False
        return self
