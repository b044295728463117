"""PyTorch's sampling functions and its ``Generator``, drawing from NumPy generators.

Every function takes ``generator=``: a ``Generator`` of its own (``g =
autograd.Generator().manual_seed(42)``, as in makemore) or, by default, the library generator
that ``autograd.manual_seed`` seeds. The same seed gives the same numbers here every time, not
the numbers PyTorch draws.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from .arguments import constant_array
from .devices import check_device
from .ops.shape import normalize_shape
from .random import get_generator
from .tensor import Tensor


def _fresh_seed() -> int:
    """A seed from the operating system's entropy, below 2**63."""
    # A SeedSequence made without entropy draws a fresh 128-bit int (the stubs also allow the
    # sequences and None one may pass in).
    entropy = cast(int, np.random.SeedSequence().entropy)
    return int(entropy % 2**63)


class Generator:
    """A random-number generator of its own (PyTorch's ``torch.Generator``), backed by a
    ``numpy.random.Generator``: ``Generator().manual_seed(2147483647)``."""

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device, "Generator")
        self._seed = _fresh_seed()
        self.numpy = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Re-seed; returns the generator itself, so ``Generator().manual_seed(n)`` chains."""
        self._seed = int(seed)
        self.numpy = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Re-seed from the operating system's entropy; returns the new seed."""
        return self.manual_seed(_fresh_seed())._seed

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self) -> dict[str, Any]:
        """The generator's state (restore it with ``set_state``)."""
        return dict(self.numpy.bit_generator.state)

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a state from ``get_state``."""
        self.numpy.bit_generator.state = state

    device = "cpu"


def rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator to draw from: ``generator``'s, or the library's."""
    if generator is None:
        return get_generator()
    if not isinstance(generator, Generator):
        raise TypeError(f"generator= takes an autograd.Generator, got {type(generator).__name__}")
    return generator.numpy


def multinomial(
    input: Any,  # noqa: A002 - PyTorch's name
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
) -> Tensor:
    """Draw ``num_samples`` category indices with probabilities proportional to the weights in
    each row of ``input`` (1-D or 2-D, non-negative, not necessarily summing to 1); without
    ``replacement`` a category is drawn at most once per row. An int64 tensor."""
    # An int64 result, as PyTorch's: constant by nature (no derivative), so no refusal.
    weights = np.asarray(input._data if isinstance(input, Tensor) else input, dtype=np.float64)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: weights must be 1-D or 2-D, got shape {weights.shape}")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError("multinomial: weights must be finite and non-negative")
    rows = weights.reshape(-1, weights.shape[-1])
    totals = rows.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum")
    if not replacement and num_samples > rows.shape[1]:
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from "
            f"{rows.shape[1]} categories"
        )
    source = rng(generator)
    drawn = np.stack(
        [
            source.choice(row.size, num_samples, replace=replacement, p=row / row.sum())
            for row in rows
        ]
    ).astype(np.int64)
    return Tensor(drawn.reshape(*weights.shape[:-1], num_samples))


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of N(mean, std^2): ``normal(mean_tensor, std_tensor)`` elementwise (broadcast),
    or ``normal(0.0, 1.0, size=(2, 3))``. float32 unless a tensor argument or ``dtype`` says
    otherwise; no gradient (see the error for the reparameterised form)."""
    check_device(device, "normal")
    why = " (a sample here; write mean + std * autograd.randn(shape) to differentiate the draw)"
    m = constant_array("normal", "mean", mean, why)
    s = constant_array("normal", "std", std, why)
    if (s < 0).any():
        raise ValueError("normal: std must be non-negative")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else normalize_shape((size,))
    if dtype is None:
        kinds = [a.dtype for a in (m, s) if a.dtype.kind == "f" and a.ndim]
        dtype = kinds[0] if kinds else np.float32
    sample = (m + s * rng(generator).standard_normal(shape)).astype(dtype)
    return Tensor(sample, requires_grad=requires_grad)  # a new leaf, as torch.normal's


def randperm(
    n: int, *, generator: Generator | None = None, dtype: Any = np.int64, device: Any = None
) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    check_device(device, "randperm")
    return Tensor(rng(generator).permutation(int(n)).astype(dtype))


def randn_like(
    t: Any,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    device: Any = None,
) -> Tensor:
    """N(0, 1) samples with the shape (and floating dtype) of ``t``."""
    check_device(device, "randn_like")
    like = t._data if isinstance(t, Tensor) else np.asarray(t)
    dtype = dtype or (like.dtype if like.dtype.kind == "f" else np.float32)
    data = rng(generator).standard_normal(like.shape).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def rand_like(
    t: Any,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    device: Any = None,
) -> Tensor:
    """Uniform [0, 1) samples with the shape (and floating dtype) of ``t``."""
    check_device(device, "rand_like")
    like = t._data if isinstance(t, Tensor) else np.asarray(t)
    dtype = dtype or (like.dtype if like.dtype.kind == "f" else np.float32)
    return Tensor(rng(generator).random(like.shape).astype(dtype), requires_grad=requires_grad)


def bernoulli(input: Any, p: Any = None, *, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """Independent 0/1 draws: 1 with probability ``input`` (each element in [0, 1]), or with
    probability ``p`` everywhere when given, in ``input``'s floating dtype. A draw is a step
    function of its probability (for the same random numbers), so its derivative is zero wherever
    it exists: the result does not require grad, as PyTorch's carries no gradient."""
    probs = input._data if isinstance(input, Tensor) else np.asarray(input, dtype=np.float32)
    if p is not None:
        probs = np.full(probs.shape, float(p), probs.dtype)
    if probs.dtype.kind != "f":
        raise TypeError(f"bernoulli: input must be floating point, got {probs.dtype}")
    if probs.size and (np.nanmin(probs) < 0 or np.nanmax(probs) > 1 or np.isnan(probs).any()):
        raise ValueError("bernoulli: every probability must be in [0, 1]")
    return Tensor((rng(generator).random(probs.shape) < probs).astype(probs.dtype))
