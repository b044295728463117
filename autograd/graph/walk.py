"""Walking a graph from its root in a fixed order, so a drawing never depends on memory layout.

The walk is an iterative depth-first post-order over ``node.inputs`` in operand order: every
op comes after the ops that produced its inputs, leaves appear where first used, and the order
(hence every DOT id) is the same on every run of the same computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..function import Node
from ..tensor import Tensor


@dataclass
class Walk:
    """The graph under ``root``: ops in post-order, leaf tensors in first-use order.

    ``vertices`` counts what a drawing shows: two per op (the op and its result), one per leaf,
    one per constant operand (a Python number or array used directly by an op).
    """

    nodes: list[Node] = field(default_factory=list)
    leaves: list[Tensor] = field(default_factory=list)
    constants: int = 0

    @property
    def vertices(self) -> int:
        """How many vertices a drawing of this graph has."""
        return 2 * len(self.nodes) + len(self.leaves) + self.constants


def walk(root: Tensor) -> Walk:
    """Collect every op node and leaf reachable from ``root`` (no recursion: deep graphs work)."""
    result = Walk()
    if root.grad_fn is None:
        result.leaves.append(root)
        return result
    seen_nodes: set[Node] = {root.grad_fn}
    seen_leaves: set[Tensor] = set()
    stack: list[tuple[Node, Any]] = [(root.grad_fn, iter(root.grad_fn.inputs))]
    while stack:
        node, links = stack[-1]
        for link in links:
            if isinstance(link, Node):
                if link not in seen_nodes:
                    seen_nodes.add(link)
                    stack.append((link, iter(link.inputs)))
                    break  # visit the input first; this node's iterator resumes afterwards
            elif isinstance(link, Tensor):
                if link not in seen_leaves:
                    seen_leaves.add(link)
                    result.leaves.append(link)
            else:
                result.constants += 1
        else:
            stack.pop()
            result.nodes.append(node)
    return result
