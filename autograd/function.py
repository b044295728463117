"""``Function``: one differentiable operation, and ``Node``: its record in the graph.

Every op in the library, and any op a user adds, is a ``Function`` subclass with two static methods:

* ``forward(ctx, *arrays, **options) -> ndarray`` computes the result with NumPy;
* ``backward(ctx, grad) -> one gradient per input`` applies the chain rule: given
  ``grad = dL/d(out)`` it returns ``dL/d(input_i)`` for every positional input.

Backward formulas are written with NumPy operators and ``np.*`` functions (``grad * np.cos(x)``).
In an ordinary ``backward()`` they receive plain arrays. Under ``create_graph=True`` the engine
hands them Tensors instead, which take part in NumPy's dispatch, so the same formula is recorded
and can be differentiated again.

docs/guides/writing-an-op.md writes one (``Cube``) and checks it with ``gradcheck``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import function_details as details
from . import tensor_io, versions, views
from .anomaly import check_forward
from .dtypes import as_array
from .tensor import Tensor
from .thread_state import LOCAL

FREED = object()  # what a node's saved arrays become once backward has used and dropped them
_PLAIN = (int, float, bool, np.ndarray, np.generic)  # constants NumPy takes as they are


class Node:
    """The record one op leaves in the graph; also the ``ctx`` its forward and backward receive.

    It holds the op (``fn``), the result's ``shape`` and ``dtype``, links to the inputs
    (``inputs``: a ``Node`` for a computed tensor, the ``Tensor`` itself for a leaf, the value for
    a constant), the arrays saved for backward, and its creation number ``seq``. It never holds
    the result Tensor: the graph has no reference cycles.

    A forward may keep options on it (``ctx.axis = axis``) under any name but its slots below.
    """

    __slots__ = (  # the graph's links and shape, then what backward reads and frees
        "fn", "inputs", "needs_input_grad", "shape", "dtype", "scope", "seq",
        "_saved", "_saved_at", "_out_id", "__dict__", "__weakref__",
    )  # fmt: skip
    shape: tuple[int, ...]  # the result's, set once forward has run
    dtype: np.dtype

    _as_tensors = False  # True while a create_graph backward runs
    name: str | None = None  # the result's name, when the user set one
    retained: Any = None  # weakref to a Tensor that called retain_grad()

    def __init__(self, fn: type[Function], inputs: tuple, needs_input_grad: tuple, scope: Any):
        self.fn = fn
        self.inputs = inputs
        self.needs_input_grad = needs_input_grad
        self.scope = scope  # the innermost autograd.scope open when the op ran (for drawing)
        self._saved: Any = None
        self._out_id = 0  # id() of the result array, to recognise it among the saved arrays
        # An op's inputs exist before it runs, so every node's seq is larger than its inputs':
        # backward visits nodes in decreasing seq.
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
            raise details.freed_error(self)
        if versions.clock != self._saved_at:  # something somewhere was changed in place since
            details.check_unchanged(self)
        return details.reconnect(self, saved) if self._as_tensors else saved

    def __repr__(self) -> str:
        return f"<{self.fn.name} node, shape={self.shape}>"


_next_seq = itertools.count().__next__


class Function:
    """Base class of every differentiable op: subclasses define ``forward`` and ``backward``,
    and ``Fn.apply(*inputs, **options)`` runs the op and records it (see ``apply``)."""

    name: str = "function"
    # For ops on two operands of mixed dtypes: a function giving the operands PyTorch's result
    # type (autograd.promotion), or None for an op that takes its inputs as they come.
    promotion: Any = None
    # A loss's target, which draw_graph shows as such: an input position or an option on ctx.
    target: int | str | None = None
    tensor_io: bool | None = None  # whether forward and backward see Tensors: see tensor_io.py

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()
        tensor_io.install(cls)  # a user's class: forward and backward see Tensors

    @staticmethod
    def forward(ctx: Any, *arrays: Any, **options: Any) -> Any:
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
        Inputs that are not Tensors are constants (with no Tensor among them, all follow the
        library's dtype rules: ``autograd.exp(1.0)`` is float32)."""
        if cls.promotion is not None:
            inputs = cls.promotion(*inputs)
        arrays: list[Any] = []
        links: list[Any] = []
        needs: list[bool] = []
        any_tensor = False
        for value in inputs:
            if isinstance(value, Tensor):
                any_tensor = True
                arrays.append(value._data)
                links.append(value._node or value)  # a computed tensor links to its node
                needs.append(value._requires_grad)
            else:
                value = value if isinstance(value, _PLAIN) else details.constant(value)
                arrays.append(value)
                links.append(value)
                needs.append(False)
        if not any_tensor:
            arrays = [as_array(a) for a in arrays]
        state = LOCAL.state
        record = state.grad_enabled and True in needs
        if record:
            scope = state.scopes[-1] if state.scopes else None
            ctx: Any = Node(cls, tuple(links), tuple(needs), scope)
        else:
            ctx = details.Unrecorded()  # saves nothing; options may still be set on it
        try:
            # (Most ops take no options: a call without ** builds no dict.)
            result = cls.forward(ctx, *arrays, **options) if options else cls.forward(ctx, *arrays)
        except (ValueError, AttributeError) as error:
            raise details.forward_error(cls, error, arrays) from None
        out = result if type(result) is np.ndarray else np.asarray(result)
        if options and state.grad_enabled:  # options are constants: none may require grad
            details.refuse_grad_options(cls, options)
        if state.anomaly:
            check_forward(cls, out)
        if not record:  # a constant (which graph.origins may note, for drawings)
            return details.unrecorded_result(cls, out, inputs, any_tensor and state.grad_enabled)
        if out.dtype.kind != "f":  # integer and bool results never require grad
            return details.constant_result(cls, out, arrays)
        ctx.shape, ctx.dtype, ctx._out_id = out.shape, out.dtype, id(out)
        if result is not out:
            details.adopt_result(ctx, out, result)
        for recorder in state.recorders:  # autograd.trace
            recorder.record(ctx, out)
        return _make(out, ctx) if out.base is None else views.made(out, ctx, inputs)

    @classmethod
    def compute(cls, *arrays: Any, **options: Any) -> Any:
        """``forward`` on plain arrays, recording nothing: the op as a NumPy function."""
        return cls.forward(details.Unrecorded(), *arrays, **options)


_make = Tensor._make  # looked up once, not on every op
