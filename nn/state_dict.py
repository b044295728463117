"""Saving and restoring a module's weights: ``Module.state_dict`` / ``load_state_dict``.

Keys are the dotted attribute paths PyTorch uses (``"0.weight"``, ``"bn.running_var"``), in
PyTorch's order: a module's own parameters, then its own persistent buffers, then each child.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

import autograd

if TYPE_CHECKING:
    from .module import Module


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped: keys the model has and the dict lacks,
    and keys the dict has that the model does not."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def state_entries(module: Module, prefix: str = "", out: dict | None = None) -> dict:
    """``{dotted_name: Tensor}`` of every parameter and persistent buffer; a sub-module
    registered under two names appears under both (as in PyTorch)."""
    out = {} if out is None else out
    for name, p in module._parameters.items():
        if p is not None:
            out[prefix + name] = p
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent:
            out[prefix + name] = b
    for name, child in module._modules.items():
        if child is not None:
            state_entries(child, f"{prefix}{name}.", out)
    return out


def state_dict(module: Module) -> OrderedDict[str, autograd.Tensor]:
    """An ordered dict ``dotted_name -> Tensor``: each parameter and buffer detached, sharing its
    memory and not requiring grad, as PyTorch's (``sd[name].size()``, ``.numel()``; the array is
    ``sd[name].numpy()``). Sharing means training after ``sd = model.state_dict()`` changes
    ``sd`` too: keep a snapshot with ``copy.deepcopy(model.state_dict())``, as in PyTorch."""
    return OrderedDict((k, t.detach()) for k, t in state_entries(module).items())


def load_state_dict(module: Module, state: Any, strict: bool = True) -> IncompatibleKeys:
    """Check every key, shape and dtype first; only then copy the values in place."""
    cls = type(module).__name__
    if not hasattr(state, "items"):
        raise TypeError(
            f"{cls}.load_state_dict: expected a dict of arrays, got {type(state).__name__}"
        )
    entries = state_entries(module)
    missing = [k for k in entries if k not in state]
    unexpected = [k for k in state if k not in entries]
    errors: list[str] = []
    arrays: dict[str, np.ndarray] = {}
    for key, target in entries.items():
        if key not in state:
            continue
        value = state[key]
        arr = value._data if isinstance(value, autograd.Tensor) else np.asarray(value)
        if arr.dtype.kind not in "biuf":
            errors.append(f"{key!r}: value of dtype {arr.dtype} is not numeric")
        elif arr.shape != target._data.shape and not hasattr(target, "materialize"):
            errors.append(
                f"{key!r}: shape {arr.shape} in the state_dict, {target._data.shape} in the model"
            )
        arrays[key] = arr
    if strict:
        errors += [f"missing key {k!r}" for k in missing]
        errors += [f"unexpected key {k!r}" for k in unexpected]
    if errors:
        raise RuntimeError(
            f"{cls}.load_state_dict: nothing was loaded because of {len(errors)} error(s):\n  "
            + "\n  ".join(errors)
        )
    for key, arr in arrays.items():
        if hasattr(entries[key], "materialize"):  # a lazy layer's placeholder takes the shape
            entries[key].materialize(arr.shape)
        # In place, so references held elsewhere (optimizers) stay valid; the version bump makes
        # a backward through a graph that saved the old values raise instead of using these.
        autograd.versions.write(entries[key], arr)
    return IncompatibleKeys(missing, unexpected)
