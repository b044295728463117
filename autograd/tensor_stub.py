"""Writes ``autograd/_tensor_methods.pyi``: every method and attribute installed on Tensor, with
its signature and docstring, for IDEs, ``help``-less readers and type checkers.

Tensor's ops, operators, in-place methods, NumPy protocols and PyTorch spellings are installed
at import time by the modules that define them (see autograd/tensor.py), so reading tensor.py
alone finds none of them. The stub declares them on a class ``TensorMethods`` that Tensor
derives from only for type checkers (``if TYPE_CHECKING:`` in tensor.py), so tensor.py's own
code stays visible to them. tests/autograd/test_tensor_stub.py checks the file is up to date;
``make stub`` (or ``python -m autograd.tensor_stub``) rewrites it.
"""

from __future__ import annotations

import inspect
import keyword
import re
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("_tensor_methods.pyi")

# Names an annotation may use as they are; anything else in the stub becomes ``Any``.
PLAIN = {"Any", "None", "Tensor", "tuple", "list", "dict", "Size", "Iterator", "np", "ndarray"}
PLAIN |= {"dtype", "int", "float", "bool", "str"}

HEADER = '''"""Written by ``python -m autograd.tensor_stub`` from the running library: do not edit.

The methods and attributes installed on ``Tensor`` (ops, operators, in-place methods, NumPy
protocols, PyTorch spellings), for IDEs and type checkers; see autograd/tensor_stub.py.
"""

import builtins
from collections.abc import Iterator
from typing import Any

import numpy as np

from .tensor import Tensor
from .torch_facade import Size

class TensorMethods:
'''


def annotation(value: Any) -> str:
    """An annotation as stub text: kept when it uses only plain names, else ``Any``."""
    if value is inspect.Parameter.empty:
        return "Any"
    text = value if isinstance(value, str) else getattr(value, "__name__", repr(value))
    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))
    if not names <= PLAIN:
        return "Any"
    # ``builtins.float``: inside the class, ``float`` is Tensor's method of that name.
    return re.sub(r"\b(int|float|bool|str|tuple|list|dict)\b", r"builtins.\1", text)


def default(value: Any) -> str:
    """A default value as stub text: simple literals as they are, anything else ``...``."""
    simple = (type(None), bool, int, float, str)
    if isinstance(value, simple) or (
        isinstance(value, tuple) and all(isinstance(v, simple) for v in value)
    ):
        return repr(value)
    return "..."


def signature(function: Any, returns: str | None = None) -> str:
    """``(self, x: Any = None, ...) -> Tensor`` for a function whose first parameter is the
    tensor (a method as installed)."""
    parameters = list(inspect.signature(function).parameters.values())
    parts = ["self"]
    star_done = False
    for p in parameters[1:]:
        text = p.name + ": " + annotation(p.annotation)
        if p.kind is p.VAR_POSITIONAL:
            text, star_done = "*" + text, True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        elif p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.default is not p.empty:
            text += " = " + default(p.default)
        parts.append(text)
    result = returns or annotation(inspect.signature(function).return_annotation)
    return f"({', '.join(parts)}) -> {result}"


def docstring(obj: Any, indent: str) -> str:
    """The docstring of ``obj`` as stub text at ``indent`` (empty if it has none)."""
    doc = inspect.getdoc(obj)
    if not doc:
        return ""
    doc = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    first, *rest = doc.split("\n")
    if not rest:
        return f'{indent}"""{first}"""\n'
    body = "\n".join(indent + line if line else "" for line in rest)
    return f'{indent}"""{first}\n{body}\n{indent}"""\n'


def member(name: str, value: Any, installed_ops: set[int]) -> str:
    """The stub text of one installed attribute."""
    indent = "    "
    # == and != return a Tensor of bools, as NumPy's do, where object's return a bool: the
    # checker's override error is the point, so the stub says so on those two lines.
    ignore = "  # type: ignore[override]" if name in ("__eq__", "__ne__") else ""
    if isinstance(value, property):
        getter = value.fget
        assert getter is not None  # every property installed on Tensor has a getter
        kind = annotation(inspect.signature(getter).return_annotation)
        text = f"{indent}@property\n{indent}def {name}(self) -> {kind}:\n"
        text += docstring(value, indent * 2) or f"{indent * 2}...\n"
        if value.fset is not None:
            setter = f"def {name}(self, value: {kind}) -> None: ..."
            text += f"{indent}@{name}.setter\n{indent}{setter}\n"
        return text
    if inspect.isfunction(value):
        reflected = value.__qualname__.endswith("reflected")  # registry._reflect's ``x <op> t``
        returns: str | None = "Tensor" if id(value) in installed_ops or reflected else None
        head = f"{indent}def {name}{signature(value, returns)}:{ignore}\n"
        return head + (docstring(value, indent * 2) or f"{indent * 2}...\n")
    return f"{indent}{name}: {annotation(type(value).__name__)}\n"


def render() -> str:
    """The stub's text, from the running library."""
    import autograd
    from autograd.registry import ENTRIES
    from autograd.torch_facade import Lacking

    tensor = autograd.Tensor
    own = set(vars(tensor)) - installed_names(tensor)
    ops = {id(e.function) for e in ENTRIES.values()}
    lines = [HEADER]
    for name, value in vars(tensor).items():
        if name in own or isinstance(value, Lacking) or keyword.iskeyword(name):
            continue
        lines.append(member(name, value, ops))
    return "\n".join(lines)


def installed_names(cls: type) -> set[str]:
    """The attributes installed on ``cls`` after its class body ran."""
    import ast

    source = Path(inspect.getfile(cls)).read_text()
    body = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef))
    written = {n.name for n in body.body if isinstance(n, ast.FunctionDef)}
    for n in body.body:
        if isinstance(n, ast.Assign):
            written |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    written |= {"__module__", "__doc__", "__slots__", "__qualname__", "__annotations__"}
    written |= {"__weakref__", "__dict__", "__parameters__", "__orig_bases__"}
    # What Python adds by itself: copyreg's cache at the first pickle or deepcopy, and 3.13's.
    written |= {"__slotnames__", "__static_attributes__", "__firstlineno__"}
    written |= set(getattr(cls, "__slots__", ()))
    return set(vars(cls)) - written


def main() -> None:
    PATH.write_text(render())
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
