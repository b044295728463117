"""In-place changes on tensors with history, as PyTorch makes them: the history moves.

``c += x`` on a tensor ``c`` computed by the graph runs as ``c_new = c_old + x``, recorded with
``c_old`` (a snapshot of its values before the change) as input, and then writes ``c_new``'s
values into ``c``'s own memory: ``c`` now points at the new node. Every op that saved the
overwritten values raises in backward (version counters), as in PyTorch. The same holds for
``c[i] = v``, ``fill_``, ``zero_``, ``copy_``, ``clamp_``, ``masked_fill_``, ``normal_``... and
for a tensor without history written with a value that requires grad (``buf[t] = h``): it
gets the history ``buf_new = where(at t, h, buf_old)``, as in PyTorch.

Views (autograd/views.py): a write through a recorded view ``v = y[0:2]`` changes ``y``'s values
too, so ``y``'s history is rewritten: ``y_new = where(reached, v_new at those elements, y_old)``
-- and so is every other recorded view of ``y`` the write reaches. The gradient is the one of
PyTorch's rewrite (its ``CopySlices``), built from ops the engine already has.

Refused, with an error that says why: writing through a view of a leaf that requires grad
(PyTorch refuses it too), writing into a broadcast view (``expand``: one element stands for
many), and writing a value that requires grad into a tensor without history whose memory
objects other than its views hold (a view made under ``no_grad``, ``.detach()``, ``.numpy()``),
whose values would change without their history.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import versions, views
from .tensor import Tensor


def _recorded(ufunc: Any) -> Any:
    from .ops import arithmetic  # (the ops import this package's tensor module first)

    return {
        np.add: arithmetic.Add,
        np.subtract: arithmetic.Sub,
        np.multiply: arithmetic.Mul,
        np.true_divide: arithmetic.Div,
    }[ufunc].apply


def rebase(tensor: Tensor, ufunc: Any, other: Any, what: str) -> Tensor:
    """``tensor <ufunc>= other`` with history (see the module docstring); returns ``tensor``."""
    return rewrite(tensor, lambda old, other: _recorded(ufunc)(old, other), what, other)


def rebase_setitem(tensor: Tensor, index: Any, value: Any, what: str = "item assignment") -> Tensor:
    """``tensor[index] = value`` with history: ``where(at index, value placed there, old)``, so
    dL/d(old) is zero at ``index`` and dL/d(value) is dL/dy there (summed over broadcasting).

    An index that names a position twice is NumPy's and PyTorch's ``index_put_`` without
    accumulation, whose result is defined only when every write to a position writes the same
    value -- as in ``y[[0, 0]] += 1``, which adds 1 once (Python runs it as
    ``y[[0, 0]] = y[[0, 0]] + 1``). Then the last write counts, for the value and the gradient;
    different values are refused (which one wins is not defined, so neither is a derivative)."""
    from .ops.indexing import GetItem, ScatterAdd
    from .ops.piecewise import Where
    from .ops.shape import broadcast_to, reshape

    # (No local names for tensor's array here: ``rewrite`` counts who holds it.)
    shape, dtype = tensor.shape, tensor.dtype
    positions = _positions(shape, index)
    counts = np.bincount(positions.ravel(), minlength=int(np.prod(shape))).reshape(shape)
    mask = counts > 0

    def new(old: Tensor, source: Any) -> Tensor:
        if not isinstance(source, Tensor):
            source = Tensor(np.asarray(source, dtype=dtype))
        source = broadcast_to(source, positions.shape)
        where = index
        if counts.max(initial=0) > 1:  # keep the last write to each position, if all agree
            last = _last_writes(positions, source._data, what, shape)
            where = np.unravel_index(positions.ravel()[last], shape)
            source = GetItem.apply(reshape(source, -1), index=last)
        placed = ScatterAdd.apply(source, index=where, shape=shape)
        return Where.apply(mask, placed, old)

    return rewrite(tensor, new, what, value, written=mask)


def _positions(shape: tuple[int, ...], index: Any) -> np.ndarray:
    # The flat position each element of x[index] comes from.
    return np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)[index]


def _last_writes(positions: np.ndarray, values: np.ndarray, what: str, shape: tuple) -> np.ndarray:
    # For each written position, the flat number (in x[index]'s order) of its last write;
    # refused if two writes to one position disagree.
    positions = positions.ravel()
    values = values.reshape(-1)
    order = np.argsort(positions, kind="stable")  # equal positions stay in write order
    same = positions[order][1:] == positions[order][:-1]
    a, b = values[order][1:][same], values[order][:-1][same]
    if not ((a == b) | (np.isnan(a) & np.isnan(b))).all():
        raise RuntimeError(
            f"{what} on a tensor with history (shape {shape}): the index names a "
            "position more than once with different values, and which write wins is not "
            "defined (NumPy and PyTorch say so), so neither is a derivative. Index each "
            "position once, or add the values up with autograd.where / a sum over a one-hot"
        )
    ends = np.append(~same, True)  # the last write of each run of one position
    return order[ends]


def _operand(other: Any, memory: Any, olds: dict[int, Tensor]) -> Any:
    # An operand read from the memory being written must be read before the write, and an op
    # that saves it must save those values: ``c += c`` or ``c *= c[0]`` use the snapshot (with
    # its history) of the tensor concerned; an array or a tensor without history on the memory
    # (``c.detach()[0]``, ``c.numpy()``), a copy.
    if isinstance(other, Tensor):
        if id(other) in olds:
            return olds[id(other)]
        if other._node is None and versions.owner(other._data) is memory:
            if other._requires_grad:  # (a copy would drop its gradient: never silently)
                raise RuntimeError(
                    "in place: an operand that requires grad shares the memory being written; "
                    "pass a copy (x.clone())"
                )
            return Tensor._make(other._data.copy(), None)
    elif isinstance(other, np.ndarray) and versions.owner(other) is memory:
        return other.copy()
    return other


def rewrite(
    tensor: Tensor, new: Callable[..., Tensor], what: str, *operands: Any, written: Any = None
) -> Tensor:
    """Change ``tensor``'s values in place to ``new(old, *operands)``, where ``old`` is a Tensor
    of its values before the change with its history, and move its history (and that of every
    tensor on its memory whose elements the write reaches, see autograd/views.py) to the new
    nodes. Operands that read the memory being written are read before the write. ``written``,
    a bool mask of ``tensor``'s shape, says which elements may change (all by default)."""
    family = [t for t in views.family(tensor._data) if t is not tensor]
    if tensor._node is None:
        if tensor._requires_grad:
            raise RuntimeError(_leaf(what, f"a tensor that requires grad (shape {tensor.shape})"))
        if not _alone(tensor, family):  # (before this function holds the array too)
            raise RuntimeError(_shared(what))
    data = tensor._data
    if not data.flags.writeable:
        raise RuntimeError(read_only(what, data.shape))
    reached = []
    for member in family:
        where = views.overlap(data, member._data)
        if where is not None and written is not None:  # only the elements written count
            mask, index = where
            mask = mask & written.reshape(-1)[index]
            where = (mask, index) if mask.any() else None
        if where is None:
            continue
        if member._node is None and member._requires_grad:  # (p for p.T: PyTorch refuses too)
            kind = f"a view (shape {tensor.shape}) of a tensor that requires grad"
            raise RuntimeError(_leaf(what, f"{kind} (shape {member.shape})"))
        reached.append((member, where))  # (one without history gets one: buf for buf[0])
    old = _old_value(tensor)
    olds = [(member, where, _old_value(member)) for member, where in reached]
    snapshots = {id(tensor): old, **{id(member): o for member, _, o in olds}}
    memory = versions.owner(data)
    result = new(old, *(_operand(x, memory, snapshots) for x in operands))
    if result.shape != data.shape:
        from .ops.shape import broadcast_to

        result = broadcast_to(result, data.shape)
    if result.dtype != data.dtype:  # in place keeps the tensor's dtype, as in PyTorch
        result = result.astype(data.dtype)
    if result._node is None:  # (nothing required grad after all: a plain write)
        versions.write(data, result._data)
        return tensor
    updates = [(member, _seen_through(result, where, before)) for member, where, before in olds]
    for snapshot in snapshots.values():  # (only now: a refusal above leaves every node as it was)
        _keep_old(snapshot)
    versions.write(data, result._data)
    _install(tensor, result)
    for member, member_new in updates:
        _install(member, member_new)
    return tensor


