"""Containers: ``Sequential`` (a chain of layers), ``ModuleList``, ``ModuleDict``,
``ParameterList`` and ``ParameterDict``.

Each child (or parameter) is registered under its position (``"0"``, ``"1"``, ...) or its key,
which is why a ``Sequential``'s state-dict keys read ``"0.weight"`` and a ``ParameterList``'s
``"0"``, ``"1"``, exactly as in PyTorch.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import numpy as np

import autograd

from .module import Module
from .parameter import Parameter


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


def _as_parameter(value: Any) -> Any:
    """PyTorch's rule for the parameter containers: a Tensor that is not a Parameter becomes
    one (sharing its memory); Parameters, modules and other objects are kept as they are."""
    if isinstance(value, autograd.Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _put(container: Module, name: str, value: Any) -> None:
    """Register ``value`` under ``name``, replacing what was there (possibly of another kind):
    a parameter or a module through the checks of ``register_parameter`` / ``add_module``
    (which refuse a name that is already an attribute, such as ``"keys"``)."""
    value = _as_parameter(value)
    same_kind = (name in container._parameters and isinstance(value, Parameter)) or (
        name in container._modules and isinstance(value, Module)
    )
    if same_kind:  # replaced where it stands: state_dict keeps its order ("0", "1", ...)
        setattr(container, name, value)
        return
    if name in container.__dict__:
        delattr(container, name)
    if isinstance(value, Parameter):
        container.register_parameter(name, value)
    elif isinstance(value, Module):
        container.add_module(name, value)
    else:
        setattr(container, name, value)


class ParameterList(Module):
    """A list of parameters that are registered (a plain Python list would hide them from
    ``parameters()`` and ``state_dict()``): entry i is named ``"i"``, so a model's
    ``self.ws = nn.ParameterList([...])`` gives state-dict keys ``"ws.0"``, ``"ws.1"``, ...,
    as in PyTorch. Tensors put in become ``Parameter``s; modules are registered
    as sub-modules and other objects are kept as plain values. It cannot be called."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (getattr(self, str(i)) for i in range(self._size))

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(getattr(self, str(i)) for i in range(*idx.indices(self._size)))
        return getattr(self, str(_index("ParameterList", idx, self._size)))

    def __setitem__(self, idx: int, value: Any) -> None:
        _put(self, str(_index("ParameterList", idx, self._size)), value)

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end (a Tensor becomes a Parameter); returns ``self``."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append every entry of ``values``; returns ``self``."""
        if isinstance(values, autograd.Tensor | np.ndarray) or not isinstance(values, Iterable):
            raise TypeError(
                f"ParameterList.extend: expected an iterable of values, got {type(values).__name__}"
            )
        for value in values:
            self.append(value)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): {_describe(value)}" for i, value in enumerate(self))


class ParameterDict(Module):
    """A dict ``name -> parameter`` whose parameters are registered under their keys (so
    ``state_dict()`` keys read ``"prefix.key"``), in insertion order. Tensors put
    in become ``Parameter``s, as in PyTorch. It cannot be called."""

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(f"ParameterDict has no key {key!r} (keys: {list(self._keys)})")
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ParameterDict: keys must be non-empty str without '.', got {key!r}")
        _put(self, key, value)
        self._keys[key] = None

    def __delitem__(self, key: str) -> None:
        self[key]  # noqa: B018  (raises the KeyError with the available keys)
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return list(self._keys)

    def values(self) -> Iterable[Any]:
        """The parameters, in insertion order."""
        return [getattr(self, k) for k in self._keys]

    def items(self) -> Iterable[tuple[str, Any]]:
        """``(name, parameter)`` pairs, in insertion order."""
        return [(k, getattr(self, k)) for k in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``, or ``default``."""
        return getattr(self, key) if key in self._keys else default

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its parameter."""
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last ``(name, parameter)`` pair."""
        if not self._keys:
            raise KeyError("ParameterDict.popitem: the dict is empty")
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``; if missing, first set it to ``default``."""
        if key not in self._keys:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same parameters."""
        return ParameterDict(self.items())

    def update(self, parameters: Any) -> None:
        """Add or replace entries from a mapping or from ``(name, value)`` pairs."""
        if isinstance(parameters, Mapping | ParameterDict):
            pairs = list(parameters.items())
        elif isinstance(parameters, Iterable):
            pairs = []
            for i, pair in enumerate(parameters):
                if not isinstance(pair, tuple | list) or len(pair) != 2:
                    raise ValueError(
                        f"ParameterDict.update: entry {i} should be a (key, value) pair, got "
                        f"{pair!r}"
                    )
                pairs.append(tuple(pair))
        else:
            raise TypeError(
                f"ParameterDict.update: expected a mapping or (key, value) pairs, got "
                f"{type(parameters).__name__}"
            )
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): {_describe(v)}" for k, v in self.items())


def _describe(value: Any) -> str:
    if isinstance(value, autograd.Tensor):
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        return f"{kind} containing: [{value.dtype} of size {'x'.join(map(str, value.shape))}]"
    return f"Object of type: {type(value).__name__}"
