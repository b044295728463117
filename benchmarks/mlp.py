"""One training step of a Linear/ReLU MLP: this project vs. hand-written NumPy vs. PyTorch.

Three cases (float32, plain SGD, lr 0.01):

* tiny:  2-16-16-1,     batch 32,  ``F.mse_loss``
* small: 784-128-10,    batch 64,  ``F.cross_entropy``
* large: 784-512-512-10, batch 256, ``F.cross_entropy``

The project's step is written as a user writes it (``nn.Sequential(nn.Linear, nn.ReLU, ...)``,
``optim.SGD``, ``zero_grad`` / ``backward`` / ``step``); the NumPy step is the same network with
forward, backward and update written out by hand; PyTorch (only if installed) runs the same model
with ``torch.nn`` and ``torch.optim``. All three start from the same weights, are checked to agree
after a few steps, and are timed in the same process in interleaved rounds on one BLAS thread.
Peak memory (the high-water resident set, VmHWM) is measured in a fresh subprocess per case and
contender, so each figure includes only that contender's imports.

Run: ``python benchmarks/mlp.py`` (``--quick`` for fewer rounds, ``--cases tiny,small``).
The page-fault column is what would reveal an allocator returning big temporaries to the OS
every step (see README.md: it stays at 0 after the first step, so the library sets nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _harness  # noqa: E402  (pins BLAS threads before NumPy loads)
import numpy as np  # noqa: E402

LR = 0.01
CASES = {
    "tiny": ((2, 16, 16, 1), 32, "mse"),
    "small": ((784, 128, 10), 64, "ce"),
    "large": ((784, 512, 512, 10), 256, "ce"),
}
Step = Callable[[], object]  # one training step; returns the loss


def problem(case: str) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Initial weights [W1, b1, W2, b2, ...] (PyTorch's default ranges), inputs and targets."""
    sizes, batch, loss = CASES[case]
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    if loss == "mse":
        y = rng.standard_normal((batch, sizes[-1])).astype(np.float32)
    else:
        y = rng.integers(0, sizes[-1], batch).astype(np.int64)
    return params, x, y


# ----- the three contenders: each returns (step, current weights) ------------------------------
def numpy_step(case: str) -> tuple[Step, Callable[[], list]]:
    """The network by hand: forward, softmax/MSE gradient, chain rule, SGD update."""
    params, x, y = problem(case)
    loss_kind = CASES[case][2]
    layers = [(params[i], params[i + 1]) for i in range(0, len(params), 2)]
    rows = np.arange(x.shape[0])

    def step() -> np.floating:
        acts = [x]
        for i, (w, b) in enumerate(layers):
            z = acts[-1] @ w.T + b
            acts.append(np.maximum(z, 0) if i < len(layers) - 1 else z)
        out = acts.pop()
        # The loss value as well as its gradient: the other two contenders compute it (it is
        # what a training loop prints), so the hand-written step does the same work.
        if loss_kind == "mse":
            d = out - y
            loss = (d * d).mean()
            g = d * (2 / out.size)  # d mean((out - y)^2) / d out
        else:
            shifted = out - out.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            total = e.sum(axis=1, keepdims=True)
            loss = (np.log(total[:, 0]) - shifted[rows, y]).mean()
            g = e / total  # softmax - onehot, over the batch
            g[rows, y] -= 1
            g /= x.shape[0]
        for i in range(len(layers) - 1, -1, -1):
            w, b = layers[i]
            grad_w, grad_b = g.T @ acts[i], g.sum(axis=0)
            if i > 0:
                g = (g @ w) * (acts[i] > 0)
            w -= LR * grad_w
            b -= LR * grad_b
        return loss

    return step, lambda: params


# This project and PyTorch share the API these two use (nn.Linear, nn.ReLU, nn.Sequential,
# F.mse_loss, F.cross_entropy, optim.SGD), so one text builds and trains both models.
def mlp(nn_module: object, sizes: tuple[int, ...]) -> object:
    """``nn.Sequential(Linear, ReLU, ..., Linear)`` through ``sizes``, from either library."""
    layers: list = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn_module.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(nn_module.ReLU())
    return nn_module.Sequential(*layers)


def training_step(model: object, opt: object, loss_fn: Callable, x: object, y: object) -> Step:
    """The step as a user writes it: ``zero_grad``, forward and loss, ``backward``, ``step``."""

    def step() -> object:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def autograd_step(
    case: str, prepare: Callable[[object], None] | None = None
) -> tuple[Step, Callable[[], list]]:
    """The network as a user of this project writes it; ``prepare(model)``, if given, may alter
    the model before training (``overhead.py`` switches engine features off with it)."""
    import autograd
    import nn
    import nn.functional as F
    import optim

    sizes, _, loss_kind = CASES[case]
    params, x_np, y_np = problem(case)
    model = mlp(nn, sizes)
    for p, value in zip(model.parameters(), params):
        p.data[...] = value
    if prepare is not None:
        prepare(model)
    opt = optim.SGD(model.parameters(), lr=LR)
    x, y = autograd.Tensor(x_np), autograd.Tensor(y_np)
    loss_fn = F.mse_loss if loss_kind == "mse" else F.cross_entropy
    step = training_step(model, opt, loss_fn, x, y)
    return step, lambda: [p.data for p in model.parameters()]


