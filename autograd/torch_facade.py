"""PyTorch's spellings of what a Tensor is: ``t.data`` and ``t.grad`` as Tensors over the arrays
the engine uses (``t._data``, ``t._grad``), ``t.size()``, ``t.dim()``, ``t.device``, ``t.cpu()``,
``t._version``, ``t.grad_fn.next_functions``, and a hint for each PyTorch name backproplab lacks
(``t.expand`` says "use .broadcast_to(shape)"; ``autograd.bfloat16`` says what to write
instead).

None of this is needed to understand the engine: ``autograd/__init__.py`` installs it on Tensor
(and ``next_functions`` on Node), as it installs the ops. PyTorch's spellings of ops (``dim=``,
``view``, ``cat``) are declared next to each op instead (see ``autograd.registry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import versions
from .devices import CPU
from .dtypes import as_array
from .function import Node
from .tensor import Tensor

if TYPE_CHECKING:  # the methods below become Tensor's: type-check them as such
    from .tensor import Tensor as _Base
else:
    _Base = object


class Size(int):
    """An element count (NumPy's ``a.size``) that can also be called as PyTorch's ``size()``:
    with no argument it returns the shape, with an axis that axis's length."""

    shape: tuple[int, ...]

    def __new__(cls, count: int, shape: tuple[int, ...]) -> Size:
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]


