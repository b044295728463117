"""Preparing data before training: standardising features and holding out a test split.

Gradient descent converges much faster when every input feature has a similar scale
(see notebook 09): ``Standardizer`` rescales each feature to mean 0 and standard deviation 1,
with statistics learned on the training split only. ``train_test_split`` holds out examples
the model never trains on, so that its accuracy on them measures generalisation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd

ArrayLike = Any  # an ndarray, an autograd.Tensor, or anything np.asarray accepts


def _values(name: str, arg: str, X: ArrayLike, numeric: bool = True) -> np.ndarray:
    """The NumPy array behind ``X`` (a Tensor's data, or ``np.asarray(X)``), with a sample
    axis, and checked numeric unless ``numeric=False``."""
    arr = X._data if isinstance(X, autograd.Tensor) else np.asarray(X)
    if numeric and arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: {arg} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{name}: {arg} must have a first (sample) axis, got a 0-d value")
    return arr


class Standardizer:
    r"""Per-feature standardisation ``z = (x - mean) / std``, as scikit-learn's StandardScaler.

    ``fit(X)`` learns, over the samples (axis 0) of ``X`` with shape (n, ...features)::

        mean_  = (1/n) sum_i x_i
        var_   = (1/n) sum_i (x_i - mean_)**2        # population variance (ddof = 0)
        scale_ = sqrt(var_), replaced by 1 where it is (nearly) 0

    A constant feature (scale 0, e.g. an always-blank pixel) gets ``scale_ = 1`` so it maps
    to 0 instead of dividing by zero. Then ``transform(X) = (X - mean_) / scale_`` and
    ``inverse_transform(Z) = Z * scale_ + mean_``.

    Fit on the training split only and transform every split with those statistics:
    statistics computed on the test split would leak it into training.

    ``X`` may be an ndarray or an ``autograd.Tensor``; results have the same kind. Float
    inputs keep their dtype, integer inputs give float64. A Tensor is transformed with Tensor
    arithmetic, so gradients flow through the transform. Statistics are accumulated in float64.
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.var_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.n_samples_seen_: int = 0

    def fit(self, X: ArrayLike) -> Standardizer:
        """Learn ``mean_``, ``var_`` and ``scale_`` from the rows of ``X``; return ``self``."""
        arr = _values("Standardizer.fit", "X", X)
        if arr.shape[0] == 0:
            raise ValueError(f"Standardizer.fit: X has no samples (shape {arr.shape})")
        data = arr.astype(np.float64, copy=False)
        if not np.isfinite(data).all():
            raise ValueError("Standardizer.fit: X contains NaN or Inf")
        mean = data.mean(axis=0)
        var = ((data - mean) ** 2).mean(axis=0)
        scale = np.sqrt(var)
        # Rounding leaves a constant feature with a tiny non-zero std; treat that as 0 too.
        tiny = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
        scale = np.where(scale < tiny, 1.0, scale)
        self.mean_, self.var_, self.scale_ = mean, var, scale
        self.n_samples_seen_ = int(arr.shape[0])
        return self

    def _check(self, name: str, X: ArrayLike) -> np.ndarray:
        if self.mean_ is None:
            raise RuntimeError(
                f"Standardizer.{name}: this Standardizer is not fitted yet; call fit(X) first"
            )
        arr = _values(f"Standardizer.{name}", "X", X)
        if arr.shape[1:] != self.mean_.shape:
            raise ValueError(
                f"Standardizer.{name}: X has shape {arr.shape}, so features of shape "
                f"{arr.shape[1:]}, but the Standardizer was fitted on features of shape "
                f"{self.mean_.shape}"
            )
        return arr

    def _apply(self, X: ArrayLike, arr: np.ndarray, inverse: bool) -> ArrayLike:
        # Keep a float input's dtype (a float32 model stays float32); integers become float64.
        dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
        assert self.mean_ is not None and self.scale_ is not None  # fitted: _check ran first
        mean, scale = self.mean_.astype(dtype), self.scale_.astype(dtype)
        if isinstance(X, autograd.Tensor):
            if arr.dtype != dtype:
                X = X.astype(dtype)
            # Tensor arithmetic records the affine map, so gradients reach X.
            return X * scale + mean if inverse else (X - mean) / scale
        values = arr.astype(dtype, copy=False)
        return values * scale + mean if inverse else (values - mean) / scale

    def transform(self, X: ArrayLike) -> ArrayLike:
        """``(X - mean_) / scale_`` with the fitted statistics (ndarray in, ndarray out;
        Tensor in, Tensor out)."""
        return self._apply(X, self._check("transform", X), inverse=False)

    def fit_transform(self, X: ArrayLike) -> ArrayLike:
        """``fit(X)`` then ``transform(X)``: the standardised training data."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: ArrayLike) -> ArrayLike:
        """``Z * scale_ + mean_``: back to the original units (undoes ``transform``)."""
        return self._apply(Z, self._check("inverse_transform", Z), inverse=True)

    def __repr__(self) -> str:
        if self.mean_ is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(features={self.mean_.shape}, n_samples_seen={self.n_samples_seen_})"


def standardize(X: ArrayLike) -> ArrayLike:
    """``(X - mean) / std`` per feature, with the statistics of ``X`` itself (population std,
    constant features left at 0): shorthand for ``Standardizer().fit_transform(X)``."""
    return Standardizer().fit_transform(X)


def _test_count(n: int, test_size: float | int) -> int:
    """Number of test rows: ``ceil(test_size * n)`` for a fraction, the number itself for an
    int (scikit-learn's rounding: the test split rounds up, the training split down)."""
    if isinstance(test_size, bool) or not isinstance(test_size, int | float | np.number):
        raise TypeError(
            f"train_test_split: test_size must be a float in (0, 1) or an int, got {test_size!r}"
        )
    if isinstance(test_size, int | np.integer):
        if not 1 <= test_size <= n - 1:
            raise ValueError(
                f"train_test_split: test_size={test_size} must be between 1 and "
                f"n_samples - 1 = {n - 1} so both splits are non-empty"
            )
        return int(test_size)
    if not 0.0 < test_size < 1.0:
        raise ValueError(
            f"train_test_split: a fractional test_size must be in (0, 1), got {test_size}"
        )
    n_test = math.ceil(test_size * n)
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"train_test_split: test_size={test_size} of n_samples={n} gives "
            f"{n_test} test and {n - n_test} training samples; both must be >= 1"
        )
    return n_test


def _stratified_test_rows(labels: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n_test`` rows so that each class's share of the test split matches its share
    of the data: class c gets ``floor(n_test * n_c / n)`` rows, and the rows left over go to
    the classes with the largest remainders."""
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"train_test_split: stratify needs at least 2 samples of every class; class "
            f"{classes[counts.argmin()].item()!r} has only {counts.min()}"
        )
    exact = n_test * counts / len(labels)
    take = np.floor(exact).astype(np.int64)
    # Stable sort: ties in the remainder go to the earlier class, so the split is deterministic.
    order = np.argsort(-(exact - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    chosen = [rng.permutation(np.flatnonzero(inverse == c))[: take[c]] for c in range(len(classes))]
    return np.concatenate(chosen)


def _take(original: Any, values: np.ndarray, rows: np.ndarray) -> Any:
    """Rows ``rows`` of one input, returned as the same kind it came in (Tensor, list, array)."""
    picked = values[rows]
    if isinstance(original, autograd.Tensor):
        return autograd.Tensor(picked, requires_grad=original.requires_grad)
    if isinstance(original, list):
        return picked.tolist()
    return picked


def train_test_split(
    *arrays: ArrayLike,
    test_size: float | int = 0.25,
    shuffle: bool = True,
    stratify: ArrayLike | None = None,
    seed: int | None = None,
) -> list[Any]:
    """Split arrays that share their first axis into training and test rows.

    Returns ``[a_train, a_test, b_train, b_test, ...]`` (scikit-learn's order), each the same
    kind as its input (ndarray, Tensor or list). ``test_size`` is a fraction of the rows
    (rounded up) or a number of rows; both splits must be non-empty.

    ``shuffle=True`` picks the test rows at random, drawing from ``autograd.get_generator()``
    (so ``autograd.manual_seed`` makes the split reproducible) or, if ``seed`` is given, from
    ``np.random.default_rng(seed)`` without touching the library generator. ``shuffle=False``
    keeps the order: the first rows train, the last ``n_test`` rows test.

    ``stratify=labels`` keeps every class's proportion the same in both splits (class c gets
    ``floor(n_test * n_c / n)`` test rows plus one more for the largest remainders); it needs
    ``shuffle=True`` and at least 2 samples per class.
    """
    if not arrays:
        raise ValueError("train_test_split: needs at least one array to split")
    # Any dtype can be split (string labels too); only the row count matters.
    values = [
        _values("train_test_split", f"arrays[{i}]", a, numeric=False) for i, a in enumerate(arrays)
    ]
    lengths = [v.shape[0] for v in values]
    if len(set(lengths)) != 1:
        shapes = [v.shape for v in values]
        raise ValueError(
            f"train_test_split: all arrays need the same number of rows, got shapes {shapes}"
        )
    n = lengths[0]
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 samples to split, got {n}")
    n_test = _test_count(n, test_size)
    rng = np.random.default_rng(seed) if seed is not None else autograd.get_generator()
    if stratify is not None:
        if not shuffle:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        labels = _values("train_test_split", "stratify", stratify, numeric=False)
        if labels.shape[0] != n:
            raise ValueError(
                f"train_test_split: stratify has {labels.shape[0]} labels for {n} samples"
            )
        if labels.ndim != 1:
            raise ValueError(
                f"train_test_split: stratify must be 1-D labels, got shape {labels.shape}"
            )
        is_test = np.zeros(n, dtype=bool)
        is_test[_stratified_test_rows(labels, n_test, rng)] = True
        # Shuffle within each split too, so rows are not grouped by class.
        test = rng.permutation(np.flatnonzero(is_test))
        train = rng.permutation(np.flatnonzero(~is_test))
    elif shuffle:
        perm = rng.permutation(n)
        test, train = perm[:n_test], perm[n_test:]
    else:
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    out: list[Any] = []
    for original, vals in zip(arrays, values, strict=True):
        out.extend((_take(original, vals, train), _take(original, vals, test)))
    return out


__all__ = ["Standardizer", "standardize", "train_test_split"]
