"""Exercise 4: a micrograd-sized engine: topological order and the backward loop."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

import autograd

from .core import Exercise, Mistake, describe_difference


class Value:
    """A scalar that remembers how it was computed: its inputs and d(self)/d(input) for each.

    The same class as in the notebook (the checks build their graphs with this copy; the
    student's functions only read ``inputs``, ``local_grads`` and ``grad``).
    """

    def __init__(self, data, inputs=(), local_grads=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = inputs
        self.local_grads = local_grads
        self.op = op
        self.label = label or f"{self.data:g}"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def __repr__(self):
        return f"Value({self.label}: data={self.data:.4g}, grad={self.grad:.4g})"


def named(value, label):
    value.label = label
    return value


# -- the crafted graphs: each returns its root ---------------------------------------------------


def diamond():
    """d = tanh(a) * (a * 3): ``a`` feeds two nodes."""
    a = Value(0.5, label="a")
    b = named(a.tanh(), "b")
    c = named(a * 3.0, "c")
    return named(b * c, "d")


def neuron():
    """out = tanh(x1 w1 + x2 w2 + bias)."""
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2, bias = Value(-0.5, label="w1"), Value(1.5, label="w2"), Value(0.7, label="bias")
    n = named(named(named(x1 * w1, "x1*w1") + named(x2 * w2, "x2*w2"), "sum") + bias, "n")
    return named(n.tanh(), "out")


def reuse():
    """out = (x*x + x) * (x*x): ``x`` feeds three nodes, ``y = x*x`` two."""
    x = Value(-1.5, label="x")
    y = named(x * x, "y")
    z = named(y + x, "z")
    return named(z * y, "out")


def square():
    """out = x * x: one node is both inputs of the same op."""
    x = Value(3.0, label="x")
    return named(x * x, "out")


def chain(length=2000):
    """x + 0.01, tanh(.) * 1.01, ... alternately: deeper than Python's recursion limit (1000)."""
    node = Value(0.3, label="x")
    for i in range(length):
        node = named(node.tanh() * 1.01 if i % 2 else node + 0.01, f"n{i}")
    return node


def shortcut():
    """m = 2x; out = tanh(tanh(tanh(m) * 1.1) * 1.1) * m + m: the inner node m is reached
    from out by paths of length 1, 2 and 6, so an order by distance from the root
    (breadth-first) is wrong, and passes m's grad on before all of it has arrived."""
    x = Value(0.7, label="x")
    m = named(x * 2.0, "m")
    h = m
    for i in range(2):
        h = named(named(h.tanh(), f"t{i}") * 1.1, f"h{i}")
    h = named(h.tanh(), "t2")
    return named(named(h * m, "hm") + m, "out")


def ladder(rungs=40):
    """n_{i+1} = n_i * 0.5 + n_i * 0.5 for 40 rungs: 2^40 paths from the root to x, so code
    that follows every path instead of every node never finishes."""
    node = Value(0.8, label="x")
    for i in range(rungs):
        node = named(named(node * 0.5, f"l{i}") + named(node * 0.5, f"r{i}"), f"n{i}")
    return node


def all_nodes(root):
    """Every node root depends on, found without recursion (for checking orders)."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for child in stack.pop().inputs:
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return list(seen.values())


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """The default limit, whatever the environment set, so a recursive order always fails."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# -- ex04_topo: topological_order(root) -> list of Values, each after all of its inputs -------


def topological_order(root):
    """The reference: depth-first, with an explicit stack; a node is appended when all of its
    inputs have been (the library's engine does the same, iteratively)."""
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node.inputs if id(child) not in visited)
    return order


def order_problems(order, root):
    """What is wrong with ``order`` as a topological order of root's graph: a tuple of
    'duplicates', 'missing', 'out of order', or ('valid',)."""
    if not isinstance(order, (list, tuple)):
        return (f"not a list but {type(order).__name__}",)
    nodes = all_nodes(root)
    ids = [id(node) for node in order]
    problems = []
    if len(set(ids)) < len(ids):
        problems.append("duplicates")
    if {id(node) for node in nodes} - set(ids):
        problems.append("missing")
    position = {}
    for i, node in enumerate(order):
        position.setdefault(id(node), i)
    if any(
        id(child) in position and position[id(child)] > position[id(node)]
        for node in order
        for child in getattr(node, "inputs", ())
    ):
        problems.append("out of order")
    return tuple(problems) or ("valid",)