class TorchSpellings(_Base):
    """The attributes ``install`` gives Tensor."""

    _grad_view: Tensor | None  # the Tensor ``.grad`` returns, made at the first read (a slot)

    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor that shares its memory, with no history and not
        requiring grad (PyTorch's ``.data``): ``p.data.add_(u)`` and ``p.data[0] = 1`` write into
        ``p`` and count as changes of ``p`` (a backward that saved the old values raises).
        ``.numpy()`` is the array itself. Assigning, ``t.data = u`` (a Tensor or an array), makes
        ``t`` hold ``u``'s memory instead."""
        return Tensor._make(self._data, None)

    @data.setter
    def data(self, value: Any) -> None:
        array = value._data if isinstance(value, Tensor) else as_array(value)
        if self._requires_grad and array.dtype.kind != "f":
            raise ValueError(f"data: a tensor that requires grad needs floats, got {array.dtype}")
        self._data = array

    @property
    def grad(self) -> Tensor | None:
        """dL/d(self) accumulated by ``backward()``, or None: a Tensor of this tensor's shape
        and dtype that shares the gradient's memory and does not require grad (as PyTorch's;
        ``p.grad.zero_()`` works, ``p.grad.numpy()`` is the array). After
        ``backward(create_graph=True)`` it is the recorded gradient, differentiable again.
        Assigning checks the shape and converts to this tensor's dtype (a copy)."""
        # The engine and the optimizers read the buffer itself, ``_grad``; writes through this
        # Tensor (p.grad.zero_()) change the buffer and count as changes.
        grad = self._grad
        if grad is None:
            return None
        try:  # one view per buffer, so that p.grad is p.grad (set at the first read only)
            view = self._grad_view
        except AttributeError:
            view = None
        if view is None or view._data is not grad:
            view = self._grad_view = Tensor._make(grad, None)
        return view

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            return
        array = np.array(value._data if isinstance(value, Tensor) else value, self._data.dtype)
        if array.shape != self._data.shape:
            raise ValueError(
                f"grad: an assigned gradient must have the tensor's shape {self._data.shape}, "
                f"got shape {array.shape}"
            )
        self._grad = array

    @property
    def size(self) -> Size:
        """The number of elements, the product of shape (NumPy's attribute). Called, it is
        PyTorch's method: ``t.size()`` is the shape, ``t.size(d)`` the length of axis d."""
        return Size(self._data.size, self._data.shape)

    def dim(self) -> int:
        """PyTorch's name for ``ndim``, the number of axes."""
        return self._data.ndim

    def numel(self) -> int:
        """PyTorch's name for ``size``, the number of elements."""
        return self._data.size

    def tolist(self) -> Any:
        """The values as (nested) Python lists of Python numbers."""
        return self._data.tolist()

    def cpu(self) -> Any:
        """PyTorch's move to the CPU: the tensor itself (backproplab runs on the CPU)."""
        return self

    @property
    def device(self) -> str:
        """Where the data lives: always the CPU (``"cpu"``, with PyTorch's ``.type``)."""
        return CPU

    is_cuda = False

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (see autograd.versions)."""
        return versions.version(self._data)


class NodeSpellings:
    """The attribute ``install`` gives Node: PyTorch's walk of the graph from ``t.grad_fn``."""

    @property
    def next_functions(self: Any) -> tuple[tuple[Any, int], ...]:
        """PyTorch's view of the graph one step back: a ``(node, 0)`` pair per input -- its op's
        node, an ``AccumulateGrad`` for a leaf that requires grad, None for a constant."""
        pairs: list[tuple[Any, int]] = []
        for link, needed in zip(self.inputs, self.needs_input_grad):
            if type(link) is Node:
                pairs.append((link, 0))
            elif isinstance(link, Tensor) and needed:
                pairs.append((AccumulateGrad(link), 0))
            else:
                pairs.append((None, 0))
        return tuple(pairs)


class AccumulateGrad:
    """Where ``next_functions`` ends at a leaf: the leaf's gradient is accumulated into
    ``variable.grad`` (PyTorch's name for that step)."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    next_functions: tuple = ()

    def name(self) -> str:
        """``"AccumulateGrad"``."""
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


# PyTorch names a Tensor lacks, and what to use instead (the AttributeError says it).
MISSING = {
    "cuda": "backproplab runs on the CPU; drop .cuda() (or use .to('cpu'))",
    "register_hook": "backproplab has no tensor hooks; use autograd.trace() to see gradients",
    # Reductions and comparisons PyTorch names differently.
    "nansum": "use autograd.where(np.isnan(t), 0.0, t).sum()",
    # Elementwise math under other names.
    "softplus": "use autograd.logaddexp(0, t), or nn.Softplus",
    # Shapes and selection.
    "mT": "use t.swapaxes(-2, -1)",
    "unflatten": "use t.reshape(new_shape)",
    "einsum": "use autograd.einsum(subscripts, t, other)",
    # ndarray attributes code reached through ``.data`` when it was the array.
    **{
        name: "`.data` is a Tensor (as in PyTorch); the ndarray itself is `t.numpy()`"
        for name in ("tobytes", "flags", "base", "strides", "tofile", "ptp", "byteswap")
    },
}


class Lacking:
    """A PyTorch Tensor name backproplab lacks: reading it raises an AttributeError that says what
    to use instead (``t.expand`` -> "use .broadcast_to(shape)").

    One such attribute per name in ``MISSING`` rather than a ``Tensor.__getattr__``, which would
    send every attribute read on a Tensor down Python's slow path (see docs/guides/speed.md).
    """

    def __init__(self, name: str, hint: str) -> None:
        self.name = name
        self.hint = hint
        self.__doc__ = f"Not in backproplab: {hint}."  # what help(Tensor) lists under the name

    def __get__(self, tensor: Any, owner: Any = None) -> Any:
        raise AttributeError(f"'Tensor' object has no attribute {self.name!r}: {self.hint}")


def lacking_attributes() -> dict[str, Lacking]:
    """One ``Lacking`` attribute per name in ``MISSING``, to install on Tensor."""
    return {name: Lacking(name, hint) for name, hint in MISSING.items()}


def install_lacking(cls: type) -> None:
    """Give ``cls`` (Tensor) the ``Lacking`` attributes, refusing any name it already has: a
    refusal must never shadow a real method (an op declared later under a name ``MISSING``
    still lists). Everything installed after goes through ``registry.install_attributes``,
    which refuses to replace a ``Lacking`` attribute the same way."""
    for name, lacking in lacking_attributes().items():
        if name in cls.__dict__:
            raise RuntimeError(
                f"torch_facade.MISSING lists {name!r}, which Tensor has as "
                f"{cls.__dict__[name]!r}: remove it from MISSING"
            )
        setattr(cls, name, lacking)


# PyTorch names the autograd module lacks, and what to use instead.
MODULE_MISSING = {
    "nn": "backproplab's nn is a package of its own: `import nn`",
    "optim": "backproplab's optim is a package of its own: `import optim`",
    "utils": "data loading is nn.data (DataLoader, TensorDataset); clipping is nn.utils",
    "BFloat16Tensor": "backproplab has no bfloat16 (NumPy lacks it): use FloatTensor",
    "is_tensor": "use isinstance(x, autograd.Tensor)",
}


def missing_module_attribute(name: str, public: list[str]) -> AttributeError:
    """The AttributeError for ``autograd.<name>``: what to use instead, or the closest name."""
    hint = MODULE_MISSING.get(name)
    if hint is None:
        import difflib  # only for this error message

        close = difflib.get_close_matches(name, public, n=1)
        hint = f"did you mean autograd.{close[0]}?" if close else "see autograd.__all__"
    return AttributeError(f"module 'autograd' has no attribute {name!r}: {hint}")
