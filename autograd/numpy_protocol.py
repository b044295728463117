"""How NumPy functions treat Tensors (NEP 13 ``__array_ufunc__`` and NEP 18
``__array_function__``).

NumPy functions that autograd differentiates return Tensors and are recorded: ``np.exp(t)`` is
``autograd.exp(t)``, ``ndarray * t`` is ``t.__rmul__``. This is what lets every backward formula
be written once with NumPy and still be differentiated again under ``create_graph=True``.
Any other NumPy function sees the plain arrays and returns a plain result (``np.isnan(t)``,
``np.allclose(t, x)``): it is not recorded.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import routines as r
from .tensor import Tensor, _compare

UFUNCS: dict[Any, Any] = {
    np.add: r.add,
    np.subtract: r.subtract,
    np.multiply: r.multiply,
    np.true_divide: r.divide,
    np.power: r.power,
    np.negative: r.negative,
    np.positive: lambda x: x,
    np.matmul: r.matmul,
    np.exp: r.exp,
    np.log: r.log,
    np.sqrt: r.sqrt,
    np.absolute: r.abs,
    np.sin: r.sin,
    np.cos: r.cos,
    np.tanh: r.tanh,
    np.maximum: r.maximum,
    np.minimum: r.minimum,
    **{
        ufunc: functools.partial(_compare, ufunc)
        for ufunc in (
            np.less,
            np.less_equal,
            np.greater,
            np.greater_equal,
            np.equal,
            np.not_equal,
        )
    },
}

FUNCTIONS: dict[Any, Any] = {
    np.dot: r.dot,
    np.sum: r.sum,
    np.mean: r.mean,
    np.max: r.max,
    np.amax: r.max,
    np.min: r.min,
    np.amin: r.min,
    np.var: r.var,
    np.std: r.std,
    np.reshape: lambda a, shape: r.reshape(a, shape),
    np.transpose: lambda a, axes=None: r.transpose(a, *(axes or ())),
    np.swapaxes: r.swapaxes,
    np.squeeze: r.squeeze,
    np.expand_dims: r.expand_dims,
    np.broadcast_to: r.broadcast_to,
    np.concatenate: r.concatenate,
    np.stack: r.stack,
    np.where: r.where,
    np.clip: r.clip,
}


def _plain(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def array_ufunc(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """Route ``ufunc(*inputs)`` to the recorded op, or compute it on plain arrays."""
    handler = UFUNCS.get(ufunc)
    if handler is not None and method == "__call__":
        if kwargs:
            raise TypeError(
                f"np.{ufunc.__name__} on Tensors does not take {sorted(kwargs)}: "
                "use the plain arrays (.data) for out=/where=/dtype="
            )
        return handler(*inputs)
    plain_kwargs = {k: _plain(v) for k, v in kwargs.items()}
    return getattr(ufunc, method)(*_plain(inputs), **plain_kwargs)


def array_function(func: Any, args: tuple, kwargs: dict) -> Any:
    """Route a NumPy function to its recorded version, or run it on plain arrays."""
    handler = FUNCTIONS.get(func)
    if handler is not None:
        return handler(*args, **kwargs)
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
