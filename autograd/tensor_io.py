"""A user's ``Function`` written the PyTorch way: its ``forward`` and ``backward`` receive
Tensors, so they may call Tensor methods (``input.clamp(min=0)``, ``grad_output.clone()``) as
well as NumPy functions and operators.

The library's own ops work on arrays (the fast path), and so do a user's ops by default (the
NumPy style the guides and exercises teach). A user's op gets Tensors when the thread runs with
PyTorch's meanings (``autograd.pytorch_meanings(True)``, which every program converted by
``backproplab port`` switches on), or when its class sets ``tensor_io = True``; ``tensor_io =
False`` keeps arrays always. When a user's class is created, its ``forward`` and ``backward`` are
wrapped once, and each call decides; the engine still sees the array form it always calls.
With Tensors, around the user's code:

* forward receives each input array as a Tensor that shares its memory and does not require
  grad, and runs under ``no_grad`` (it is the op's computation, not part of the graph); the
  Tensor it returns is unwrapped to its array;
* ``ctx.save_for_backward(t)`` saves ``t``'s array (so version counters and the graph's links
  work as for any op) and ``ctx.saved_tensors`` hands Tensors back;
* backward receives the gradient as a Tensor and returns Tensors, unwrapped for the engine --
  except under ``create_graph=True``, where they already are recorded Tensors and stay so.

"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .grad_mode import no_grad
from .meanings import MEANINGS
from .tensor import Tensor

LIBRARY_PACKAGES = ("autograd", "nn", "optim")


def is_users(cls: type) -> bool:
    """Whether ``cls`` is defined outside the library (the library's ops keep arrays)."""
    return cls.__module__.split(".")[0] not in LIBRARY_PACKAGES


def _wants_tensors(cls: type) -> bool:
    setting = getattr(cls, "tensor_io", None)
    return MEANINGS.pytorch if setting is None else bool(setting)


def _array(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


def _tensor(value: Any) -> Any:
    return Tensor._make(value, None) if isinstance(value, np.ndarray) else value


class TensorContext:
    """The ctx a Tensor-style Function sees: the op's node (or unrecorded ctx), with saving that
    takes Tensors and saved values that come back as Tensors. Everything else (``needs_input_grad``,
    options set as attributes) is the node's own."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: Any) -> None:
        object.__setattr__(self, "_ctx", ctx)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ctx, name, value)

    def save_for_backward(self, *values: Any) -> None:
        """Keep these (Tensors or arrays) for backward, as their arrays."""
        self._ctx.save_for_backward(*(_array(v) for v in values))

    @property
    def saved_tensors(self) -> tuple:
        """The saved values, as Tensors."""
        return tuple(_tensor(v) for v in self._ctx.saved_tensors)


def wrap_forward(cls: type, forward: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(forward)
    def forward_on_tensors(ctx: Any, *arrays: Any, **options: Any) -> Any:
        if not _wants_tensors(cls):
            return forward(ctx, *arrays, **options)
        inputs = [_tensor(a) for a in arrays]
        with no_grad():
            out = forward(TensorContext(ctx), *inputs, **options)
        return _array(out)

    forward_on_tensors.tensor_io = True  # type: ignore[attr-defined]
    return staticmethod(forward_on_tensors)


def wrap_backward(cls: type, backward: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(backward)
    def backward_on_tensors(ctx: Any, grad: Any) -> Any:
        if not _wants_tensors(cls):
            return backward(ctx, grad)
        recorded = getattr(ctx, "_as_tensors", False)  # create_graph: keep recorded Tensors
        grads = backward(TensorContext(ctx), _tensor(np.asarray(grad)) if not recorded else grad)
        if recorded:
            return grads
        if isinstance(grads, (tuple, list)):
            return type(grads)(_array(g) for g in grads)
        return _array(grads)

    backward_on_tensors.tensor_io = True  # type: ignore[attr-defined]
    return staticmethod(backward_on_tensors)


def install(cls: type) -> None:
    """Wrap a user's class's own forward and backward (see the module docstring)."""
    if not is_users(cls) or cls.__dict__.get("tensor_io") is False:
        return
    for name, wrap in (("forward", wrap_forward), ("backward", wrap_backward)):
        method = cls.__dict__.get(name)
        if method is None:
            continue
        function = method.__func__ if isinstance(method, (staticmethod, classmethod)) else method
        if getattr(function, "tensor_io", False):
            continue
        setattr(cls, name, wrap(cls, function))
