"""Batches of sequences of different lengths, as PyTorch's ``torch.nn.utils.rnn``:
``pad_sequence`` (a list of sequences to one padded tensor), ``pack_padded_sequence`` and
``pack_sequence`` (to a ``PackedSequence``, which ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` read),
``pad_packed_sequence`` and ``unpack_sequence`` (back).

A ``PackedSequence`` holds PyTorch's layout, so its fields have PyTorch's numbers: ``data`` is
the valid steps only, time step by time step, and within a step the sequences from longest to
shortest (``sorted_indices`` says which is which; ``unsorted_indices`` is its inverse);
``batch_sizes[t]`` is how many sequences are longer than t. Everything is built from recorded
indexing, so gradients flow from the packed data or the padded tensor back to the inputs. A
recurrent layer given one stops each sequence at its own length (see nn/layers/recurrent.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd
from autograd.ops.indexing import ScatterAdd


class PackedSequence(NamedTuple):
    """PyTorch's packed batch of sequences (see the module docstring): ``data`` (sum of lengths,
    *), ``batch_sizes`` (int64, one per time step), ``sorted_indices`` and
    ``unsorted_indices`` (int64, or None when the batch was already sorted by length)."""

    data: autograd.Tensor
    batch_sizes: autograd.Tensor
    sorted_indices: autograd.Tensor | None = None
    unsorted_indices: autograd.Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequences with ``data.to(*args, **kwargs)`` (a device or a dtype)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        """This PackedSequence (backproplab runs on the CPU)."""
        return self

    def float(self) -> PackedSequence:  # noqa: A003 - PyTorch's name
        """The same sequences with float32 data."""
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        """The same sequences with float64 data."""
        return self._replace(data=self.data.double())


def pad_sequence(
    sequences: Sequence[Any],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> autograd.Tensor:
    """Stack sequences of shapes (L_i, *) into one (L, B, *) tensor (``batch_first``: (B, L, *)),
    L the longest length, the missing steps filled with ``padding_value`` after each sequence
    (before it with ``padding_side="left"``). Recorded: each sequence gets back the gradient of
    its own steps."""
    if isinstance(sequences, autograd.Tensor):
        sequences = list(sequences.unbind(0))
    sequences = [autograd.as_tensor(s) for s in sequences]
    if not sequences:
        raise ValueError("pad_sequence: expected a non-empty list of tensors")
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}"
        )
    trailing = sequences[0].shape[1:]
    for i, s in enumerate(sequences):
        if s.ndim == 0 or s.shape[1:] != trailing:
            raise ValueError(
                f"pad_sequence: every sequence must be (L_i, *{trailing}); sequence {i} has "
                f"shape {s.shape}"
            )
    longest = max(s.shape[0] for s in sequences)
    dtype = sequences[0].dtype
    rows = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = autograd.full((missing, *trailing), padding_value, dtype=dtype)
            parts = [s.astype(dtype), fill] if padding_side == "right" else [fill, s.astype(dtype)]
            s = autograd.concatenate(parts, axis=0)
        rows.append(s.astype(dtype) if s.dtype != dtype else s)
    return autograd.stack(rows, axis=0 if batch_first else 1)


def _lengths(fn: str, lengths: Any, batch: int) -> np.ndarray:
    array = np.asarray(lengths._data if isinstance(lengths, autograd.Tensor) else lengths)
    if array.ndim != 1 or array.shape[0] != batch:
        raise ValueError(
            f"{fn}: lengths must be 1-D with one length per sequence ({batch}), got shape "
            f"{array.shape}"
        )
    if array.size and array.dtype.kind not in "iu" and not np.all(array == np.round(array)):
        raise TypeError(f"{fn}: lengths must be integers, got {array.tolist()}")
    return array.astype(np.int64)


def _layout(batch_sizes: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time step, batch position) of each element of a packed ``data``, in its order."""
    steps = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    within = np.concatenate([np.arange(n) for n in batch_sizes]) if batch_sizes.size else steps
    return steps, order[within]