def order_case(build):
    def case(fn):
        root = build()
        with recursion_limit(1000):
            return order_problems(fn(root), root)

    return case


ORDER_PROBLEMS = {
    "out of order": "your order puts a node before one of its inputs: a node must come after "
    "every node it was computed from",
    "missing": "nodes are missing from your order: every node the root depends on belongs in "
    "it, the leaves and the root included",
    "duplicates": "your order lists a node more than once: keep a set of visited nodes",
}


def explain_topo(case, where, yours, expected):
    """Name what is wrong with the order instead of comparing tuples of words."""
    problems = (yours,) if isinstance(yours, str) else yours
    if isinstance(problems, tuple) and problems and all(p in ORDER_PROBLEMS for p in problems):
        return f"on {case}, " + "; and ".join(ORDER_PROBLEMS[p] for p in problems)
    return describe_difference(case, where, yours, expected)


TOPO_CASES = {
    "the diamond d = tanh(a) * (a * 3)": order_case(diamond),
    "a neuron tanh(x1 w1 + x2 w2 + bias)": order_case(neuron),
    "(x*x + x) * (x*x)": order_case(reuse),
    "m reached by paths of lengths 1, 2 and 6": order_case(shortcut),
    "a chain of 2,000 ops": order_case(chain),
    "a ladder of 40 rungs (2^40 paths, 121 nodes)": order_case(ladder),
}


def topo_without_visited(root):
    order, stack = [], [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in node.inputs)
    return order


def topo_preorder(root):
    order, visited, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) not in visited:
            visited.add(id(node))
            order.append(node)  # before its inputs
            stack.extend(node.inputs)
    return order


def topo_direct_inputs(root):
    return [*root.inputs, root]


def topo_recursive(root):
    order, visited = [], set()

    def visit(node):
        if id(node) not in visited:
            visited.add(id(node))
            for child in node.inputs:
                visit(child)
            order.append(node)

    visit(root)
    return order


# -- ex04_backward: backward(root) fills in every node's grad = d root / d node ---------------


def backward(root):
    """The reference: the same graph rebuilt from the library's ops, differentiated by the
    library; each node's grad is the library's."""
    tensors = {}
    for node in topological_order(root):
        if not node.inputs:
            t = autograd.tensor(np.float64(node.data), requires_grad=True)
        elif node.op == "+":
            t = tensors[id(node.inputs[0])] + tensors[id(node.inputs[1])]
        elif node.op == "*":
            t = tensors[id(node.inputs[0])] * tensors[id(node.inputs[1])]
        else:
            t = autograd.tanh(tensors[id(node.inputs[0])])
        if node.inputs:
            t.retain_grad()
        tensors[id(node)] = t
    tensors[id(root)].backward()
    for node in topological_order(root):
        node.grad = float(tensors[id(node)].grad)