def _seen_through(result: Tensor, where: tuple[np.ndarray, np.ndarray], old: Tensor) -> Tensor:
    # Another tensor on the written memory: the new values at the elements reached, the old
    # ones elsewhere (PyTorch regenerates a view from its rewritten base; the same function).
    from .ops.indexing import GetItem
    from .ops.piecewise import Where
    from .ops.shape import broadcast_to

    mask, index = where
    if result.ndim:
        picked = GetItem.apply(result, index=np.unravel_index(index, result.shape))
    else:  # one element, seen everywhere the mask is
        picked = broadcast_to(result, mask.shape)
    return Where.apply(mask, picked, old)


def _old_value(tensor: Tensor) -> Tensor:
    # The tensor's values before the change, as a Tensor of its old history (a constant for a
    # tensor without one).
    return Tensor._make(tensor._data.copy(), tensor._node)


def _keep_old(old: Tensor) -> None:
    # The old history's result now lives in the snapshot: its node recognises it by id among
    # saved arrays (and keeps it alive: an id is only unique while its object lives).
    node = old._node
    if node is not None:
        node._out_id = id(old._data)
        node.kept_value = old._data


def _install(tensor: Tensor, result: Tensor) -> None:
    # ``tensor``'s memory holds ``result``'s values now: ``tensor`` takes over result's node.
    data = tensor._data
    old_node = tensor._node
    node = result._node
    # The new node's result is this memory now: saved copies of it point here, and its stamp
    # is renewed, since the write was the result being put in place, not a later change.
    if node._saved:
        node._saved = tuple(data if a is result._data else a for a in node._saved)
        node._saved_at = versions.clock
    node._out_id = id(data)
    node.name = tensor._name
    if old_node is not None and old_node.retained is not None and old_node.retained() is tensor:
        old_node.retained = None
        node.retained = weakref.ref(tensor)
    tensor._node = node
    tensor._requires_grad = True


