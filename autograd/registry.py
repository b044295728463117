"""The op registry: each public operation is declared once, and everything else is derived.

An op module defines the op's ``Function`` class (its math) and one public function that applies
it, decorated with ``@op``::

    @op(numpy=np.sqrt)
    def sqrt(x):
        \"\"\"Square root;  d/dx = 1 / (2 sqrt x).\"\"\"
        return Sqrt.apply(x)

From that one declaration the library builds

* ``autograd.sqrt``: the function itself (``autograd/__init__.py`` exports every entry);
* ``Tensor.sqrt``: the same function as a method, the tensor as first argument
  (``method=False`` leaves it out, ``method="name"`` installs it under another name);
* ``np.sqrt(t)``: NumPy hands a Tensor argument to the function (``numpy=``, one callable or a
  tuple of them; ufuncs through NEP 13 ``__array_ufunc__``, functions through NEP 18);
* ``operator="+"``: ``t + x`` and ``x + t`` (see ``OPERATORS``);
* ``aliases=("cat",)``: more names for the same function and method;
* PyTorch's keywords: an op that takes ``axis``/``keepdims`` also takes ``dim``/``keepdim``.
  Where PyTorch gives the name another meaning (``max(dim=)`` returns values and indices),
  ``torch=`` names the function that a call spelled the PyTorch way runs instead.

Nothing else in the library lists ops: adding one is writing its class and its declaration.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Python operator -> (method for ``tensor <op> other``, reflected method for ``other <op> tensor``)
OPERATORS: dict[str, tuple[str, str | None]] = {
    "+": ("__add__", "__radd__"),
    "-": ("__sub__", "__rsub__"),
    "*": ("__mul__", "__rmul__"),
    "/": ("__truediv__", "__rtruediv__"),
    "**": ("__pow__", "__rpow__"),
    "%": ("__mod__", "__rmod__"),
    "@": ("__matmul__", "__rmatmul__"),
    "unary -": ("__neg__", None),
    "unary +": ("__pos__", None),
    "abs()": ("__abs__", None),
    "[]": ("__getitem__", None),
    # Comparisons reflect through Python itself (``2 < t`` calls ``t.__gt__(2)``).
    "<": ("__lt__", None),
    "<=": ("__le__", None),
    ">": ("__gt__", None),
    ">=": ("__ge__", None),
    "==": ("__eq__", None),
    "!=": ("__ne__", None),
    "~": ("__invert__", None),
}


@dataclass(frozen=True)
class Entry:
    """One declared op: its public ``function`` and where else it appears."""

    name: str
    function: Callable[..., Any]
    method: str | None
    numpy: tuple[Any, ...]
    operator: str | None
    aliases: tuple[str, ...]
    export: bool = True


# PyTorch's keyword -> NumPy's, accepted by every op that takes the NumPy one.
TORCH_KEYWORDS = {"dim": "axis", "keepdim": "keepdims"}

ENTRIES: dict[str, Entry] = {}
NUMPY: dict[Any, Callable[..., Any]] = {}  # NumPy ufunc or function -> the op that records it


def op(
    *,
    numpy: Any = (),
    method: bool | str = True,
    operator: str | None = None,
    aliases: tuple[str, ...] = (),
    torch: Callable[..., Any] | None = None,
    export: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function as a public op (see the module docstring).

    ``export=False`` makes a method only (``Tensor.float()``: ``autograd.float`` is a dtype).
    """

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        name = function.__name__
        if name in ENTRIES:
            raise RuntimeError(f"op {name!r} is declared twice")
        if operator is not None and operator not in OPERATORS:
            raise ValueError(f"op {name!r}: unknown operator {operator!r}")
        public = function
        if torch is not None or not set(TORCH_KEYWORDS.values()).isdisjoint(_keywords(function)):
            public = either_spelling(function, torch or function)
        hooks = numpy if isinstance(numpy, tuple) else (numpy,)
        method_name = (name if method is True else method) or None
        ENTRIES[name] = Entry(name, public, method_name, hooks, operator, tuple(aliases), export)
        for hook in hooks:
            NUMPY[hook] = function  # NumPy's own function: always NumPy's meaning
        return public

    return declare


def _keywords(function: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(function).parameters)


def either_spelling(
    numpy_style: Callable[..., Any], torch_style: Callable[..., Any]
) -> Callable[..., Any]:
    """``numpy_style``, except that a call using a keyword only PyTorch spells (``dim=``,
    ``keepdim=``, or one that only ``torch_style`` takes) runs ``torch_style``, with ``dim`` and
    ``keepdim`` renamed ``axis`` and ``keepdims``. Giving both spellings of one argument raises."""
    name = numpy_style.__name__
    own = _keywords(numpy_style)
    theirs = (set(TORCH_KEYWORDS) | _keywords(torch_style)) - own

    @functools.wraps(numpy_style)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs and not theirs.isdisjoint(kwargs):
            for torch_name, numpy_name in TORCH_KEYWORDS.items():
                if torch_name in kwargs:
                    if numpy_name in kwargs:
                        raise TypeError(
                            f"{name}: got both {numpy_name}= (NumPy's name) and {torch_name}= "
                            "(PyTorch's); give one"
                        )
                    kwargs[numpy_name] = kwargs.pop(torch_name)
            return torch_style(*args, **kwargs)
        return numpy_style(*args, **kwargs)

    extra = (
        "" if torch_style is numpy_style else f"\n\nSpelled the PyTorch way: {torch_style.__doc__}"
    )
    call.__doc__ = f"{numpy_style.__doc__}\n\nAlso takes PyTorch's dim= and keepdim=.{extra}"
    return call


def exports() -> dict[str, Callable[..., Any]]:
    """Every public name the declarations give ``autograd``: functions and their aliases."""
    names = {}
    for entry in ENTRIES.values():
        if not entry.export:
            continue
        names[entry.name] = entry.function
        for alias in entry.aliases:
            names[alias] = entry.function
    return names


def install_methods(cls: type) -> None:
    """Give ``cls`` (Tensor) a method for each declared op, its aliases and its operators;
    an op may not replace a method the class defines itself."""
    own = set(cls.__dict__)

    def install(name: str, method: Callable[..., Any]) -> None:
        if name in own:
            raise RuntimeError(f"op method {name!r} would replace {cls.__name__}.{name}")
        setattr(cls, name, method)

    for entry in ENTRIES.values():
        function = entry.function
        if entry.method:
            for name in (entry.method, *entry.aliases):
                install(name, function)
        if entry.operator:
            forward, reflected = OPERATORS[entry.operator]
            install(forward, function)
            if reflected:
                install(reflected, _reflect(function))


def _reflect(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected(self: Any, other: Any) -> Any:
        return function(other, self)

    reflected.__name__ = f"r{function.__name__}"
    reflected.__doc__ = f"{function.__name__} with the operands swapped: ``other <op> self``."
    return reflected
