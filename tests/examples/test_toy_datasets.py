"""examples/notebooks/toy_datasets: the digits and the diabetes data shipped with the notebooks,
and the split, compared bit for bit and index for index with scikit-learn where it is installed."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "toy_datasets"


def _load():
    spec = importlib.util.spec_from_file_location("toy_datasets", FOLDER / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


toy = _load()


def test_the_digits_are_8x8_counts_with_their_labels():
    digits = toy.load_digits()
    assert digits.data.shape == (1797, 64) and digits.data.dtype == np.float64
    assert digits.images.shape == (1797, 8, 8) and digits.target.dtype == np.int64
    np.testing.assert_array_equal(digits.images.reshape(1797, 64), digits.data)
    assert digits.data.min() == 0 and digits.data.max() == 16
    counts = np.bincount(digits.target)
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    X, y = toy.load_digits(return_X_y=True)
    np.testing.assert_array_equal(X, digits.data)
    np.testing.assert_array_equal(y, digits.target)


def test_the_diabetes_data_are_raw_measurements():
    data = toy.load_diabetes()
    assert data.data.shape == (442, 10) and data.target.shape == (442,)
    assert data.feature_names == ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    assert data.data[0].tolist()[:4] == [59.0, 2.0, 32.1, 101.0]  # years, sex 1/2, bmi, bp
    assert set(np.unique(data.data[:, 1])) == {1.0, 2.0}
    assert data.target.min() == 25 and data.target.max() == 346


def test_the_data_are_scikit_learns_bit_for_bit():
    datasets = pytest.importorskip("sklearn.datasets")
    theirs, ours = datasets.load_digits(), toy.load_digits()
    for name in ("data", "images", "target"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert mine.dtype == reference.dtype, name
        np.testing.assert_array_equal(mine, reference, err_msg=name)
    X, y = datasets.load_diabetes(return_X_y=True, scaled=False)
    X_ours, y_ours = toy.load_diabetes(return_X_y=True)
    assert X_ours.tobytes() == X.tobytes() and y_ours.tobytes() == y.tobytes()


SPLITS = [
    {"test_size": 0.2, "random_state": 0, "stratify": True},  # the demo's, notebooks 3 and 4
    {"test_size": 0.25, "random_state": 7, "stratify": True},
    {"test_size": 300, "random_state": 1, "stratify": True},
    {"test_size": 0.2, "random_state": 0, "stratify": False},
    {"test_size": 0.33, "random_state": 42, "stratify": False},
    {"test_size": 100, "random_state": 3, "stratify": False},
]


@pytest.mark.parametrize("options", SPLITS, ids=str)
def test_the_split_is_scikit_learns_index_for_index(options):
    model_selection = pytest.importorskip("sklearn.model_selection")
    X, y = toy.load_digits(return_X_y=True)
    rows = np.arange(len(y))
    kwargs = dict(options, stratify=y if options["stratify"] else None)
    ours = toy.train_test_split(rows, X, y, **kwargs)
    theirs = model_selection.train_test_split(rows, X, y, **kwargs)
    assert len(ours) == len(theirs) == 6
    for mine, reference in zip(ours, theirs):
        np.testing.assert_array_equal(mine, reference)


def test_the_demos_split_is_the_one_scikit_learn_made():
    """Recorded from scikit-learn 1.9.1 (the test above compares live where it is installed):
    the demo's and notebooks 3 and 4's split, so it is checked without scikit-learn too."""
    y = toy.load_digits().target
    train, test = toy.train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y)
    assert test[:12].tolist() == [1496, 188, 705, 820, 413, 744, 1466, 500, 254, 1750, 1717, 1261]
    assert train[:12].tolist() == [1346, 295, 257, 385, 1640, 849, 640, 757, 591, 158, 319, 5]
    digest = hashlib.sha256(test.astype(np.int64).tobytes()).hexdigest()
    assert digest.startswith("d9101e2e97e19974")
    digest = hashlib.sha256(train.astype(np.int64).tobytes()).hexdigest()
    assert digest.startswith("d96def73c7daab64")


def test_a_stratified_split_keeps_every_class_share_and_uses_every_row_once():
    X, y = toy.load_digits(return_X_y=True)
    rows = np.arange(len(y))
    r_train, r_test, y_train, y_test = toy.train_test_split(
        rows, y, test_size=0.2, random_state=0, stratify=y
    )
    assert len(r_test) == 360 and len(r_train) == 1437  # ceil(0.2 * 1797), the rest
    assert sorted(np.concatenate([r_train, r_test]).tolist()) == rows.tolist()
    np.testing.assert_array_equal(y[r_test], y_test)
    shares = np.bincount(y_test, minlength=10) / np.bincount(y)
    assert np.all(np.abs(shares - 0.2) < 0.01), shares
    again = toy.train_test_split(rows, test_size=0.2, random_state=0, stratify=y)
    np.testing.assert_array_equal(again[1], r_test)  # fixed by the seed


def test_a_plain_split_puts_the_first_rows_of_one_permutation_in_the_test_part():
    rows = np.arange(10)
    train, test = toy.train_test_split(rows, test_size=0.25, random_state=5)
    order = np.random.RandomState(5).permutation(10)
    assert test.tolist() == order[:3].tolist() and train.tolist() == order[3:].tolist()


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.arange(5), np.arange(4)), {}, "lengths"),
        ((np.arange(5),), {"test_size": 1.5}, "must be in"),
        ((np.arange(5),), {"test_size": 5}, "leaves a part empty"),
        ((np.arange(6),), {"test_size": 2, "stratify": [0, 0, 0, 0, 0, 1]}, "2 rows of every"),
    ],
)
def test_bad_arguments_are_named(args, kwargs, match):
    with pytest.raises(ValueError, match=f"train_test_split: .*{match}"):
        toy.train_test_split(*args, **kwargs)
