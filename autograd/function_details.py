"""The details behind autograd/function.py's ``Node`` and ``Function.apply``, kept out of the
reading path: what they do is said there in one line each.

* ``check_unchanged``: an array saved for backward and changed in place since raises, naming
  which input (or the result) it was.
* ``reconnect``: under ``create_graph`` a backward formula receives Tensors linked to the graph
  instead of arrays, so that the formula itself is recorded.
* ``adopt_result``: a forward that returned a NumPy scalar and saved it gets the array instead.
* ``forward_error``: an error inside a forward, reworded to name the op and the shapes.
* ``unrecorded_result``, ``constant_result``: the results that are no graph node.
* ``constant``: an input that is not a Tensor nor an array or a number, as an array.
* ``Unrecorded``: the ctx of a forward that is not recorded.

A node keeps only the ``id()`` of its result array (``_out_id``), never the result Tensor, so the
graph has no reference cycles. A saved array was alive together with this op's result and every
input's result when forward ran, and two live objects never share an id: comparing ids tells
which one a saved array is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import versions
from .dtypes import as_array
from .tensor import Tensor


class Unrecorded:
    """The ctx of a forward that is not recorded: saving is a no-op, options may still be set.
    One per call, never shared: a shared one would keep the last op's options alive."""

    needs_input_grad: tuple = ()

    def save_for_backward(self, *arrays: Any) -> None:
        """Nothing to keep: no backward will run."""


def constant(value: Any) -> Any:
    """An op's input that is neither a Tensor nor a plain number or array (a list, an object
    with ``__array__``), as an array under the library's dtype rules. autograd.compile's
    stand-ins for Python numbers say ``stands_for_a_number``: they pass as the number would,
    a scalar NumPy gives the other operand's dtype (as an array, a float would be float32)."""
    return value if hasattr(value, "stands_for_a_number") else as_array(value)


OUTPUT, CONSTANT = -1, -2  # where a saved array came from, besides an input position


def source_of(node: Any, array: Any) -> int:
    """Which input of ``node`` (by position) ``array`` is, or ``OUTPUT`` or ``CONSTANT``."""
    key = id(array)
    if key == node._out_id:
        return OUTPUT
    for i, link in enumerate(node.inputs):
        if isinstance(link, Tensor):  # a leaf: its data is the array itself
            if link._data is array:
                return i
        elif getattr(link, "_out_id", None) == key:  # a node: the id of its result
            return i
    return CONSTANT


def check_unchanged(node: Any) -> None:
    """Raise if an array ``node`` saved was changed in place after it was saved."""
    for array in node._saved:
        if versions.changed_since(array, node._saved_at):
            source = source_of(node, array)
            if source == OUTPUT:
                what = f"its result (shape {node.shape})"
            elif source == CONSTANT:
                what = f"an array of shape {np.shape(array)} it computed"
            else:
                label = getattr(node.inputs[source], "name", None)
                what = f"input {source}" + (f" ({label!r})" if label else "")
                what += f" of shape {np.shape(array)}"
            raise RuntimeError(
                f"backward of '{node.fn.name}': {what} was modified in place after the "
                "forward saved it (an optimizer step, `-=` under no_grad, ...), so the "
                "gradient would use the new value. Run the forward again after changing it, "
                "or change a copy (t = t - x) instead of updating in place."
            )


def freed_error(node: Any) -> RuntimeError:
    """The error for reading saved arrays that an earlier backward freed."""
    return RuntimeError(
        f"backward through '{node.fn.name}' a second time: its saved arrays were freed "
        "after the first backward. Pass retain_graph=True to the first backward() "
        "(or autograd.grad) if you need to go through the graph again."
    )


