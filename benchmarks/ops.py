"""Per-op cost of the engine against raw NumPy doing the same arithmetic.

For each small op (float32, 32 x 16 unless stated) it times, in the same process and in
interleaved rounds, on one BLAS thread:

* forward: the recorded op (graph node built) vs. the NumPy expression;
* forward + backward: ``op(x).backward(g)`` (the leaf's ``.grad`` reset to None each time, as
  ``zero_grad()`` does) vs. the NumPy forward plus the gradient written out by hand;
* PyTorch's forward + backward, when it is installed.

The last row is a chain of 1,000 ops (``h = tanh(h * w + b)`` 333 times, then a sum) whose
ratio shows what the engine costs per op once a graph is long.

Run: ``python benchmarks/ops.py`` (``--quick`` for fewer rounds).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _harness  # noqa: E402  (pins BLAS threads before NumPy loads)
import numpy as np  # noqa: E402

import autograd  # noqa: E402

ROWS, COLS = 32, 16
CHAIN_STEPS = 333  # three ops each, plus the final sum: 1,000 ops

rng = np.random.default_rng(0)
X = rng.standard_normal((ROWS, COLS)).astype(np.float32)
Y = rng.standard_normal((ROWS, COLS)).astype(np.float32)
G = rng.standard_normal((ROWS, COLS)).astype(np.float32)
G_ROW = rng.standard_normal(ROWS).astype(np.float32)
B = rng.standard_normal(COLS).astype(np.float32)
W = (rng.standard_normal((COLS, COLS)) / 4).astype(np.float32)
CHAIN_W = (0.5 + rng.random(COLS)).astype(np.float32)


def leaf(array: np.ndarray) -> autograd.Tensor:
    return autograd.Tensor(array.copy(), requires_grad=True)


def timed_pair(forward: Callable, grad: object, *leaves: object) -> tuple:
    """Forward-only and forward+backward callables for ``forward(*leaves)``.

    The leaves are this project's Tensors or PyTorch's; each backward starts from ``.grad = None``.
    """

    def fwd() -> None:
        forward(*leaves)

    def fwd_bwd() -> None:
        for t in leaves:
            t.grad = None
        forward(*leaves).backward(grad)

    return fwd, fwd_bwd


# ----- hand-written NumPy: the forward and the gradient a person would write ------------------
def np_tanh() -> tuple:
    y = np.tanh(X)
    return y, G * (1 - y * y)


def np_exp() -> tuple:
    y = np.exp(X)
    return y, G * y


def np_relu() -> tuple:
    y = np.maximum(X, 0)
    return y, G * (X > 0)


def np_sigmoid() -> tuple:
    y = 1 / (1 + np.exp(-X))
    return y, G * y * (1 - y)


def np_mul() -> tuple:
    return X * Y, G * Y, G * X


def np_add_bias() -> tuple:
    return X + B, G, G.sum(axis=0)


def np_square_sum() -> tuple:
    s = (X * X).sum()
    g = np.ones_like(X)
    return s, g * X + g * X


def np_sum_axis() -> tuple:
    return X.sum(axis=1), np.broadcast_to(G_ROW[:, None], X.shape)


def np_mean() -> tuple:
    return X.mean(), np.full(X.shape, 1 / X.size, dtype=X.dtype)


def np_max_axis() -> tuple:
    m = X.max(axis=1, keepdims=True)
    hit = m == X
    return m[:, 0], G_ROW[:, None] * hit / hit.sum(axis=1, keepdims=True)


def np_logsumexp() -> tuple:
    m = X.max(axis=1, keepdims=True)
    out = np.log(np.exp(X - m).sum(axis=1, keepdims=True)) + m
    return out[:, 0], G_ROW[:, None] * np.exp(X - out)


def np_matmul() -> tuple:
    return X @ W, G @ W.T, X.T @ G


def np_slice() -> tuple:
    gx = np.zeros_like(X)
    gx[:, : COLS // 2] = G[:, : COLS // 2]
    return X[:, : COLS // 2], gx


def np_chain_forward() -> np.ndarray:
    h = X
    for _ in range(CHAIN_STEPS):
        h = np.tanh(h * CHAIN_W + B)
    return h.sum()


def np_chain() -> tuple:
    hs, ys = [X], []
    for _ in range(CHAIN_STEPS):
        ys.append(np.tanh(hs[-1] * CHAIN_W + B))
        hs.append(ys[-1])
    g = np.ones_like(X)
    gw = np.zeros_like(CHAIN_W)
    gb = np.zeros_like(B)
    for k in range(CHAIN_STEPS - 1, -1, -1):
        g = g * (1 - ys[k] * ys[k])  # through tanh
        gb += g.sum(axis=0)  # through + b
        gw += (g * hs[k]).sum(axis=0)  # through * w
        g = g * CHAIN_W
    return gw, gb, g


def engine_chain(x: autograd.Tensor, w: autograd.Tensor, b: autograd.Tensor) -> autograd.Tensor:
    h = x
    for _ in range(CHAIN_STEPS):
        h = (h * w + b).tanh()
    return h.sum()


# ----- the table ------------------------------------------------------------------------------
CASES: list[tuple[str, Callable, tuple, np.ndarray | None, Callable, Callable]] = [
    ("x.tanh()", lambda x: x.tanh(), (X,), G, lambda: np.tanh(X), np_tanh),
    ("x.exp()", lambda x: x.exp(), (X,), G, lambda: np.exp(X), np_exp),
    ("x.relu()", lambda x: x.relu(), (X,), G, lambda: np.maximum(X, 0), np_relu),
    ("x.sigmoid()", lambda x: x.sigmoid(), (X,), G, lambda: 1 / (1 + np.exp(-X)), np_sigmoid),
    ("x * y", lambda x, y: x * y, (X, Y), G, lambda: X * Y, np_mul),
    ("x + b  (b: 16, broadcast)", lambda x, b: x + b, (X, B), G, lambda: X + B, np_add_bias),
    ("(x * x).sum()", lambda x: (x * x).sum(), (X,), None, lambda: (X * X).sum(), np_square_sum),
    ("x.sum(axis=1)", lambda x: x.sum(axis=1), (X,), G_ROW, lambda: X.sum(axis=1), np_sum_axis),
    ("x.mean()", lambda x: x.mean(), (X,), None, lambda: X.mean(), np_mean),
    ("x.max(axis=1)", lambda x: x.max(axis=1), (X,), G_ROW, lambda: X.max(axis=1), np_max_axis),
    (
        "x.logsumexp(axis=1)",
        lambda x: x.logsumexp(axis=1),
        (X,),
        G_ROW,
        lambda: np_logsumexp()[0],
        np_logsumexp,
    ),
    ("x @ w  (w: 16 x 16)", lambda x, w: x @ w, (X, W), G, lambda: X @ W, np_matmul),
    ("x[:, :8]", lambda x: x[:, : COLS // 2], (X,), G[:, : COLS // 2], lambda: X[:, :8], np_slice),
    ("chain of 1,000 ops", engine_chain, (X, CHAIN_W, B), None, np_chain_forward, np_chain),
]


# The cases whose PyTorch spelling differs (``dim=``, ``amax``); every other forward above is
# also valid PyTorch and is used as it is.
TORCH_SPELLING: dict[str, Callable] = {
    "x.sum(axis=1)": lambda x: x.sum(dim=1),
    "x.max(axis=1)": lambda x: x.amax(dim=1),
    "x.logsumexp(axis=1)": lambda x: x.logsumexp(dim=1),
}


def torch_case(
    torch: object, name: str, forward: Callable, arrays: tuple, grad: np.ndarray | None
) -> Callable:
    """PyTorch's forward + backward for the same case (used only when torch is installed)."""
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    g = None if grad is None else torch.tensor(grad)
    return timed_pair(TORCH_SPELLING.get(name, forward), g, *leaves)[1]


