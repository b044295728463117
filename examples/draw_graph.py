"""Draw the computation graph of L = (a*b + c) * f with every value and gradient on it.

The example of micrograd's introduction: four leaves, three ops. The forward runs inside
``autograd.trace()`` so the interior values e = a*b and d = e + c are kept; ``tr.backward(L)``
backpropagates (filling a.grad, b.grad, ...) and keeps each step, which the drawing numbers in
the order backward ran, with the local derivative on every edge.

    python examples/draw_graph.py                # writes docs/graph.svg
    python examples/draw_graph.py --out g.png    # any format the renderer knows
    python examples/draw_graph.py --steps b.html # also the backward pass to step through
"""

from __future__ import annotations

import argparse
from pathlib import Path

import autograd

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "graph.svg"


def main(out: Path = DEFAULT_OUT, steps: Path | None = None) -> Path:
    """Build, trace and draw L = (a*b + c) * f; write the picture to ``out``; check it.

    With ``steps``, also write the interactive step-through of the backward pass there (an
    HTML page: open it in a browser, then Next / Prev or the arrow keys).
    """
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(-3.0, requires_grad=True, name="b")
    c = autograd.Tensor(10.0, requires_grad=True, name="c")
    f = autograd.Tensor(-2.0, requires_grad=True, name="f")
    with autograd.trace() as tr:
        e = a * b
        e.name = "e"
        d = e + c
        d.name = "d"
        L = d * f
        L.name = "L"
    tr.backward(L)
    print(tr)  # the backward steps as a table
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    autograd.draw_graph(L, steps=tr).render(out)
    print(f"wrote {out}")
    if steps is not None:
        tr.step_through().save(steps)
        print(f"wrote {steps}")

    # The chain rule by hand: dL/dd = f = -2, dL/df = d = 4, dL/dc = dL/dd = -2,
    # dL/da = dL/dd * b = 6, dL/db = dL/dd * a = -4.
    grads = {t.name: t.grad.item() for t in (a, b, c, f)}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}, grads
    assert out.exists() and (out.suffix != ".svg" or "<svg" in out.read_text("utf-8")), out
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="picture to write")
    parser.add_argument("--steps", type=Path, help="also write the step-through page (HTML)")
    arguments = parser.parse_args()
    main(arguments.out, arguments.steps)