def backward_assigning(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad = local * node.grad  # overwrites what another path put there


def backward_forward_order(root):
    root.grad = 1.0
    for node in topological_order(root):  # inputs first: nothing has arrived yet
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += local * node.grad


def backward_unseeded(root):
    for node in reversed(topological_order(root)):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += local * node.grad


def backward_without_local(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child in node.inputs:
            child.grad += node.grad


def _from_the_root(root, nodes):
    """The nodes by their longest distance from the root (ties by label), so that the first
    wrong grad reported is where the error starts; small graphs only, by label otherwise."""
    if len(nodes) > 300:
        return sorted(nodes, key=lambda n: n.label)
    distance, changed = {id(root): 0}, True
    while changed:  # relax until no distance grows (a DAG: at most len(nodes) rounds)
        changed = False
        for node in nodes:
            if id(node) in distance:
                for child in node.inputs:
                    if distance.get(id(child), -1) < distance[id(node)] + 1:
                        distance[id(child)] = distance[id(node)] + 1
                        changed = True
    return sorted(nodes, key=lambda n: (distance[id(n)], not n.inputs and _is_constant(n), n.label))


def _is_constant(node):
    return node.label == f"{node.data:g}"  # labelled by its value, as 2.0 in x * 2.0


def _name(node):
    """A node's label; a constant says so."""
    return f"the constant {node.label}" if _is_constant(node) else node.label


def backward_case(build, labels=None):
    """Run backward on the graph; observe the grad of every node (or of those labelled), and
    that the values (data) are left alone."""

    def case(fn):
        root = build()
        nodes = _from_the_root(root, all_nodes(root))
        data = [n.data for n in nodes]
        with recursion_limit(1000):
            fn(root)
        shown = [n for n in nodes if labels is None or n.label in labels]
        observed = {f"{_name(node)}.grad": node.grad for node in shown}
        observed["node values left unchanged"] = data == [n.data for n in nodes]
        return observed

    return case


def explain_backward(case, where, yours, expected):
    """The grads are listed from the root down: the first wrong one is where it went wrong."""
    text = describe_difference(case, where, yours, expected)
    if where.endswith(".grad") and where != "node values left unchanged":
        node = where.removesuffix(".grad")
        text += (
            f"; the nodes nearer the root are right, so {node} was handed a wrong share: did a "
            "node pass its grad on before all of it had arrived (go through "
            "reversed(topological_order(root))), or is a local derivative misused?"
        )
    return text


BACKWARD_CASES = {
    "the diamond d = tanh(a) * (a * 3)": backward_case(diamond),
    "a neuron tanh(x1 w1 + x2 w2 + bias)": backward_case(neuron),
    "(x*x + x) * (x*x)": backward_case(reuse),
    "x * x": backward_case(square),
    "m reached by paths of lengths 1, 2 and 6": backward_case(shortcut),
    "a chain of 2,000 ops": backward_case(chain, labels={"x", "n0", "n1000", "n1999"}),
    "a ladder of 40 rungs (2^40 paths, 121 nodes)": backward_case(ladder, {"x", "l0", "n39"}),
}

EXERCISES = [
    Exercise(
        id="ex04_topo",
        title="topological order",
        name="topological_order",
        reference=topological_order,
        cases=TOPO_CASES,
        explain=explain_topo,
        checked="six graphs: shared nodes, a node reached by paths of different lengths, a "
        "node used twice by one op, a chain deeper than the recursion limit, 2^40 paths",
        mistakes=(
            Mistake(
                topo_without_visited,
                "a node used twice (a in the diamond) appears twice in your order: keep a set "
                "of visited nodes and list each node once",
            ),
            Mistake(
                topo_preorder,
                "your order puts a node before its inputs: append a node only after all of its "
                "inputs are in the list",
            ),
            Mistake(
                topo_direct_inputs,
                "your order misses nodes: follow the inputs of the inputs too, down to the leaves",
            ),
            Mistake(
                topo_recursive,
                "your order raises RecursionError on a chain of 2,000 ops: use a list as an "
                "explicit stack instead of recursion",
            ),
        ),
    ),
    Exercise(
        id="ex04_backward",
        title="the backward loop",
        name="backward",
        reference=backward,
        cases=BACKWARD_CASES,
        explain=explain_backward,
        checked="every node's grad on seven graphs (shared nodes, paths of different lengths, "
        "a chain of 2,000, 2^40 paths), within a time limit; values left unchanged",
        mistakes=(
            Mistake(
                backward_assigning,
                "a value used twice (x in x * x) got only one of its contributions: accumulate "
                "with child.grad += ..., don't assign",
            ),
            Mistake(
                backward_forward_order,
                "you walk from the inputs to the output, so nodes pass on their grad before "
                "receiving it: go through reversed(topological_order(root))",
            ),
            Mistake(
                backward_unseeded,
                "every gradient is 0: start with root.grad = 1, since d root / d root = 1",
            ),
            Mistake(
                backward_without_local,
                "you pass node.grad on unchanged: the chain rule multiplies it by the local "
                "derivative, child.grad += local * node.grad",
            ),
        ),
        helpers={"topological_order": "ex04_topo"},
    ),
]
