"""What a captured training step depends on in a model (``autograd.compile``'s protocol).

A step's program is only valid for the model it was captured with: the same parameters (the
same Tensor objects, with the same arrays), the same sub-modules, and every module in the same
training mode (dropout draws masks only in training). The parameters' and buffers' arrays are
the program's inputs; everything else is guarded.
"""

from __future__ import annotations

from typing import Any

from autograd.compile import State


def module_state(model: Any) -> State:
    """The ``autograd.compile.State`` of ``model`` (see ``Module.__compile_state__``)."""
    state = State()
    for path, module in model.named_modules():
        label = path or type(model).__name__
        state.names[id(module)] = label
        state.watch.append((module, "{}.training", f"{label}.training"))
        for registry in ("_parameters", "_buffers", "_modules"):
            for name in getattr(module, registry):
                where = f"{path}.{name}" if path else name
                state.watch.append((module, f"{{}}.{registry}[{name!r}]", where))
    for name, tensor in model.named_parameters():
        state.tensors.append(tensor)
        state.names[id(tensor)] = name
    for name, tensor in model.named_buffers():
        state.tensors.append(tensor)
        state.names[id(tensor)] = name
    return state
