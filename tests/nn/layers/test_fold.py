"""nn/layers/fold.py: Unfold and Fold compute what F.unfold and F.fold compute and print as
PyTorch prints them."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def test_unfold_and_fold_layers():
    x = ag.tensor(np.random.default_rng(0).standard_normal((2, 3, 5, 4)))
    unfold = nn.Unfold(kernel_size=2, padding=1, stride=(2, 1))
    fold = nn.Fold(output_size=(5, 4), kernel_size=2, padding=1, stride=(2, 1))
    cols = unfold(x)
    np.testing.assert_array_equal(cols.numpy(), F.unfold(x, 2, padding=1, stride=(2, 1)).numpy())
    back = fold(cols)
    # each pixel comes back once per block that covers it
    counts = fold(unfold(ag.ones(1, 1, 5, 4, dtype=np.float64)))
    np.testing.assert_allclose(back.numpy(), x.numpy() * counts.numpy())


def test_fold_layers_print_as_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.Unfold(2, dilation=2)) == repr(torch.nn.Unfold(2, dilation=2))
    assert repr(nn.Fold((4, 5), (2, 3), stride=2)) == repr(torch.nn.Fold((4, 5), (2, 3), stride=2))
