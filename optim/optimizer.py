"""The optimizer base class: parameter groups, the loop over parameters, checkpoints."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd
from autograd import versions
from autograd.compile.protocol import track as _track

from .state_io import as_index, as_list, to_plain, to_python

RENAMED = {"_update": "update", "_validate": "validate"}  # old name -> new (one release)


def _old_name(method: Callable[..., Any], old: str) -> Callable[..., Any]:
    """``method`` under its deprecated name ``old``: the same call, with a DeprecationWarning."""

    def deprecated(self: Any, *args: Any) -> Any:
        warnings.warn(
            f"Optimizer.{old} is now Optimizer.{method.__name__}", DeprecationWarning, stacklevel=2
        )
        return method(self, *args)

    deprecated.__name__ = old
    deprecated.__doc__ = f"Deprecated name of ``{method.__name__}`` (one release)."
    return deprecated


def _uncalled(name: str, params: Any) -> str:
    """The message for ``SGD(model.parameters, ...)``: the method itself, not what it yields."""
    method = getattr(params, "__name__", type(params).__name__)
    owner = getattr(params, "__self__", None)
    what = f"the method {type(owner).__name__}.{method}" if owner is not None else repr(params)
    call = f"model.{method}()" if owner is not None else f"{method}()"
    return f"{name}: params is {what}, not the parameters it yields; call it: {name}({call}, ...)"


class Optimizer:
    """Base class of every optimizer: it reads each parameter's ``.grad`` and moves ``.data``.

    Backprop (``loss.backward()``) fills in ``p.grad = dL/dp``; an optimizer then applies its
    update rule, in general ``p <- p - lr * direction(g, state)``, to the NumPy arrays in place,
    without recording a graph.

    ``params`` is an iterable of tensors, or of dicts ``{"params": [...], "lr": ..., ...}`` that
    form ``param_groups``: each group holds its tensors and every hyperparameter, with the
    optimizer's ``defaults`` filling whatever the dict leaves out. ``state[p]`` holds the
    per-parameter state (momentum, moment estimates, the ``step`` count), created at the first
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

    Writing an optimizer: ``step()`` owns the loop over groups and parameters; a subclass
    writes the rule for one parameter, ``update(p, g, state, group)``, and passes its
    hyperparameters' defaults to ``__init__`` (plus ``validate(group)`` to check them)::

        class SignSGD(Optimizer):  # p <- p - lr * sign(g)
            def __init__(self, params, lr=0.01):
                super().__init__(params, {"lr": lr})

            def update(self, p, g, state, group):
                p -= group["lr"] * np.sign(g)

    ``p`` is the parameter's array (``param.numpy()``), to be changed in place; ``g`` its gradient,
    which the rule must not change (it is the user's ``param.grad``: compute ``g = -g`` or
    ``g = g + wd * p`` into new arrays); ``state`` is ``self.state[param]``, a dict the rule
    reads and fills in (empty at the parameter's first step, and stored only if the rule puts
    something in it, so a rule without state leaves none, as in PyTorch); ``group`` is the
    parameter's group, with the hyperparameters. After the rule, the loop records the in-place
    change (``autograd.versions.bump``), so a backward that saved the old value raises instead
    of using the new one.
    """

    # State entries that are Python numbers; every other entry is an array shaped like the
    # parameter.
    _scalar_state: tuple[str, ...] = ("step",)

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults: dict[str, Any] = dict(defaults)
        # a dict per parameter, made on first use (``self.state[p]`` in a step written by hand)
        self.state: dict[autograd.Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._last_scalar: tuple[float, np.dtype, np.ndarray] | None = None
        self.validate(self.defaults)
        _track(self)  # so a compiled step that reaches this optimizer indirectly still sees it
        name = type(self).__name__
        if callable(params) and not hasattr(params, "__iter__"):
            raise TypeError(_uncalled(name, params))
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

    # -- what a subclass writes ----------------------------------------------------------------

    def validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming the argument if a hyperparameter in ``group`` is invalid."""

    def update(
        self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        """The update rule for one parameter: change ``p`` in place (see the class docstring)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update")

    _validate = _old_name(validate, "_validate")
    _update = _old_name(update, "_update")

    # -- the names these two had before (deprecated; removed in the next release) --------------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass written for the old names (``_update``, ``_validate``) keeps working: its
        # rule is used as ``update``, with a DeprecationWarning when the class is defined. One
        # written for the new names answers to the old ones too (``super()._update(...)``).
        super().__init_subclass__(**kwargs)
        for old, new in RENAMED.items():
            if old in cls.__dict__ and new not in cls.__dict__:
                warnings.warn(
                    f"{cls.__name__}.{old}: Optimizer's extension point is now called {new} "
                    f"(the name {old} will stop working in the next release)",
                    DeprecationWarning,
                    stacklevel=2,
                )
                setattr(cls, new, cls.__dict__[old])
            elif new in cls.__dict__ and old not in cls.__dict__:
                setattr(cls, old, _old_name(cls.__dict__[new], old))

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
            if not np.issubdtype(p._data.dtype, np.floating):
                raise TypeError(f"{name}: params[{i}] has dtype {p._data.dtype}; need a float")
        group = {"params": params}
        group.update((k, v) for k, v in param_group.items() if k != "params")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.validate(group)
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
                if set_to_none:
                    p.grad = None
                elif p._grad is not None:
                    p._grad.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Apply the update rule to every parameter that has a gradient; return the loss that
        ``closure()`` returned, if given.

        ``closure`` re-evaluates the model and returns the loss (it may call ``backward``); it
        runs with gradient recording enabled, before the update.
        """
        loss = None
        if closure is not None:
            with autograd.enable_grad():
                loss = closure()
        # Local names for what every parameter uses: the loop runs once per parameter per step.
        states, update = self.state, self.update
        for group in self.param_groups:
            updated = []
            try:
                for param in group["params"]:
                    g = param._grad
                    if g is None:
                        continue
                    p = param._data
                    if g.shape != p.shape:  # an in-place update would silently broadcast it
                        self._bad_gradient(p, g)
                    updated.append(p)
                    state = states.get(param)
                    first = state is None
                    if state is None:
                        state = {}
                    update(p, g, state, group)
                    if first and state:  # kept only if the rule made some
                        states[param] = state
            finally:
                versions.bump(*updated)  # a backward that saved the old values will now raise
        return loss

    def _scalar(self, value: float, like: np.ndarray) -> np.ndarray:
        """``value`` as a 0-d array of ``like``'s dtype, for ``value * array`` in a hot rule.

        Same numbers as ``value * array`` with the Python float (NumPy rounds it to the array's
        dtype either way), but NumPy converts a Python float anew at every call, which costs as
        much as the product itself on a small parameter; so the last conversion is kept.
        """
        last = self._last_scalar
        if last is None or last[0] != value or last[1] is not like.dtype:
            last = self._last_scalar = (value, like.dtype, np.array(value, dtype=like.dtype))
        return last[2]

    def _bad_gradient(self, p: np.ndarray, g: np.ndarray) -> None:
        raise ValueError(
            f"{type(self).__name__}.step: a parameter of shape {p.shape} has a gradient of "
            f"shape {g.shape}"
        )

    def __compile_state__(self) -> Any:
        """What a step captured by ``autograd.compile`` depends on here: the per-parameter
        state and the groups' hyperparameters (inputs), which parameters (guards)."""
        from .compile_state import optimizer_state

        return optimizer_state(self)

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
            self.validate(new_group)
            new_groups.append(new_group)
        saved_state = state_dict.get("state", {})
        if not isinstance(saved_state, dict):
            raise ValueError(f"{where}: 'state' must be a dict, got {type(saved_state).__name__}")
        new_state: dict[Any, dict[str, Any]] = defaultdict(dict)
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
        array = np.array(value, dtype=p._data.dtype)
        if array.shape != p._data.shape:
            raise ValueError(
                f"{where}: state '{key}' of parameter {index} has shape {array.shape}, "
                f"the parameter has shape {p._data.shape}"
            )
        return array

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            params = group["params"]
            count = sum(p._data.size for p in params)
            lines.append(f"Parameter Group {i}")
            lines.append(f"    params: {len(params)} tensors, {count} values")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        lines.append(")")
        return "\n".join(lines)
