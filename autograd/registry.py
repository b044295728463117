"""The op registry: each public operation is declared once, and everything else is derived.

An op module defines the op's ``Function`` class (its math) and declares it with ``@op``::

    @op(numpy=np.sqrt)
    class Sqrt(Function):
        \"\"\"y = sqrt(x);  dy/dx = 1 / (2 sqrt(x)).\"\"\"

        @staticmethod
        def forward(ctx, x): ...

From that one declaration the library builds

* ``autograd.sqrt``: the op's function, written from ``forward``'s signature (see ``caller``);
  ``@op("subtract")`` names it when the class's own name is not the op's. Where the arguments
  need reshaping first (matmul's 1-D rule, einsum's parsing) ``@op`` decorates that function
  instead, which calls ``Fn.apply`` itself;
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
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from .meanings import CONFLICTS, MEANINGS, NUMPY_KEYWORDS

# Python operator -> (method for ``tensor <op> other``, reflected method for ``other <op> tensor``)
OPERATORS: dict[str, tuple[str, str | None]] = {
    "+": ("__add__", "__radd__"),
    "-": ("__sub__", "__rsub__"),
    "*": ("__mul__", "__rmul__"),
    "/": ("__truediv__", "__rtruediv__"),
    "**": ("__pow__", "__rpow__"),
    "%": ("__mod__", "__rmod__"),
    "@": ("__matmul__", "__rmatmul__"),
    "&": ("__and__", "__rand__"),
    "|": ("__or__", "__ror__"),
    "^": ("__xor__", "__rxor__"),
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
    """One declared op: its public ``function``, where else it appears, and the ``Function``
    class it was declared on (None for an op declared on a function)."""

    name: str
    function: Callable[..., Any]
    method: str | None
    numpy: tuple[Any, ...]
    operator: str | None
    aliases: tuple[str, ...]
    export: bool = True
    cls: type | None = None
    # The op itself when ``function`` is its two-spelling wrapper: what its operator runs, so
    # that ``a == b`` stays elementwise while ``autograd.equal`` may mean PyTorch's.
    plain: Callable[..., Any] | None = None


# PyTorch's keyword -> NumPy's, accepted by every op that takes the NumPy one.
TORCH_KEYWORDS = {"dim": "axis", "keepdim": "keepdims"}

D = TypeVar("D")  # what @op decorates: a Function class, or a function

ENTRIES: dict[str, Entry] = {}
NUMPY: dict[Any, Callable[..., Any]] = {}  # NumPy ufunc or function -> the op that records it


def op(
    name: str | None = None,
    *,
    numpy: Any = (),
    method: bool | str = True,
    operator: str | None = None,
    aliases: tuple[str, ...] = (),
    torch: Callable[..., Any] | None = None,
    export: bool = True,
) -> Callable[[D], D]:
    """Declare the decorated ``Function`` class (or function) as a public op (see the module
    docstring). A class may carry several declarations (``abs`` and ``fabs`` are one class).

    ``export=False`` makes a method only (``Tensor.float()``: ``autograd.float`` is a dtype).
    """

    def declare(target: D) -> D:
        cls: Any = target if isinstance(target, type) else None
        function: Callable[..., Any] = caller(cls, name or cls.name) if cls else cast(Any, target)
        op_name = function.__name__
        if op_name in ENTRIES:
            raise RuntimeError(f"op {op_name!r} is declared twice")
        if operator is not None and operator not in OPERATORS:
            raise ValueError(f"op {op_name!r}: unknown operator {operator!r}")
        public = function
        if torch is not None or not set(TORCH_KEYWORDS.values()).isdisjoint(_keywords(function)):
            public = either_spelling(function, torch or function)
        hooks = numpy if isinstance(numpy, tuple) else (numpy,)
        method_name = (op_name if method is True else method) or None
        ENTRIES[op_name] = Entry(
            op_name, public, method_name, hooks, operator, tuple(aliases), export, cls, function
        )
        for hook in hooks:
            NUMPY[hook] = function  # NumPy's own function: always NumPy's meaning
        return target if cls else cast(D, public)  # a function: its public form

    return declare


def caller(cls: Any, name: str) -> Callable[..., Any]:
    """The public function of an op declared on its ``Function`` class: ``forward``'s
    parameters after ``ctx``, those without a default being the op's inputs (passed on
    positionally) and those with one its options (passed by keyword)::

        def sum(x, axis=None, keepdims=False):
            return Sum.apply(x, axis=axis, keepdims=keepdims)

    It is compiled from source like that one, so that it costs one call, as a hand-written
    function would, and ``help()`` and ``inspect.signature`` show the real parameters.
    """
    parameters = list(inspect.signature(cls.forward).parameters.values())[1:]
    for p in parameters:
        if p.kind is not p.POSITIONAL_OR_KEYWORD:
            raise TypeError(
                f"@op on {cls.__name__}: forward's parameter {p.name!r} is not a plain one; "
                "declare the op on a function that calls apply instead"
            )
    inputs = tuple(p.name for p in parameters if p.default is p.empty)
    options = tuple(p.name for p in parameters if p.default is not p.empty)
    code = _body(inputs, options).replace(co_name=name)
    defaults = tuple(p.default for p in parameters if p.default is not p.empty) or None
    function = types.FunctionType(code, {"apply": cls.apply}, name, defaults)
    function.__qualname__ = name
    function.__module__ = cls.__module__
    function.__doc__ = cls.__doc__
    # (inspect reads __signature__, which function objects do not declare: hence the ignore.)
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [p.replace(annotation=Any if p.default is p.empty else p.annotation) for p in parameters],
        return_annotation="Tensor",
    )
    return function


@functools.cache
def _body(inputs: tuple[str, ...], options: tuple[str, ...]) -> types.CodeType:
    # One compiled body per parameter list, shared by the ops that have it (most are ``(x)`` or
    # ``(a, b)``): compiling one per op added a few milliseconds to ``import autograd``.
    passed = [*inputs, *(f"{o}={o}" for o in options)]
    source = f"def op({', '.join(inputs + options)}):\n    return apply({', '.join(passed)})"
    module = compile(source, "<autograd.registry: an op's function>", "exec")
    return next(c for c in module.co_consts if isinstance(c, types.CodeType))


def _keywords(function: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(function).parameters)


def either_spelling(
    numpy_style: Callable[..., Any], torch_style: Callable[..., Any]
) -> Callable[..., Any]:
    """``numpy_style``, except that a call using a keyword only PyTorch spells (``dim=``,
    ``keepdim=``, or one that only ``torch_style`` takes) runs ``torch_style``, with ``dim`` and
    ``keepdim`` renamed ``axis`` and ``keepdims``. Giving both spellings of one argument raises.

    For an op in ``meanings.CONFLICTS``, a call that fits both spellings (``x.std()``,
    ``x.max(1)``) runs ``torch_style`` while the thread has switched to PyTorch's meanings
    (``autograd.pytorch_meanings``), unless it names a NumPy keyword (``axis=``, ``ddof=``)."""
    name = numpy_style.__name__
    own = _keywords(numpy_style)
    theirs = (set(TORCH_KEYWORDS) | _keywords(torch_style)) - own
    switches = name in CONFLICTS and torch_style is not numpy_style
    numpy_only = NUMPY_KEYWORDS & own

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
        if switches and MEANINGS.pytorch and numpy_only.isdisjoint(kwargs):
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
            operator = entry.plain or function  # (an operator has one meaning: NumPy's)
            install(forward, operator)
            if reflected:
                install(reflected, _reflect(operator))


def install_attributes(source: type, cls: type) -> None:
    """Give ``cls`` (Tensor) every attribute defined in the class body of ``source`` (a holder
    of methods such as ``inplace.InPlace``); it may not replace one ``cls`` defines itself."""
    skip = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__"}
    for name, value in vars(source).items():
        if name in skip or name.startswith("__orig"):
            continue
        if name in cls.__dict__:
            raise RuntimeError(f"{source.__name__}.{name} would replace {cls.__name__}.{name}")
        setattr(cls, name, value)


def _reflect(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected(self: Any, other: Any) -> Any:
        return function(other, self)

    reflected.__name__ = f"r{function.__name__}"
    reflected.__doc__ = f"{function.__name__} with the operands swapped: ``other <op> self``."
    return reflected
