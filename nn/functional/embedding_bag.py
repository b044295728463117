"""``embedding_bag``: look up bags of rows of an embedding table and reduce each bag to one row."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd.conversion import as_tensor
from autograd.ops.indexing import ScatterAdd

from .checks import check_floating, refuse_grad
from .linear import _padding_index, by_frequency, renorm_rows_

_MODES = ("sum", "mean", "max")


def embedding_bag(
    input: Any,
    weight: Any,
    offsets: Any = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> autograd.Tensor:
    """One row per bag of indices, without building the (bag, index, dim) embeddings::

        sum:  out[b] = sum_{i in bag b} s_i * weight[input[i]]   (s_i = per_sample_weights[i],
                                                                  1 when not given)
        mean: out[b] = (1 / |bag b|) * sum_{i in bag b} weight[input[i]]
        max:  out[b, d] = max_{i in bag b} weight[input[i], d]

    Bags: a 2-D ``input`` (B, N) holds B bags of N indices (``offsets`` must be None); a 1-D
    ``input`` is cut at ``offsets`` (B,): bag b is ``input[offsets[b]:offsets[b + 1]]``, the
    last running to the end (with ``include_last_offset=True`` offsets has B + 1 entries and the
    last one ends the last bag). ``offsets[0]`` must be 0 and offsets may not decrease.
    Indices equal to ``padding_idx`` are left out of their bag (not summed, not counted in the
    mean, no gradient to that row). An empty bag gives a row of zeros. ``per_sample_weights``
    (``input``'s shape) is allowed with mode "sum" only, and is differentiated too.

    Gradients reach ``weight`` (rows used several times accumulate) and ``per_sample_weights``.
    In "max" mode the gradient of each output element goes to the bag entry holding the
    maximum; among equal maxima, to the first in the bag, as PyTorch. ``max_norm``: the rows
    ``input`` reads are first rescaled in place as in ``F.embedding``.
    ``scale_grad_by_freq=True`` divides each entry's gradient by the number of times its index
    occurs in ``input`` (modes sum and mean; PyTorch 2.13's CPU code divides by another index's
    count when counts differ, pytorch/pytorch#190063).
    ``sparse=True`` gives the same gradient, dense.
    Returns (B, embedding_dim) in ``weight``'s dtype.
    """
    fn = "embedding_bag"
    refuse_grad(fn, "norm_type", norm_type)  # a number of the renorm, not differentiated
    if mode not in _MODES:
        raise ValueError(f"{fn}: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    if scale_grad_by_freq and mode == "max":
        raise ValueError(f"{fn}: max mode does not support scaling the gradient by frequency")
    weight = as_tensor(weight)
    check_floating(fn, "weight", weight)
    if weight.ndim != 2:
        raise ValueError(f"{fn}: weight must be 2-D (num_embeddings, dim), got {weight.shape}")
    idx = _integers(fn, "input", input)
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                f"{fn}: per_sample_weights is only supported for mode='sum', got mode={mode!r}"
            )
        per_sample_weights = as_tensor(per_sample_weights)
        if per_sample_weights.dtype != weight.dtype:
            raise TypeError(
                f"{fn}: per_sample_weights ({per_sample_weights.dtype}) must have weight's dtype "
                f"({weight.dtype})"
            )
        if per_sample_weights.shape != idx.shape:
            raise ValueError(
                f"{fn}: per_sample_weights {per_sample_weights.shape} must have input's shape "
                f"{idx.shape}"
            )
    starts = _bag_starts(fn, idx, offsets, include_last_offset)
    if max_norm is not None:  # every index of input, as PyTorch's embedding_renorm_
        if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
            raise IndexError(f"{fn}: input holds an index out of range for {weight.shape[0]} rows")
        renorm_rows_(fn, weight, idx, max_norm, norm_type)
    flat = idx.reshape(-1)
    if include_last_offset and idx.ndim == 1:
        flat = flat[: starts[-1]]  # entries after the last offset belong to no bag
        starts = starts[:-1]
    num, n = weight.shape[0], flat.size
    if n and (flat.min() < 0 or flat.max() >= num):
        bad = flat.min() if flat.min() < 0 else flat.max()
        raise IndexError(f"{fn}: index {bad} of input is out of range for {num} embeddings")
    B = starts.size
    bag = np.repeat(np.arange(B), np.diff(np.append(starts, n)))  # the bag of each entry
    keep = np.ones(n, bool)
    if padding_idx is not None:
        keep = flat != _padding_index(fn, padding_idx, num)
    positions = np.flatnonzero(keep)
    rows = weight[flat[positions]]  # (M, D): the entries that count, recorded as a gather
    if scale_grad_by_freq:
        rows = by_frequency(rows, flat[positions])
    if mode == "max":
        return _bag_max(rows, bag[positions], B)
    if per_sample_weights is not None:
        scale = per_sample_weights.reshape(-1)[positions]
        rows = rows * scale.reshape(-1, 1)
    total = ScatterAdd.apply(rows, index=(bag[positions],), shape=(B, weight.shape[1]))
    if mode == "sum":
        return total
    counts = np.bincount(bag[positions], minlength=B).astype(weight.dtype)
    return total / np.maximum(counts, 1)[:, None]  # an empty bag stays 0


def _integers(fn: str, name: str, value: Any) -> np.ndarray:
    array = value._data if isinstance(value, autograd.Tensor) else np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{fn}: {name} must hold integers, got dtype {array.dtype}")
    return array


def _bag_starts(fn: str, idx: np.ndarray, offsets: Any, include_last_offset: bool) -> np.ndarray:
    """Where each bag starts in the flattened input (with include_last_offset, plus the end)."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(
                f"{fn}: a 2-D input {idx.shape} is B bags of equal length; offsets must be None"
            )
        return np.arange(idx.shape[0]) * idx.shape[1]
    if idx.ndim != 1:
        raise ValueError(f"{fn}: input must be 1-D (with offsets) or 2-D, got shape {idx.shape}")
    if offsets is None:
        raise ValueError(f"{fn}: a 1-D input needs offsets (the start of each bag)")
    starts = _integers(fn, "offsets", offsets).astype(np.intp)
    if starts.ndim != 1 or (include_last_offset and starts.size < 1):
        raise ValueError(f"{fn}: offsets must be 1-D, got shape {starts.shape}")
    if starts.size and starts[0] != 0:
        raise ValueError(
            f"{fn}: offsets[0] must be 0 (where the first bag starts), got {starts[0]}"
        )
    if np.any(np.diff(starts) < 0):
        raise ValueError(f"{fn}: offsets must not decrease, got {starts.tolist()}")
    if starts.size and starts[-1] > idx.size:
        raise ValueError(
            f"{fn}: offsets[-1] = {starts[-1]} is past the end of input (length {idx.size})"
        )
    return starts


def _bag_max(rows: autograd.Tensor, bag: np.ndarray, B: int) -> autograd.Tensor:
    """out[b, d] = max of rows[i, d] over the entries i of bag b (0 for an empty bag): the bags
    laid out as a (B, longest bag, D) block, the gaps filled with -inf, then one max."""
    D = rows.shape[1]
    counts = np.bincount(bag, minlength=B)
    longest = int(counts.max()) if B and counts.size else 0
    if longest == 0:
        return ScatterAdd.apply(rows, index=(bag,), shape=(B, D))  # all bags empty: zeros
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    slot = np.arange(bag.size) - first[bag]  # the place of each entry in its bag
    table = np.zeros((B, longest), np.intp)
    filled = np.zeros((B, longest), bool)
    table[bag, slot] = np.arange(bag.size)
    filled[bag, slot] = True
    block = autograd.where(filled[..., None], rows[table], -np.inf)
    best = block.max(dim=1).values  # a tie's gradient to its first entry, as PyTorch
    return autograd.where((counts > 0)[:, None], best, np.zeros((), rows.dtype))
