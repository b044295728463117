"""In-place arithmetic on a recorded result, as PyTorch allows it (``self.out += self.bias`` in
a hand-written layer): the tensor's history moves to a new node and its memory is written.

``c += x`` on a tensor ``c`` computed by the graph runs as ``c_new = c_old + x``, recorded with
``c_old`` (its values before the change) as input, and then writes ``c_new``'s values into ``c``'s
own memory: ``c`` now points at the new node. Every op that saved the overwritten values raises
in backward (version counters), as in PyTorch.

Item assignment (``dlogits[range(n), Yb] -= 1`` on a recorded softmax) works the same way.
Refused, with an error that says what to write instead: when ``c``'s memory is shared with
another recorded tensor through a view (``v = c[0:2]``, ``c.T``, ``c.reshape(...)``, or ``c``
itself a view of another result): the other tensor's values would change behind its history,
and backproplab does not rewrite a view's history as PyTorch does.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from . import versions
from .tensor import Tensor


def _recorded(ufunc: Any) -> Any:
    from .ops import arithmetic  # (the ops import this package's tensor module first)

    return {
        np.add: arithmetic.Add,
        np.subtract: arithmetic.Sub,
        np.multiply: arithmetic.Mul,
        np.true_divide: arithmetic.Div,
    }[ufunc].apply


def _old_value(tensor: Tensor, what: str) -> Tensor:
    # The tensor's values before the change, as a Tensor of the old history (refused if a
    # recorded view shares the memory).
    data = tensor._data
    if versions.is_viewed(data):
        raise RuntimeError(
            f"{what} on a recorded tensor whose memory a view shares (t[0:2], t.T, "
            "t.reshape(...)): the view's values would change behind its history. Write "
            "`t = t + x` (a new tensor) instead"
        )
    old_node = tensor._node
    snapshot = data.copy()  # the values before the change, which the op may need in backward
    old_node._out_id = id(snapshot)  # the old history's result now lives in the snapshot
    old_node.kept_value = snapshot  # (and stays alive with it: an id is only unique while so)
    return Tensor._make(snapshot, old_node)


def _operand(other: Any, tensor: Tensor, old: Tensor, what: str) -> Any:
    if isinstance(other, Tensor) and np.shares_memory(other._data, tensor._data):
        if other._data is not tensor._data:
            raise RuntimeError(f"{what}: the operand overlaps the tensor's memory; use a copy")
        return old  # c += c: both operands are the old value
    return other


def rebase(tensor: Tensor, ufunc: Any, other: Any, what: str) -> Tensor:
    """``tensor <ufunc>= other`` on a recorded ``tensor`` with grad mode on (see the module
    docstring); returns ``tensor``."""
    old = _old_value(tensor, what)
    result = _recorded(ufunc)(old, _operand(other, tensor, old, what))
    return _put_in_place(tensor, old, result)


def rebase_setitem(tensor: Tensor, index: Any, value: Any) -> Tensor:
    """``tensor[index] = value`` on a recorded ``tensor`` with grad mode on: the new history is
    ``where(mask, value placed at index, old)``, so dL/d(old) is zero at ``index`` and
    dL/d(value) is dL/dy there (summed over broadcasting). An index that names one position
    twice is refused (which write wins is NumPy's detail, not a derivative)."""
    from .ops.indexing import ScatterAdd
    from .ops.piecewise import Where
    from .ops.shape import broadcast_to

    what = "item assignment"
    data = tensor._data
    counts = np.zeros(data.shape, dtype=np.int64)
    np.add.at(counts, index, 1)
    if counts.max(initial=0) > 1:
        raise RuntimeError(
            f"{what} on a recorded tensor with an index that repeats a position (which write "
            "wins has no derivative): index each position once, or build the result with "
            "autograd.where"
        )
    old = _old_value(tensor, what)
    value = _operand(value, tensor, old, what)
    if not isinstance(value, Tensor):
        value = Tensor(np.asarray(value, dtype=data.dtype))
    placed = ScatterAdd.apply(broadcast_to(value, data[index].shape), index=index, shape=data.shape)
    result = Where.apply(counts > 0, placed, old)
    return _put_in_place(tensor, old, result)


def _put_in_place(tensor: Tensor, old: Tensor, result: Tensor) -> Tensor:
    data = tensor._data
    old_node = old._node
    if result.dtype != data.dtype:  # in place keeps the tensor's dtype, as in PyTorch
        result = result.astype(data.dtype)
    versions.write(data, result._data)
    node = result._node
    # The new node's result is this memory now: saved copies of it point here, and its stamp
    # is renewed, since the write above is the result being put in place, not a later change.
    if node._saved:
        node._saved = tuple(data if a is result._data else a for a in node._saved)
        node._saved_at = versions.clock
    node._out_id = id(data)
    node.name = tensor._name
    if old_node.retained is not None and old_node.retained() is tensor:
        old_node.retained = None
        node.retained = weakref.ref(tensor)
    tensor._node = node
    return tensor
