"""nn/layers/dropout.py: inverted dropout in training, the identity in eval."""

import numpy as np
import pytest

import autograd
import nn


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


def test_dropout_training_zeroes_about_p_and_rescales():
    autograd.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = t(np.ones(20000))
    y = drop(x).data
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert (y == 0).mean() == pytest.approx(0.25, abs=0.01)


def test_dropout_masks_follow_the_seed_and_eval_is_identity():
    x = t(np.ones(100))
    autograd.manual_seed(5)
    first = nn.Dropout()(x).data
    autograd.manual_seed(5)
    np.testing.assert_array_equal(nn.Dropout()(x).data, first)
    drop = nn.Dropout(0.9).eval()
    np.testing.assert_array_equal(drop(x).data, x.data)
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, np.zeros(100))
    with pytest.raises(ValueError, match="Dropout: p must be between 0 and 1, got 1.5"):
        nn.Dropout(1.5)
