"""nn/layers/pooling.py: the pooling layers compute what their functions compute."""

import numpy as np

import autograd
import nn
from nn import functional as F


def test_pooling_layers_match_their_functions():
    x = autograd.tensor(np.random.default_rng(0).standard_normal((2, 3, 6, 6)))
    np.testing.assert_allclose(nn.AvgPool2d(2)(x).data, F.avg_pool2d(x, 2).data)
    np.testing.assert_allclose(
        nn.AdaptiveAvgPool2d((3, 2))(x).data, F.adaptive_avg_pool2d(x, (3, 2)).data
    )
    drop = nn.Dropout2d(0.5)
    drop.eval()
    assert drop(x) is x or np.array_equal(drop(x).data, x.data)  # the identity in eval
