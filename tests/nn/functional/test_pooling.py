"""Average pooling (AvgPool2d, AdaptiveAvgPool2d, F.avg_pool2d, F.adaptive_avg_pool2d) and
channel dropout (Dropout2d): hand-computed windows, gradchecks, PyTorch where installed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def image(shape=(2, 3, 7, 5), seed=0):
    return ag.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def test_avg_pool2d_is_the_mean_of_each_window():
    x = ag.tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    out = F.avg_pool2d(x, 2)
    np.testing.assert_allclose(out.data[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    padded = F.avg_pool2d(x, 3, stride=1, padding=1).data[0, 0, 0, 0]
    assert padded == pytest.approx((0 + 1 + 4 + 5) / 9)  # the zeros count by default
    real = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False).data[0, 0, 0, 0]
    assert real == pytest.approx((0 + 1 + 4 + 5) / 4)
    assert nn.AvgPool2d(2)(x).shape == (1, 1, 2, 2)


def test_adaptive_avg_pool2d_windows():
    x = ag.tensor(np.arange(25.0).reshape(1, 1, 5, 5))
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(x).data.ravel(), [12.0])
    two = F.adaptive_avg_pool2d(x, 2).data[0, 0]  # rows 0..2 and 2..4 (PyTorch's windows)
    np.testing.assert_allclose(two[0, 0], x.data[0, 0, :3, :3].mean())
    np.testing.assert_allclose(two[1, 1], x.data[0, 0, 2:, 2:].mean())
    assert F.adaptive_avg_pool2d(x, (None, 1)).shape == (1, 1, 5, 1)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.avg_pool2d(x, 2),
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
        lambda x: F.adaptive_avg_pool2d(x, 1),
    ],
)
def test_gradients(fn):
    assert ag.gradcheck(fn, (image((1, 2, 5, 4)),))


def test_against_torch():
    torch = pytest.importorskip("torch")
    x = image()
    t = torch.tensor(x.numpy())
    for kwargs in (
        dict(kernel_size=2),
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    ):
        ours = nn.AvgPool2d(**kwargs)(x).data
        np.testing.assert_allclose(ours, torch.nn.AvgPool2d(**kwargs)(t).numpy(), atol=1e-12)
    for size in ((1, 1), (3, 2), (2, 5), 4):
        ours = nn.AdaptiveAvgPool2d(size)(x).data
        theirs = torch.nn.AdaptiveAvgPool2d(size)(t).numpy()
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_dropout2d_drops_whole_channels():
    ag.manual_seed(0)
    x = ag.ones(8, 16, 3, 3)
    layer = nn.Dropout2d(0.5)
    y = layer(x).data
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 2.0).all(axis=2))
    assert 0.3 < (per_channel[:, :, 0] == 0).mean() < 0.7
    layer.eval()
    assert layer(x) is x


def test_average_pooling_refuses_empty_images_where_pytorch_does():
    # avg_pool2d: only the batch axis may be 0; adaptive_avg_pool2d: the channels may be 0 too.
    with pytest.raises(ValueError, match="avg_pool2d: input of shape \\(2, 1, 0, 3\\)"):
        F.avg_pool2d(ag.zeros(2, 1, 0, 3), 1)
    with pytest.raises(ValueError, match="empty outside the batch axis"):
        F.avg_pool2d(ag.zeros(2, 0, 3, 3), 1)
    with pytest.raises(ValueError, match="adaptive_avg_pool2d: .* has no pixels"):
        F.adaptive_avg_pool2d(ag.zeros(2, 1, 3, 0), (2, 2))
    assert F.avg_pool2d(ag.zeros(0, 1, 3, 3), 1).shape == (0, 1, 3, 3)
    assert F.adaptive_avg_pool2d(ag.zeros(2, 0, 3, 3), (2, 2)).shape == (2, 0, 2, 2)
    # a (1, 1) output is the global mean: NaN for no pixels, as PyTorch (NumPy warns)
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"), np.errstate(invalid="ignore"):
        empty_mean = F.adaptive_avg_pool2d(ag.zeros(2, 1, 0, 3), (1, 1))
    assert empty_mean.shape == (2, 1, 1, 1) and np.isnan(empty_mean.numpy()).all()
