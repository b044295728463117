"""Exercise 4's wrong and correct solutions for the mutation suite.

A tiny engine: ``topological_order`` and ``backward``.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

from collections import deque

from .common import TIME, right, wrong

# -- the student's helper, written correctly, which this exercise's solutions call ------------


def topological_order(root):
    order, seen = [], set()
    stack = [(root, iter(root.inputs))]
    seen.add(id(root))
    while stack:
        node, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(child.inputs)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


# == ex04_topo ===================================================================================


@wrong("ex04_topo", r"before its inputs|out of order|after")
def topo_reversed_breadth_first(root):
    order, seen, queue = [], {id(root)}, deque([root])
    while queue:
        node = queue.popleft()
        order.append(node)
        for child in node.inputs:
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)
    return order[::-1]


@wrong("ex04_topo", r"before its inputs|out of order|after")
def topo_reversed_preorder(root):
    order, visited, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        order.append(node)
        stack.extend(node.inputs)
    return order[::-1]


@wrong("ex04_topo", r"missing")
def topo_by_value(root):
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node.data not in visited:  # two nodes with the same value count as one
            visited.add(node.data)
            stack.append((node, True))
            stack.extend((c, False) for c in node.inputs if c.data not in visited)
    return order


@wrong("ex04_topo", r"missing|root")
def topo_without_root(root):
    return topological_order(root)[:-1]


@wrong("ex04_topo", TIME + r"|exponential")
def topo_every_path(root):
    paths = []
    stack = [root]
    while stack:  # every path from the root: exponential in shared nodes
        node = stack.pop()
        paths.append(node)
        stack.extend(node.inputs)
    return list(reversed(list({id(n): n for n in reversed(paths)}.values())))


@right("ex04_topo")
def topo_kahn(root):
    nodes, stack, seen = [], [root], {id(root)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for child in node.inputs:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    consumers = {id(n): 0 for n in nodes}
    for node in nodes:
        for child in set(map(id, node.inputs)):
            consumers[child] += 1
    ready, reverse_order = [root], []
    while ready:
        node = ready.pop()
        reverse_order.append(node)
        for child in {id(c): c for c in node.inputs}.values():
            consumers[id(child)] -= 1
            if consumers[id(child)] == 0:
                ready.append(child)
    return reverse_order[::-1]


right("ex04_topo")(topological_order)


@right("ex04_topo")
def topo_two_stacks(root):
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node.inputs if child not in visited)
    return order


# == ex04_backward ===============================================================================


@wrong("ex04_backward", r"\.grad")
def backward_breadth_first(root):
    root.grad = 1.0
    queue, seen = deque([root]), {id(root)}
    while queue:
        node = queue.popleft()
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += local * node.grad
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)


@wrong("ex04_backward", r"Recursion|deep|chain|" + TIME)
def backward_every_path(root):
    root.grad = 1.0

    def push(node, g):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += local * g
            push(child, local * g)

    push(root, 1.0)


@wrong("ex04_backward", r"\.grad")
def backward_swapped_locals(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in zip(node.inputs, reversed(node.local_grads)):
            child.grad += local * node.grad


@wrong("ex04_backward", r"\.grad")
def backward_by_depth(root):
    depth, stack = {id(root): 0}, [root]
    nodes = {id(root): root}
    while stack:
        node = stack.pop()
        for child in node.inputs:
            if id(child) not in depth:
                depth[id(child)] = depth[id(node)] + 1
                nodes[id(child)] = child
                stack.append(child)
    root.grad = 1.0
    for key in sorted(depth, key=depth.get):
        node = nodes[key]
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += local * node.grad


@wrong("ex04_backward", r"\.grad")
def backward_data_as_local(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child in node.inputs:
            others = [c for c in node.inputs if c is not child]
            child.grad += node.grad * (others[0].data if others else 1.0)


@right("ex04_backward")
def backward_incremented_seed(root):
    root.grad += 1.0
    for node in reversed(topological_order(root)):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad = child.grad + local * node.grad


@right("ex04_backward")
def backward_with_a_dict(root):
    order = topological_order(root)
    grads = {id(node): 0.0 for node in order}
    grads[id(root)] = 1.0
    for node in order[::-1]:
        for i, child in enumerate(node.inputs):
            grads[id(child)] += node.local_grads[i] * grads[id(node)]
    for node in order:
        node.grad = grads[id(node)]


@right("ex04_backward")
def backward_own_order(root):
    order = topo_kahn(root)
    root.grad = 1.0
    for node in reversed(order):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad += node.grad * local
