"""Grouping a drawing by ``autograd.scope`` blocks (one cluster per module call).

Every recorded op carries ``node.scope``: the innermost :class:`ScopeFrame` open when it ran.
A frame's chain of parents gives the nesting (``Sequential`` > ``Linear``). A frame's label is
drawn as the cluster title; module labels are described as ``fc1: Linear(64→128)``, using the
qualified names of ``model.named_modules()`` when a model is given.
"""

from __future__ import annotations

from typing import Any

from ..function import Node
from ..tensor import Tensor
from .scopes import ScopeFrame


def describe_module(module: Any) -> str:
    """``Linear(64→128)`` for layers with in/out sizes, else ``Class(extra_repr)`` or ``Class``."""
    cls = type(module).__name__
    for inner, outer in (("in_features", "out_features"), ("in_channels", "out_channels")):
        if hasattr(module, inner) and hasattr(module, outer):
            return f"{cls}({getattr(module, inner)}→{getattr(module, outer)})"
    extra = getattr(module, "extra_repr", None)
    text = extra() if callable(extra) else ""
    if text and "\n" not in text and len(text) <= 40:
        return f"{cls}({text})"
    return cls


def has_named_modules(obj: Any) -> bool:
    """True for a model (``nn.Module`` or anything with a ``named_modules()`` method)."""
    return callable(getattr(obj, "named_modules", None))


class Grouping:
    """Which cluster each op and leaf belongs to, and how the clusters nest.

    ``model`` (anything with ``named_modules()``, or None) supplies qualified names for module
    labels, parameter names (``fc1.weight``) and the module that owns each parameter, so that
    parameters are drawn inside the cluster of the module call that uses them.
    """

    def __init__(self, model: Any) -> None:
        self.module_names: dict[int, str] = {}
        self.tensor_names: dict[int, str] = {}
        self._owner: dict[int, Any] = {}
        if model is not None:
            self._index(model)
        self.clusters: dict[Any, int] = {}  # frame -> cluster number, in first-use order
        self.parent: dict[Any, Any] = {}
        self.labels: dict[Any, str] = {}
        self._calls: dict[int, int] = {}  # id(label) -> how many clusters it already has
        self._first_cluster_of: dict[int, Any] = {}  # id(module) -> its first frame

    def _index(self, model: Any) -> None:
        for name, module in model.named_modules():
            self.module_names[id(module)] = name
            for attribute in ("named_parameters", "named_buffers"):
                members = getattr(module, attribute, None)
                if members is None:
                    continue
                for local, tensor in members(recurse=False):
                    self.tensor_names.setdefault(id(tensor), f"{name}.{local}" if name else local)
                    self._owner.setdefault(id(tensor), module)

    def frame_of(self, node: Node) -> Any:
        """Register ``node``'s scope chain (outermost first) and return its innermost frame."""
        frame = node.scope
        if frame is None:
            return None
        chain = []
        link = frame
        while link is not None and link not in self.clusters:
            chain.append(link)
            link = link.parent if isinstance(link, ScopeFrame) else None
        for item in reversed(chain):
            self._add(item)
        return frame

    def _add(self, frame: Any) -> None:
        parent = frame.parent if isinstance(frame, ScopeFrame) else None
        label = frame.label if isinstance(frame, ScopeFrame) else frame
        self.clusters[frame] = len(self.clusters)
        self.parent[frame] = parent
        calls = self._calls.get(id(label), 0) + 1
        self._calls[id(label)] = calls
        self._first_cluster_of.setdefault(id(label), frame)
        text = self._label_text(label)
        self.labels[frame] = text if calls == 1 else f"{text} (call {calls})"

    def _label_text(self, label: Any) -> str:
        if isinstance(label, str):
            return label
        if not has_named_modules(label):
            return str(label)
        name = self.module_names.get(id(label))
        description = describe_module(label)
        return f"{name}: {description}" if name else description

    def describe(self, frame: Any) -> str:
        """What ran in ``frame``, without its name: ``Linear(16→16)``, ``ReLU``, a scope label."""
        label = frame.label if isinstance(frame, ScopeFrame) else frame
        if isinstance(label, str):
            return label
        return describe_module(label) if has_named_modules(label) else str(label)

    def frame_of_leaf(self, leaf: Tensor) -> Any:
        """The cluster of the first call of the module owning ``leaf`` (None: top level)."""
        owner = self._owner.get(id(leaf))
        return None if owner is None else self._first_cluster_of.get(id(owner))

    def owns(self, leaf: Tensor) -> bool:
        """True when the model registers ``leaf`` as a parameter or buffer of a module."""
        return id(leaf) in self._owner

    def leaf_name(self, leaf: Tensor) -> str | None:
        """``leaf.name``, else its qualified name in the model (``"fc1.weight"``), else None."""
        return leaf.name or self.tensor_names.get(id(leaf))

    def children(self, frame: Any) -> list[Any]:
        """Direct sub-clusters of ``frame`` (None: the top level), in first-use order."""
        return [child for child in self.clusters if self.parent[child] is frame]
