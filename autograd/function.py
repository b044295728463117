"""``Function``: one differentiable operation, and ``Node``: its record in the graph.

Every op in the library, and any op a user adds, is a ``Function`` subclass with two static methods:

* ``forward(ctx, *arrays, **options) -> ndarray`` computes the result with NumPy;
* ``backward(ctx, grad) -> one gradient per input`` applies the chain rule: given
  ``grad = dL/d(out)`` it returns ``dL/d(input_i)`` for every positional input.

Backward formulas are written with NumPy operators and ``np.*`` functions (``grad * np.cos(x)``).
In an ordinary ``backward()`` they receive plain arrays and run at NumPy speed, recording nothing.
Under ``autograd.grad(..., create_graph=True)`` the engine hands them Tensors instead; Tensors take
part in NumPy's dispatch protocols, so the very same formula is recorded as a graph and can be
differentiated again (second and third derivatives come for free).

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

from .grad_mode import STATE
from .tensor import Tensor

# Where a saved array came from, so that create_graph can reconnect it to the graph.
_OUTPUT = -1  # the op's own result
_CONSTANT = -2  # something else the forward computed (a mask, a sign, ...)
_FREED = ()  # sentinel for "backward already dropped the saved arrays"


class Node:
    """The record one op leaves in the graph; also the ``ctx`` its forward and backward receive.

    It holds the op (``fn``), the result's ``shape`` and ``dtype``, links to the inputs (``inputs``:
    a ``Node`` for a computed tensor, the ``Tensor`` itself for a leaf, the raw value for a Python
    number or array), the arrays saved for backward and its creation number (``seq``, the order
    backward follows). It never holds the result Tensor, so the
    graph has no reference cycles and an intermediate's data lives only as long as someone uses it.
    """

    # Everything a node of every op sets is a slot (no per-node dict in the common case);
    # ``__dict__`` lets forward keep small options (``ctx.axis = axis``).
    __slots__ = (
        "fn",
        "inputs",
        "needs_input_grad",
        "shape",
        "dtype",
        "scope",
        "_saved",
        "_out_id",
        "seq",
        "__dict__",
        "__weakref__",
    )

    # Rarely set, so they live in the class until an instance sets its own (keeps __init__ short:
    # a node is built for every recorded op).
    _as_tensors = False  # True while a create_graph backward runs
    name: str | None = None  # the result's name, when the user set one
    retained: Any = None  # weakref to a Tensor that called retain_grad()

    def __init__(
        self, fn: type[Function], inputs: tuple, needs_input_grad: tuple, scope: Any = None
    ) -> None:
        self.fn = fn
        self.inputs = inputs
        self.needs_input_grad = needs_input_grad
        # The innermost autograd.scope frame open when the op ran (a slot, not a class default:
        # inside a module every node has one, and setting a non-slot would create a __dict__).
        self.scope = scope
        self._saved: tuple | None = None  # arrays kept by save_for_backward
        self._out_id = 0  # id() of the result array, to recognise it when saved (_source_of)
        # Creation order: an op's inputs always exist before it runs, so every node's seq is
        # larger than its inputs' and backward can visit nodes in decreasing seq.
        self.seq = _next_seq()

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for backward (dropped after backward unless ``retain_graph=True``)."""
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        """The saved arrays; Tensors connected to the graph when backward runs with create_graph."""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(
                f"backward through '{self.fn.name}' a second time: its saved arrays were freed "
                "after the first backward. Pass retain_graph=True to the first backward() "
                "(or autograd.grad) if you need to go through the graph again."
            )
        if saved is None:
            return ()
        if not self._as_tensors:
            return saved
        return tuple(self._reconnect(array) for array in saved)

    def _source_of(self, array: Any) -> int:
        # Which input (by position) a saved array is, or _OUTPUT / _CONSTANT; only create_graph
        # asks. Recorded ops keep just the id() of their result (cheaper than resolving every
        # saved array in every forward). An id match is an identity match: a saved array was
        # alive together with this op's result and with every input's result (forward had them
        # all), and two live objects never share an id.
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
            return Tensor._make(array, self)  # an ndarray, also for 0-d results (see apply)
        if source == _CONSTANT:
            return array  # a mask, a sign, a Python number: a constant in any graph
        link = self.inputs[source]
        if isinstance(link, Node):
            return Tensor._make(array, link)
        return link  # a leaf Tensor: the saved array is its own data

    def __repr__(self) -> str:
        return f"<{self.fn.name} node, shape={self.shape}>"


class _NullContext:
    """The ctx of a forward that is not recorded: saving is a no-op, options may still be set.

    One per call, never shared: a shared one would keep the last op's options (an index array,
    say) alive, and two threads would write each other's.
    """

    needs_input_grad: tuple = ()

    def save_for_backward(self, *arrays: Any) -> None:
        pass


_next_seq = itertools.count().__next__

_CONSTANT_TYPES = (int, float, np.ndarray, np.generic)


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
    def apply(cls, *args: Any, **options: Any) -> Tensor:
        """Run the op: ``y = forward(ctx, *arrays, **options)`` on the inputs' arrays, recorded
        as a graph node when an input requires grad and recording is on (see ``no_grad``)."""
        # Runs once per op, so it is kept to one pass over the arguments and a handful of
        # attribute reads; the graph bookkeeping happens only for recorded ops.
        arrays = []
        links = []
        needs = []
        record = False
        for arg in args:
            if isinstance(arg, Tensor):
                arrays.append(arg.data)
                node = arg._node
                if node is not None:  # a recorded result: always requires grad
                    links.append(node)
                    needs.append(True)
                    record = True
                elif arg._requires_grad:
                    links.append(arg)
                    needs.append(True)
                    record = True
                else:
                    links.append(arg)
                    needs.append(False)
            elif isinstance(arg, _CONSTANT_TYPES):
                arrays.append(arg)
                links.append(arg)
                needs.append(False)
            else:
                raise TypeError(f"{cls.name}: unsupported operand type {type(arg).__name__!r}")
        state = STATE
        if record and state.grad_enabled:
            scopes = state.scopes
            ctx: Any = Node(cls, tuple(links), tuple(needs), scopes[-1] if scopes else None)
        else:
            ctx = _NullContext()
        try:
            result = cls.forward(ctx, *arrays, **options) if options else cls.forward(ctx, *arrays)
        except ValueError as error:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            message = str(error)
            if not message.startswith(f"{cls.name}:"):  # name the op once
                message = f"{cls.name}: {message}"
            raise ValueError(f"{message} (operand shapes: {shapes})") from None
        out = result if type(result) is np.ndarray else np.asarray(result)
        if state.anomaly:
            from .anomaly import check_forward

            check_forward(cls, out)
        if type(ctx) is _NullContext:
            return _new_tensor(out, None)
        dtype = out.dtype
        if dtype.kind != "f":  # integer and bool results never require grad
            return _new_tensor(out, None)
        ctx.shape = out.shape
        ctx.dtype = dtype
        ctx._out_id = id(out)
        if result is not out and ctx._saved:
            # A 0-d result came back as a NumPy scalar (every loss does): if forward saved it,
            # save its array form instead. (A plain loop: most losses do not save their value.)
            saved = ctx._saved
            for a in saved:
                if a is result:
                    ctx._saved = tuple(out if b is result else b for b in saved)
                    break
        if state.recorders:
            for recorder in state.recorders:
                recorder.record(ctx, out)
        return _new_tensor(out, ctx)


_new_tensor = Tensor._make  # looked up once, not on every op
