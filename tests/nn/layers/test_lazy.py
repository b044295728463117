"""nn/layers/lazy.py: LazyLinear infers in_features at its first forward, becomes an nn.Linear
with Linear's initialisation, and behaves as PyTorch's with state dicts and optimizers; the lazy
batch and instance norms likewise read num_features."""

import math

import numpy as np
import pytest

import autograd
import nn
import optim


def x_of(n, features, dtype=np.float32):
    return autograd.tensor(np.random.default_rng(0).standard_normal((n, features)).astype(dtype))


def test_before_the_first_forward_the_parameters_are_placeholders():
    layer = nn.LazyLinear(3)
    assert isinstance(layer.weight, nn.UninitializedParameter)
    assert isinstance(layer.bias, nn.UninitializedParameter)
    assert layer.in_features == 0
    assert repr(layer) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    assert repr(layer.weight) == "<UninitializedParameter>"
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert isinstance(layer, nn.Linear)  # as PyTorch's (LazyLinear subclasses Linear)
    # Its shape is unknown, not (0,): asking raises, as PyTorch does.
    for ask in (lambda: layer.weight.shape, lambda: layer.bias.numel(), lambda: layer.weight.size):
        with pytest.raises(RuntimeError, match="UninitializedParameter: its shape is not known"):
            ask()
    with pytest.raises(RuntimeError, match="UninitializedBuffer: its shape is not known"):
        nn.LazyBatchNorm1d().running_mean.shape  # noqa: B018


def test_first_forward_materialises_with_linear_init_and_becomes_linear():
    autograd.manual_seed(0)
    layer = nn.LazyLinear(300)
    weight = layer.weight
    y = layer(x_of(4, 100))
    assert y.shape == (4, 300)
    assert type(layer) is nn.Linear and layer.in_features == 100
    assert weight is layer.weight and type(weight) is nn.Parameter  # the same object, changed
    assert layer.weight.shape == (300, 100) and layer.bias.shape == (300,)
    bound = 1 / math.sqrt(100)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.99 * bound
    np.testing.assert_allclose(
        y.data, x_of(4, 100).data @ layer.weight.data.T + layer.bias.data, rtol=1e-5
    )
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert repr(layer) == "Linear(in_features=100, out_features=300, bias=True)"


def test_the_same_draws_as_a_linear_made_with_the_same_seed():
    autograd.manual_seed(7)
    lazy = nn.LazyLinear(4)
    lazy(x_of(2, 6))
    autograd.manual_seed(7)
    eager = nn.Linear(6, 4)
    np.testing.assert_array_equal(lazy.weight.data, eager.weight.data)
    np.testing.assert_array_equal(lazy.bias.data, eager.bias.data)


def test_dtype_cast_before_the_dry_run_and_no_bias():
    layer = nn.LazyLinear(2, bias=False).double()
    layer(x_of(3, 5, np.float64))
    assert layer.weight.dtype == np.float64 and layer.bias is None
    assert list(layer.state_dict()) == ["weight"]


def test_optimizer_made_after_the_dry_run_trains_it():
    # PyTorch's documented order: dry run first, then the optimizer.
    model = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    x, target = x_of(16, 3), autograd.tensor(np.ones((16, 1), dtype=np.float32))
    model(x)
    opt = optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(x) - target) ** 2).mean()
        first = loss.item() if first is None else first
        loss.backward()
        opt.step()
    assert loss.item() < 0.1 * first


def test_optimizer_made_before_the_dry_run_still_sees_the_parameters():
    # Materialising changes the parameter objects in place, so (as in PyTorch) an optimizer
    # that holds them works; the documented order above is still the one to teach.
    layer = nn.LazyLinear(2)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    layer(x_of(3, 4)).sum().backward()
    before = layer.weight.data.copy()
    opt.step()
    np.testing.assert_allclose(layer.weight.data, before - 0.1 * layer.weight.grad.data)


def test_load_state_dict_before_the_dry_run_takes_the_shapes_and_values():
    source = nn.Linear(4, 3)
    layer = nn.LazyLinear(3)
    layer.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(layer.weight.data, source.weight.data)
    assert type(layer) is nn.LazyLinear  # still lazy until the first forward, as PyTorch
    y = layer(x_of(2, 4))
    assert type(layer) is nn.Linear and layer.in_features == 4
    np.testing.assert_array_equal(layer.weight.data, source.weight.data)  # not re-drawn
    np.testing.assert_allclose(y.data, source(x_of(2, 4)).data)


def test_torch_weights_load_into_a_lazy_layer():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.LazyLinear(2)
    theirs(torch.zeros(1, 5))
    layer = nn.LazyLinear(2)
    layer.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
    # float32 sums of terms near 1 in another order: an absolute tolerance for outputs near 0
    np.testing.assert_allclose(
        layer(autograd.tensor(x)).data,
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-6,
        atol=1e-6,
    )


def test_a_0d_first_input_is_refused_clearly():
    with pytest.raises(ValueError, match="LazyLinear: the first input needs a feature axis"):
        nn.LazyLinear(2)(autograd.tensor(1.0))


LAZY_NORMS = [
    ("LazyBatchNorm1d", {}, (4, 3)),
    ("LazyBatchNorm1d", {"momentum": None}, (4, 3, 5)),
    ("LazyBatchNorm2d", {"affine": False}, (2, 3, 2, 2)),
    ("LazyBatchNorm3d", {}, (2, 3, 2, 1, 2)),
    ("LazyInstanceNorm1d", {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", {"track_running_stats": False}, (2, 3, 2, 3)),
    ("LazyInstanceNorm3d", {"affine": False}, (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name, options, shape", LAZY_NORMS, ids=[c[0] for c in LAZY_NORMS])
def test_lazy_norms_match_torch_before_and_after_the_first_forward(name, options, shape):
    torch = pytest.importorskip("torch")
    ours = getattr(nn, name)(**options, dtype=np.float64)
    theirs = getattr(torch.nn, name)(**options, dtype=torch.float64)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    for _ in range(2):
        x = rng.standard_normal(shape) * 3 + 1
        y, ty = ours(autograd.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert type(ours).__name__ == type(theirs).__name__  # BatchNorm1d, InstanceNorm2d, ...
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in ours.state_dict().items():
        np.testing.assert_allclose(value.data, theirs.state_dict()[key].numpy(), rtol=1e-10)


def test_lazy_batch_norm_init_training_and_loading():
    layer = nn.LazyBatchNorm2d()
    assert isinstance(layer.running_mean, nn.UninitializedBuffer)
    assert layer.num_batches_tracked.item() == 0
    layer(autograd.tensor(np.random.default_rng(1).standard_normal((2, 4, 3, 3))))
    assert type(layer) is nn.BatchNorm2d and layer.num_features == 4
    np.testing.assert_array_equal(layer.weight.data, np.ones(4))
    assert layer.running_var.dtype == np.float32 and layer.num_batches_tracked.item() == 1
    source = nn.BatchNorm1d(3)
    source.running_mean.data[...] = [1.0, 2.0, 3.0]
    lazy = nn.LazyBatchNorm1d()
    lazy.load_state_dict(source.state_dict())
    lazy.eval()(autograd.tensor(np.zeros((2, 3), dtype=np.float32)))
    np.testing.assert_array_equal(lazy.running_mean.data, [1.0, 2.0, 3.0])  # kept
