"""Standardizer, standardize and train_test_split: hand-worked numbers, kinds, errors."""

import math

import numpy as np
import pytest

import autograd
from nn.preprocessing import Standardizer, standardize, train_test_split

# Column 0: mean 3, population variance ((-2)^2 + 0 + 2^2) / 3 = 8/3. Column 1: constant.
X_HAND = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
Z_HAND = np.array([[-2 / math.sqrt(8 / 3), 0.0], [0.0, 0.0], [2 / math.sqrt(8 / 3), 0.0]])


def test_standardizer_matches_hand_worked_numbers():
    s = Standardizer().fit(X_HAND)
    np.testing.assert_allclose(s.mean_, [3.0, 2.0])
    np.testing.assert_allclose(s.var_, [8 / 3, 0.0])
    np.testing.assert_allclose(s.scale_, [math.sqrt(8 / 3), 1.0])  # zero std -> 1
    assert s.n_samples_seen_ == 3
    np.testing.assert_allclose(s.transform(X_HAND), Z_HAND)
    np.testing.assert_allclose(s.inverse_transform(Z_HAND), X_HAND)
    np.testing.assert_allclose(standardize(X_HAND), Z_HAND)


def test_fit_transform_gives_zero_mean_unit_population_std():
    X = np.random.default_rng(1).normal(5.0, [0.01, 1.0, 300.0], size=(200, 3))
    Z = Standardizer().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0, ddof=0), 1.0, rtol=1e-12)


def test_matches_scikit_learn_standard_scaler():
    sklearn_pre = pytest.importorskip("sklearn.preprocessing")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4)) * [1.0, 10.0, 100.0, 0.0] + [0.0, 1.0, -2.0, 7.0]
    X_new = rng.normal(size=(7, 4))
    ours, theirs = Standardizer().fit(X), sklearn_pre.StandardScaler().fit(X)
    np.testing.assert_allclose(ours.scale_, theirs.scale_)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=1e-12)


def test_statistics_come_from_fit_data_only():
    s = Standardizer().fit(X_HAND)
    X_other = np.array([[7.0, 4.0]])
    expected = [[4 / math.sqrt(8 / 3), 2.0]]
    np.testing.assert_allclose(s.transform(X_other), expected)


def test_nearly_constant_feature_from_rounding_gets_scale_one():
    X = np.full((10, 1), 0.1) + np.array([[0.0], [1e-17]] * 5)  # constant up to rounding
    s = Standardizer().fit(X)
    assert s.scale_[0] == 1.0
    np.testing.assert_allclose(s.transform(X), 0.0, atol=1e-15)


def test_images_are_standardised_per_pixel():
    X = np.random.default_rng(3).uniform(0, 16, size=(30, 8, 8))
    s = Standardizer().fit(X)
    assert s.mean_.shape == (8, 8)
    Z = s.transform(X)
    np.testing.assert_allclose(Z[:, 2, 5], (X[:, 2, 5] - X[:, 2, 5].mean()) / X[:, 2, 5].std())


def test_dtypes_float_kept_integer_to_float64():
    Z32 = standardize(X_HAND.astype(np.float32))
    assert Z32.dtype == np.float32
    np.testing.assert_allclose(Z32, Z_HAND, rtol=1e-6)
    Zint = standardize(X_HAND.astype(np.int64))
    assert Zint.dtype == np.float64
    np.testing.assert_allclose(Zint, Z_HAND)


def test_tensor_in_tensor_out_and_gradient_flows():
    x = autograd.Tensor(X_HAND.copy(), requires_grad=True)
    s = Standardizer().fit(x)
    z = s.transform(x)
    assert isinstance(z, autograd.Tensor) and z.dtype == np.float64
    np.testing.assert_allclose(z.data, Z_HAND)
    (z * z).sum().backward()
    # d/dx sum(((x - m) / s)^2) = 2 (x - m) / s^2 with the statistics held fixed.
    np.testing.assert_allclose(x.grad, 2 * Z_HAND / s.scale_)
    assert autograd.gradcheck(
        lambda t: s.transform(t), [autograd.Tensor(X_HAND, requires_grad=True)]
    )
    back = s.inverse_transform(autograd.Tensor(Z_HAND))
    assert isinstance(back, autograd.Tensor)
    np.testing.assert_allclose(back.data, X_HAND)


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match=r"Standardizer\.transform: .*not fitted"):
        Standardizer().transform(X_HAND)
    s = Standardizer().fit(X_HAND)
    with pytest.raises(ValueError, match=r"Standardizer\.transform: X has shape \(3, 3\).*\(2,\)"):
        s.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"inverse_transform"):
        s.inverse_transform(np.ones((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        Standardizer().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="no samples"):
        Standardizer().fit(np.zeros((0, 2)))
    with pytest.raises(TypeError, match="dtype"):
        Standardizer().fit(np.array([["a"], ["b"]]))
    with pytest.raises(ValueError, match="0-d"):
        Standardizer().fit(np.float64(3.0))
    assert "not fitted" in repr(Standardizer())
    assert "n_samples_seen=3" in repr(s)


# -- train_test_split --------------------------------------------------------------------------


def test_split_sizes_order_and_alignment():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) * 10
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, seed=0)
    assert (len(X_tr), len(X_te)) == (7, 3)  # test rounds up: ceil(2.5) = 3
    # Rows stay paired across arrays: row i of X is [2i, 2i+1] and y is 10i.
    np.testing.assert_array_equal(X_tr[:, 0] * 5, y_tr)
    np.testing.assert_array_equal(X_te[:, 0] * 5, y_te)
    # Together the splits are a permutation of all rows.
    np.testing.assert_array_equal(np.sort(np.r_[y_tr, y_te]), y)
    X_tr2, X_te2 = train_test_split(X, test_size=4, seed=0)
    assert (len(X_tr2), len(X_te2)) == (6, 4)


