"""``Function``: one differentiable operation, and ``Node``: its record in the graph.

Every op in the library, and any op a user adds, is a ``Function`` subclass with two static methods:

* ``forward(ctx, *arrays, **options) -> ndarray`` computes the result with NumPy;
* ``backward(ctx, grad) -> one gradient per input`` applies the chain rule: given
  ``grad = dL/d(out)`` it returns ``dL/d(input_i)`` for every positional input.

Backward formulas are written with NumPy operators and ``np.*`` functions (``grad * np.cos(x)``).
In an ordinary ``backward()`` they receive plain arrays and run at NumPy speed, recording nothing.
Under ``autograd.grad(..., create_graph=True)`` the engine hands them Tensors instead; Tensors take
part in NumPy's dispatch protocols, so the very same formula is recorded as a graph and can be
differentiated again (second and third derivatives come for free). A NumPy function that has no
recorded derivative refuses a Tensor with a TypeError rather than computing a constant.

Example, a user-defined op::

    class Cube(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2          # d(x^3)/dx = 3 x^2

    y = Cube.apply(t)
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import versions
from .grad_mode import STATE
from .tensor import Tensor, as_array

FREED = object()  # what a node's saved arrays become once backward has used and dropped them


class Node:
    """The record one op leaves in the graph; also the ``ctx`` its forward and backward receive.

    It holds the op (``fn``), the result's ``shape`` and ``dtype``, links to the inputs (``inputs``:
    a ``Node`` for a computed tensor, the ``Tensor`` itself for a leaf, the raw value for a Python
    number or array), the arrays saved for backward and when they were saved (the version clock),
    and its creation number (``seq``, the order backward follows). It never holds the result
    Tensor, so the graph has no reference cycles and an intermediate's data lives only as long as
    someone uses it.

    A forward may keep options on it (``ctx.axis = axis``) under any name except the node's
    own: ``fn``, ``inputs``, ``needs_input_grad``, ``shape``, ``dtype``, ``scope``, ``seq``,
    ``name``, ``retained`` and the private ones starting with ``_``.
    """

    # Every attribute all nodes set is a slot (no per-node dict in the common case);
    # ``__dict__`` lets forward keep small options (``ctx.axis = axis``): any name but these
    # slots and the class attributes below.
    __slots__ = (
        "fn",
        "inputs",
        "needs_input_grad",
        "shape",
        "dtype",
        "scope",
        "seq",
        "_saved",
        "_saved_at",
        "_out_id",
        "__dict__",
        "__weakref__",
    )

    # Rarely set, so they live in the class until an instance sets its own.
    _as_tensors = False  # True while a create_graph backward runs
    name: str | None = None  # the result's name, when the user set one
    retained: Any = None  # weakref to a Tensor that called retain_grad()

    def __init__(
        self, fn: type[Function], inputs: tuple, needs_input_grad: tuple, scope: Any = None
    ) -> None:
        self.fn = fn
        self.inputs = inputs
        self.needs_input_grad = needs_input_grad
        self.scope = scope  # the innermost autograd.scope open when the op ran (for drawing)
        self._saved: Any = None
        self._out_id = 0  # id() of the result array, to recognise it among the saved arrays
        # Creation order: an op's inputs always exist before it runs, so every node's seq is
        # larger than its inputs' and backward can visit nodes in decreasing seq.
        self.seq = _next_seq()

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for backward (dropped after backward unless ``retain_graph=True``),
        noting when, so that a later change in place is caught when they are read."""
        self._saved = arrays
        self._saved_at = versions.clock

    @property
    def saved_tensors(self) -> tuple:
        """The saved arrays; Tensors connected to the graph when backward runs with create_graph.

        Raises if backward already freed them, or if one was changed in place since it was saved.
        """
        saved = self._saved
        if saved is None:
            return ()
        if saved is FREED:
            raise RuntimeError(
                f"backward through '{self.fn.name}' a second time: its saved arrays were freed "
                "after the first backward. Pass retain_graph=True to the first backward() "
                "(or autograd.grad) if you need to go through the graph again."
            )
        if versions.clock != self._saved_at:  # something somewhere was changed in place since
            self._check_unchanged()
        if not self._as_tensors:
            return saved
        return tuple(self._reconnect(array) for array in saved)

    def adopt_result(self, out: np.ndarray, result: Any) -> None:
        """Forward returned ``result`` as a NumPy scalar (every loss does) and the Tensor holds
        ``out``, its array form: if forward saved the scalar, save the array instead."""
        saved = self._saved
        for a in saved or ():
            if a is result:
                self._saved = tuple(out if b is result else b for b in saved)
                return

    def _check_unchanged(self) -> None:
        for array in self._saved:
            if versions.changed_since(array, self._saved_at):
                source = self._source_of(array)
                if source == _OUTPUT:
                    what = f"its result (shape {self.shape})"
                elif source == _CONSTANT:
                    what = f"an array of shape {np.shape(array)} it computed"
                else:
                    link = self.inputs[source]
                    label = getattr(link, "name", None)
                    what = f"input {source}" + (f" ({label!r})" if label else "")
                    what += f" of shape {np.shape(array)}"
                raise RuntimeError(
                    f"backward of '{self.fn.name}': {what} was modified in place after the "
                    "forward saved it (an optimizer step, `-=` under no_grad, ...), so the "
                    "gradient would use the new value. Run the forward again after changing it, "
                    "or change a copy (t = t - x) instead of updating in place."
                )

    def _source_of(self, array: Any) -> int:
        # Which input (by position) a saved array is, or _OUTPUT / _CONSTANT. Nodes keep just the
        # id() of their result: a saved array was alive together with this op's result and with
        # every input's result (forward had them all), and two live objects never share an id.
        key = id(array)
        if key == self._out_id:
            return _OUTPUT
        for i, link in enumerate(self.inputs):
            if type(link) is Node:
                if link._out_id == key:
                    return i
            elif isinstance(link, Tensor) and link.data is array:
                return i
        return _CONSTANT

    def _reconnect(self, array: Any) -> Any:
        source = self._source_of(array)
        if source == _OUTPUT:
            return Tensor._make(array, self)
        if source == _CONSTANT:
            return array  # a mask, a sign, a Python number: a constant in any graph
        link = self.inputs[source]
        if isinstance(link, Node):
            return Tensor._make(array, link)
        return link  # a leaf Tensor: the saved array is its own data

    def __repr__(self) -> str:
        return f"<{self.fn.name} node, shape={self.shape}>"


