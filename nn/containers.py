"""Containers: ``Sequential`` (a chain of layers), ``ModuleList`` and ``ModuleDict``.

Each child is registered under its position (``"0"``, ``"1"``, ...) or its key, which is why
a ``Sequential``'s state-dict keys read ``"0.weight"``, exactly as in PyTorch.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from .module import Module


def _members(container: Module) -> dict[str, Module]:
    """A container's sub-modules by name. Module allows None placeholders; a container does
    not (add_module and __setitem__ check each), so its values are all modules."""
    return cast("dict[str, Module]", container._modules)


def _check_module(owner: str, value: Any) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{owner}: expected an nn.Module, got {type(value).__name__}")
    return value


def _index(owner: str, idx: Any, n: int) -> int:
    """Turn a (possibly negative) integer index into a position, with a clear IndexError."""
    try:
        i = operator.index(idx)
    except TypeError:
        raise TypeError(
            f"{owner}: indices must be integers or slices, got {type(idx).__name__}"
        ) from None
    if not -n <= i < n:
        raise IndexError(f"{owner}: index {i} is out of range for length {n}")
    return i % n


class Sequential(Module):
    """Apply the given modules one after another: ``y = m_k(...m_2(m_1(x)))``.

    ``Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))`` names its children ``"0"``,
    ``"1"``, ``"2"``; ``Sequential(OrderedDict(fc=...))`` uses the given names. Supports
    ``len``, iteration, ``seq[i]``, ``seq[a:b]`` (a new Sequential sharing the layers), and
    ``append``.
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, m in modules[0].items():
                self.add_module(name, _check_module("Sequential", m))
        else:
            for i, item in enumerate(modules):
                self.add_module(str(i), _check_module("Sequential", item))

    def forward(self, x: Any) -> Any:
        for m in _members(self).values():
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(_members(self).values())

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(_members(self).items())[idx]))
        return list(_members(self).values())[_index("Sequential", idx, len(self))]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index("Sequential", idx, len(self))]
        setattr(self, key, _check_module("Sequential", module))

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        doomed = (
            keys[idx] if isinstance(idx, slice) else [keys[_index("Sequential", idx, len(keys))]]
        )
        for key in doomed:
            delattr(self, key)
        # Renumber so that keys stay "0".."n-1", as PyTorch does after deletion.
        rest = list(_members(self).items())
        for key, _ in rest:
            delattr(self, key)
        for i, (_, m) in enumerate(rest):
            self.add_module(str(i), m)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end (named ``str(len(self))``); returns ``self``."""
        self.add_module(str(len(self)), _check_module("Sequential.append", module))
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (a plain Python list would hide them
    from ``parameters()``). It has no ``forward``: iterate over it in your own."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(_members(self).values())

    def __getitem__(self, idx: int | slice) -> Any:
        values = list(_members(self).values())
        if isinstance(idx, slice):
            return ModuleList(values[idx])
        return values[_index("ModuleList", idx, len(values))]

    def __setitem__(self, idx: int, module: Module) -> None:
        i = _index("ModuleList", idx, len(self))
        setattr(self, str(i), _check_module("ModuleList", module))

    def _renumber(self, modules: list[Module]) -> None:
        for key in list(self._modules):
            delattr(self, key)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def __delitem__(self, idx: int | slice) -> None:
        values = list(_members(self).values())
        if isinstance(idx, slice):
            del values[idx]
        else:
            del values[_index("ModuleList", idx, len(values))]
        self._renumber(values)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns ``self``."""
        self.add_module(str(len(self)), _check_module("ModuleList.append", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns ``self``."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        values = list(_members(self).values())
        values.insert(index, _check_module("ModuleList.insert", module))
        self._renumber(values)


class ModuleDict(Module):
    """A dict ``name -> module`` whose modules are registered, keeping insertion order."""

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no key {key!r} (keys: {list(self._modules)})")
        return _members(self)[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _check_module("ModuleDict", module))

    def __delitem__(self, key: str) -> None:
        self[key]  # noqa: B018  (raises the KeyError with the available keys)
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return _members(self).values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """``(name, module)`` pairs, in insertion order."""
        return _members(self).items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping or from ``(name, module)`` pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, m in pairs:
            self[key] = m

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module."""
        m = self[key]
        delattr(self, key)
        return m