# ----- whether nobody else holds a tensor's memory -------------------------------------------
# A tensor without history that gets one (``buf[t] = h``) gives it to every tensor on its memory
# that the write reaches: its family (views.py). A holder outside the family would keep its
# values changing with no history (a view made under no_grad, ``.numpy()``, ``.detach()``, an
# op that saved it). CPython's reference counts tell whether one exists: every view array holds
# its base, every Tensor its array; so the memory and each array must be held by the family
# alone.


def _array_refs(tensor: Tensor) -> int:
    return sys.getrefcount(tensor._data)


def _memory_refs(tensor: Tensor) -> int:
    return sys.getrefcount(versions.owner(tensor._data))


_ONE_ARRAY = _array_refs(Tensor._make(np.zeros(1), None))  # (one Tensor holds the array)
_ONE_MEMORY = _memory_refs(Tensor._make(np.zeros(1), None))  # (one holder of the memory)


def _alone(tensor: Tensor, family: list[Tensor]) -> bool:
    holders: dict[int, list] = {}  # id(array) -> [a Tensor holding it, how many do]
    for t in (tensor, *family):
        holders.setdefault(id(t._data), [t, 0])[1] += 1
    on_memory = 0  # the references to the memory the family accounts for
    for t, count in holders.values():
        if t._data.base is None:  # the memory itself: counted below
            on_memory += count
        elif _array_refs(t) > _ONE_ARRAY + count - 1:
            return False  # something else holds this view array
        else:
            on_memory += 1  # (the view's reference to its base)
    return _memory_refs(tensor) <= _ONE_MEMORY + on_memory - 1


# ----- the refusals' words -------------------------------------------------------------------
def read_only(what: str, shape: tuple[int, ...]) -> str:
    """The refusal of a write into read-only memory (a broadcast view)."""
    return (
        f"{what}: this tensor's memory (shape {shape}) cannot be written: it is a broadcast "
        "view (expand, broadcast_to) whose elements share memory, so one write would change "
        "many (PyTorch refuses it too). Write into a copy: t = t.clone()"
    )


def _leaf(what: str, kind: str) -> str:
    return (
        f"{what} on {kind} (a parameter, outside no_grad): the graph may need its old value, "
        "and PyTorch refuses it too. Change parameters inside `with autograd.no_grad():`, or "
        "write `t = t + x` (not `t += x`) to record a new tensor"
    )


def _shared(what: str) -> str:
    return (
        f"{what} would give history (a value that requires grad) to a tensor whose memory "
        "other objects hold: a view made under no_grad, .detach(), "
        ".numpy(), the NumPy array it was made from (as_tensor), or an op that saved it. "
        "Their values would change without the history. "
        "Write into a tensor nothing else holds (t = t.clone() first), or build the result "
        "with autograd.stack / autograd.where. If no history is wanted (copying weights), "
        "write the value's .detach()"
    )
