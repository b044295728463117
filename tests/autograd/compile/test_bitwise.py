"""A compiled step gives the same bits as eager, step after step: optimizers with in-place
state, step-dependent scalars (Adam's bias correction), schedulers, dropout masks drawn from
the library generator, a CNN and a tiny GPT."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim

from .helpers import data, eager_and_compiled, mlp, training_step

OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.05),
    "sgd_momentum_nesterov": lambda p: optim.SGD(
        p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3
    ),
    "adam": lambda p: optim.Adam(p, lr=0.01),
    "adamw": lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "rmsprop_scheduled": lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_fifty_steps_bitwise_equal(name: str) -> None:
    x, y = data()
    schedulers = []

    def make():
        model = mlp()
        opt = OPTIMIZERS[name](model.parameters())
        schedulers[:] = [optim.lr_scheduler.StepLR(opt, 7, 0.5)] if "scheduled" in name else []
        return training_step(model, opt), lambda: [p.data for p in model.parameters()]

    def between(step):
        for scheduler in schedulers:
            scheduler.step()  # lr changes between calls: an input of the program, not a constant

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager allowed here
        eager, compiled, step = eager_and_compiled(make, 50, lambda i: (x, y), between)
    assert compiled == eager
    assert step.replays >= 47  # captures only at the first calls (state being created)


def test_dropout_masks_bitwise_equal_with_the_same_seed() -> None:
    x, y = data()

    def make():
        model = mlp(dropout=0.3)
        opt = optim.Adam(model.parameters(), lr=0.01)
        return training_step(model, opt), lambda: [p.data for p in model.parameters()]

    eager, compiled, step = eager_and_compiled(make, 50, lambda i: (x, y))
    assert compiled == eager
    assert step.replays >= 47
    assert "_rng.random" in step.source  # a fresh mask every call, from the library generator


def test_cnn_bitwise_equal() -> None:
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((4, 1, 8, 8)).astype(np.float32))
    y = rng.integers(0, 3, 4)

    def make():
        autograd.manual_seed(0)
        model = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64, 3),
        )  # fmt: skip
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return training_step(model, opt, F.cross_entropy), lambda: [
            p.data for p in model.parameters()
        ]

    eager, compiled, step = eager_and_compiled(make, 10, lambda i: (x, y))
    assert step.eager_reason is None
    assert compiled == eager
    assert step.replays >= 7


class TinyGPT(nn.Module):
    """Notebook 10's model, smaller: token and position embeddings, a pre-norm transformer
    layer with causal attention and dropout, a head."""

    def __init__(self, vocab: int = 11, block: int = 8, width: int = 16) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Embedding(block, width)
        layer = nn.TransformerEncoderLayer(
            width, 2, 2 * width, dropout=0.1, activation="gelu", batch_first=True,
            norm_first=True,
        )  # fmt: skip
        self.blocks = nn.TransformerEncoder(layer, 1)
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        self.causal = np.triu(np.ones((block, block), dtype=bool), k=1)

    def forward(self, idx):
        h = self.tok(idx) + self.pos(np.arange(idx.shape[1]))
        return self.head(self.ln(self.blocks(h, mask=self.causal, is_causal=True)))


def test_tiny_gpt_fifty_steps_bitwise_equal() -> None:
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 11, (4, 8))
    targets = rng.integers(0, 11, (4, 8)).reshape(-1)
    targets[::5] = -100  # ignored positions, as padding in notebook 10

    def make():
        autograd.manual_seed(0)
        model = TinyGPT()
        opt = optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)

        def step(idx, targets):
            opt.zero_grad()
            loss = F.cross_entropy(model(idx).reshape(-1, 11), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            return loss

        return step, lambda: [p.data for p in model.parameters()]

    eager, compiled, step = eager_and_compiled(make, 50, lambda i: (idx, targets))
    assert step.eager_reason is None
    assert compiled == eager
    assert step.replays >= 47