def pack_padded_sequence(
    input: Any,  # noqa: A002 - PyTorch's name
    lengths: Any,
    batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:
    """Pack a padded batch (L, B, *) (``batch_first``: (B, L, *)) whose sequence b has
    ``lengths[b]`` valid steps. With ``enforce_sorted`` the lengths must be decreasing (and
    ``sorted_indices`` is None); otherwise the sequences are sorted by length first. Recorded:
    ``data`` is an indexing of ``input``."""
    x = autograd.as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"pack_padded_sequence: input must be (L, B, *), got shape {x.shape}")
    if batch_first:
        x = x.swapaxes(0, 1)
    count = _lengths("pack_padded_sequence", lengths, x.shape[1])
    if count.size and (count.min() <= 0 or count.max() > x.shape[0]):
        raise ValueError(
            f"pack_padded_sequence: every length must be between 1 and the padded length "
            f"{x.shape[0]}, got {count.tolist()}"
        )
    if enforce_sorted:
        if np.any(np.diff(count) > 0):
            raise RuntimeError(
                f"pack_padded_sequence: lengths {count.tolist()} must be sorted in decreasing "
                "order when enforce_sorted=True; pass enforce_sorted=False to sort them here"
            )
        order = np.arange(count.size)
        sorted_indices = unsorted_indices = None
    else:
        order = np.argsort(-count, kind="stable")
        sorted_indices = autograd.tensor(order.astype(np.int64))
        unsorted_indices = autograd.tensor(np.argsort(order).astype(np.int64))
    ordered = count[order]
    batch_sizes = (ordered[None, :] > np.arange(int(ordered.max(initial=0)))[:, None]).sum(1)
    steps, batch = _layout(batch_sizes, order)
    data = x[steps, batch]
    return PackedSequence(
        data, autograd.tensor(batch_sizes.astype(np.int64)), sorted_indices, unsorted_indices
    )


def _order(sequence: PackedSequence) -> np.ndarray:
    batch = int(sequence.batch_sizes._data[0]) if sequence.batch_sizes.size else 0
    if sequence.sorted_indices is None:
        return np.arange(batch)
    return sequence.sorted_indices._data.astype(np.intp)


def packed_lengths(sequence: PackedSequence) -> np.ndarray:
    """Each sequence's length, in the batch's original order."""
    sizes = sequence.batch_sizes._data
    order = _order(sequence)
    lengths = np.zeros(order.size, dtype=np.int64)
    lengths[order] = (sizes[:, None] > np.arange(order.size)[None, :]).sum(0)
    return lengths


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[autograd.Tensor, autograd.Tensor]:
    """Undo ``pack_padded_sequence``: (padded (L, B, *) -- (B, L, *) with ``batch_first`` --,
    lengths (int64)), in the batch's original order, steps past a sequence's end set to
    ``padding_value``; L is the longest length, or ``total_length``. Recorded: the gradient of
    the padded tensor flows back to ``data`` (none from the padding)."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(
            f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}"
        )
    sizes = sequence.batch_sizes._data
    order = _order(sequence)
    longest = int(sizes.size)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                f"sequence ({longest})"
            )
        longest = int(total_length)
    data = sequence.data
    shape = (longest, order.size, *data.shape[1:])
    steps, batch = _layout(sizes, order)
    placed = ScatterAdd.apply(data, index=(steps, batch), shape=shape)
    filled = np.zeros(shape[:2], dtype=bool)
    filled[steps, batch] = True
    filled = filled.reshape(shape[:2] + (1,) * (len(shape) - 2))
    padded = autograd.where(filled, placed, np.asarray(padding_value, dtype=data.dtype))
    if batch_first:
        padded = padded.swapaxes(0, 1)
    return padded, autograd.tensor(packed_lengths(sequence))


def pack_sequence(sequences: Sequence[Any], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(sequences),
    lengths, enforce_sorted=enforce_sorted)``."""
    lengths = [autograd.as_tensor(s).shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[autograd.Tensor]:
    """Undo ``pack_sequence``: the list of sequences, each (L_i, *), in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return [padded[i, : int(n)] for i, n in enumerate(lengths._data)]
