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

from typing import Any

from .protocol import State, track
from .warning import CompileWarning


def compile(fn: Any = None, *, cache_size: int = 4) -> Any:  # noqa: A001 - the public name
    """Capture ``fn`` (a training step: forward, ``backward()``, ``opt.step()``) at its first
    call and replay the captured NumPy program at later calls whose guards hold.

    Usable as ``@autograd.compile`` or ``autograd.compile(fn, cache_size=4)``; returns a
    ``Compiled`` callable with ``.source`` (the program as Python), ``.programs``, ``.reset()``
    and a ``repr`` listing guards and cache. Its result is always what eager ``fn`` returns
    (replayed Tensors carry no graph); a step that cannot be replayed runs eagerly, with a
    ``CompileWarning`` naming the line. See docs/guides/compile.md.
    """
    from .cache import Compiled  # (imported at first use: `import autograd` stays fast)

    if fn is None:
        return lambda f: Compiled(f, cache_size=cache_size)
    return Compiled(fn, cache_size=cache_size)


def __getattr__(name: str) -> Any:
    if name == "Compiled":
        from .cache import Compiled

        return Compiled
    raise AttributeError(f"module 'autograd.compile' has no attribute {name!r}")


# ``autograd.compile`` is the function; its companions are reachable from it too
# (``autograd.compile.State``, ``autograd.compile.CompileWarning``).
compile.State = State  # type: ignore[attr-defined]
compile.CompileWarning = CompileWarning  # type: ignore[attr-defined]
compile.track = track  # type: ignore[attr-defined]

__all__ = ["CompileWarning", "State", "compile", "track"]