def main() -> None:
    quick = "--quick" in sys.argv
    rounds, target = (5, 0.01) if quick else (11, 0.03)
    torch = _harness.torch_or_none()
    print(_harness.machine())
    print(f"autograd vs NumPy (and PyTorch {torch.__version__ if torch else 'not installed'})")
    print("times in microseconds per call, median of interleaved rounds; ratio = autograd/NumPy")
    header = f"{'op':<27}{'fwd':>8}{'NumPy':>8}{'ratio':>7} |{'fwd+bwd':>9}{'NumPy':>8}{'ratio':>7}"
    print(header + (f" |{'torch':>8}{'ours/torch':>11}" if torch else ""))
    for name, forward, arrays, grad, np_fwd, np_fwd_bwd in CASES:
        fwd, fwd_bwd = timed_pair(forward, grad, *[leaf(a) for a in arrays])
        contenders = {"fwd": fwd, "np_fwd": np_fwd, "fwd_bwd": fwd_bwd, "np_fwd_bwd": np_fwd_bwd}
        if torch:
            contenders["torch"] = torch_case(torch, name, forward, arrays, grad)
        res = _harness.compare(contenders, rounds=rounds, target=target)
        us = {key: r.seconds * 1e6 for key, r in res.items()}
        line = (
            f"{name:<27}{us['fwd']:8.2f}{us['np_fwd']:8.2f}{us['fwd'] / us['np_fwd']:7.2f} |"
            f"{us['fwd_bwd']:9.2f}{us['np_fwd_bwd']:8.2f}{us['fwd_bwd'] / us['np_fwd_bwd']:7.2f}"
        )
        if torch:
            line += f" |{us['torch']:8.2f}{us['fwd_bwd'] / us['torch']:11.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
