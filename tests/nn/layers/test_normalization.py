"""nn/layers/normalization.py: BatchNorm's running statistics by hand (PyTorch's momentum
and unbiased running variance), LayerNorm's values."""

import math

import numpy as np
import pytest

import autograd
import nn


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


def test_batchnorm_running_statistics_by_hand():
    bn = nn.BatchNorm1d(2, dtype=np.float64)
    x1 = t([[1.0, 2.0], [3.0, 6.0]])  # mean (2, 4), biased var (1, 4), unbiased (2, 8)
    y = bn(x1)
    np.testing.assert_allclose(
        y.data, [[-1, -1], [1, 1]] / np.sqrt(np.array([1, 4]) + 1e-5) * np.array([1, 2])
    )
    np.testing.assert_allclose(bn.running_mean.data, [0.2, 0.4])
    np.testing.assert_allclose(bn.running_var.data, [0.9 + 0.2, 0.9 + 0.8])
    x2 = t([[0.0, 0.0], [0.0, 4.0]])  # mean (0, 2), unbiased var (0, 8)
    bn(x2)
    np.testing.assert_allclose(bn.running_mean.data, [0.18, 0.56])
    np.testing.assert_allclose(bn.running_var.data, [0.99, 2.33])
    assert bn.num_batches_tracked.item() == 2
    bn.eval()
    expected = (x1.data - [0.18, 0.56]) / np.sqrt(np.array([0.99, 2.33]) + 1e-5)
    np.testing.assert_allclose(bn(x1).data, expected)
    assert bn.num_batches_tracked.item() == 2  # evaluation does not count


def test_batchnorm_cumulative_average_when_momentum_is_none():
    bn = nn.BatchNorm1d(2, momentum=None, dtype=np.float64)
    bn(t([[1.0, 2.0], [3.0, 6.0]]))
    bn(t([[0.0, 0.0], [0.0, 4.0]]))
    np.testing.assert_allclose(bn.running_mean.data, [1.0, 3.0])
    np.testing.assert_allclose(bn.running_var.data, [1.0, 8.0])


def test_batchnorm_3d_input_uses_batch_and_length():
    bn = nn.BatchNorm1d(1, momentum=1.0, dtype=np.float64)
    x = t([[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]])  # (N=2, C=1, L=3)
    bn(x)
    np.testing.assert_allclose(bn.running_mean.data, [3.5])
    np.testing.assert_allclose(bn.running_var.data, [np.var(np.arange(1, 7), ddof=1)])


def test_batchnorm_weight_and_bias_and_options():
    bn = nn.BatchNorm1d(2, dtype=np.float64)
    bn.weight.data[...] = [2.0, 3.0]
    bn.bias.data[...] = [0.5, -1.0]
    y = bn(t([[0.0, 0.0], [2.0, 2.0]])).data
    s = 1 / np.sqrt(1 + 1e-5)
    np.testing.assert_allclose(y, [[0.5 - 2 * s, -1 - 3 * s], [0.5 + 2 * s, -1 + 3 * s]])
    no_stats = nn.BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    assert no_stats.state_dict() == {} and list(no_stats.parameters()) == []
    np.testing.assert_allclose(no_stats(t([[0.0, 1.0], [2.0, 3.0]])).data, [[-s, -s], [s, s]])
    assert repr(bn) == (
        "BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    no_bias = nn.BatchNorm1d(2, bias=False)
    assert [n for n, _ in no_bias.named_parameters()] == ["weight"]


def test_batchnorm_errors_do_not_change_statistics():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(
        ValueError,
        match=r"expected more than 1 value per channel when "
        r"training, got input shape \(1, 3\)",
    ):
        bn(t(np.ones((1, 3)), np.float32))
    assert bn.num_batches_tracked.item() == 0
    with pytest.raises(ValueError, match=r"BatchNorm1d: input has 4 channels.*layer 3"):
        bn(t(np.ones((2, 4)), np.float32))
    with pytest.raises(
        ValueError,
        match=r"BatchNorm1d: expected input of shape \(N, C\) or "
        r"\(N, C, L\), got \(2, 3, 4, 5\)",
    ):
        bn(t(np.ones((2, 3, 4, 5)), np.float32))
    with pytest.raises(ValueError, match="BatchNorm2d: expected input of shape"):
        nn.BatchNorm2d(3)(t(np.ones((2, 3)), np.float32))


def test_batchnorm2d_statistics_over_batch_height_width():
    bn = nn.BatchNorm2d(2, momentum=1.0, dtype=np.float64)
    x = np.arange(16, dtype=np.float64).reshape(2, 2, 2, 2)
    y = bn(t(x)).data
    per_channel = x.transpose(1, 0, 2, 3).reshape(2, -1)
    np.testing.assert_allclose(bn.running_mean.data, per_channel.mean(1))
    np.testing.assert_allclose(bn.running_var.data, per_channel.var(1, ddof=1))
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), [0, 0], atol=1e-12)


def test_layernorm_by_hand():
    ln = nn.LayerNorm(4, dtype=np.float64)
    x = t([[1.0, 2.0, 3.0, 4.0]])
    expected = (x.data - 2.5) / math.sqrt(1.25 + 1e-5)
    np.testing.assert_allclose(ln(x).data, expected)
    ln.weight.data[...] = 2.0
    ln.bias.data[...] = 1.0
    np.testing.assert_allclose(ln(x).data, 2 * expected + 1)
    assert repr(ln) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert list(nn.LayerNorm((2, 3), elementwise_affine=False).state_dict()) == []
    two = nn.LayerNorm((2, 2), dtype=np.float64)(t([[[1.0, 2.0], [3.0, 4.0]]]))
    np.testing.assert_allclose(two.data.ravel(), expected.ravel())
    with pytest.raises(
        ValueError,
        match=r"layer_norm: normalized_shape \(4,\) must match the "
        r"last axes of the input shape \(2, 3\)",
    ):
        ln(t(np.zeros((2, 3))))
