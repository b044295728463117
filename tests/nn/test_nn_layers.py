"""Layers: initialisation, forward values worked out by hand, train/eval behaviour, errors."""

import math

import numpy as np
import pytest

import autograd
import nn


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


# -------------------------------------------------------------------------------- Linear


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    autograd.manual_seed(0)
    lin = nn.Linear(100, 300)
    bound = 1 / math.sqrt(100)
    w, b = lin.weight.data, lin.bias.data
    assert w.shape == (300, 100) and b.shape == (300,) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # the whole interval is used
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # std of U(-a, a)


def test_linear_init_is_reproducible_with_manual_seed():
    autograd.manual_seed(42)
    a = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    autograd.manual_seed(42)
    b = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    autograd.manual_seed(43)
    c = nn.Linear(3, 4)
    for (_, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0].weight.data, c.weight.data)


def test_linear_forward_matches_numpy_for_any_leading_shape():
    lin = nn.Linear(3, 2, dtype=np.float64)
    for shape in [(3,), (4, 3), (2, 5, 3)]:
        x = np.random.default_rng(0).standard_normal(shape)
        expected = x @ lin.weight.data.T + lin.bias.data
        np.testing.assert_allclose(lin(t(x)).data, expected, rtol=1e-12)
    no_bias = nn.Linear(3, 2, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]


def test_linear_errors():
    lin = nn.Linear(5, 2)
    with pytest.raises(
        ValueError,
        match=r"linear: input shape \(4, 3\) does not fit weight "
        r"shape \(2, 5\)",
    ):
        lin(t(np.zeros((4, 3)), np.float32))
    with pytest.raises(
        TypeError, match="linear: input dtype float64 differs from weight dtype float32"
    ):
        lin(t(np.zeros((4, 5))))
    with pytest.raises(ValueError, match="Linear: in_features must be a non-negative int"):
        nn.Linear(2.5, 3)


# ------------------------------------------------------------------------- activations


def test_activation_modules_by_hand():
    x = t([-2.0, 0.0, 1.0])
    np.testing.assert_allclose(nn.ReLU()(x).data, [0, 0, 1])
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).data, [-0.2, 0, 1])
    np.testing.assert_allclose(nn.LeakyReLU()(x).data, [-0.02, 0, 1])
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh([-2.0, 0.0, 1.0]))
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp([2.0, 0.0, -1.0])))
    assert nn.Identity(3, foo=1)(x) is x


def test_gelu_exact_and_tanh_values():
    x = t([-1.0, 0.0, 1.0, 3.0])
    phi = [0.5 * (1 + math.erf(v / math.sqrt(2))) for v in (-1.0, 0.0, 1.0, 3.0)]
    np.testing.assert_allclose(nn.GELU()(x).data, x.data * phi, rtol=1e-14)
    assert nn.GELU()(t([1.0])).item() == pytest.approx(0.8413447460685429, rel=1e-15)
    u = math.sqrt(2 / math.pi) * (1 + 0.044715)
    assert nn.GELU("tanh")(t([1.0])).item() == pytest.approx(0.5 * (1 + math.tanh(u)))
    assert nn.GELU()(t([1.0], np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="GELU: approximate must be 'none' or 'tanh'"):
        nn.GELU("fast")


def test_softmax_modules_take_dim():
    x = t([[1.0, 2.0], [3.0, 5.0]])
    e = np.exp(x.data)
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).data, e / e.sum(0, keepdims=True))
    np.testing.assert_allclose(nn.Softmax()(x).data, e / e.sum(1, keepdims=True))
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x).data, np.log(e / e.sum(1, keepdims=True)))
    with pytest.raises(
        ValueError,
        match=r"softmax: axis 2 is out of range for an input of "
        r"shape \(2, 2\)",
    ):
        nn.Softmax(dim=2)(x)


def test_flatten():
    x = t(np.zeros((2, 3, 4, 5)))
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    with pytest.raises(ValueError, match="Flatten: start_dim=2, end_dim=1"):
        nn.Flatten(2, 1)(x)


# ------------------------------------------------------------------------------- Dropout


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


# ----------------------------------------------------------------------------- BatchNorm


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


# ----------------------------------------------------------------------------- LayerNorm


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


# ----------------------------------------------------------------------------- Embedding


def test_embedding_lookup_init_and_errors():
    autograd.manual_seed(0)
    emb = nn.Embedding(1000, 50)
    assert emb.weight.data.mean() == pytest.approx(0.0, abs=0.01)
    assert emb.weight.data.std() == pytest.approx(1.0, abs=0.01)
    idx = np.array([[3, 3], [999, 0]])
    out = emb(idx)
    assert out.shape == (2, 2, 50)
    np.testing.assert_array_equal(out.data[1, 0], emb.weight.data[999])
    np.testing.assert_array_equal(emb(autograd.Tensor(idx)).data, out.data)
    assert repr(emb) == "Embedding(1000, 50)"
    with pytest.raises(IndexError, match="embedding: index 1000 is out of range for 1000"):
        emb(np.array([1000]))
    with pytest.raises(TypeError, match="embedding: indices must be integers, got dtype float"):
        emb(np.array([1.0]))


# ------------------------------------------------------------------------------- one_hot


def test_one_hot():
    from nn import functional as F

    out = F.one_hot(np.array([[0, 2], [1, 0]]))
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data[0], [[1, 0, 0], [0, 0, 1]])
    assert F.one_hot(autograd.Tensor(np.array([1])), num_classes=4).data.tolist() == [[0, 1, 0, 0]]
    with pytest.raises(
        ValueError,
        match=r"one_hot: indices must be in \[0, 2\), got values from "
        r"0 to 2",
    ):
        F.one_hot(np.array([0, 2]), num_classes=2)
    with pytest.raises(TypeError, match="one_hot: indices must be integers"):
        F.one_hot(np.array([0.0]))
