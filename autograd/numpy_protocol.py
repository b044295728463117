"""How NumPy functions treat Tensors (NEP 13 ``__array_ufunc__``, NEP 18 ``__array_function__``).

The rule: a NumPy function that receives a Tensor is recorded with a correct derivative, or it
refuses with a TypeError. It never computes on ``.data`` behind the graph's back.

* Functions some op declared (``@op(numpy=np.exp)``, see ``autograd.registry``) are recorded:
  ``np.exp(t)`` is ``autograd.exp(t)``, ``ndarray * t`` is ``autograd.multiply``. This is what
  lets a backward formula written with NumPy be differentiated again under ``create_graph``.
* Results that carry no gradient by nature run on the plain arrays and come back as they are:
  results with no floating-point values (``np.isnan``, ``np.argsort``, ``np.allclose``,
  ``np.shape``), and the few functions whose floating result is piecewise constant or does not
  depend on the values (``np.floor``, ``np.sign``, ``np.round``, ``np.zeros_like``).
* Anything else runs on the plain arrays when no Tensor argument requires grad, or under
  ``no_grad`` (as PyTorch lets ``np.histogram(t)`` or ``np.percentile(p.grad, 99)`` run on a
  tensor outside the graph: nothing could be differentiated), and raises TypeError naming the
  function when one does. Convert explicitly to leave the graph: ``np.asarray(t)`` or
  ``t.detach().numpy()``.
* A NumPy call that writes into a Tensor (``out=t``, ``np.copyto(t, x)``) counts as an
  in-place change (version counters), and is refused for a tensor with history or one that
  requires grad while recording.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from . import versions
from .registry import NUMPY
from .tensor import Tensor
from .thread_state import LOCAL

if TYPE_CHECKING:  # the methods of NumpyProtocols become Tensor's: type-check them as such
    _Base = Tensor
else:
    _Base = object

# Ufuncs and functions with a floating result whose derivative is zero wherever it exists
# (piecewise constant), or whose result does not depend on the input's values at all.
PIECEWISE_CONSTANT: frozenset[Any] = frozenset(
    {
        np.floor,
        np.ceil,
        np.trunc,
        np.rint,
        np.sign,
        np.heaviside,
        np.floor_divide,
        np.spacing,
        np.round,
        np.around,
        np.fix,
        np.zeros_like,
        np.ones_like,
        np.empty_like,
        np.full_like,
    }
)


# Of those, the ones whose result carries another argument's values (np.full_like's fill_value,
# np.heaviside's value at 0): that argument is refused when it requires grad.
CARRIED: dict[Any, tuple[int, str]] = {np.full_like: (1, "fill_value"), np.heaviside: (1, "x2")}


def _carries_grad(func: Any, args: tuple, kwargs: dict) -> bool:
    """Whether ``func`` (one of ``CARRIED``) carries a value that requires grad into its result."""
    if func not in CARRIED:
        return False
    position, name = CARRIED[func]
    return _requires_grad(args[position] if len(args) > position else kwargs.get(name))


def _plain(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _has_float(result: Any) -> bool:
    """Whether a result holds floating-point (or complex) values, anywhere in a tuple or list.
    An object array may hold anything (np.frompyfunc's results), so it counts as floating."""
    if isinstance(result, (tuple, list)):
        return any(_has_float(part) for part in result)
    if isinstance(result, (np.ndarray, np.generic)):
        return result.dtype.kind in "fcO"
    return isinstance(result, (float, complex))


def _recorded(value: Any) -> bool:
    """Whether the call would be recorded: a Tensor that requires grad is among the arguments
    and this thread records (under no_grad nothing could drop out of a graph)."""
    return LOCAL.state.grad_enabled and _requires_grad(value)


def _requires_grad(value: Any) -> bool:
    """Whether a Tensor that requires grad is among the arguments (in lists, tuples, dicts)."""
    if isinstance(value, Tensor):
        return value._requires_grad
    if isinstance(value, (list, tuple)):
        return any(_requires_grad(v) for v in value)
    if isinstance(value, dict):
        return any(_requires_grad(v) for v in value.values())
    return False


def _refuse(name: str, reason: str = "") -> TypeError:
    return TypeError(
        f"{name} has no recorded derivative in backproplab, so it cannot take a Tensor "
        f"(the result would silently drop out of the graph){reason}. Use the autograd "
        "function of that name if there is one, or convert explicitly to compute without "
        "gradients: np.asarray(t) or t.detach().numpy()"
    )


def _unsupported(name: str, handler: Any, extra: list[str]) -> TypeError:
    parameters = _parameters(handler).values()
    call = ", ".join(
        p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in parameters
    )
    return TypeError(
        f"{name} on Tensors does not take {extra}: it is recorded as "
        f"autograd.{handler.__name__}({call}); use plain arrays (np.asarray(t)) to compute with "
        "other NumPy options, without gradients"
    )


@functools.cache
def _parameters(handler: Any) -> Any:
    return inspect.signature(handler).parameters


def _unknown_keywords(handler: Any, kwargs: dict) -> list[str]:
    """The keyword arguments ``handler`` does not accept (NumPy options such as where=)."""
    parameters = _parameters(handler)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return []
    return sorted(k for k in kwargs if k not in parameters)


def array_ufunc(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """Route ``ufunc(*inputs)`` to the op that records it, or compute a gradient-free result."""
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    handler = NUMPY.get(ufunc)
    if handler is not None and method == "__call__":
        if kwargs:  # out=, where=, dtype=, casting=: the recorded op takes none of them
            if not _recorded((inputs, kwargs)):  # nothing to record: NumPy's own result
                return _writing(name, kwargs.get("out"), ufunc, inputs, kwargs)
            raise _unsupported(name, handler, sorted(kwargs))
        return handler(*inputs)
    if method == "at":  # changes its first argument in place, behind the graph's back
        raise _refuse(name, " and it writes into its argument in place")
    if "out" in kwargs and ufunc not in PIECEWISE_CONSTANT and _recorded((inputs, kwargs)):
        raise _refuse(name, " with out=")
    result = _writing(name, kwargs.get("out"), getattr(ufunc, method), inputs, kwargs)
    constant = ufunc in PIECEWISE_CONSTANT and not _carries_grad(ufunc, inputs, kwargs)
    if _has_float(result) and not constant and _recorded(inputs):
        raise _refuse(name)
    return result


def array_function(func: Any, args: tuple, kwargs: dict) -> Any:
    """Route a NumPy function to the op that records it, or compute a gradient-free result."""
    handler = NUMPY.get(func)
    if handler is not None:
        given = args, kwargs  # (NumPy's own spelling, for NumPy's own result)
        if len(args) > 1 or kwargs:
            args, kwargs = numpy_meaning(func, handler, args, kwargs)
            extra = _unknown_keywords(handler, kwargs)
            if extra:  # a NumPy option the op does not take: NumPy's result, if no gradient
                if "out" in extra and _recorded(given):
                    raise _unsupported(_name(func), handler, extra)  # (before writing into out)
                result = _writing(_name(func), given[1].get("out"), func, *given)
                if _has_float(result) and _recorded(given):
                    raise _unsupported(_name(func), handler, extra)
                return result
        try:
            return handler(*args, **kwargs)
        except TypeError:
            if _fits(handler, args, kwargs):
                raise  # (an error inside the op, not a form of the call it lacks)
            # A form of the NumPy call the op does not have (np.where(mask): indices):
            # NumPy's result, when it carries no gradient.
            result = _writing(_name(func), given[1].get("out"), func, *given)
            if _has_float(result) and _recorded(given):
                raise
            return result
    if "out" in kwargs and func not in PIECEWISE_CONSTANT and _recorded((args, kwargs)):
        raise _refuse(_name(func), " with out=")
    written = (kwargs.get("out"), args[0] if func in WRITE_INTO_FIRST and args else None)
    result = _writing(_name(func), written, func, args, kwargs)
    constant = func in PIECEWISE_CONSTANT and not _carries_grad(func, args, kwargs)
    if _has_float(result) and not constant and _recorded((args, kwargs)):
        raise _refuse(_name(func))
    return result


# NumPy's name of a parameter -> the recording op's name for it, where they differ.
RENAMED: dict[Any, dict[str, str]] = {
    np.where: {"x": "a", "y": "b"},
    np.tril: {"k": "diagonal"},
    np.triu: {"k": "diagonal"},
    np.argsort: {"axis": "dim"},
    np.array_equal: {"a2": "b"},
    np.searchsorted: {"v": "values"},
}


def numpy_meaning(func: Any, handler: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """The arguments of a NumPy call, each passed to the recording op under the name NumPy
    gives it: ``np.sum(t, 0, np.float64)`` passes ``dtype`` third, where the op's third
    parameter is ``keepdims``; ``np.argsort(t, 1, "stable")`` passes ``kind`` where the op (a
    PyTorch spelling) has ``descending``. Only the first argument stays positional; an option
    left at NumPy's default None (``out=None``, ``dtype=None``) is dropped; one the op does not
    take is left to the caller to refuse or compute without gradients."""
    signature = _numpy_signature(func)
    if signature is None or any(
        p.kind is p.VAR_POSITIONAL
        for p in (*_parameters(handler).values(), *signature.parameters.values())
    ):  # (reshape(x, *shape), einsum: they take NumPy's positional arguments as NumPy does)
        return args, kwargs
    try:
        bound = signature.bind(*args, **kwargs).arguments
    except TypeError:
        return args, kwargs  # NumPy would refuse the call too: the op's error says why
    renamed = RENAMED.get(func, {})
    names = iter(bound)
    first = next(names)
    options = {}
    for name in names:
        value = bound[name]
        if signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            options.update(value)  # (np.pad's **kwargs: constant_values=...)
            continue
        if name not in _parameters(handler) and name not in renamed and value is None:
            continue  # (out=None, dtype=None: NumPy's defaults, nothing asked)
        options[renamed.get(name, name)] = value
    return (bound[first],), options


def _fits(handler: Any, args: tuple, kwargs: dict) -> bool:
    """Whether ``handler``'s signature accepts these arguments."""
    try:
        inspect.signature(handler).bind(*args, **kwargs)
    except TypeError:
        return False
    return True


@functools.cache
def _numpy_signature(func: Any) -> Any:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):  # (a compiled function without one)
        return None


# NumPy functions that write into their first argument.
WRITE_INTO_FIRST = frozenset(
    {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis}
)


def _writing(name: str, written: Any, func: Any, args: tuple, kwargs: dict) -> Any:
    """``func`` on the plain arrays, where it writes into the Tensors among ``written`` (out=,
    np.copyto's destination) as an in-place change: refused for a tensor with history or one
    requiring grad while recording (the graph would not see it), and counted by the version
    counters otherwise, so that a backward which saved the old values raises."""
    targets = _tensors(written)
    for t in targets:
        if t._node is not None or (t._requires_grad and LOCAL.state.grad_enabled):
            raise TypeError(
                f"{name} would write into a Tensor of shape {t.shape} that "
                f"{'has a recorded history' if t._node is not None else 'requires grad'}, "
                "behind the graph's back; write with Tensor operations (t.copy_(x), "
                "t[...] = x) or, for a parameter, inside `with autograd.no_grad():`"
            )
    result = func(*_plain(args), **_plain(kwargs))
    if targets:
        versions.bump(*(t._data for t in targets))
    return result


def _tensors(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _name(func: Any) -> str:
    # Built only for an error message: this dispatch runs for every np.* call on a Tensor.
    return f"{func.__module__.replace('numpy', 'np')}.{func.__name__}"


class NumpyProtocols(_Base):
    """The methods ``autograd/__init__.py`` installs on Tensor so that NumPy hands it over."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return array_function(func, args, kwargs)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        # NumPy 2 passes ``copy``: True must hand over a copy (``np.array(t)`` does not alias t),
        # False must refuse one; None (and NumPy 1, which never passes it) shares when it can.
        if dtype is not None and np.dtype(dtype).kind == "O" and self._requires_grad:
            # np.vectorize and np.frompyfunc ask for objects: each element would go through
            # Python code outside the graph, and the result would silently carry no gradient.
            raise TypeError(
                "Tensor: cannot become an object array while it requires grad (np.vectorize, "
                "np.frompyfunc): the Python function would run outside the graph and its "
                "result would carry no gradient; write it with Tensor ops, or convert "
                "explicitly without gradients: np.vectorize(f)(t.detach().numpy())"
            )
        if copy:
            return np.array(self._data, dtype=dtype, copy=True)
        array = self._data if dtype is None else self._data.astype(dtype, copy=False)
        if copy is False and array is not self._data:
            raise ValueError(f"Tensor: converting {self._data.dtype} to {dtype} needs a copy")
        return array
