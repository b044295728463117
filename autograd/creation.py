"""Ways to make tensors: from data, filled with constants, evenly spaced, or random (from the
library generator). Each takes ``dtype=``, ``requires_grad=`` and PyTorch's ``device=`` (which
must be the CPU)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .arguments import constant
from .arguments import requires_grad as _requires_grad
from .conversion import as_tensor
from .devices import check_device
from .dtypes import as_array
from .ops.shape import normalize_shape
from .tensor import Tensor


def _made(
    array: np.ndarray, requires_grad: bool, device: Any, where: str, name: str | None = None
) -> Tensor:
    check_device(device, where)
    return Tensor(array, requires_grad=requires_grad, name=name)


def tensor(
    data: Any,
    requires_grad: bool = False,
    dtype: Any = None,
    name: str | None = None,
    device: Any = None,
) -> Tensor:
    """A new leaf Tensor holding a copy of ``data`` (Python floats become float32, ints int64,
    bools bool; NumPy arrays keep their dtype). Copying tensors that require grad (``t``, or
    ``[t0, t1]``) cuts them from the graph, with a warning, as PyTorch's ``torch.tensor``."""
    if holds_grad(data):
        copied_out_of_graph("tensor")
    source = data._data if isinstance(data, Tensor) else data
    return _made(
        np.array(as_array(source, dtype), copy=True), requires_grad, device, "tensor", name
    )


def holds_grad(data: Any) -> bool:
    """Whether ``data`` is, or (nested) lists start with, Tensors that require grad, grad mode
    on. Only lists whose first item is a Tensor or a list are searched: a long list of numbers
    costs one look."""
    if isinstance(data, Tensor):
        return _requires_grad(data)
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (Tensor, list, tuple)):
        return any(holds_grad(item) for item in data)
    return False


def copied_out_of_graph(fn: str) -> None:
    """Warn, as PyTorch does, that ``fn`` copies a Tensor that requires grad into a new leaf
    that does not depend on it (a copy by construction, not a recorded op)."""
    warnings.warn(
        f"{fn}: copying a Tensor that requires grad gives a new tensor cut from the graph (as "
        "PyTorch's torch.tensor(t)); write t.detach().clone() to say so, or t.clone() (or "
        "autograd.stack for a list of tensors) to keep the gradient",
        UserWarning,
        stacklevel=3,
    )


