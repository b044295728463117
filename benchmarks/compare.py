"""Time this checkout's MLP step against another checkout's, in one process, interleaved.

On a shared machine, two runs minutes apart can differ by more than a change being measured.
Here both versions of the library are imported into the same process (the other checkout's
packages first, then this one's, under the same names: each step keeps the modules it was built
with), and their steps run in alternating rounds together with the hand-written NumPy step, so
a slow minute slows all three. Printed: each library's median time ratio to NumPy and the
median (and quartiles) of the per-round ratio this / other.

Case ``exp`` is one small elementwise op instead of a step: ``x.exp().backward(g)`` on a 32 x 16
float32 leaf (``x.grad = None`` between calls), against ``g * np.exp(a)`` by hand.

Run: ``python benchmarks/compare.py /path/to/other/checkout [tiny|small|large|exp] [rounds]``,
e.g. with the other checkout made by ``git worktree add /tmp/before <commit>``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGES = ("autograd", "nn", "optim", "mlp", "_harness")


def load_step(root: Path, case: str) -> tuple:
    """Import ``mlp`` (and the library under it) from checkout ``root``; return its autograd
    and NumPy steps for ``case``."""
    for name in [m for m in sys.modules if m.split(".")[0] in PACKAGES]:
        del sys.modules[name]
    sys.path[:0] = [str(root / "benchmarks"), str(root)]
    try:
        if case == "exp":
            return exp_steps()
        import mlp  # noqa: PLC0415  (a fresh import from ``root`` each time)

        return mlp.autograd_step(case)[0], mlp.numpy_step(case)[0]
    finally:
        del sys.path[:2]


def exp_steps() -> tuple:
    """One elementwise op, forward and backward, with the ``autograd`` on ``sys.path``; and the
    same arithmetic by hand (dL/dx = g * e^x)."""
    import numpy as np  # noqa: PLC0415

    import autograd  # noqa: PLC0415  (from the checkout load_step put first on the path)

    a = np.random.default_rng(0).standard_normal((32, 16)).astype(np.float32)
    g = np.ones_like(a)
    x = autograd.Tensor(a, requires_grad=True)

    def op() -> None:
        x.grad = None
        x.exp().backward(g)

    def by_hand() -> np.ndarray:
        return g * np.exp(a)

    return op, by_hand


def main() -> None:
    other = Path(sys.argv[1]).resolve()
    case = sys.argv[2] if len(sys.argv) > 2 else "tiny"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    other_step, _ = load_step(other, case)
    this_step, numpy_step = load_step(HERE.parent, case)
    steps = {"other": other_step, "this": this_step, "numpy": numpy_step}
    # Calls per round: tens of milliseconds each.
    calls = {"tiny": 200, "small": 40, "large": 5, "exp": 2000}[case]
    for step in steps.values():
        for _ in range(max(calls, 50)):
            step()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in steps}
    for r in range(rounds):
        order = list(steps.items())
        for name, step in order if r % 2 else reversed(order):
            start = time.thread_time()
            for _ in range(calls):
                step()
            times[name].append((time.thread_time() - start) / calls)
    ratio = [a / b for a, b in zip(times["this"], times["other"])]
    q1, _, q3 = statistics.quantiles(ratio, n=4)
    numpy = statistics.median(times["numpy"])
    print(
        f"{case}: other / NumPy {statistics.median(times['other']) / numpy:.3f}, "
        f"this / NumPy {statistics.median(times['this']) / numpy:.3f}, "
        f"this / other {statistics.median(ratio):.3f} (quartiles {q1:.3f}-{q3:.3f}); "
        f"medians: other {statistics.median(times['other']) * 1e6:.1f} us, "
        f"this {statistics.median(times['this']) * 1e6:.1f} us"
    )


if __name__ == "__main__":
    main()
