"""``autograd.compile``: capture a training step once, replay it as straight-line NumPy code.

    @autograd.compile
    def train_step(x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for x, y in batches:
        loss = train_step(x, y)      # 1st call: eager + capture; then replays
    print(train_step.source)          # the captured program, as Python over NumPy
    print(train_step)                 # its guards and cache

What it does is what a JIT does (JAX's ``jit``, tinygrad's ``TinyJit``, ``torch.compile``):
``capture`` runs the step once for real on stand-in arrays that write down every NumPy call
(forward formulas, backward formulas and the optimizer's update rule: the library's own code,
not a second implementation); ``program`` turns that into one Python function with guards in
front; ``cache`` keeps a few programs and decides, call by call, to replay, capture again or
run eagerly. It is never wrong, only sometimes not faster (see docs/guides/compile.md).
"""

from __future__ import annotations

from .cache import Compiled, CompileWarning, compile
from .protocol import State, track

__all__ = ["CompileWarning", "Compiled", "State", "compile", "track"]

# ``autograd.compile`` is the function; its companions are reachable from it too
# (``autograd.compile.State``, ``autograd.compile.CompileWarning``).
compile.State = State  # type: ignore[attr-defined]
compile.CompileWarning = CompileWarning  # type: ignore[attr-defined]
compile.Compiled = Compiled  # type: ignore[attr-defined]
compile.track = track  # type: ignore[attr-defined]