def filled(fn: str, shape: Any, fill_value: Tensor, dtype: Any, device: Any) -> Tensor:
    """``fill_value`` (a Tensor that requires grad) broadcast to ``shape``, recorded: each
    element is the value, so dL/d(fill_value) is the sum of the gradient over the elements."""
    check_device(device, fn)
    shape = normalize_shape((shape,))
    value = fill_value if dtype is None else fill_value.astype(dtype)
    if np.broadcast_shapes(value.shape, shape) != shape:
        raise ValueError(f"{fn}: fill_value of shape {value.shape} does not fit shape {shape}")
    return value + np.zeros(shape, value.dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory (no copy), as PyTorch's ``from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected an ndarray, got {type(array).__name__}")
    return Tensor(array)


def zeros(
    *shape: Any, dtype: Any = np.float32, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _made(np.zeros(normalize_shape(shape), dtype), requires_grad, device, "zeros")


def ones(
    *shape: Any, dtype: Any = np.float32, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return _made(np.ones(normalize_shape(shape), dtype), requires_grad, device, "ones")


def empty(
    *shape: Any, dtype: Any = np.float32, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor whose values are not set (whatever the memory held): ``empty(2, 3)``."""
    return _made(np.empty(normalize_shape(shape), dtype), requires_grad, device, "empty")


def full(
    shape: Any,
    fill_value: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value`` (its dtype by the library's rules
    unless ``dtype`` says otherwise)."""
    if _requires_grad(fill_value):  # recorded: the result depends on it
        return filled("full", shape, fill_value, dtype, device)
    value = as_array(fill_value, dtype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _made(np.full(shape, value, value.dtype), requires_grad, device, "full")


def eye(
    n: int,
    m: int | None = None,
    dtype: Any = np.float32,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """The n x m identity matrix (ones on the diagonal, m = n by default)."""
    return _made(np.eye(n, m, dtype=dtype), requires_grad, device, "eye")


def linspace(
    start: float,
    stop: float,
    num: int = 50,
    dtype: Any = np.float32,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``, both included (as np.linspace
    and torch.linspace, whose third argument is called ``steps``: pass it positionally).
    Recorded when a bound is a Tensor that requires grad: y_k = start + (stop - start) k/(num-1)."""
    if _requires_grad(start) or _requires_grad(stop):  # recorded: linear in both bounds
        check_device(device, "linspace")
        fraction = np.linspace(0.0, 1.0, num)  # (exactly 0 and 1 at the ends)
        line = as_tensor(start + (stop - start) * fraction)  # (a Tensor already: one bound is)
        return line.astype(dtype)
    start, stop = constant("linspace", "start", start), constant("linspace", "stop", stop)
    values = np.linspace(start, stop, num, dtype=dtype)
    return _made(values, requires_grad, device, "linspace")


def _like(t: Any) -> np.ndarray:
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def _memory_format(memory_format: Any, name: str) -> None:
    # PyTorch's memory formats: a new tensor here is always one C-ordered block, which is what
    # preserve_format and contiguous_format give for the tensors backproplab makes.
    if memory_format not in (None, "preserve_format", "contiguous_format"):
        raise ValueError(
            f"{name}: memory_format {memory_format!r} is not supported (tensors here are "
            "C-ordered blocks: preserve_format or contiguous_format)"
        )


def zeros_like(
    t: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """Zeros with the shape and dtype of ``t``."""
    _memory_format(memory_format, "zeros_like")
    return _made(np.zeros_like(_like(t), dtype), requires_grad, device, "zeros_like")


def empty_like(
    t: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """A tensor with the shape and dtype of ``t`` whose values are not set (whatever the memory
    held), as ``empty``."""
    _memory_format(memory_format, "empty_like")
    return _made(np.empty_like(_like(t), dtype), requires_grad, device, "empty_like")


def ones_like(
    t: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """Ones with the shape and dtype of ``t``."""
    _memory_format(memory_format, "ones_like")
    return _made(np.ones_like(_like(t), dtype), requires_grad, device, "ones_like")


def full_like(
    t: Any,
    fill_value: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """``fill_value`` everywhere, with the shape and dtype of ``t`` (only ``t``'s shape and dtype
    are read: the result does not depend on its values)."""
    _memory_format(memory_format, "full_like")
    if _requires_grad(fill_value):  # recorded: the result depends on it
        like = _like(t)
        return filled("full_like", like.shape, fill_value, dtype or like.dtype, device)
    array = np.full_like(_like(t), fill_value, dtype)
    return _made(array, requires_grad, device, "full_like")


def _source(generator: Any) -> np.random.Generator:
    # PyTorch's generator= (an autograd.Generator), else the library generator.
    from .sampling import rng  # sampling builds on this module's neighbours, not the reverse

    return rng(generator)


def randn(
    *shape: Any,
    dtype: Any = np.float32,
    requires_grad: bool = False,
    device: Any = None,
    generator: Any = None,
) -> Tensor:
    """Samples of the standard normal distribution N(0, 1), from the library generator (or
    ``generator=``, an ``autograd.Generator``)."""
    data = _source(generator).standard_normal(normalize_shape(shape)).astype(dtype, copy=False)
    return _made(data, requires_grad, device, "randn")


def rand(
    *shape: Any,
    dtype: Any = np.float32,
    requires_grad: bool = False,
    device: Any = None,
    generator: Any = None,
) -> Tensor:
    """Samples of the uniform distribution on [0, 1), from the library generator (or
    ``generator=``)."""
    data = _source(generator).random(normalize_shape(shape)).astype(dtype, copy=False)
    return _made(data, requires_grad, device, "rand")


def randint(
    low: int,
    high: Any = None,
    size: Any = (),
    dtype: Any = np.int64,
    device: Any = None,
    generator: Any = None,
) -> Tensor:
    """Integers drawn uniformly from [low, high) (from [0, low) when ``high`` is omitted), in a
    tensor of shape ``size``, from the library generator or ``generator=`` (as torch.randint,
    whose ``randint(high, size)`` form -- a shape as second argument -- works too)."""
    if isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    data = _source(generator).integers(low, high, size=normalize_shape((size,)), dtype=dtype)
    return _made(np.asarray(data), False, device, "randint")


ARANGE = ("start", "stop", "step")


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Evenly spaced values in [start, stop), as np.arange: integer arguments give an integer
    tensor (usable as indices), any float argument gives float32 unless ``dtype`` says otherwise."""
    # The number of values jumps with the bounds: no derivative (PyTorch refuses them too).
    start, stop, step = (constant("arange", n, v) for n, v in zip(ARANGE, (start, stop, step)))
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and values.dtype.kind == "f":
        dtype = np.float32
    return _made(values if dtype is None else values.astype(dtype), requires_grad, device, "arange")
