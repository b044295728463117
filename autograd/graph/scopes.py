"""``autograd.scope(label)``: name a region of the forward pass so ``draw_graph`` can group it.

While a ``with autograd.scope(label):`` block runs, every op recorded into the graph is stamped
with a :class:`ScopeFrame` (``node.scope``). Frames chain to the frame that was active when they
opened (``.parent``), so nested scopes (a ``Linear`` inside a ``Sequential``) draw as nested
clusters, and two calls of the same module are two frames, hence two clusters.

``nn.Module.__call__`` runs its forward through ``autograd.scope.call(self, ...)``, which opens
the same frame as a ``with autograd.scope(self):`` block: the label is the module object itself,
which ``draw_graph(..., group_modules=model)`` maps to its qualified name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..thread_state import LOCAL


class ScopeFrame:
    """One entry of one ``scope`` block: its ``label`` and the enclosing frame (``parent``)."""

    __slots__ = ("label", "parent")

    def __init__(self, label: Any, parent: Any) -> None:
        self.label = label
        self.parent = parent

    def __repr__(self) -> str:
        return f"ScopeFrame({self.label!r})"


class scope:  # noqa: N801 - used like a function: ``with autograd.scope("encoder"):``
    """Stamp ops recorded inside the block with ``label`` (any object: a string, a module).

    ``draw_graph(root, group_modules=True)`` (or ``=model``) then draws the ops of each block
    as a cluster. Blocks nest; the innermost frame is stamped, and it links to its parents::

        with autograd.scope("layer 1"):
            h = (x @ w1 + b1).tanh()
    """

    __slots__ = ("label", "_frame")

    def __init__(self, label: Any) -> None:
        self.label = label
        self._frame: ScopeFrame | None = None

    def __enter__(self) -> ScopeFrame:
        scopes = LOCAL.state.scopes
        self._frame = ScopeFrame(self.label, scopes[-1] if scopes else None)
        scopes.append(self._frame)
        return self._frame

    def __exit__(self, *exc: object) -> None:
        frame = self._frame
        self._frame = None
        unstack(LOCAL.state.scopes, frame)

    @staticmethod
    def call(label: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        """``fn(*args, **kwargs)`` inside ``scope(label)``; just the call when nothing is recorded.

        The same frames as a ``with`` block, for code that wraps every call of something
        (``nn.Module.__call__``): without the context-manager object and its two method calls it
        costs ~0.4 us instead of ~0.6 us, and a small model makes several such calls per step.
        ``args`` and ``kwargs`` are passed as a tuple and a dict: re-packing ``*args``
        ``**kwargs`` on the way through would cost as much as the saving.
        """
        state = LOCAL.state
        if not state.grad_enabled:  # no op will be recorded, so there is nothing to stamp
            return fn(*args, **kwargs)
        scopes = state.scopes
        frame = ScopeFrame(label, scopes[-1] if scopes else None)
        scopes.append(frame)
        try:
            return fn(*args, **kwargs)
        finally:
            if scopes and scopes[-1] is frame:  # (the usual case, without a call)
                scopes.pop()
            else:
                unstack(scopes, frame)


def unstack(stack: list, item: Any) -> None:
    """Remove the last occurrence of ``item`` (by identity) from ``stack``; usually the top.

    Blocks may exit out of order (a generator suspended inside a ``scope`` or ``trace``): the
    item is still removed, and the other open blocks keep theirs.
    """
    if stack and stack[-1] is item:
        stack.pop()
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is item:
            del stack[i]
            return
