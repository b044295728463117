"""What a captured training step depends on in an optimizer (``autograd.compile``'s protocol).

The update rule's numbers are inputs of the program, never constants: the per-parameter state
(``step`` counts, which Adam's bias correction uses, and the momentum and moment buffers, updated
in place) and the groups' hyperparameters (a scheduler changes ``lr`` between calls). A branch a
rule takes on a hyperparameter (``if momentum != 0``) becomes a guard on it. Which parameters
are in which group is guarded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.compile import State


def _scalar(value: Any, like: Any) -> Any:
    # Optimizer._scalar caches a 0-d array of the last learning rate; during a capture the
    # rate is a program input, so the conversion is recorded (the same 0-d array as eager's,
    # made from the rate each call) instead of cached.
    return np.array(value, dtype=like.dtype)


def optimizer_state(opt: Any) -> State:
    """The ``autograd.compile.State`` of ``opt`` (see ``Optimizer.__compile_state__``)."""
    state = State()
    name = type(opt).__name__
    state.watch.append((opt, "len({}.param_groups)", f"{name}: number of groups"))
    state.watch.append((opt, "len({}.state)", f"{name}: parameters with state"))
    for g, group in enumerate(opt.param_groups):
        state.dicts.append((opt, "param_groups", g, f"{name} group {g}"))
        where = f"{{}}.param_groups[{g}]['params']"
        state.watch.append((opt, f"len({where})", f"{name} group {g}: size"))
        for i, p in enumerate(group["params"]):
            state.tensors.append(p)
            state.watch.append((opt, f"{where}[{i}]", f"{name} group {g}: param {i}"))
            if p in opt.state:
                state.dicts.append((opt, "state", p, f"{name} state of param {i}"))
    state.patches.append((opt, "_scalar", _scalar))
    # (param_groups and state are the dicts above; defaults only seed new groups, which the
    # number of groups guards; _last_scalar is the cache the patch replaces.)
    state.skip.extend(("param_groups", "state", "defaults", "_last_scalar"))
    return state
