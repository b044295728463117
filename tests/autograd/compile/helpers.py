"""Small models and steps shared by the compile tests: each test builds two identical runs,
one eager and one through ``autograd.compile``, and compares them bit for bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
import nn
import nn.functional as F


def mlp(dropout: float = 0.0) -> Any:
    """The tiny MLP (2-16-16-1), seeded, optionally with dropout after each hidden layer."""
    autograd.manual_seed(0)
    layers: list[Any] = [nn.Linear(2, 16), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(16, 16), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(16, 1))
    return nn.Sequential(*layers)


def data(batch: int = 32, dtype: Any = np.float32) -> tuple[Any, Any]:
    rng = np.random.default_rng(1)
    x = autograd.tensor(rng.standard_normal((batch, 2)).astype(dtype))
    y = autograd.tensor(rng.standard_normal((batch, 1)).astype(dtype))
    return x, y


def training_step(model: Any, opt: Any, loss_fn: Callable = F.mse_loss) -> Callable:
    """The step as a user writes it."""

    def step(x: Any, y: Any) -> Any:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def bits(values: list[Any]) -> list[bytes]:
    """Exact bit patterns, so that -0.0 and 0.0 (or two NaNs) are told apart."""
    return [np.asarray(v).tobytes() for v in values]


def eager_and_compiled(
    make: Callable[[], tuple[Callable, Callable[[], list]]],
    steps: int,
    args: Callable[[int], tuple] = lambda i: (),
    between: Callable[[Any], None] | None = None,
) -> tuple[list[bytes], list[bytes], Any]:
    """``make()`` returns (step, state) from a fixed seed; the step runs ``steps`` times
    eagerly, then (from a fresh ``make()``) through ``autograd.compile``. Returns both records
    (every loss, then every array of ``state()`` at the end) and the compiled step."""
    records, compiled = [], None
    for use_compile in (False, True):
        step, state = make()
        if use_compile:
            step = compiled = autograd.compile(step)
        losses = []
        for i in range(steps):
            out = step(*args(i))
            losses.append(out.item() if hasattr(out, "item") else out)
            if between is not None:
                between(step)
        records.append(bits(losses) + bits(state()))
    return records[0], records[1], compiled
