"""nn/layers/linear.py: Linear's PyTorch initialisation, forward values, errors; Bilinear;
Flatten and Unflatten."""

import math

import numpy as np
import pytest

import autograd
import nn


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


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


def test_flatten():
    x = t(np.zeros((2, 3, 4, 5)))
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    with pytest.raises(ValueError, match="Flatten: start_dim=2, end_dim=1"):
        nn.Flatten(2, 1)(x)


def test_bilinear_parameters_init_and_state_dict_like_torch():
    autograd.manual_seed(0)
    layer = nn.Bilinear(20, 3, 400)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.shape == (400, 20, 3) and layer.bias.shape == (400,)
    bound = 1 / math.sqrt(20)  # in1_features, not the product of the input sizes
    for p in (layer.weight.data, layer.bias.data):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.95 * bound
    assert list(nn.Bilinear(2, 3, 4, bias=False).state_dict()) == ["weight"]
    assert repr(layer) == "Bilinear(in1_features=20, in2_features=3, out_features=400, bias=True)"


def test_bilinear_loads_torch_weights_and_matches_it():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Bilinear(3, 4, 2).double()
    ours = nn.Bilinear(3, 4, 2, dtype=np.float64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    y, ty = ours(t(x1), t(x2)), theirs(torch.tensor(x1), torch.tensor(x2))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-12)


def test_unflatten_splits_one_axis_and_infers_minus_one():
    x = t(np.arange(24.0).reshape(2, 12))
    assert nn.Unflatten(1, (3, 4))(x).shape == (2, 3, 4)
    assert nn.Unflatten(-1, (2, -1, 3))(x).shape == (2, 2, 2, 3)
    assert nn.Unflatten(axis=1, unflattened_size=[2, 6])(x).shape == (2, 2, 6)
    np.testing.assert_array_equal(nn.Unflatten(1, (3, 4))(x).data.reshape(2, 12), x.data)
    assert nn.Flatten()(nn.Unflatten(1, (3, 4))(x)).shape == (2, 12)
    assert repr(nn.Unflatten(1, (3, 4))) == "Unflatten(dim=1, unflattened_size=(3, 4))"
    with pytest.raises(
        ValueError,
        match=r"Unflatten: sizes \[5, -1\] do not multiply up to the "
        r"size of dim 1 \(12\)",
    ):
        nn.Unflatten(1, (5, -1))(x)
    with pytest.raises(ValueError, match=r"Unflatten: sizes \[2, 2\] do not multiply up"):
        nn.Unflatten(1, (2, 2))(x)
    with pytest.raises(ValueError, match="Unflatten: dim=3 does not fit"):
        nn.Unflatten(3, (2, 2))(x)
