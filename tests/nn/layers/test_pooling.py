"""nn/layers/pooling.py: the pooling layers compute what their functions compute."""

import numpy as np
import pytest

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


LAYERS = [
    ("MaxPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 8)),
    ("MaxPool1d", (2,), dict(return_indices=True, dilation=2), (3, 8)),
    ("MaxPool2d", (3,), dict(stride=2, ceil_mode=True, return_indices=True), (2, 3, 6, 7)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 8)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveMaxPool1d", (5,), dict(return_indices=True), (3, 8)),
    ("AdaptiveMaxPool2d", ((3, None),), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool2d", (2,), {}, (3, 7, 5)),
    ("MaxPool3d", (2,), dict(stride=(1, 2, 2), ceil_mode=True, return_indices=True), (2, 3, 4, 3)),
    ("AvgPool3d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 2, 5, 4, 5)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (2, 5, 4, 5)),
]


@pytest.mark.parametrize("name, args, options, shape", LAYERS, ids=str)
def test_pooling_layers_match_torchs_values_indices_and_repr(name, args, options, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(3).standard_normal(shape)
    a, b = ours(autograd.tensor(x)), theirs(torch.tensor(x))
    if options.get("return_indices"):
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
        a, b = a[0], b[0]
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_pooling_layers_in_a_1d_model():
    model = nn.Sequential(
        nn.Conv1d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2), nn.AdaptiveAvgPool1d(1)
    )
    x = autograd.tensor(np.random.default_rng(4).standard_normal((5, 2, 10)).astype(np.float32))
    out = model(x)
    assert out.shape == (5, 4, 1) and out.dtype == np.float32
    out.sum().backward()
    assert model[0].weight.grad.shape == (4, 2, 3)
