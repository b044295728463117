"""What the engine's features cost on the tiny MLP step, and how low a Python engine can go.

The tiny case of ``mlp.py`` (2-16-16-1, batch 32, MSE, SGD) spends most of its time in Python,
not in NumPy, so it shows the price of each thing the engine does besides arithmetic. Contenders,
all timed in the same process in interleaved rounds like ``mlp.py``:

* ``numpy``: the hand-written step of ``mlp.py`` (the baseline of every ratio);
* ``shipped``: the project as it is;
* ``-scopes``: the same, with module calls running ``forward`` directly, so recorded ops are
  not stamped with their module (``draw_graph(group_modules=...)`` could no longer group);
* ``-checks``: also without ``F.linear``'s shape and dtype checks (``Linear`` calls the op);
* ``-relu chain``: also ``ReLU`` calling the op directly (not ``F.relu`` -> ``Tensor.relu``);
* ``floor``: a minimal engine written for this measurement only, one node per op and backward
  in reverse creation order like the real one, but nothing else: no checks, no scopes, no
  hooks, no dtype or broadcasting rules, no graph drawing, no second derivatives.

The switched-off variants change only their own model (see ``switch_off``); all six are checked
to agree after five steps. Run: ``python benchmarks/overhead.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _harness  # noqa: E402  (pins BLAS threads before NumPy loads)
import mlp  # noqa: E402
import numpy as np  # noqa: E402

from autograd.ops.piecewise import Relu  # noqa: E402
from nn.functional.linear import LinearFunction  # noqa: E402

CASE = "tiny"


# ----- the floor: a minimal engine ------------------------------------------------------------
class FloorTensor:
    """An array, its gradient, and the node that made it (None for a leaf)."""

    __slots__ = ("data", "grad", "node", "trainable")

    def __init__(
        self, data: np.ndarray, node: FloorNode | None = None, trainable: bool = False
    ) -> None:
        self.data, self.grad, self.node, self.trainable = data, None, node, trainable


class FloorNode:
    """One recorded op: its backward rule, input tensors, saved arrays and creation number."""

    __slots__ = ("backward", "inputs", "saved", "seq")
    count = 0

    def __init__(self, backward: Callable, inputs: tuple, saved: tuple) -> None:
        FloorNode.count += 1
        self.backward, self.inputs, self.saved, self.seq = backward, inputs, saved, self.count


def _record(backward: Callable, inputs: tuple, saved: tuple, out: np.ndarray) -> FloorTensor:
    return FloorTensor(out, FloorNode(backward, inputs, saved), True)


def _linear_backward(saved: tuple, g: np.ndarray) -> tuple:
    x, w = saved  # y = x W^T + b
    return np.dot(g, w), np.dot(g.T, x), g.sum(axis=0)


def _relu_backward(saved: tuple, g: np.ndarray) -> tuple:
    return (g * saved[0],)


def _mse_backward(saved: tuple, g: np.ndarray) -> tuple:
    (d,) = saved  # L = mean(d^2), d = out - y
    return d * (2 * g / d.size), None


def floor_backward(root: FloorTensor) -> None:
    """Visit nodes in decreasing creation number; leaves receive their summed gradients."""
    pending = {root.node: np.ones((), root.data.dtype)}
    while pending:
        node = max(pending, key=lambda n: n.seq)
        grads_in = node.backward(node.saved, pending.pop(node))
        for tensor, grad in zip(node.inputs, grads_in):
            if grad is None or not tensor.trainable:
                continue
            if tensor.node is None:
                tensor.grad = grad if tensor.grad is None else tensor.grad + grad
            else:
                previous = pending.get(tensor.node)
                pending[tensor.node] = grad if previous is None else previous + grad


def floor_step(case: str) -> tuple[Callable[[], object], Callable[[], list]]:
    """The tiny network on the minimal engine, with SGD written out."""
    params, x_np, y_np = mlp.problem(case)
    weights = [FloorTensor(p, trainable=True) for p in params]
    x, y = FloorTensor(x_np), FloorTensor(y_np)
    layers = [(weights[i], weights[i + 1]) for i in range(0, len(weights), 2)]

    def linear(h: FloorTensor, w: FloorTensor, b: FloorTensor) -> FloorTensor:
        out = np.dot(h.data, w.data.T)
        out += b.data
        return _record(_linear_backward, (h, w, b), (h.data, w.data), out)

    def relu(h: FloorTensor) -> FloorTensor:
        return _record(_relu_backward, (h,), (h.data > 0,), np.maximum(h.data, 0))

    def step() -> np.ndarray:
        for w in weights:
            w.grad = None
        h = x
        for i, (w, b) in enumerate(layers):
            h = linear(h, w, b)
            if i < len(layers) - 1:
                h = relu(h)
        d = h.data - y.data
        loss = _record(_mse_backward, (h, y), (d,), np.asarray((d * d).mean()))
        floor_backward(loss)
        for w in weights:
            w.data -= mlp.LR * w.grad
        return loss.data

    return step, lambda: params


# ----- the shipped engine with features switched off -----------------------------------------
# A switch gives one model's modules subclasses that override a method, so the shipped model in
# the same process keeps the real code.
def _plain_call(self: object, *args: object, **kwargs: object) -> object:
    return self.forward(*args, **kwargs)  # no scope frame stamped on the recorded ops


def _linear_unchecked(self: object, x: object) -> object:
    return LinearFunction.apply(x, self.weight, self.bias)


def _relu_direct(self: object, x: object) -> object:
    return Relu.apply(x)


def switch_off(model: object, features: list[str]) -> None:
    """Give ``model``'s modules subclasses without ``features`` ("scopes", "checks",
    "relu chain"); other models keep the shipped code."""
    for module in model.modules():
        cls, overrides = type(module), {}
        if "scopes" in features:
            overrides["__call__"] = _plain_call
        if "checks" in features and cls.__name__ == "Linear":
            overrides["forward"] = _linear_unchecked
        if "relu chain" in features and cls.__name__ == "ReLU":
            overrides["forward"] = _relu_direct
        module.__class__ = type(cls.__name__, (cls,), overrides)


def switched_off(features: list[str]) -> Callable[[str], tuple]:
    """A builder like ``mlp.autograd_step`` whose model runs without ``features``."""
    return lambda case: mlp.autograd_step(case, lambda model: switch_off(model, features))


VARIANTS = {
    "numpy": mlp.numpy_step,
    "shipped": mlp.autograd_step,
    "-scopes": switched_off(["scopes"]),
    "-checks": switched_off(["scopes", "checks"]),
    "-relu chain": switched_off(["scopes", "checks", "relu chain"]),
    "floor": floor_step,
}


def main() -> None:
    print(_harness.machine())
    mlp.check_agreement(CASE, VARIANTS)
    steps = {name: build(CASE)[0] for name, build in VARIANTS.items()}
    res = _harness.compare(steps, rounds=15, target=0.15)
    base = res["numpy"].seconds
    print(f"\n{CASE}: ms per training step (median of interleaved rounds), ratio to numpy")
    for name, r in res.items():
        print(f"  {name:<12}{r.seconds * 1e3:8.4f} ms  {r.seconds / base:5.2f} x numpy")


if __name__ == "__main__":
    main()
