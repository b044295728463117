"""Arguments an op uses as constants: each goes through ``constant`` (or ``refuse_grad``), which
refuses a Tensor that requires grad while grad mode is on.

Never silently wrong: a Tensor argument that the op does not differentiate must not look as if
it were part of the graph, or its ``.grad`` would stay None (or miss a path) with no warning.
So every place where the library reads the values of an argument without recording the op on it
(``t._data``, ``t.item()``, ``np.asarray(t)`` on an argument) goes through here, and raises
PyTorch's kind of error::

    RuntimeError: full: not differentiable with respect to argument 'fill_value'; ...

Under ``no_grad`` nothing is recorded, so nothing can be dropped: the value is used as it is, as
in PyTorch. Arguments whose derivative is cheap and natural are recorded instead (``full``'s
``fill_value``, ``scatter``'s ``src``, ``histogram``'s ``weight``);
tests/autograd/test_tensor_arguments.py lists every function's and method's Tensor arguments
with the verdict for each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import is_grad_enabled
from .tensor import Tensor


def requires_grad(value: Any) -> bool:
    """Whether ``value`` is a Tensor that requires grad while grad mode is on (the op would have
    to record it)."""
    return isinstance(value, Tensor) and value._requires_grad and is_grad_enabled()


def refuse_grad(fn: str, name: str, value: Any, why: str = "") -> None:
    """Raise if ``value`` is a Tensor that requires grad (grad mode on) but ``fn`` treats it as a
    constant; ``why`` completes the message (" with class-index targets")."""
    if isinstance(value, Tensor) and value._requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{fn}: not differentiable with respect to argument {name!r}{why}; this input "
            f"cannot require grad (pass {name}.detach() to use it as a constant)"
        )


def constant(fn: str, name: str, value: Any, why: str = "") -> Any:
    """``value``'s array if it is a Tensor (refused if it requires grad, see ``refuse_grad``),
    else ``value`` itself: the one way an op reads an argument it does not differentiate."""
    if isinstance(value, Tensor):
        refuse_grad(fn, name, value, why)
        return value._data
    return value


def constant_array(fn: str, name: str, value: Any, why: str = "") -> np.ndarray:
    """``constant`` as an ndarray (``np.asarray`` of anything else)."""
    return np.asarray(constant(fn, name, value, why))