def test_shuffle_false_holds_out_the_last_rows():
    y_tr, y_te = train_test_split(np.arange(8), test_size=0.25, shuffle=False)
    np.testing.assert_array_equal(y_tr, np.arange(6))
    np.testing.assert_array_equal(y_te, [6, 7])


def test_shuffling_uses_the_library_generator_unless_a_seed_is_given():
    y = np.arange(100)
    autograd.manual_seed(5)
    first = train_test_split(y)[1]
    autograd.manual_seed(5)
    again = train_test_split(y)[1]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, np.arange(75, 100))  # it did shuffle
    autograd.manual_seed(5)
    state = autograd.get_generator().bit_generator.state
    seeded = train_test_split(y, seed=123)[1]
    assert autograd.get_generator().bit_generator.state == state  # untouched
    np.testing.assert_array_equal(seeded, train_test_split(y, seed=123)[1])
    assert not np.array_equal(seeded, train_test_split(y, seed=124)[1])


def test_kinds_are_kept():
    X = autograd.Tensor(np.arange(12.0).reshape(6, 2))
    X_tr, X_te, l_tr, l_te = train_test_split(X, [0, 1, 2, 3, 4, 5], test_size=2, seed=1)
    assert isinstance(X_tr, autograd.Tensor) and X_tr.dtype == np.float64
    assert isinstance(l_tr, list) and len(l_te) == 2
    np.testing.assert_array_equal(X_te.data[:, 0] / 2, l_te)


def test_string_labels_split_and_stratify():
    names = np.array(["cat", "dog"] * 5)
    rows = np.arange(10)
    r_tr, r_te, n_tr, n_te = train_test_split(rows, names, test_size=4, stratify=names, seed=0)
    assert sorted(n_te.tolist()) == ["cat", "cat", "dog", "dog"]
    np.testing.assert_array_equal(names[r_te], n_te)
    np.testing.assert_array_equal(names[r_tr], n_tr)
    with pytest.raises(TypeError, match=r"Standardizer\.fit: X must hold numbers"):
        Standardizer().fit(names.reshape(-1, 1))


def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.arange(100)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, seed=0)
    np.testing.assert_array_equal(np.bincount(y_te), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_tr), [48, 24, 8])
    np.testing.assert_array_equal(y[X_te], y_te)
    assert not np.all(np.diff(y_te) >= 0)  # classes are mixed, not grouped


def test_stratified_leftover_rows_go_to_the_largest_remainders():
    # Exact shares of 5 test rows: 2.5, 1.5, 1.0 -> floors 2, 1, 1; the one left over goes to
    # the largest remainder (0.5, a tie between classes 0 and 1: the first class wins).
    y = np.repeat([0, 1, 2], [5, 3, 2])
    y_te = train_test_split(y, test_size=0.5, stratify=y, seed=0)[1]
    np.testing.assert_array_equal(np.bincount(y_te), [3, 1, 1])


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.zeros(5), np.zeros(4)), {}, ValueError, r"same number of rows.*\(5,\).*\(4,\)"),
        ((np.zeros(5),), {"test_size": 0.0}, ValueError, r"in \(0, 1\), got 0\.0"),
        ((np.zeros(5),), {"test_size": 1.0}, ValueError, "test_size"),
        ((np.zeros(5),), {"test_size": 5}, ValueError, "between 1 and n_samples - 1 = 4"),
        ((np.zeros(5),), {"test_size": True}, TypeError, "test_size"),
        ((np.zeros(5),), {"test_size": 0.9}, ValueError, "both must be >= 1"),
        ((np.zeros(1),), {}, ValueError, "at least 2 samples"),
        ((), {}, ValueError, "at least one array"),
        ((np.zeros(4),), {"stratify": [0, 0, 1, 1], "shuffle": False}, ValueError, "shuffle"),
        ((np.zeros(4),), {"stratify": [0, 0, 1]}, ValueError, "3 labels for 4 samples"),
        ((np.zeros(4),), {"stratify": [0, 0, 0, 1]}, ValueError, "class 1 has only 1"),
    ],
)
def test_split_errors(args, kwargs, error, match):
    with pytest.raises(error, match=f"train_test_split: .*{match}"):
        train_test_split(*args, **kwargs)
