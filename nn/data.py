"""Datasets and batching: how much data each gradient-descent step looks at.

A ``DataLoader`` cuts a dataset into batches; one optimizer step per batch gives

- **batch gradient descent** with ``batch_size=len(dataset)`` (the exact gradient of the mean
  loss over all the data, one step per epoch),
- **stochastic gradient descent** with ``batch_size=1`` (one example per step: cheap, noisy),
- **mini-batch gradient descent** in between (the usual choice, e.g. 32 to 256).

``shuffle=True`` draws a new order every epoch from the library generator, so
``autograd.manual_seed(n)`` makes the batches reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import autograd


class Dataset:
    """A sized collection of examples: subclasses define ``__len__`` and ``__getitem__(i)``
    returning one example (a tuple of arrays/numbers/Tensors).

    A subclass may also define ``get_batch(indices) -> tuple of stacked arrays``; the
    ``DataLoader`` then fetches a whole batch with one fancy-indexing call per array instead
    of a Python loop over examples.
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__}.__len__ is not implemented")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.__getitem__ is not implemented")


def _as_array(value: Any) -> np.ndarray:
    return value._data if isinstance(value, autograd.Tensor) else np.asarray(value)


class TensorDataset(Dataset):
    """Examples are rows: item ``i`` is ``(a[i], b[i], ...)`` for arrays or Tensors that share
    their first dimension, e.g. ``TensorDataset(X, y)``. dtypes are kept (float32/float64 data,
    integer labels)."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: needs at least one array")
        self.arrays = tuple(_as_array(a) for a in arrays)
        shapes = [a.shape for a in self.arrays]
        if any(len(s) == 0 for s in shapes) or len({s[0] for s in shapes}) != 1:
            raise ValueError(
                f"TensorDataset: all arrays need the same first dimension, got shapes {shapes}"
            )

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def __getitem__(self, index: int) -> tuple[autograd.Tensor, ...]:
        return tuple(autograd.Tensor(a[index]) for a in self.arrays)

    def get_batch(self, indices: np.ndarray | slice) -> tuple[np.ndarray, ...]:
        """Rows ``indices`` of every array, copied (like fancy indexing), so that editing a
        batch in place can never change the dataset."""
        if isinstance(indices, slice):
            return tuple(a[indices].copy() for a in self.arrays)
        return tuple(a[indices] for a in self.arrays)


class Subset(Dataset):
    """The examples of ``dataset`` at positions ``indices`` (see ``random_split``)."""

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __getattr__(self, name: str) -> Any:
        # Offer get_batch exactly when the wrapped dataset has one (keeps the fast path).
        inner = getattr(self.__dict__.get("dataset"), "get_batch", None)
        if name == "get_batch" and inner is not None:
            return lambda indices: inner(self.__dict__["indices"][indices])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")


def random_split(dataset: Dataset, lengths: Sequence[int | float]) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random ``Subset``s.

    ``lengths`` are sizes summing to ``len(dataset)``, or fractions summing to 1; fractions
    are floored and the leftover examples go one each to the first subsets (as PyTorch).
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths):
        if not math.isclose(sum(lengths), 1.0, abs_tol=1e-9) or min(lengths) < 0:
            raise ValueError(f"random_split: fractions must be >= 0 and sum to 1, got {lengths}")
        sizes = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        ok = all(isinstance(x, int | np.integer) and x >= 0 for x in lengths)
        if not ok or sum(lengths) != n:
            raise ValueError(
                f"random_split: lengths {lengths} must be non-negative ints summing "
                f"to the dataset length {n} (or fractions summing to 1)"
            )
        sizes = [int(x) for x in lengths]
    perm = autograd.get_generator().permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _collate(samples: list[Any]) -> tuple[autograd.Tensor, ...]:
    """Stack a list of examples field by field. Python floats become float32 (the library's
    convention for Python numbers), Python ints int64; arrays keep their dtype."""
    first = samples[0] if isinstance(samples[0], tuple | list) else None
    fields = list(zip(*samples, strict=True)) if first is not None else [samples]
    out = []
    for field in fields:
        if all(isinstance(v, float) for v in field):
            out.append(np.array(field, dtype=np.float32))
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in field):
            out.append(np.array(field, dtype=np.int64))
        else:
            out.append(np.stack([_as_array(v) for v in field]))
    return tuple(autograd.Tensor(a) for a in out)


class DataLoader:
    """Iterate over ``dataset`` in batches, yielding a tuple of Tensors per batch.

    ``batch_size=len(dataset)``: batch gradient descent; ``batch_size=1``: stochastic gradient
    descent; anything between: mini-batch gradient descent. ``shuffle=True`` reorders the data
    every epoch (from ``autograd.get_generator()``); ``drop_last=True`` skips a final batch
    smaller than ``batch_size``. ``len(loader)`` is the number of batches per epoch.

    ``collate_fn(samples)``, as in PyTorch, turns the list of a batch's examples into what the
    loader yields (e.g. padding sequences of different lengths); by default the examples are
    stacked field by field into Tensors. ``num_workers``, ``pin_memory`` and
    ``persistent_workers`` are accepted for PyTorch code and change nothing: examples are
    loaded in this process, in the same order, so the batches are the same.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        *,
        num_workers: int = 0,
        pin_memory: bool = False,
        persistent_workers: bool = False,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise TypeError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(
                f"DataLoader: dataset must define __len__ and __getitem__, got "
                f"{type(dataset).__name__}"
            )
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {collate_fn!r}")
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory = num_workers, pin_memory
        self.persistent_workers = persistent_workers

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n, size = len(self.dataset), self.batch_size
        order = autograd.get_generator().permutation(n) if self.shuffle else None
        # A collate_fn receives the examples one by one, as PyTorch's does.
        get_batch = getattr(self.dataset, "get_batch", None) if self.collate_fn is None else None
        collate = _collate if self.collate_fn is None else self.collate_fn
        for b in range(len(self)):
            rows: np.ndarray | slice = (
                order[b * size : (b + 1) * size]
                if order is not None
                else slice(b * size, (b + 1) * size)
            )
            if get_batch is not None:
                yield tuple(autograd.Tensor(a) for a in get_batch(rows))
            else:
                idx = range(n)[rows] if isinstance(rows, slice) else rows.tolist()
                yield collate([self.dataset[i] for i in idx])


# Preparing arrays before they become a dataset: standardising features, splitting off a test set.
from .preprocessing import Standardizer, standardize, train_test_split  # noqa: E402, F401
