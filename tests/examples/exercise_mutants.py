"""Wrong and correct solutions to the exercises, written the way students write them, and NOT
taken from the checker's catalogue: the checker must reject every wrong one with a message that
names its mistake, and accept every correct one however it is written.

``WRONG[exercise_id]`` is a list of ``(code, pattern)``: ``pattern`` is a regular expression that
a message naming the mistake matches (what broke, where). ``RIGHT[exercise_id]`` is a list of
correct solutions written differently from the reference. Each function's globals are this
module's, as a notebook's are the notebook's: the helpers a student wrote in earlier exercises
(``topological_order``, ``log_softmax``, ``unbroadcast``, ``batches``, ``cosine_lr``) are defined
here, correctly, with the signatures students give them.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict, deque

import numpy as np

import autograd
import nn
import optim
from nn import functional as F

WRONG: dict[str, list[tuple[object, str]]] = defaultdict(list)
RIGHT: dict[str, list[object]] = defaultdict(list)

# What a message must say for each kind of mistake.
ARGUMENT = r"(argument|input).*(changed|modified|in place)|changed your (argument|input)"
SAVED = r"saved"
SHARED = r"(shar|parameter 2|second parameter|other parameter)"
GRAD_CHANGED = r"(p\.grad|gradient).*(changed|modified)|changed p\.grad"
LINE = r"line \d+"
LARGE = r"(large|extreme|overflow|nan|inf)"
DTYPE = r"(dtype|float32)"
TIME = r"(time limit|seconds)"


def wrong(exercise_id: str, pattern: str):
    def register(code):
        WRONG[exercise_id].append((code, pattern))
        return code

    return register


def right(exercise_id: str):
    def register(code):
        RIGHT[exercise_id].append(code)
        return code

    return register


# -- the student's helpers from earlier exercises (correct) --------------------------------------


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


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


def log_softmax(z, axis=-1):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def batches(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def cosine_lr(base_lr, epoch, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2


# == ex01_descend ================================================================================


@wrong("ex01_descend", ARGUMENT)
def descend_updates_w0(loss_fn, w0, lr, steps):
    w = w0  # the caller's array, updated in place below
    path = [w.copy()]
    for _ in range(steps):
        t = autograd.tensor(w, requires_grad=True)
        loss_fn(t).backward()
        w -= lr * np.asarray(t.grad)
        path.append(w.copy())
    return np.array(path)


@wrong("ex01_descend", r"(copy|same array|every row|alias)")
def descend_path_without_copies(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.data)
    return np.array(path)


@wrong("ex01_descend", r"(shape|rows|steps \+ 1)")
def descend_one_step_short(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps - 1):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


@wrong("ex01_descend", r"step 1|row 1")
def descend_forward_differences(loss_fn, w0, lr, steps):
    w = np.array(w0, dtype=np.float64)
    path = [w.copy()]
    for _ in range(steps):
        grad = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            bumped = w.copy()
            bumped[i] += 1e-4
            grad[i] = (loss_fn(bumped) - loss_fn(w)) / 1e-4
        w = w - lr * grad
        path.append(w.copy())
    return np.array(path)


@wrong("ex01_descend", r"step 1|row 1")
def descend_normalised(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    path = [w.data.copy()]
    for _ in range(steps):
        loss_fn(w).backward()
        with autograd.no_grad():
            w -= lr * w.grad / np.sqrt((np.asarray(w.grad) ** 2).sum())
        w.grad = None
        path.append(w.data.copy())
    return np.array(path)


@right("ex01_descend")
def descend_with_sgd(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([w], lr=lr)
    path = [np.array(w.data)]
    for _ in range(steps):
        loss_fn(w).backward()
        opt.step()
        opt.zero_grad()  # after the step: a common habit
        path.append(np.array(w.data))
    return np.stack(path)


@right("ex01_descend")
def descend_preallocated(loss_fn, w0, lr, steps):
    w0 = np.asarray(w0, dtype=np.float64)
    path = np.empty((steps + 1, *w0.shape))
    path[0] = w0
    w = autograd.tensor(w0.copy(), requires_grad=True)
    for t in range(1, steps + 1):
        w.grad = None
        loss_fn(w).backward()
        w.data[...] = np.asarray(w.data) - lr * np.asarray(w.grad)
        path[t] = np.asarray(w.data)
    return path


@right("ex01_descend")
def descend_list_of_rows(loss_fn, w0, lr, steps):
    w = autograd.tensor(np.copy(w0), requires_grad=True)
    rows = [np.copy(w0)]
    for _ in range(steps):
        loss = loss_fn(w)
        loss.backward()
        with autograd.no_grad():
            w -= lr * w.grad
        w.grad = None
        rows.append(np.array(w.data, copy=True))
    return rows


# == ex01_stable_lr ==============================================================================

for _wrong_lr in (
    lambda h: 2.0 / float(np.mean(h)),
    lambda h: 2.0 / float(np.sum(h)),
    lambda h: 2.0 / float(h[-1]),
    lambda h: float(np.sqrt(2.0 / np.max(h))),
    lambda h: 2.0 / float(np.max(h)) ** 2,
):
    wrong("ex01_stable_lr", r"curvatures.*(expected|your lr is .* = )")(_wrong_lr)

right("ex01_stable_lr")(lambda h: float(np.min(2.0 / np.asarray(h))))
right("ex01_stable_lr")(lambda h: 2 / max(h))
right("ex01_stable_lr")(lambda h: 1.0 / (np.max(np.abs(h)) / 2.0))


# == ex02_mul ====================================================================================


class MulInPlace(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a.copy(), b.copy())
        a *= b  # into the argument
        return a

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class MulOverwritesSaved(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        b *= grad  # the saved input, overwritten
        a *= grad
        return b, a


class MulDot(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return np.dot(grad, b), np.dot(grad, a)


class MulFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b).astype(np.float32), (grad * a).astype(np.float32)


class MulCopyPaste(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * b


wrong("ex02_mul", ARGUMENT)(MulInPlace)
wrong("ex02_mul", SAVED)(MulOverwritesSaved)
wrong("ex02_mul", r"shape")(MulDot)
wrong("ex02_mul", DTYPE)(MulFloat32)
wrong("ex02_mul", r"b\.grad")(MulCopyPaste)


@right("ex02_mul")
class MulAttributes(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, grad):
        return np.multiply(ctx.b, grad), np.multiply(ctx.a, grad)


@right("ex02_mul")
class MulCopies(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a.copy(), b.copy())
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = b.copy()
        grad_a *= grad
        return grad_a, a * grad


@right("ex02_mul")
class MulSavedProduct(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = np.empty_like(a)
        np.multiply(a, b, out=out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return b * grad, a * grad


# == ex02_add ====================================================================================


class AddInPlace(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        a += b
        return a

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class AddSummed(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad.sum(), grad.sum()


class AddNone(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class AddUnsaved(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return np.ones_like(a) * grad, np.ones_like(b) * grad  # noqa: F821


class AddFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return (a + b).astype(np.float32)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


wrong("ex02_add", ARGUMENT)(AddInPlace)
wrong("ex02_add", r"shape")(AddSummed)
wrong("ex02_add", r"b\.grad")(AddNone)
wrong("ex02_add", LINE)(AddUnsaved)
wrong("ex02_add", DTYPE)(AddFloat32)


@right("ex02_add")
class AddNumpy(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return np.add(a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad.copy(), grad.copy()


@right("ex02_add")
class AddOnes(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return np.ones_like(a) * grad, grad * np.ones_like(b)


@right("ex02_add")
class AddScaled(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return b + a

    @staticmethod
    def backward(ctx, grad):
        return 1.0 * grad, grad + 0.0


# == ex02_tanh ===================================================================================


class TanhFromExp(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


class TanhOverwritesSaved(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        y **= 2  # the saved output, overwritten
        return grad * (1 - y)


class TanhIntoInput(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x, out=x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


class TanhTwice(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - np.tanh(y) ** 2)


class TanhFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x.astype(np.float32))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


wrong("ex02_tanh", LARGE)(TanhFromExp)
wrong("ex02_tanh", SAVED)(TanhOverwritesSaved)
wrong("ex02_tanh", ARGUMENT)(TanhIntoInput)
wrong("ex02_tanh", r"x\.grad|backward")(TanhTwice)
wrong("ex02_tanh", DTYPE)(TanhFloat32)


@right("ex02_tanh")
class TanhSavesInput(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - np.tanh(x) ** 2)


@right("ex02_tanh")
class TanhCoshSquared(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(over="ignore"):
            return grad / np.cosh(ctx.x) ** 2


@right("ex02_tanh")
class TanhStableExp(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            y = 1.0 - 2.0 / (np.exp(2.0 * x) + 1.0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - grad * y * y


# == ex03_unbroadcast ============================================================================


@wrong("ex03_unbroadcast", r"(added|leading|new) ax")
def unbroadcast_stretched_only(grad, shape):
    for i, n in enumerate(shape):
        if n == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


@wrong("ex03_unbroadcast", r"(two|added|leading|new) ax")
def unbroadcast_one_leading_axis(grad, shape):
    if grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@wrong("ex03_unbroadcast", LINE)
def unbroadcast_reshape(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad.reshape(shape)


@wrong("ex03_unbroadcast", r"(right|trailing|align|shape)")
def unbroadcast_from_the_left(grad, shape):
    grad = grad.sum(axis=tuple(range(len(shape), grad.ndim)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@wrong("ex03_unbroadcast", r"mean|times|ratio")
def unbroadcast_mean_of_batch(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.mean(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


@right("ex03_unbroadcast")
def unbroadcast_axes_then_reshape(grad, shape):
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return np.sum(grad, axis=axes).reshape(shape)


@right("ex03_unbroadcast")
def unbroadcast_keepdims_loop(grad, shape):
    out = grad
    for _ in range(grad.ndim - len(shape)):
        out = np.add.reduce(out, axis=0)
    for i, n in enumerate(shape):
        if n == 1:
            out = out.sum(axis=i, keepdims=True)
    return out


@right("ex03_unbroadcast")
def unbroadcast_padded_shape(grad, shape):
    padded = (1,) * (grad.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, padded)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


# == ex03_linear =================================================================================


@wrong("ex03_linear", r"grad_b")
def linear_b_over_features(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, grad_out.sum(axis=1)


@wrong("ex03_linear", r"grad_w")
def linear_w_averaged(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x / len(x), grad_out.sum(axis=0)


@wrong("ex03_linear", r"grad_b")
def linear_b_weight_shape(x, w, grad_out):
    return grad_out @ w, grad_out.T @ x, unbroadcast(grad_out, (1, w.shape[0]))


@wrong("ex03_linear", LINE)
def linear_w_transposes_twice(x, w, grad_out):
    return grad_out @ w, x.T @ grad_out.T, grad_out.sum(axis=0)


@wrong("ex03_linear", ARGUMENT)
def linear_scales_grad_out(x, w, grad_out):
    grad_b = grad_out.sum(axis=0)
    grad_out *= 1.0  # harmless here...
    grad_out += 0.0
    x -= 0.0
    grad_w = grad_out.T @ x
    w *= 2.0  # ...but the caller's w is doubled
    return grad_out @ (w / 2.0), grad_w, grad_b


@right("ex03_linear")
def linear_einsum(x, w, grad_out):
    return (
        np.einsum("no,oi->ni", grad_out, w),
        np.einsum("no,ni->oi", grad_out, x),
        np.einsum("no->o", grad_out),
    )


@right("ex03_linear")
def linear_as_list(x, w, grad_out):
    return [grad_out @ w, grad_out.T @ x, unbroadcast(grad_out, (w.shape[0],))]


@right("ex03_linear")
def linear_transposed_product(x, w, grad_out):
    return (w.T @ grad_out.T).T, (x.T @ grad_out).T, np.sum(grad_out, axis=0)


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


# == ex05_log_softmax ============================================================================


@wrong("ex05_log_softmax", LARGE)
def log_softmax_shift_by_min(z):
    m = z.min(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", r"(times|ratio|offset|constant|row|is .* expected)")
def log_softmax_forgets_max(z):
    m = z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", ARGUMENT)
def log_softmax_in_place(z):
    z -= z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


@wrong("ex05_log_softmax", LARGE)
def log_softmax_clipped(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.log(np.maximum(e / e.sum(axis=-1, keepdims=True), 1e-12))


@wrong("ex05_log_softmax", DTYPE)
def log_softmax_float32(z):
    z = z.astype(np.float32)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


@right("ex05_log_softmax")
def log_softmax_logaddexp(z):
    return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)


@right("ex05_log_softmax")
def log_softmax_columns(z):
    m = np.max(z, axis=1)[:, None]
    return z - (m + np.log(np.sum(np.exp(z - m), axis=1))[:, None])


@right("ex05_log_softmax")
def log_softmax_rows(z):
    return np.stack([row - row.max() - np.log(np.exp(row - row.max()).sum()) for row in z])


# == ex05_cross_entropy ==========================================================================


@wrong("ex05_cross_entropy", r"(is .* expected|times|ratio)")
def cross_entropy_rows(z, targets):
    return -log_softmax(z)[targets].mean()


@wrong("ex05_cross_entropy", LARGE)
def cross_entropy_naive(z, targets):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(z)), targets]).mean()


@wrong("ex05_cross_entropy", r"times|ratio")
def cross_entropy_over_classes(z, targets):
    return -log_softmax(z)[np.arange(len(z)), targets].sum() / z.shape[1]


@wrong("ex05_cross_entropy", ARGUMENT)
def cross_entropy_shifts_z(z, targets):
    z -= z.max(axis=1, keepdims=True)
    return -(z[np.arange(len(z)), targets] - np.log(np.exp(z).sum(axis=1))).mean()


@wrong("ex05_cross_entropy", LINE)
def cross_entropy_take_along(z, targets):
    return -np.take_along_axis(log_softmax(z), targets, axis=1).mean()


@right("ex05_cross_entropy")
def cross_entropy_with_axis(z, targets):
    logp = log_softmax(z, axis=1)  # the student's helper has an axis argument
    return float(-np.mean(logp[np.arange(z.shape[0]), targets]))


@right("ex05_cross_entropy")
def cross_entropy_loop(z, targets):
    total = 0.0
    for row, t in zip(z, targets):
        total -= log_softmax(row[None, :])[0, t]
    return total / len(targets)


@right("ex05_cross_entropy")
def cross_entropy_onehot(z, targets):
    onehot = np.eye(z.shape[1])[targets]
    return -(onehot * log_softmax(z)).sum() / len(z)


# == ex05_grad ===================================================================================


@wrong("ex05_grad", ARGUMENT)
def grad_shifts_z(z, targets):
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", r"(is .* expected|column|axis)")
def grad_softmax_over_batch(z, targets):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", LARGE)
def grad_naive_softmax(z, targets):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@wrong("ex05_grad", r"times|ratio")
def grad_over_classes(z, targets):
    p = np.exp(log_softmax(z))
    p[np.arange(len(z)), targets] -= 1
    return p / z.shape[1]


@wrong("ex05_grad", r"line \d+|shape")
def grad_square_onehot(z, targets):
    return (np.exp(log_softmax(z)) - np.eye(len(targets))[targets]) / len(z)


@right("ex05_grad")
def grad_from_helper_with_axis(z, targets):
    p = np.exp(log_softmax(z, axis=1))
    p[np.arange(len(z)), targets] -= 1
    return p / len(z)


@right("ex05_grad")
def grad_loops(z, targets):
    out = np.zeros_like(z)
    for i in range(len(z)):
        e = np.exp(z[i] - z[i].max())
        out[i] = e / e.sum()
        out[i, targets[i]] -= 1.0
    return out / z.shape[0]


@right("ex05_grad")
def grad_eye(z, targets):
    return (np.exp(log_softmax(z)) - np.eye(z.shape[1])[targets]) / len(targets)


# == ex06_batches ================================================================================


@wrong("ex06_batches", r"generator|order")
def batches_numpy_random(n, batch_size, shuffle=False):
    order = np.random.permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@wrong("ex06_batches", r"last|batch sizes")
def batches_merging_last(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    out = [order[i : i + batch_size] for i in range(0, n, batch_size)]
    if len(out) > 1 and len(out[-1]) < batch_size:
        out[-2:] = [np.concatenate(out[-2:])]
    return out


@wrong("ex06_batches", r"once|missing|never|batch sizes")
def batches_off_by_one(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n - 1, batch_size)]


@wrong("ex06_batches", r"shuffl|order")
def batches_shuffling_batches(n, batch_size, shuffle=False):
    out = [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    if shuffle:
        out = [out[i] for i in autograd.get_generator().permutation(len(out))]
    return out


@wrong("ex06_batches", r"shuffl|order")
def batches_always_shuffled(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@right("ex06_batches")
def batches_split(n, batch_size, shuffle=False):
    order = np.arange(n)
    if shuffle:
        order = autograd.get_generator().permutation(n)
    return np.split(order, range(batch_size, n, batch_size))


@right("ex06_batches")
def batches_lists(n, batch_size, shuffle=False):
    order = list(autograd.get_generator().permutation(n)) if shuffle else list(range(n))
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@right("ex06_batches")
def batches_while(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    out, start = [], 0
    while start < n:
        out.append(order[start : min(start + batch_size, n)])
        start += batch_size
    return out


# == ex06_epoch ==================================================================================


@wrong("ex06_epoch", ARGUMENT)
def epoch_by_hand_in_place(w, X, y, batch_size, lr):
    for idx in batches(len(X), batch_size):
        xb, yb = X[idx], y[idx]
        w -= lr * 2 * xb.T @ (xb @ w - yb) / len(idx)
    return w


@wrong("ex06_epoch", r"is .* expected|times|ratio")
def epoch_without_two(w, X, y, batch_size, lr):
    w = np.array(w, dtype=np.float64)
    for idx in batches(len(X), batch_size):
        xb, yb = X[idx], y[idx]
        w = w - lr * xb.T @ (xb @ w - yb) / len(idx)
    return w


@wrong("ex06_epoch", r"shuffl|order|is .* expected")
def epoch_shuffled(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size, shuffle=True):
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


@wrong("ex06_epoch", r"last|is .* expected")
def epoch_divides_by_n(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        (((X[idx] @ wt - y[idx]) ** 2).sum() / batch_size).backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


@wrong("ex06_epoch", r"is .* expected|times|ratio")
def epoch_lr_per_example(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr / len(idx) * wt.grad
        wt.grad = None
    return wt.data


@right("ex06_epoch")
def epoch_with_sgd(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([wt], lr=lr)
    for idx in batches(len(X), batch_size):
        F.mse_loss(X[idx] @ wt, y[idx]).backward()
        opt.step()
        opt.zero_grad()
    return np.asarray(wt.data)


@right("ex06_epoch")
def epoch_by_hand(w, X, y, batch_size, lr):
    w = np.copy(w)
    for start in range(0, len(X), batch_size):
        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        w = w - lr * (2.0 / len(xb)) * (xb.T @ (xb @ w - yb))
    return w


@right("ex06_epoch")
def epoch_returns_tensor(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        wt.grad = None
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
    return wt.detach()


# == optimizers: helpers ========================================================================


def _opt(name, defaults):
    """A student's optimizer class with the exercise's ``__init__`` and the given rule."""

    def make(update):
        def init(self, params, **hyper):
            super(cls, self).__init__(params, {**defaults, **hyper})

        cls = type(update.__name__, (optim.Optimizer,), {"__init__": init, "update": update})
        return cls

    return make


MOMENTUM = _opt("Momentum", {"lr": 0.01, "momentum": 0.9, "nesterov": False})
RMSPROP = _opt("RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8})
ADAM = _opt("Adam", {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8})
ADAMW = _opt("AdamW", {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01})
SGDW = _opt("SGDW", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01})

# == ex07_momentum ===============================================================================


def momentum_on_self(self, p, g, state, group):
    if not hasattr(self, "b"):
        self.b = np.zeros_like(p)
    self.b = group["momentum"] * self.b + g
    step = g + group["momentum"] * self.b if group["nesterov"] else self.b
    p -= group["lr"] * step


def momentum_in_group(self, p, g, state, group):
    b = group.get("velocity")
    group["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


def momentum_nesterov_old_velocity(self, p, g, state, group):
    old = state.get("velocity", np.zeros_like(p))
    state["velocity"] = group["momentum"] * old + g
    step = g + group["momentum"] * old if group["nesterov"] else state["velocity"]
    p -= group["lr"] * step


def momentum_scales_gradient(self, p, g, state, group):
    g *= group["lr"]  # the caller's p.grad, scaled
    b = state.get("velocity")
    state["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= g + group["momentum"] * b if group["nesterov"] else b


def momentum_lr_times_momentum(self, p, g, state, group):
    b = state.get("velocity")
    state["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    step = g + group["momentum"] * b if group["nesterov"] else b
    p -= group["lr"] * group["momentum"] * step


for _rule, _pattern in (
    (momentum_on_self, SHARED),
    (momentum_in_group, SHARED),
    (momentum_nesterov_old_velocity, r"nesterov"),
    (momentum_scales_gradient, GRAD_CHANGED),
    (momentum_lr_times_momentum, r"step 1|times|ratio"),
):
    wrong("ex07_momentum", _pattern)(MOMENTUM(_rule))


def momentum_zeros_first(self, p, g, state, group):
    b = state.setdefault("velocity", np.zeros_like(p))
    b *= group["momentum"]
    b += g
    p -= group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


def momentum_get_default(self, p, g, state, group):
    state["b"] = state.get("b", 0.0) * group["momentum"] + g
    d = state["b"]
    if group["nesterov"]:
        d = g + group["momentum"] * d
    np.subtract(p, group["lr"] * d, out=p)


def momentum_slice_assign(self, p, g, state, group):
    if "velocity" in state:
        state["velocity"] = group["momentum"] * state["velocity"] + g
    else:
        state["velocity"] = np.array(g, copy=True)
    b = state["velocity"]
    p[...] = p - group["lr"] * (g + group["momentum"] * b if group["nesterov"] else b)


for _rule in (momentum_zeros_first, momentum_get_default, momentum_slice_assign):
    right("ex07_momentum")(MOMENTUM(_rule))


with warnings.catch_warnings():  # the old name warns when the class is made
    warnings.simplefilter("ignore", DeprecationWarning)

    class MomentumOldName(optim.Optimizer):
        """Written for the old extension point, ``_update`` (deprecated, still working)."""

        def __init__(self, params, lr=0.01, momentum=0.9, nesterov=False):
            super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})

        _update = momentum_zeros_first


right("ex07_momentum")(MomentumOldName)


# == ex08_rmsprop ================================================================================


def rmsprop_on_self(self, p, g, state, group):
    if not hasattr(self, "v"):
        self.v = np.zeros_like(p)
    self.v = group["alpha"] * self.v + (1 - group["alpha"]) * g**2
    p -= group["lr"] * g / (np.sqrt(self.v) + group["eps"])


def rmsprop_in_group(self, p, g, state, group):
    v = group.get("v", 0.0)
    group["v"] = v = group["alpha"] * v + (1 - group["alpha"]) * g**2
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


def rmsprop_forgets_to_store(self, p, g, state, group):
    v = state.get("v", np.zeros_like(p))
    v = group["alpha"] * v + (1 - group["alpha"]) * g**2  # never stored back
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


def rmsprop_squares_in_place(self, p, g, state, group):
    v = state.setdefault("v", np.zeros_like(p))
    g2 = g
    g2 *= g  # squares the caller's gradient
    v *= group["alpha"]
    v += (1 - group["alpha"]) * g2
    p -= group["lr"] * np.sqrt(g2) * np.sign(g2) / (np.sqrt(v) + group["eps"])


def rmsprop_swapped_alpha(self, p, g, state, group):
    v = state.get("v", np.zeros_like(p))
    state["v"] = v = (1 - group["alpha"]) * v + group["alpha"] * g**2
    p -= group["lr"] * g / (np.sqrt(v) + group["eps"])


for _rule, _pattern in (
    (rmsprop_on_self, SHARED),
    (rmsprop_in_group, SHARED),
    (rmsprop_forgets_to_store, r"step 2|state"),
    (rmsprop_squares_in_place, GRAD_CHANGED),
    (rmsprop_swapped_alpha, r"step 1|alpha"),
):
    wrong("ex08_rmsprop", _pattern)(RMSPROP(_rule))


def rmsprop_in_place(self, p, g, state, group):
    v = state.setdefault("square_avg", np.zeros_like(p))
    v *= group["alpha"]
    v += (1 - group["alpha"]) * g * g
    p -= group["lr"] * g / (v**0.5 + group["eps"])


def rmsprop_if_empty(self, p, g, state, group):
    if not state:
        state["v"] = np.zeros(p.shape)
    state["v"] = state["v"] + (1 - group["alpha"]) * (np.square(g) - state["v"])
    p -= np.divide(group["lr"] * g, np.sqrt(state["v"]) + group["eps"])


def rmsprop_copyto(self, p, g, state, group):
    v = group["alpha"] * state.get("v", 0) + (1 - group["alpha"]) * g**2
    state["v"] = v
    np.copyto(p, p - group["lr"] * g / (np.sqrt(v) + group["eps"]))


for _rule in (rmsprop_in_place, rmsprop_if_empty, rmsprop_copyto):
    right("ex08_rmsprop")(RMSPROP(_rule))


# == ex08_adam ===================================================================================


def adam_step_on_self(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    self.t = getattr(self, "t", 0) + 1  # counts parameters too, not steps
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**self.t), v / (1 - beta2**self.t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_moments_on_self(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    if not hasattr(self, "m"):
        self.m, self.v, self.t = 0.0, 0.0, 0
    self.t += 1
    self.m = beta1 * self.m + (1 - beta1) * g
    self.v = beta2 * self.v + (1 - beta2) * g**2
    m_hat, v_hat = self.m / (1 - beta1**self.t), self.v / (1 - beta2**self.t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_counts_from_zero(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    t = state.get("step", 0)
    state["step"] = t + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2**t)
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_forgets_m(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    m = beta1 * state.get("m", 0) + (1 - beta1) * g  # never stored back
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


def adam_scales_gradient(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    g *= 1 - beta1  # the caller's p.grad
    m = state["m"] = beta1 * state.get("m", 0) + g
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


for _rule, _pattern in (
    (adam_step_on_self, SHARED + r"|step count"),
    (adam_moments_on_self, SHARED),
    (adam_counts_from_zero, r"step 1|nan|inf"),
    (adam_forgets_m, r"step 2|state"),
    (adam_scales_gradient, GRAD_CHANGED),
):
    wrong("ex08_adam", _pattern)(ADAM(_rule))


def adam_in_place(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    if "m" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(p), np.zeros_like(p), 0
    state["t"] += 1
    state["m"] *= beta1
    state["m"] += (1 - beta1) * g
    state["v"] *= beta2
    state["v"] += (1 - beta2) * g * g
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    p -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


def adam_torch_style(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", np.zeros_like(p)) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", np.zeros_like(p)) + (1 - beta2) * g * g
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(v) / math.sqrt(bc2) + group["eps"]
    p -= (group["lr"] / bc1) * m / denom


def adam_power(self, p, g, state, group):
    b1, b2 = group["betas"]
    if not state:
        state.update(n=0, first=np.zeros(p.shape), second=np.zeros(p.shape))
    state["n"] += 1
    state["first"] = state["first"] + (1 - b1) * (g - state["first"])
    state["second"] = state["second"] + (1 - b2) * (np.power(g, 2) - state["second"])
    m_hat = state["first"] / (1 - np.power(b1, state["n"]))
    v_hat = state["second"] / (1 - np.power(b2, state["n"]))
    p[...] -= group["lr"] * m_hat / (np.sqrt(v_hat) + group["eps"])


for _rule in (adam_in_place, adam_torch_style, adam_power):
    right("ex08_adam")(ADAM(_rule))


# == ex08_adamw ==================================================================================


def _adam_direction(state, g, group):
    beta1, beta2 = group["betas"]
    state["step"] = t = state.get("step", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    return (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])


def adamw_rebinds(self, p, g, state, group):
    p = p * (1 - group["lr"] * group["weight_decay"])  # a new local array
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_constant_decay(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"]  # not proportional to p
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_shared_step(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    p *= 1 - group["lr"] * group["weight_decay"]
    self.t = getattr(self, "t", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**self.t)) / (np.sqrt(v / (1 - beta2**self.t)) + 1e-8)


def adamw_decays_gradient(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    g += group["weight_decay"] * p  # the caller's p.grad, changed
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * direction


def adamw_uncorrected_v(self, p, g, state, group):
    beta1, beta2 = group["betas"]
    p *= 1 - group["lr"] * group["weight_decay"]
    state["step"] = t = state.get("step", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g**2
    p -= group["lr"] * (m / (1 - beta1**t)) / (np.sqrt(v) + group["eps"])


for _rule, _pattern in (
    (adamw_rebinds, r"(did not|never|not) (move|change)|unchanged"),
    (adamw_constant_decay, r"step 1|decay"),
    (adamw_shared_step, SHARED + r"|step count"),
    (adamw_decays_gradient, GRAD_CHANGED),
    (adamw_uncorrected_v, r"step 1|times|ratio"),
):
    wrong("ex08_adamw", _pattern)(ADAMW(_rule))


def adamw_decay_last(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    p *= 1 - group["lr"] * group["weight_decay"]
    p -= group["lr"] * direction


def adamw_subtract_decay(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * _adam_direction(state, g, group)


def adamw_single_expression(self, p, g, state, group):
    direction = _adam_direction(state, g, group)
    p[...] = p * (1 - group["lr"] * group["weight_decay"]) - group["lr"] * direction


for _rule in (adamw_decay_last, adamw_subtract_decay, adamw_single_expression):
    right("ex08_adamw")(ADAMW(_rule))


# == ex09 schedules ==============================================================================

EPOCH = r"epoch \d+"
for _fn in (
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** (epoch // step_size + 1),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma * (epoch // step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** round(epoch / step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** max(0, (epoch - 1) // step_size),
    lambda base_lr, epoch, step_size, gamma: base_lr * gamma ** (epoch % step_size),
):
    wrong("ex09_step", EPOCH)(_fn)


def _step_loop(base_lr, epoch, step_size, gamma):
    lr = base_lr
    for e in range(1, epoch + 1):
        if e % step_size == 0:
            lr *= gamma
    return lr


right("ex09_step")(_step_loop)
right("ex09_step")(
    lambda base_lr, epoch, step_size, gamma: base_lr * math.pow(gamma, epoch // step_size)
)
right("ex09_step")(
    lambda base_lr, epoch, step_size, gamma: base_lr * np.power(gamma, np.floor(epoch / step_size))
)

for _fn in (
    lambda base_lr, epoch, gamma: base_lr * (1 - gamma) ** epoch,
    lambda base_lr, epoch, gamma: base_lr * gamma * epoch if epoch else base_lr,
    lambda base_lr, epoch, gamma: base_lr / gamma**epoch,
    lambda base_lr, epoch, gamma: base_lr * gamma ** max(epoch - 1, 0),
    lambda base_lr, epoch, gamma: base_lr * gamma ** (2 * epoch),
):
    wrong("ex09_exponential", EPOCH)(_fn)


def _exp_loop(base_lr, epoch, gamma):
    for _ in range(epoch):
        base_lr *= gamma
    return base_lr


right("ex09_exponential")(_exp_loop)
right("ex09_exponential")(lambda base_lr, epoch, gamma: base_lr * math.exp(epoch * math.log(gamma)))
right("ex09_exponential")(lambda base_lr, epoch, gamma: float(base_lr * np.power(gamma, epoch)))

for _fn in (
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(math.pi * e / (T - 1))) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(e / T)) / 2,
    lambda b, e, T, m=0.0: 2 * m + (b - m) * (1 + math.cos(math.pi * e / T)) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 - math.cos(math.pi * e / T)) / 2,
    lambda b, e, T, m=0.0: m + (b - m) * (1 + math.cos(math.pi * (e + 1) / T)) / 2,
):
    wrong("ex09_cosine", EPOCH)(_fn)

right("ex09_cosine")(lambda b, e, T, m=0.0: m + (b - m) * math.cos(math.pi * e / (2 * T)) ** 2)
right("ex09_cosine")(lambda b, e, T, m=0.0: float(m + 0.5 * (b - m) * (1 + np.cos(np.pi * e / T))))
right("ex09_cosine")(lambda b, e, T, m=0.0: b - (b - m) * (1 - math.cos(math.pi * e / T)) / 2)


def warmup_cosine_over_total(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, total)


def warmup_factor_not_scaled(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return start_factor + (base_lr - start_factor) * epoch / warmup
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def warmup_to_floor(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, total - warmup, start_factor * base_lr)


def warmup_one_late(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch <= warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / (warmup + 1))
    return cosine_lr(base_lr, epoch - warmup, total - warmup)


def warmup_cosine_unshifted_end(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup + 1, total - warmup + 1)


for _fn in (
    warmup_cosine_over_total,
    warmup_factor_not_scaled,
    warmup_to_floor,
    warmup_one_late,
    warmup_cosine_unshifted_end,
):
    wrong("ex09_warmup", EPOCH)(_fn)


@right("ex09_warmup")
def warmup_inclusive(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch <= warmup:
        return base_lr * (start_factor + (1 - start_factor) * epoch / warmup)
    return cosine_lr(base_lr, epoch - warmup, T_max=total - warmup)


@right("ex09_warmup")
def warmup_interpolated(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch < warmup:
        return float(np.interp(epoch, [0, warmup], [start_factor * base_lr, base_lr]))
    return base_lr * (1 + math.cos(math.pi * (epoch - warmup) / (total - warmup))) / 2


@right("ex09_warmup")
def warmup_own_cosine(base_lr, epoch, warmup, total, start_factor=0.1):
    if epoch >= warmup:
        return cosine_lr(base_lr, epoch - warmup, total - warmup, eta_min=0.0)
    return base_lr * start_factor + base_lr * (1 - start_factor) * epoch / warmup


# == ex10_clip ===================================================================================


def _present(params):
    return [p for p in params if p.grad is not None]


@wrong("ex10_clip", r"returned norm|norm")
def clip_l1(params, max_norm):
    total = float(sum(np.abs(np.asarray(p.grad)).sum() for p in _present(params)))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total
    return total


@wrong("ex10_clip", r"returned norm|norm")
def clip_largest(params, max_norm):
    total = max(float(np.sqrt((np.asarray(p.grad) ** 2).sum())) for p in _present(params))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total
    return total


@wrong("ex10_clip", r"gradients after|p\.grad|times|ratio")
def clip_inverted(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.grad *= total / max_norm
    return total


@wrong("ex10_clip", r"None|return")
def clip_without_return(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.grad *= max_norm / total


@wrong("ex10_clip", r"parameter|p\.data|data")
def clip_the_parameters(params, max_norm):
    total = float(np.sqrt(sum((np.asarray(p.grad) ** 2).sum() for p in _present(params))))
    if total > max_norm:
        for p in _present(params):
            p.data *= max_norm / total  # the parameters, not their gradients
    return total


@right("ex10_clip")
def clip_rebinding_grad(params, max_norm):
    params = _present(params)
    total = math.sqrt(sum(float((np.asarray(p.grad) ** 2).sum()) for p in params))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    for p in params:
        p.grad = p.grad * scale
    return total


@right("ex10_clip")
def clip_linalg(params, max_norm):
    grads = [np.asarray(p.grad) for p in _present(params)]
    total = float(np.linalg.norm([np.linalg.norm(g) for g in grads]))
    if total > max_norm:
        for g in grads:
            np.multiply(g, max_norm / total, out=g)
    return total


@right("ex10_clip")
def clip_concatenated(params, max_norm):
    grads = [np.asarray(p.grad) for p in params if p.grad is not None]
    total = float(np.sqrt(np.sum(np.concatenate([g.ravel() for g in grads]) ** 2)))
    factor = max_norm / total
    if factor < 1:
        for g in grads:
            g *= factor
    return total


# == ex10_norms ==================================================================================


def _linear_weights(model):
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear)]


@wrong("ex10_norms", r"is .* expected|times|ratio|squared")
def norms_squared(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float((np.asarray(w.grad) ** 2).sum()) for w in _linear_weights(model)]


@wrong("ex10_norms", LINE)
def norms_zeroed_too_early(model, x, y):
    F.mse_loss(model(x), y).backward()
    model.zero_grad()
    return [float(np.sqrt((np.asarray(w.grad) ** 2).sum())) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected")
def norms_max_entry(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.abs(np.asarray(w.grad)).max()) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected|times|ratio")
def norms_of_mean_abs_loss(model, x, y):
    model.zero_grad()
    (model(x) - y).abs().mean().backward()
    return [float(np.linalg.norm(np.asarray(w.grad))) for w in _linear_weights(model)]


@wrong("ex10_norms", r"is .* expected|times|ratio")
def norms_per_example(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [float(np.linalg.norm(np.asarray(w.grad))) / len(x) for w in _linear_weights(model)]


@right("ex10_norms")
def norms_two_dimensional(model, x, y):
    for p in model.parameters():
        p.grad = None
    ((model(x) - y) ** 2).mean().backward()
    return [float(np.linalg.norm(np.asarray(p.grad))) for p in model.parameters() if p.ndim == 2]


@right("ex10_norms")
def norms_named(model, x, y):
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return [
        math.sqrt(float((np.asarray(p.grad) ** 2).sum()))
        for name, p in model.named_parameters()
        if name.endswith("weight")
    ]


@right("ex10_norms")
def norms_then_cleared(model, x, y):
    loss = F.mse_loss(model(x), y)
    model.zero_grad()
    loss.backward()
    return np.array([np.sqrt(np.sum(np.asarray(w.grad) ** 2)) for w in _linear_weights(model)])


# == ex11_l2 =====================================================================================

for _fn in (
    lambda params, lam: lam / 2 * sum(p.sum() ** 2 for p in params),
    lambda params, lam: lam / 2 * sum((p * p).sum() for p in params[:-1]),
    lambda params, lam: lam / 2 * sum((p * p).sum() for p in params) / len(params),
    lambda params, lam: lam**2 / 2 * sum((p * p).sum() for p in params),
    lambda params, lam: lam / 2 * sum(p.abs().sum() ** 2 for p in params),
):
    wrong("ex11_l2", r"is .* expected|times|ratio|gradient")(_fn)


@right("ex11_l2")
def l2_loop(params, lam):
    total = 0.0
    for p in params:
        total = total + (p**2).sum()
    return total * (lam / 2)


right("ex11_l2")(lambda params, lam: sum(0.5 * lam * (p * p).sum() for p in params))
right("ex11_l2")(lambda params, lam: lam * sum((p * p / 2).sum() for p in params))

# == ex11_sgdw ===================================================================================


def _velocity(state, g, momentum):
    b = state.get("velocity")
    state["velocity"] = b = np.array(g) if b is None else momentum * b + g
    return b


def sgdw_on_self(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    self.b = g.copy() if not hasattr(self, "b") else group["momentum"] * self.b + g
    p -= group["lr"] * self.b


def sgdw_decay_in_velocity(self, p, g, state, group):
    b = _velocity(state, g, group["momentum"])
    b -= group["weight_decay"] * p  # stored in the velocity, so it carries over
    p -= group["lr"] * b


def sgdw_aliases_grad(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    if "velocity" not in state:
        state["velocity"] = g  # the caller's gradient array
    else:
        state["velocity"] *= group["momentum"]
        state["velocity"] += g
    p -= group["lr"] * state["velocity"]


def sgdw_pow_decay(self, p, g, state, group):
    p *= (1 - group["weight_decay"]) ** group["lr"]
    p -= group["lr"] * _velocity(state, g, group["momentum"])


def sgdw_in_group(self, p, g, state, group):
    p *= 1 - group["lr"] * group["weight_decay"]
    b = group.get("velocity")
    group["velocity"] = b = g.copy() if b is None else group["momentum"] * b + g
    p -= group["lr"] * b


for _rule, _pattern in (
    (sgdw_on_self, SHARED),
    (sgdw_decay_in_velocity, r"step 2|velocity|decay"),
    (sgdw_aliases_grad, GRAD_CHANGED),
    (sgdw_pow_decay, r"step 1|decay"),
    (sgdw_in_group, SHARED),
):
    wrong("ex11_sgdw", _pattern)(SGDW(_rule))


def sgdw_subtract(self, p, g, state, group):
    p -= group["lr"] * group["weight_decay"] * p
    p -= group["lr"] * _velocity(state, g, group["momentum"])


def sgdw_zeros_first(self, p, g, state, group):
    b = state.setdefault("b", np.zeros_like(p))
    b *= group["momentum"]
    b += g
    p *= 1 - group["lr"] * group["weight_decay"]
    p -= group["lr"] * b


def sgdw_one_line(self, p, g, state, group):
    b = _velocity(state, g, group["momentum"])
    p[...] = (1 - group["lr"] * group["weight_decay"]) * p - group["lr"] * b


for _rule in (sgdw_subtract, sgdw_zeros_first, sgdw_one_line):
    right("ex11_sgdw")(SGDW(_rule))


# == ex12_accumulate =============================================================================


@wrong("ex12_accumulate", r"micro|forward|call")
def accumulate_full_batch(model, opt, X, y, micro_batches):
    opt.zero_grad()
    F.mse_loss(model(X), y).backward()  # the micro-batches never used
    opt.step()


@wrong("ex12_accumulate", r"micro|forward|call|example|is .* expected")
def accumulate_drops_remainder(model, opt, X, y, micro_batches):
    n = len(X)
    k = n // micro_batches
    opt.zero_grad()
    for i in range(micro_batches):
        idx = np.arange(i * k, (i + 1) * k)
        (F.mse_loss(model(X[idx]), y[idx]) / micro_batches).backward()
    opt.step()


@wrong("ex12_accumulate", LINE)
def accumulate_np_split(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in np.split(np.arange(len(X)), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / len(X))).backward()
    opt.step()


@wrong("ex12_accumulate", r"micro|forward|call|step")
def accumulate_two_steps(model, opt, X, y, micro_batches):
    n = len(X)
    opt.zero_grad()
    for idx in np.array_split(np.arange(n), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * (len(idx) / n)).backward()
    opt.step()
    opt.step()  # once more "to be sure"


@wrong("ex12_accumulate", r"is .* expected|times|ratio|micro")
def accumulate_mean_of_sums(model, opt, X, y, micro_batches):
    opt.zero_grad()
    for idx in np.array_split(np.arange(len(X)), micro_batches):
        (((model(X[idx]) - y[idx]) ** 2).sum() / len(X)).backward()
    opt.step()


@right("ex12_accumulate")
def accumulate_zeroing_after(model, opt, X, y, micro_batches):
    n = len(X)
    opt.zero_grad()
    for idx in np.array_split(np.arange(n), micro_batches):
        (F.mse_loss(model(X[idx]), y[idx]) * len(idx) / n).backward()
    opt.step()
    opt.zero_grad()  # a common habit


@right("ex12_accumulate")
def accumulate_sum_reduction(model, opt, X, y, micro_batches):
    model.zero_grad()
    for idx in np.array_split(np.arange(len(X)), micro_batches):
        out = model(X[idx])
        (((out - y[idx]) ** 2).sum() / (len(X) * out.shape[1])).backward()
    opt.step()


@right("ex12_accumulate")
def accumulate_slices(model, opt, X, y, micro_batches):
    n = len(X)
    for p in model.parameters():
        p.grad = None
    bounds = np.linspace(0, n, micro_batches + 1)
    sizes = np.diff(np.array([len(part) for part in np.array_split(np.arange(n), micro_batches)]))
    del bounds, sizes
    start = 0
    for part in np.array_split(np.arange(n), micro_batches):
        stop = start + len(part)
        (F.mse_loss(model(X[start:stop]), y[start:stop]) * ((stop - start) / n)).backward()
        start = stop
    opt.step()


# Exercise 13 registers its own solutions from a module of its own.
import exercise_mutants_ex13  # noqa: E402, F401