_OUTPUT, _CONSTANT = -1, -2  # where a saved array came from, besides an input position
_next_seq = itertools.count().__next__


class Unrecorded:
    """The ctx of a forward that is not recorded: saving is a no-op, options may still be set.

    One per call, never shared: a shared one would keep the last op's options alive.
    """

    needs_input_grad: tuple = ()

    def save_for_backward(self, *arrays: Any) -> None:
        """Nothing to keep: no backward will run."""


class Function:
    """Base class of every differentiable op (see the module docstring for how to write one).

    ``Fn.apply(*inputs, **options)`` unwraps Tensors to arrays, runs ``forward``, and, when any
    input requires grad and recording is on, links the result into the graph with a ``Node``.
    """

    name: str = "function"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()

    @staticmethod
    def forward(ctx: Any, *arrays: Any, **options: Any) -> np.ndarray:
        """y = f(arrays; options), computed with NumPy; save what backward needs on ``ctx``."""
        raise NotImplementedError("Function subclasses must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        """Given grad = dL/dy, return dL/dx_i = grad * dy/dx_i for each positional input (None
        for one that needs none); one input's gradient may be returned bare."""
        raise NotImplementedError(
            f"op '{ctx.fn.name}' has no backward: define a static backward(ctx, grad) on "
            f"{ctx.fn.__qualname__} returning one gradient per input"
        )

    @classmethod
    def apply(cls, *inputs: Any, **options: Any) -> Tensor:
        """Run the op: ``y = forward(ctx, *arrays, **options)`` on the inputs' arrays, recorded
        as a graph node when an input requires grad and recording is on (see ``no_grad``).

        Inputs that are not Tensors are constants: numbers pass to NumPy as they are, sequences
        become arrays; with no Tensor among the inputs, all follow the library's dtype rules.
        """
        arrays, links, needs = [], [], []
        any_tensor = False
        for value in inputs:
            if isinstance(value, Tensor):
                any_tensor = True
                arrays.append(value.data)
                links.append(value._node or value)  # a computed tensor links to its node
                needs.append(value._requires_grad)
            else:
                if not isinstance(value, _PLAIN):
                    value = as_array(value)
                arrays.append(value)
                links.append(value)
                needs.append(False)
        if not any_tensor:
            arrays = [as_array(a) for a in arrays]  # e.g. autograd.exp(1.0) is float32
        state = STATE
        record = state.grad_enabled and True in needs
        if record:
            scopes = state.scopes
            ctx: Any = Node(cls, tuple(links), tuple(needs), scopes[-1] if scopes else None)
        else:
            ctx = Unrecorded()
        try:
            # (Most ops take no options, and a call without ** skips building a dict.)
            result = cls.forward(ctx, *arrays, **options) if options else cls.forward(ctx, *arrays)
        except ValueError as error:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            message = str(error)
            if not message.startswith(f"{cls.name}:"):  # name the op once
                message = f"{cls.name}: {message}"
            raise ValueError(f"{message} (operand shapes: {shapes})") from None
        except AttributeError as error:
            if "'numpy.ndarray' object has no attribute" not in str(error):
                raise
            raise AttributeError(
                f"{cls.name}: {error}; forward receives NumPy arrays, not Tensors: use operators "
                "and np.* functions (np.exp(x), np.clip(x, 0, None))"
            ) from None
        out = result if type(result) is np.ndarray else np.asarray(result)
        if state.anomaly:
            from .anomaly import check_forward

            check_forward(cls, out)
        if not record or out.dtype.kind != "f":  # integer and bool results never require grad
            return _make(out, None)
        ctx.shape = out.shape
        ctx.dtype = out.dtype
        ctx._out_id = id(out)
        if result is not out:
            ctx.adopt_result(out, result)
        if state.recorders:
            for recorder in state.recorders:
                recorder.record(ctx, out)
        return _make(out, ctx)

    @classmethod
    def compute(cls, *arrays: Any, **options: Any) -> Any:
        """``forward`` on plain arrays, recording nothing: the op as a NumPy function (used by
        backward formulas that must run on arrays as well as on Tensors)."""
        return cls.forward(Unrecorded(), *arrays, **options)


_make = Tensor._make  # looked up once, not on every op
_PLAIN = (int, float, bool, np.ndarray, np.generic)
