"""Run one contender's training step many times, for counting instructions under valgrind.

Times move with whatever else the machine runs; instruction counts do not. Count two runs that
differ only in the number of steps and divide the difference by it::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/instructions.py tiny autograd 100
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/instructions.py tiny autograd 600
    # instructions per step = (second "Collected" - first) / 500

Arguments: the case of ``mlp.py`` (tiny, small, large), the contender (autograd or numpy), the
number of steps after 50 of warm-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _harness  # noqa: E402, F401  (pins BLAS threads before NumPy loads)
import mlp  # noqa: E402


def main() -> None:
    case, contender, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    build = {"autograd": mlp.autograd_step, "numpy": mlp.numpy_step}[contender]
    step, _ = build(case)
    for _ in range(50 + steps):
        step()


if __name__ == "__main__":
    main()
