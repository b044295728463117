"""nn.data: TensorDataset, DataLoader (batch / stochastic / mini-batch), random_split."""

import numpy as np
import pytest

import autograd
from nn.data import DataLoader, Dataset, Subset, TensorDataset, random_split


def dataset(n=10):
    X = np.arange(2 * n, dtype=np.float32).reshape(n, 2)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(X, y)


def test_tensor_dataset_items_and_errors():
    ds = dataset()
    assert len(ds) == 10
    x, y = ds[3]
    assert isinstance(x, autograd.Tensor) and x.data.tolist() == [6.0, 7.0] and y.item() == 3
    ds_t = TensorDataset(autograd.Tensor(np.zeros((4, 2))), np.zeros(4))
    assert len(ds_t) == 4
    with pytest.raises(ValueError, match=r"same first dimension, got shapes \[\(3, 2\), \(4,\)\]"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()


def test_loader_sequential_batches_keep_dtypes():
    ds = dataset()
    batches = list(DataLoader(ds, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    x, y = batches[0]
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert y.data.tolist() == [0, 1, 2, 3]
    assert not x.requires_grad
    assert batches[2][1].data.tolist() == [8, 9]
    x.data[...] = -1  # a batch is a copy: editing it leaves the dataset alone
    assert ds.arrays[0].min() == 0


def test_loader_lengths_and_drop_last():
    assert len(DataLoader(dataset(), batch_size=4)) == 3
    loader = DataLoader(dataset(), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(b[0]) for b in loader] == [4, 4]
    # batch gradient descent: one batch holding everything; stochastic: one example per step
    assert len(DataLoader(dataset(), batch_size=10)) == 1
    assert len(DataLoader(dataset(), batch_size=1)) == 10


def test_shuffle_covers_every_example_once_and_follows_the_seed():
    loader = DataLoader(dataset(), batch_size=3, shuffle=True)
    autograd.manual_seed(1)
    first = np.concatenate([y.data for _, y in loader])
    assert sorted(first.tolist()) == list(range(10))
    assert first.tolist() != list(range(10))
    second = np.concatenate([y.data for _, y in loader])
    assert second.tolist() != first.tolist()  # a new order every epoch
    autograd.manual_seed(1)
    again = np.concatenate([y.data for _, y in loader])
    np.testing.assert_array_equal(again, first)
    for x, y in loader:  # rows stay paired with their labels
        np.testing.assert_array_equal(x.data[:, 0], 2 * y.data)


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.array([float(i)]), i * i


def test_generic_dataset_is_collated():
    x, y = next(iter(DataLoader(Squares(), batch_size=3)))
    assert x.shape == (3, 1) and x.dtype == np.float64
    assert y.dtype == np.int64 and y.data.tolist() == [0, 1, 4]


def test_random_split_sizes_disjoint_and_reproducible():
    ds = dataset(10)
    autograd.manual_seed(0)
    a, b = random_split(ds, [7, 3])
    assert isinstance(a, Subset) and (len(a), len(b)) == (7, 3)
    labels = [int(a[i][1].item()) for i in range(7)] + [int(b[i][1].item()) for i in range(3)]
    assert sorted(labels) == list(range(10))
    autograd.manual_seed(0)
    a2, _ = random_split(ds, [7, 3])
    np.testing.assert_array_equal(a.indices, a2.indices)
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    assert [len(p) for p in random_split(dataset(11), [0.5, 0.5])] == [6, 5]
    x, y = next(iter(DataLoader(a, batch_size=7)))  # subset of a TensorDataset keeps fast path
    np.testing.assert_array_equal(y.data, a.indices)
    np.testing.assert_array_equal(x.data[:, 1], 2 * a.indices + 1)
    with pytest.raises(ValueError, match=r"random_split: lengths \[5, 4\] must be"):
        random_split(ds, [5, 4])
    with pytest.raises(ValueError, match="fractions must be >= 0 and sum to 1"):
        random_split(ds, [0.5, 0.6])


def test_loader_argument_errors():
    with pytest.raises(ValueError, match="DataLoader: batch_size must be >= 1, got 0"):
        DataLoader(dataset(), batch_size=0)
    with pytest.raises(TypeError, match="DataLoader: batch_size must be an int, got 2.5"):
        DataLoader(dataset(), batch_size=2.5)
    with pytest.raises(TypeError, match="dataset must define __len__ and __getitem__"):
        DataLoader(object())


def test_collate_fn_receives_each_batchs_examples_and_its_result_is_yielded():
    pairs = [([1, 2, 3], 0), ([4], 1), ([5, 6], 0)]  # a list is a dataset too, as in PyTorch
    seen = []

    def pad(batch):
        seen.append(batch)
        longest = max(len(tokens) for tokens, _ in batch)
        padded = [tokens + [0] * (longest - len(tokens)) for tokens, _ in batch]
        return autograd.tensor(padded), autograd.tensor([label for _, label in batch])

    batches = list(DataLoader(pairs, batch_size=2, collate_fn=pad, num_workers=2))
    assert seen == [pairs[:2], pairs[2:]]
    np.testing.assert_array_equal(batches[0][0].numpy(), [[1, 2, 3], [4, 0, 0]])
    np.testing.assert_array_equal(batches[1][1].numpy(), [0])
    # With a collate_fn, a TensorDataset's fast batch path steps aside: examples one by one.
    data = TensorDataset(np.arange(4.0), np.arange(4))
    loader = DataLoader(data, batch_size=3, collate_fn=len, pin_memory=True)
    assert list(loader) == [3, 1]
    with pytest.raises(TypeError, match="DataLoader: collate_fn must be callable"):
        DataLoader(pairs, collate_fn="pad")