def compiled_step(case: str) -> tuple[Step, Callable[[], list]]:
    """The same user-written step through ``autograd.compile`` (captured at its first calls,
    replayed as generated NumPy code after), with the batch passed as arguments, as a compiled
    step takes its data."""
    import autograd
    import nn
    import nn.functional as F
    import optim

    sizes, _, loss_kind = CASES[case]
    params, x_np, y_np = problem(case)
    model = mlp(nn, sizes)
    for p, value in zip(model.parameters(), params):
        p.data[...] = value
    opt = optim.SGD(model.parameters(), lr=LR)
    loss_fn = F.mse_loss if loss_kind == "mse" else F.cross_entropy

    @autograd.compile
    def train(x: object, y: object) -> object:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    x, y = autograd.Tensor(x_np), autograd.Tensor(y_np)
    return (lambda: train(x, y)), lambda: [p.data for p in model.parameters()]


def torch_step(case: str) -> tuple[Step, Callable[[], list]]:
    """The same network in PyTorch (eager, CPU, one thread)."""
    torch = _harness.torch_or_none()
    sizes, _, loss_kind = CASES[case]
    params, x_np, y_np = problem(case)
    model = mlp(torch.nn, sizes)
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(torch.from_numpy(value))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    F = torch.nn.functional
    loss_fn = F.mse_loss if loss_kind == "mse" else F.cross_entropy
    step = training_step(model, opt, loss_fn, x, y)
    return step, lambda: [p.detach().numpy() for p in model.parameters()]


BUILDERS = {
    "autograd": autograd_step,
    "compiled": compiled_step,
    "numpy": numpy_step,
    "torch": torch_step,
}


# ----- measurement -----------------------------------------------------------------------------
def check_agreement(case: str, builders: dict[str, Callable]) -> None:
    """Run 5 steps of each contender (name -> builder like ``BUILDERS``) from the same start;
    the losses and the weights must agree (float32)."""
    finals = {}
    for name, build in builders.items():
        step, weights = build(case)
        losses = [step().item() for _ in range(5)]
        finals[name] = [np.array(losses), *weights()]
    names = list(finals)
    for name in names[1:]:
        for a, b in zip(finals[names[0]], finals[name]):
            if not np.allclose(a, b, rtol=1e-4, atol=1e-5):
                raise SystemExit(f"{case}: {name} and {names[0]} disagree after 5 steps")


def main() -> None:
    parsed = _harness.command_line(sys.argv[1:], CASES, BUILDERS)
    if parsed is None:  # the child process that measures memory
        return
    quick, cases = parsed
    names = ["autograd", "compiled", "numpy"] + (["torch"] if _harness.torch_or_none() else [])
    print(_harness.machine())
    print("ms per training step (median of interleaved rounds), minor page faults per step,")
    print("peak RSS of a fresh process running the step (MiB) and its growth during 20 steps")
    for case in cases:
        check_agreement(case, {name: BUILDERS[name] for name in names})
        steps = {name: BUILDERS[name](case)[0] for name in names}
        rounds, target = (5, 0.05) if quick else (15, 0.15)
        res = _harness.compare(steps, rounds=rounds, target=target)
        mem = {name: _harness.peak_memory(__file__, case, name) for name in names}
        sizes, batch, _ = CASES[case]
        print(f"\n{case}: {'-'.join(map(str, sizes))}, batch {batch}")
        for name in names:
            r, m = res[name], mem[name]
            growth = "" if m["growth_kib"] is None else f"  +{m['growth_kib'] / 1024:.1f} MiB"
            print(
                f"  {name:<9}{r.seconds * 1e3:9.3f} ms{r.faults:9.1f} faults"
                f"{m['peak_kib'] / 1024:9.1f} MiB{growth}"
            )
        ours = res["autograd"].seconds
        ratios = ", ".join(f"{ours / res[n].seconds:.2f} x {n}" for n in names[1:])
        compiled = res["compiled"].seconds
        print(
            f"  compiled = {compiled / res['numpy'].seconds:.2f} x numpy, "
            f"{compiled / ours:.2f} x autograd eager"
        )
        mem_ratio = ""
        if "torch" in names:
            share = mem["autograd"]["peak_kib"] / mem["torch"]["peak_kib"]
            mem_ratio = f"; peak memory {share:.2f} x torch"
        print(f"  autograd = {ratios}{mem_ratio}", flush=True)


if __name__ == "__main__":
    main()
