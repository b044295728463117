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
* ``aliases=("cat",)``: more names for the same function and method.

Nothing else in the library lists ops: adding one is writing its class and its declaration.
"""

from __future__ import annotations

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


ENTRIES: dict[str, Entry] = {}
NUMPY: dict[Any, Callable[..., Any]] = {}  # NumPy ufunc or function -> the op that records it


def op(
    *,
    numpy: Any = (),
    method: bool | str = True,
    operator: str | None = None,
    aliases: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function as a public op (see the module docstring)."""

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        name = function.__name__
        if name in ENTRIES:
            raise RuntimeError(f"op {name!r} is declared twice")
        if operator is not None and operator not in OPERATORS:
            raise ValueError(f"op {name!r}: unknown operator {operator!r}")
        hooks = numpy if isinstance(numpy, tuple) else (numpy,)
        method_name = (name if method is True else method) or None
        ENTRIES[name] = Entry(name, function, method_name, hooks, operator, tuple(aliases))
        for hook in hooks:
            NUMPY[hook] = function
        return function

    return declare


def exports() -> dict[str, Callable[..., Any]]:
    """Every public name the declarations give ``autograd``: functions and their aliases."""
    names = {}
    for entry in ENTRIES.values():
        names[entry.name] = entry.function
        for alias in entry.aliases:
            names[alias] = entry.function
    return names


def install_methods(cls: type) -> None:
    """Give ``cls`` (Tensor) a method for each declared op, its aliases and its operators."""
    for entry in ENTRIES.values():
        function = entry.function
        if entry.method:
            for name in (entry.method, *entry.aliases):
                setattr(cls, name, function)
        if entry.operator:
            forward, reflected = OPERATORS[entry.operator]
            setattr(cls, forward, function)
            if reflected:
                setattr(cls, reflected, _reflect(function))


def _reflect(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected(self: Any, other: Any) -> Any:
        return function(other, self)

    reflected.__name__ = f"r{function.__name__}"
    reflected.__doc__ = f"{function.__name__} with the operands swapped: ``other <op> self``."
    return reflected
