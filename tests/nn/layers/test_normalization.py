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


def _torch_twin(torch, ours, theirs):
    """Copy our parameters into the torch layer (so both start from the same values)."""
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.tensor(value.numpy()))


def _against_torch(ours, theirs, shapes, steps=2, train=True):
    """Forward and backward on the same inputs; outputs, input and parameter gradients and
    state-dict entries (running statistics included) must agree."""
    torch = pytest.importorskip("torch")
    ours.train(train)
    theirs.train(train)
    rng = np.random.default_rng(5)
    for _ in range(steps):
        x = rng.standard_normal(shapes) * 2 + 1
        a, ta = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ty = ours(a), theirs(ta)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        w = rng.standard_normal(y.shape)
        (y * autograd.tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, value in ours.state_dict().items():
        np.testing.assert_allclose(value.numpy(), theirs.state_dict()[name].numpy(), rtol=1e-10)
    for (name, p), (tname, tp) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda m, **k: m.GroupNorm(2, 4, **k), (3, 4, 5)),
        (lambda m, **k: m.GroupNorm(4, 4, affine=False, **k), (2, 4, 3, 3)),
        (lambda m, **k: m.GroupNorm(1, 4, eps=1e-2, **k), (2, 4)),
        (lambda m, **k: m.InstanceNorm1d(3, affine=True, **k), (2, 3, 5)),
        (
            lambda m, **k: m.InstanceNorm1d(3, track_running_stats=True, momentum=0.3, **k),
            (4, 3, 6),
        ),
        (
            lambda m, **k: m.InstanceNorm2d(3, affine=True, track_running_stats=True, **k),
            (2, 3, 4, 3),
        ),
        (lambda m, **k: m.InstanceNorm2d(3, **k), (3, 4, 3)),  # unbatched (C, H, W)
        (lambda m, **k: m.InstanceNorm3d(2, affine=True, **k), (2, 2, 3, 2, 2)),
        (lambda m, **k: m.RMSNorm(5, **k), (3, 5)),
        (lambda m, **k: m.RMSNorm([3, 5], eps=1e-3, **k), (2, 3, 5)),
        (lambda m, **k: m.LocalResponseNorm(3, alpha=0.1, beta=0.5, k=2.0), (2, 5, 3, 2)),
        (lambda m, **k: m.BatchNorm3d(3, **k), (4, 3, 2, 2, 2)),
    ],
    ids=[
        "GroupNorm",
        "GroupNorm-no-affine",
        "GroupNorm-one-group",
        "InstanceNorm1d-affine",
        "InstanceNorm1d-tracked",
        "InstanceNorm2d-affine-tracked",
        "InstanceNorm2d-unbatched",
        "InstanceNorm3d",
        "RMSNorm",
        "RMSNorm-2-axes",
        "LocalResponseNorm",
        "BatchNorm3d",
    ],  # fmt: skip
)
@pytest.mark.parametrize("train", [True, False])
def test_layers_match_torch_values_gradients_and_state(make, shape, train):
    torch = pytest.importorskip("torch")
    kwargs = {} if "LocalResponseNorm" in repr(make(nn)) else {"dtype": np.float64}
    ours = make(nn, **kwargs)
    theirs = make(torch.nn, **({"dtype": torch.float64} if kwargs else {}))
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    for p in ours.parameters():  # away from the 1 / 0 init, so that mistakes show
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    for b in ours.buffers():
        if b.dtype.kind == "f":
            b.data[...] = rng.uniform(0.5, 1.5, b.shape)
    _torch_twin(torch, ours, theirs)
    _against_torch(ours, theirs, shape, train=train)


def test_new_normalization_layers_have_pytorch_parameters_and_init():
    gn = nn.GroupNorm(3, 6)
    assert [n for n, _ in gn.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(gn.weight.data, np.ones(6))
    np.testing.assert_array_equal(gn.bias.data, np.zeros(6))
    assert gn.weight.dtype == np.float32
    assert list(nn.GroupNorm(3, 6, affine=False).state_dict()) == []
    inorm = nn.InstanceNorm1d(4)
    assert list(inorm.state_dict()) == [] and inorm.weight is None
    tracked = nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
    assert list(tracked.state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"
    ]  # fmt: skip
    rms = nn.RMSNorm((2, 3))
    assert rms.weight.shape == (2, 3) and rms.eps is None
    np.testing.assert_array_equal(rms.weight.data, np.ones((2, 3)))
    assert list(nn.RMSNorm(3, elementwise_affine=False).state_dict()) == []
    assert list(nn.LocalResponseNorm(2).state_dict()) == []
    assert list(nn.BatchNorm3d(2).state_dict())[-1] == "num_batches_tracked"


def test_instance_norm_running_statistics_are_not_counted_and_none_momentum_freezes_them():
    layer = nn.InstanceNorm1d(2, track_running_stats=True, momentum=None, dtype=np.float64)
    layer(t(np.random.default_rng(0).standard_normal((3, 2, 4))))
    np.testing.assert_array_equal(layer.running_mean.data, 0.0)  # PyTorch: momentum 0
    assert layer.num_batches_tracked.item() == 0
    layer.eval()  # evaluation normalises with the running statistics (0 and 1)
    x = t(np.random.default_rng(1).standard_normal((3, 2, 4)))
    np.testing.assert_allclose(layer(x).data, x.data / math.sqrt(1 + 1e-5))


def test_new_normalization_layers_refuse_bad_input_clearly():
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(6\) must be divisible by"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match=r"InstanceNorm1d: expected a 2-D .* or 3-D input"):
        nn.InstanceNorm1d(3)(t(np.zeros((2, 3, 4, 5))))
    with pytest.raises(ValueError, match="InstanceNorm2d: input has 2 channels"):
        nn.InstanceNorm2d(3, affine=True)(t(np.zeros((1, 2, 4, 5))))
    with pytest.warns(UserWarning, match="num_features is unused with affine=False"):
        nn.InstanceNorm1d(3)(t(np.ones((1, 2, 4))))
    with pytest.raises(ValueError, match=r"BatchNorm3d: expected input of shape \(N, C, D, H, W\)"):
        nn.BatchNorm3d(3)(t(np.zeros((2, 3, 4, 5))))
    with pytest.raises(ValueError, match="RMSNorm: normalized_shape must be positive ints"):
        nn.RMSNorm(0)


@pytest.mark.parametrize(
    "layer",
    [
        nn.BatchNorm2d(3),
        nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
        nn.GroupNorm(1, 3),
        nn.LayerNorm(3),
        nn.RMSNorm(3),
    ],
    ids=lambda m: type(m).__name__,
)
def test_reset_parameters_restores_the_construction_values(layer):
    fresh = {k: v.numpy().copy() for k, v in layer.state_dict().items()}
    for value in layer.state_dict().values():
        value.data[...] = 7
    assert all((v.numpy() == 7).all() for v in layer.state_dict().values())
    layer.reset_parameters()
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), fresh[key])
