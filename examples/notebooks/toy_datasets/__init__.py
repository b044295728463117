"""The two small data sets the notebooks and the demo use, shipped beside them (no download).

``load_digits`` and ``load_diabetes`` return the same numbers as scikit-learn's functions of the
same names (the digits; the diabetes data unscaled, as ``load_diabetes(scaled=False)``), read
from the compressed ``.npz`` files in this folder; README.md says where the data come from.
``train_test_split`` makes the split scikit-learn's ``train_test_split`` makes for the same
arguments, index for index, so results computed with scikit-learn's split are reproduced
without it. tests/examples/test_toy_datasets.py compares all three with scikit-learn.

The notebooks import this folder by name (Jupyter starts them in their own folder);
``python -m backproplab notebooks DIR`` copies it with them.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np

HERE = Path(__file__).resolve().parent


def load_digits(return_X_y: bool = False):
    """The 1,797 handwritten digits as 8x8 images of pixel counts 0-16 (float64), labels 0-9.

    Returns ``(data, target)`` with ``return_X_y=True``, else an object with ``data`` (1797, 64),
    ``images`` (1797, 8, 8) and ``target`` (1797,) int64, as scikit-learn's ``load_digits``.
    """
    with np.load(HERE / "digits.npz") as stored:
        images = stored["images"].astype(np.float64)  # stored as uint8: the counts are 0..16
        target = stored["target"].astype(np.int64)
    data = images.reshape(len(images), -1)
    if return_X_y:
        return data, target
    return SimpleNamespace(data=data, images=images, target=target)


def load_diabetes(return_X_y: bool = False):
    """442 diabetes patients: ten raw baseline measurements (age in years, sex, body-mass index,
    blood pressure, six blood serum values) and a measure of disease progression a year later.

    The values as measured, not centred or scaled (scikit-learn's ``load_diabetes(scaled=False)``).
    Returns ``(data, target)`` with ``return_X_y=True``, else an object with ``data`` (442, 10),
    ``target`` (442,) and ``feature_names``.
    """
    with np.load(HERE / "diabetes.npz") as stored:
        data, target = stored["data"], stored["target"]
        feature_names = [str(name) for name in stored["feature_names"]]
    if return_X_y:
        return data, target
    return SimpleNamespace(data=data, target=target, feature_names=feature_names)


def train_test_split(*arrays, test_size: float | int = 0.25, random_state: int = 0, stratify=None):
    """Split arrays into random train and test parts: ``[a_train, a_test, b_train, b_test, ...]``.

    The same rows as scikit-learn's ``train_test_split(..., test_size=, random_state=,
    stratify=)`` (shuffled, default train size). ``test_size`` is a fraction (the test part gets
    ``ceil(test_size * n)`` rows) or a count; the training part gets the rest. Without
    ``stratify``, one permutation of ``np.random.RandomState(random_state)``: the test rows come
    first. With ``stratify`` (labels), every class keeps its share in both parts.
    """
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"train_test_split: arrays of lengths {[len(a) for a in arrays]}")
    if isinstance(test_size, float):
        if not 0 < test_size < 1:
            raise ValueError(f"train_test_split: test_size={test_size} must be in (0, 1)")
        n_test = math.ceil(test_size * n)
    else:
        n_test = int(test_size)
    n_train = n - n_test
    if n_test <= 0 or n_train <= 0:
        raise ValueError(f"train_test_split: test_size={test_size} of {n} rows leaves a part empty")
    rng = np.random.RandomState(random_state)  # scikit-learn's generator for an int seed
    if stratify is None:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        train, test = _stratified(np.asarray(stratify), n_train, n_test, rng)
    return [part for a in arrays for part in (np.asarray(a)[train], np.asarray(a)[test])]


def _stratified(labels, n_train: int, n_test: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's stratified shuffle split, the same draws from ``rng`` in the same order.

    Each class gets about its share of the training rows (``_shares``), then of the test rows
    from what it has left; its rows are shuffled and dealt out in that order; then each part is
    shuffled as a whole.
    """
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2 or min(n_train, n_test) < len(classes):
        raise ValueError(
            f"train_test_split: stratify needs 2 rows of every class and at least "
            f"{len(classes)} rows in each part; class counts {counts.tolist()}, "
            f"parts of {n_train} and {n_test} rows"
        )
    rows_of_class = np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])
    train_shares = _shares(counts, n_train, rng)
    test_shares = _shares(counts - train_shares, n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for rows, k_train, k_test in zip(rows_of_class, train_shares, test_shares):
        shuffled = rows[rng.permutation(len(rows))]
        train.extend(shuffled[:k_train])
        test.extend(shuffled[k_train : k_train + k_test])
    return rng.permutation(train), rng.permutation(test)


def _shares(counts: np.ndarray, draws: int, rng) -> np.ndarray:
    """How many of ``draws`` rows each class gets: its proportional share rounded down, then one
    more for the classes with the largest remainders until the total is right (ties broken at
    random, largest remainder first), as scikit-learn rounds them."""
    exact = counts / counts.sum() * draws
    shares = np.floor(exact)
    missing = int(draws - shares.sum())
    remainder = exact - shares
    for value in np.sort(np.unique(remainder))[::-1]:
        if missing <= 0:
            break
        (tied,) = np.where(remainder == value)
        chosen = rng.choice(tied, size=min(len(tied), missing), replace=False)
        shares[chosen] += 1
        missing -= len(chosen)
    return shares.astype(int)
