"""The optimizer base class: parameter groups, per-parameter state, checkpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd

from ._state_io import as_index, as_list, to_plain, to_python

# Parameters up to this many elements get freshly allocated scratch arrays (see _buffer): at
# 16,384 float32 values (64 KiB) an allocation costs no more than the slicing it replaces.
SMALL = 1 << 14


class Optimizer:
    """Base class of every optimizer: it reads each parameter's ``.grad`` and moves ``.data``.

    Backprop (``loss.backward()``) fills in ``p.grad = dL/dp``; an optimizer then applies an
    update rule ``p <- p - lr * direction(grad, state)`` directly to the NumPy arrays, in place,
    without recording a graph.

    ``params`` is an iterable of tensors, or of dicts ``{"params": [...], "lr": ..., ...}`` that
    form ``param_groups``: each group holds its tensors and every hyperparameter, with the
    optimizer's ``defaults`` filling whatever the dict leaves out. ``state[p]`` holds the
    per-parameter buffers (momentum, moment estimates, the ``step`` count), created at the first
    step that sees a gradient for ``p``. Parameters whose ``grad`` is None are skipped.

    A training step is ``opt.zero_grad(); loss.backward(); opt.step()``.

    Gradient accumulation: ``backward()`` adds into ``.grad``, so several backward calls followed
    by one ``step()`` act like one large batch. Dividing each micro-batch loss by their count
    makes the accumulated gradient the mean over the whole batch::

        opt.zero_grad()
        for xb, yb in micro_batches:            # e.g. 4 slices of one batch
            loss = loss_fn(model(xb), yb) / 4   # so the 4 gradients sum to the mean
            loss.backward()                     # adds into p.grad
        opt.step()                              # one update with the accumulated gradient

    ``state_dict()`` / ``load_state_dict()`` use PyTorch's layout, ``{"state": {index: {...}},
    "param_groups": [{..., "params": [indices]}]}``, with parameters numbered in group order, so
    a run resumes exactly after loading.
    """

    # State entries that are Python numbers; every other entry is an array shaped like the
    # parameter.
    _scalar_state: tuple[str, ...] = ("step",)

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults: dict[str, Any] = dict(defaults)
        self.state: dict[autograd.Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[tuple[np.dtype, int], np.ndarray] = {}
        self._validate(self.defaults)
        name = type(self).__name__
        if isinstance(params, (autograd.Tensor, np.ndarray, dict)):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or of dicts, got a single "
                f"{type(params).__name__}; wrap it in a list"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: params must be an ordered iterable (a list), not a set")
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- hooks for subclasses ------------------------------------------------------------------

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming the argument if a hyperparameter in ``group`` is invalid."""

    def _step_group(self, group: dict[str, Any]) -> None:
        """Apply the update rule to every parameter of ``group`` that has a gradient."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _step_group")

    # -- parameter groups ----------------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], **hyperparameters}``; missing hyperparameters are
        taken from ``defaults``. Used to add e.g. a newly unfrozen layer during training."""
        name = type(self).__name__
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(f"{name}.add_param_group: expected a dict with a 'params' entry")
        params = param_group["params"]
        if isinstance(params, autograd.Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a group's params must be ordered (a list), not a set")
        else:
            params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, autograd.Tensor):
                raise TypeError(
                    f"{name}: can only optimize autograd.Tensor objects, "
                    f"but params[{i}] is a {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{name}: params[{i}] (shape {p.shape}) is not a leaf tensor; "
                    "optimize the leaves it was computed from"
                )
            if not np.issubdtype(p.data.dtype, np.floating):
                raise TypeError(f"{name}: params[{i}] has dtype {p.data.dtype}; need a float")
        group = {"params": params}
        group.update((k, v) for k, v in param_group.items() if k != "params")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._validate(group)
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            raise ValueError(f"{name}: a parameter appears twice in one parameter group")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if not ids.isdisjoint(seen):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # -- the training-loop API -----------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient before the next backward pass.

        ``set_to_none=True`` drops the arrays (``p.grad = None``: no memory, and ``step`` skips
        the parameter until a new gradient arrives); ``False`` writes zeros into the existing
        arrays in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss if given.

        ``closure`` re-evaluates the model and returns the loss (it may call ``backward``); it
        runs with gradient recording enabled, before the update.
        """
        loss = None
        if closure is not None:
            with autograd.enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._step_group(group)
        return loss

    # -- helpers for the update rules ----------------------------------------------------------

    def _params_with_grad(self, group: dict[str, Any]) -> list[tuple[Any, np.ndarray]]:
        """``(param, grad)`` for the group's parameters that have a gradient."""
        # A list, not a generator: resuming a generator per parameter costs more than the list.
        pairs = []
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            if grad.shape != p.data.shape:
                self._bad_gradient(p.data, grad)
            pairs.append((p, grad))
        return pairs

    def _bad_gradient(self, x: np.ndarray, grad: np.ndarray) -> None:
        raise ValueError(
            f"{type(self).__name__}.step: a parameter of shape {x.shape} has a gradient of "
            f"shape {grad.shape}"
        )

    def _buffer(self, like: np.ndarray, slot: int) -> np.ndarray:
        """Scratch array shaped like ``like`` (contents undefined), reused across steps.

        One flat buffer per (dtype, slot), grown to the largest parameter, so the update rules
        allocate nothing per step for big parameters. Below ``SMALL`` elements a fresh array is
        returned instead: allocating it is cheaper than slicing and reshaping the shared buffer,
        and small blocks come from the allocator's free lists. Never store the result in
        ``state``.
        """
        size = like.size
        if size <= SMALL:
            return np.empty(like.shape, like.dtype)
        key = (like.dtype, slot)
        flat = self._scratch.get(key)
        if flat is None or flat.size < size:
            flat = np.empty(size, dtype=like.dtype)
            self._scratch[key] = flat
        return flat[:size].reshape(like.shape)

    def _decayed_grad(
        self, x: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool
    ) -> np.ndarray:
        """``g = (-grad if maximize else grad) + weight_decay * x`` (L2 penalty folded into the
        gradient). Returns ``grad`` itself when nothing changes, else scratch slot 0."""
        if weight_decay == 0 and not maximize:
            return grad
        g = self._buffer(x, 0)
        if weight_decay == 0:
            np.negative(grad, out=g)
            return g
        np.multiply(x, weight_decay, out=g)
        if maximize:
            np.subtract(g, grad, out=g)
        else:
            np.add(grad, g, out=g)
        return g

    # -- checkpoints ---------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Snapshot ``{"state": {index: {name: value}}, "param_groups": [group, ...]}``.

        Parameters are numbered 0, 1, ... in group order and each group lists its indices under
        "params" (PyTorch's layout). Arrays are copied, so the snapshot does not change as
        training continues; tuples (``betas``) become lists.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: to_plain(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {
            index[id(p)]: {k: to_plain(v) for k, v in entries.items()}
            for p, entries in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by ``state_dict()`` (arrays are copied).

        The saved groups must match this optimizer's groups in number and size, and every state
        array must have its parameter's shape; it is cast to the parameter's dtype. Accepts the
        forms an ``.npz`` round trip produces (string keys, 0-d arrays, arrays for lists).
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict:
            raise ValueError(f"{where}: expected a dict with 'param_groups', from state_dict()")
        saved_groups = as_list(state_dict["param_groups"], f"{where}: param_groups")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: the saved state has {len(saved_groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, Any] = {}
        new_groups = []
        for g, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"{where}: saved parameter group {g} has no 'params' entry")
            ids = [as_index(i, where) for i in as_list(saved["params"], f"{where}: params")]
            if len(ids) != len(group["params"]):
                raise ValueError(
                    f"{where}: parameter group {g} has {len(ids)} parameters in the saved "
                    f"state, {len(group['params'])} in this optimizer"
                )
            for i, p in zip(ids, group["params"], strict=True):
                if i in by_index:
                    raise ValueError(f"{where}: parameter index {i} is listed twice")
                by_index[i] = p
            new_group = dict(group)
            for key, value in saved.items():
                if key != "params":
                    value = to_python(value)
                    if isinstance(group.get(key), tuple) and isinstance(value, list):
                        value = tuple(value)
                    new_group[key] = value
            self._validate(new_group)
            new_groups.append(new_group)
        saved_state = state_dict.get("state", {})
        if not isinstance(saved_state, dict):
            raise ValueError(f"{where}: 'state' must be a dict, got {type(saved_state).__name__}")
        new_state = {}
        for key, entries in saved_state.items():
            i = as_index(key, where)
            if i not in by_index:
                raise ValueError(f"{where}: state for parameter {i}, which no group lists")
            p = by_index[i]
            new_state[p] = {k: self._restore(where, i, k, v, p) for k, v in entries.items()}
        # Update the group dicts in place so references held elsewhere stay valid.
        for group, new_group in zip(self.param_groups, new_groups, strict=True):
            group.update(new_group)
        self.state = new_state

    def _restore(self, where: str, index: int, key: str, value: Any, p: Any) -> Any:
        if key in self._scalar_state:
            value = to_python(value)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, (int, float)):
                raise ValueError(f"{where}: state '{key}' of parameter {index} is not a number")
            return value
        array = np.array(value, dtype=p.data.dtype)
        if array.shape != p.data.shape:
            raise ValueError(
                f"{where}: state '{key}' of parameter {index} has shape {array.shape}, "
                f"the parameter has shape {p.data.shape}"
            )
        return array

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            params = group["params"]
            count = sum(p.data.size for p in params)
            lines.append(f"Parameter Group {i}")
            lines.append(f"    params: {len(params)} tensors, {count} values")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        lines.append(")")
        return "\n".join(lines)
