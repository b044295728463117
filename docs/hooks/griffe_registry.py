"""Griffe extension for the API reference: the ops that ``autograd/registry.py`` exports, and
docstrings written with a little reStructuredText.

``autograd/__init__.py`` exports every declared op at import time (``globals().update(...)``),
so reading the source, as griffe does, finds no ``autograd.exp``. This extension asks the
registry itself and adds each exported name to the ``autograd`` module as an alias of the function
or Function class that declares it (``autograd.exp`` -> ``autograd.ops.exponential.Exp``), so
that ``::: autograd.exp`` and cross-references to it work like any other name.

A property made with ``property(getter, setter, doc=...)`` gets its docstring from the running
code. The docstrings are Markdown with double backquotes, which render as code. A few carry Sphinx
roles (``:class:`Graph```) or end a paragraph with ``::`` before a code example; both are shown
as plain Markdown (`` `Graph` `` and ``:``). Only the rendered text changes, not the code.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import griffe


def _property_doc(attribute: griffe.Object) -> str | None:
    """The docstring of a property built with ``property(getter, setter, doc=...)``, which only
    running the code reveals (``Tensor.grad`` is one)."""
    cls = attribute.parent
    try:
        value = importlib.import_module(cls.module.path)
        for part in cls.path.removeprefix(cls.module.path + ".").split("."):
            value = getattr(value, part)
        value = value.__dict__.get(attribute.name)
    except (ImportError, AttributeError):
        return None
    return value.__doc__ if isinstance(value, property) else None


ROLE = re.compile(r":(?:class|func|meth|mod|attr|obj|exc|data):`~?([^`]+)`")
LITERAL_BLOCK = re.compile(r"::$", flags=re.M)


class RegistryExports(griffe.Extension):
    """Add the registry's exports to ``autograd``; show roles and ``::`` as Markdown."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Called for every object once griffe has read everything: clean its docstring."""
        if obj.docstring is None and obj.is_attribute and obj.parent and obj.parent.is_class:
            doc = _property_doc(obj)
            if doc:
                obj.docstring = griffe.Docstring(inspect.cleandoc(doc), parent=obj)
                obj.labels.add("property")
        if obj.docstring is not None:
            text = ROLE.sub(r"`\1`", obj.docstring.value)
            obj.docstring.value = LITERAL_BLOCK.sub(":", text)

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Called once griffe has read a top-level package; only ``autograd`` is changed."""
        if pkg.name != "autograd":
            return
        from autograd.registry import ENTRIES, exports

        # An op declared on its Function class is documented by the class (its docstring is the
        # function's); one declared on a function, by the function.
        classes = {e.function: e.cls for e in ENTRIES.values() if e.cls is not None}
        if pkg.exports is None:
            pkg.exports = []
        for name, function in sorted(exports().items()):
            if name in pkg.members:
                continue
            owner = classes.get(function, function)
            target = f"{owner.__module__}.{owner.__qualname__}"
            pkg.set_member(name, griffe.Alias(name, target, parent=pkg))
            if name not in pkg.exports:
                pkg.exports.append(name)
        _add_installed_methods(pkg)


def _add_installed_methods(pkg: griffe.Module) -> None:
    """Tensor's methods that other modules install (``backward`` from engine.py, the in-place
    methods, the Python protocols such as ``name`` and ``item``, PyTorch's spellings such as
    ``.grad`` and ``.data``), and Node's (``next_functions``): aliases to where they are written,
    as for the ops."""
    from autograd import Node, Tensor

    for cls, module_name in ((Tensor, "tensor"), (Node, "function")):
        documented = pkg.members[module_name].members[cls.__name__]
        for name, value in vars(cls).items():
            if name in documented.members or (name.startswith("_") and name != "__setitem__"):
                continue
            target = getattr(value, "fget", value)  # a property: its getter says where it lives
            module = getattr(target, "__module__", None)
            qualname = getattr(target, "__qualname__", "")
            if not qualname or module is None or not module.startswith("autograd."):
                continue
            if module in {
                "autograd.engine",
                "autograd.inplace",
                "autograd.python_protocols",
                "autograd.torch_facade",
            }:
                alias = griffe.Alias(name, f"{module}.{qualname}", parent=documented)
                documented.set_member(name, alias)
