"""One training step of notebook 10's tiny GPT: this project vs. the same model in PyTorch eager.

The model (float32): token and position embeddings (27 characters, 14 positions, width 64), two
pre-norm ``TransformerEncoderLayer``s (4 heads, feed-forward 256, causal mask), a final
LayerNorm and a linear read-out. One step is what the notebook does per micro-batch and per
update: forward on a batch of 64 padded names, cross-entropy with ``ignore_index`` padding,
``zero_grad`` / ``backward``, ``clip_grad_norm_(1.0)`` and an AdamW update.

Two cases differ only in the feed-forward activation: ``gelu`` (exact, the notebook's) and
``relu``. Both contenders start from the same state_dict (ours, loaded into PyTorch) and the
same batch, are checked to agree after a few steps, and are timed in the same process in
interleaved rounds on one thread (see ``_harness``). Peak memory (VmHWM) is measured in a fresh
subprocess per case and contender, as in ``mlp.py``.

Run: ``python benchmarks/transformer.py`` (``--quick`` for fewer rounds, ``--cases gelu``).
Needs PyTorch for the comparison; without it only this project's step is timed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _harness  # noqa: E402  (pins BLAS threads before NumPy loads)
import numpy as np  # noqa: E402

VOCAB, BLOCK, WIDTH, HEADS, LAYERS, BATCH = 27, 14, 64, 4, 2, 64
LR, WEIGHT_DECAY, CLIP = 3e-3, 0.1, 1.0
CASES = ("gelu", "relu")
Step = Callable[[], object]


def batch() -> tuple[np.ndarray, np.ndarray]:
    """64 sequences of random characters with the notebook's lengths (5 to 13 letters): inputs
    start with the boundary token 0, targets end with it and are padded with -100."""
    rng = np.random.default_rng(0)
    x = np.zeros((BATCH, BLOCK), dtype=np.int64)
    y = np.full((BATCH, BLOCK), -100, dtype=np.int64)
    for row, n in enumerate(rng.integers(5, BLOCK, BATCH)):
        letters = rng.integers(1, VOCAB, n)
        x[row, 1 : n + 1] = letters
        y[row, :n] = letters
        y[row, n] = 0
    return x, y


# The two libraries share these classes' signatures and state_dict keys, so one text builds the
# model with either (as mlp.py does for the MLPs).
def tiny_gpt(
    nn_module: Any, activation: str, arange: Callable, causal: Any, **encoder_options: Any
) -> object:
    """The tiny GPT (notebook 10's class, condensed) with ``nn_module``, either library's nn;
    ``arange`` makes the positions, ``causal`` is the mask in that library's array type."""

    class TinyGPT(nn_module.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tok_emb = nn_module.Embedding(VOCAB, WIDTH)
            self.pos_emb = nn_module.Embedding(BLOCK, WIDTH)
            block = nn_module.TransformerEncoderLayer(
                WIDTH, HEADS, 4 * WIDTH, dropout=0.0, activation=activation,
                batch_first=True, norm_first=True,
            )  # fmt: skip
            self.blocks = nn_module.TransformerEncoder(block, LAYERS, **encoder_options)
            self.ln_f = nn_module.LayerNorm(WIDTH)
            self.head = nn_module.Linear(WIDTH, VOCAB)
            self.causal = causal  # True above the diagonal: the future is masked

        def forward(self, idx: Any) -> object:
            x = self.tok_emb(idx) + self.pos_emb(arange(idx.shape[1]))
            x = self.blocks(x, mask=self.causal, is_causal=True)
            return self.head(self.ln_f(x))

    return TinyGPT()


def our_model(activation: str) -> object:
    """The tiny GPT written with this project's nn, its weights drawn from seed 0."""
    import autograd
    import nn

    autograd.manual_seed(0)
    causal = np.triu(np.ones((BLOCK, BLOCK), dtype=bool), k=1)
    return tiny_gpt(nn, activation, np.arange, causal)


def torch_model(torch: Any, activation: str) -> object:
    """The same model with torch.nn (weights to be loaded from ``our_model``'s state_dict)."""
    causal = torch.triu(torch.ones(BLOCK, BLOCK, dtype=torch.bool), 1)
    return tiny_gpt(torch.nn, activation, torch.arange, causal, enable_nested_tensor=False)


def autograd_step(case: str, double: bool = False) -> tuple[Step, Callable[[], dict]]:
    """This project's step, written as notebook 10 writes it (float64 with ``double``)."""
    import nn
    import optim
    from nn import functional as F

    model = our_model(case)
    if double:
        model.double()
    opt = optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    x, y = batch()
    targets = y.reshape(-1)

    def step() -> object:
        opt.zero_grad()
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        return loss

    return step, model.state_dict


def compiled_step(case: str, double: bool = False) -> tuple[Step, Callable[[], dict]]:
    """The same step through ``autograd.compile`` (captured at its first calls, then replayed
    as generated NumPy code), with the batch passed as arguments."""
    import autograd
    import nn
    import optim
    from nn import functional as F

    model = our_model(case)
    if double:
        model.double()
    opt = optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    x, y = batch()
    targets = y.reshape(-1)

    @autograd.compile
    def train(x: Any, targets: Any) -> object:
        opt.zero_grad()
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        return loss

    return (lambda: train(x, targets)), model.state_dict


def torch_step(case: str, double: bool = False) -> tuple[Step, Callable[[], dict]]:
    """The same step in PyTorch eager, from our model's initial state_dict."""
    torch = _harness.torch_or_none()
    model = torch_model(torch, case)
    state = our_model(case).state_dict()
    model.load_state_dict({k: torch.tensor(v.numpy()) for k, v in state.items()})
    if double:
        model.double()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    x, y = (torch.tensor(a) for a in batch())
    targets = y.reshape(-1)

    def step() -> object:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, VOCAB), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        return loss

    def weights() -> dict:
        return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}

    return step, weights