def reconnect(node: Any, saved: tuple) -> tuple:
    """The saved arrays as Tensors linked to the graph (``create_graph``): the result and each
    input become tensors of their nodes, a leaf's array its Tensor; constants stay arrays."""
    tensors = []
    for array in saved:
        source = source_of(node, array)
        if source == OUTPUT:
            tensors.append(Tensor._make(array, node))
        elif source == CONSTANT:
            tensors.append(array)  # a mask, a sign, a Python number: a constant in any graph
        else:
            link = node.inputs[source]
            tensors.append(link if isinstance(link, Tensor) else Tensor._make(array, link))
    return tuple(tensors)


def adopt_result(node: Any, out: np.ndarray, result: Any) -> None:
    """Forward returned ``result`` as a NumPy scalar (every loss does) and the Tensor holds
    ``out``, its array form: if forward saved the scalar, save the array instead."""
    saved = node._saved
    for a in saved or ():
        if a is result:
            node._saved = tuple(out if b is result else b for b in saved)
            return


def refuse_grad_options(fn: Any, options: dict) -> None:
    """Raise if a keyword option of ``fn.apply`` is a Tensor that requires grad: options reach
    forward as constants, so its gradient would silently be missing."""
    for name, value in options.items():
        if isinstance(value, Tensor) and value._requires_grad:
            raise RuntimeError(
                f"{fn.name}: not differentiable with respect to argument {name!r} (a keyword "
                f"option of {fn.__qualname__}.apply: pass it positionally to differentiate it); "
                f"pass {name}.detach() to use it as a constant"
            )


def forward_error(fn: Any, error: Exception, arrays: list) -> Exception:
    """``error`` from ``fn``'s forward, reworded to name the op and the operand shapes (a
    ValueError), or to say that forward receives arrays (an AttributeError on an ndarray)."""
    if isinstance(error, ValueError):
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        message = str(error)
        if not message.startswith(f"{fn.name}:"):  # name the op once
            message = f"{fn.name}: {message}"
        return ValueError(f"{message} (operand shapes: {shapes})")
    if "'numpy.ndarray' object has no attribute" in str(error):
        return AttributeError(
            f"{fn.name}: {error}; forward receives NumPy arrays, not Tensors: use operators "
            "and np.* functions (np.exp(x), np.clip(x, 0, None)), or give the class "
            "`tensor_io = True` (or run under autograd.pytorch_meanings(True)) to receive Tensors"
        )
    return error


# Called as hook(result, fn, inputs) when an op on Tensors runs unrecorded while recording is
# on: graph.origins notes where such copies came from, for drawings (autograd/__init__.py).
UNRECORDED_HOOKS: list[Any] = []


def unrecorded_result(fn: Any, out: np.ndarray, inputs: tuple, copied: bool) -> Tensor:
    """The Tensor of an op that was not recorded (no input requires grad, or ``no_grad``).
    ``copied``: an op on Tensors while recording is on, whose result is a copy outside the graph
    (``UNRECORDED_HOOKS`` hear of it)."""
    made = Tensor._make(out, None)
    if copied:
        for hook in UNRECORDED_HOOKS:
            hook(made, fn, inputs)
    return made


def constant_result(fn: Any, out: np.ndarray, arrays: list) -> Tensor:
    """A recorded op's integer or bool result (an index, a mask): a Tensor that does not
    require grad. A complex or object result raises: the gradient would stop there silently."""
    if out.dtype.kind in "cO":
        raise foreign_result(fn, arrays, out)
    return Tensor._make(out, None)


def foreign_result(cls: Any, arrays: list, out: np.ndarray) -> TypeError:
    """The error for a recorded op whose result is complex or holds Python objects: backward
    would treat it as a constant, so the gradient would silently stop there."""
    kinds = ", ".join(str(np.asarray(a).dtype) for a in arrays)
    what = "complex" if out.dtype.kind == "c" else "an object array"
    return TypeError(
        f"{cls.name}: the result is {what} (operand dtypes: {kinds}); backproplab differentiates "
        "real floating-point values only, and a gradient cannot flow through this result. "
        "Keep the values real (use .real / np.abs on plain arrays first) or compute on plain "
        "arrays outside the graph (t.detach().numpy())"
    )