BUILDERS = {"autograd": autograd_step, "compiled": compiled_step, "torch": torch_step}


def check_agreement(case: str, builders: dict[str, Callable]) -> None:
    """Five steps of every contender from the same start must leave the same weights.

    Checked in float64: the gradient of the key projection's bias is 0 in exact arithmetic
    (adding q . b_k to every score of a row leaves its softmax unchanged), so in float32 it is
    rounding noise of about 1e-9, which Adam's division by sqrt(v) + 1e-8 turns into steps of
    a tenth of the learning rate in a random direction, different in each library. In float64
    the noise is 1e-17 and those steps vanish."""
    finals = {}
    for name, build in builders.items():
        step, weights = build(case, double=True)
        for _ in range(5):
            step()
        finals[name] = weights()
    first, *others = finals
    for other in others:
        for key, value in finals[first].items():
            if not np.allclose(value, finals[other][key], rtol=1e-7, atol=1e-9):
                worst = np.abs(value - finals[other][key]).max()
                sys.exit(f"{case}: {first} and {other} disagree on {key} (max diff {worst:.2e})")


def main() -> None:
    parsed = _harness.command_line(sys.argv[1:], CASES, BUILDERS)
    if parsed is None:  # the child process that measures memory
        return
    quick, cases = parsed
    names = ["autograd", "compiled"] + (["torch"] if _harness.torch_or_none() else [])
    print(_harness.machine())
    print(f"tiny GPT step: {LAYERS} layers, width {WIDTH}, {HEADS} heads, batch {BATCH} x {BLOCK}")
    print("median time per training step (forward, backward, clipping, AdamW); peak RSS of a")
    print("fresh process running the step and its growth during 20 steps")
    for case in cases:
        check_agreement(case, {name: BUILDERS[name] for name in names})
        steps = {name: BUILDERS[name](case)[0] for name in names}
        results = _harness.compare(steps, rounds=5 if quick else 11, target=0.2)
        memory = {name: _harness.peak_memory(__file__, case, name) for name in names}
        for name in names:
            r, m = results[name], memory[name]
            growth = "" if m["growth_kib"] is None else f" (+{m['growth_kib'] / 1024:.1f} MiB)"
            print(
                f"  {case:5} {name:9} {r.seconds * 1e3:8.2f} ms   {r.faults:6.1f} faults/step"
                f"   {m['peak_kib'] / 1024:7.1f} MiB{growth}"
            )
        compiled = results["compiled"].seconds / results["autograd"].seconds
        print(f"  {case:5} compiled: {compiled:.2f} x eager's step time")
        if "torch" in results:
            ratio = results["autograd"].seconds / results["torch"].seconds
            share = memory["autograd"]["peak_kib"] / memory["torch"]["peak_kib"]
            print(f"  {case:5} ratio: {ratio:.2f} x torch's step time; peak memory {share:.2f} x")


if __name__ == "__main__":
    main()
