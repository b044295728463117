"""nn/layers/activation.py: activation modules by hand, GELU's two forms, softmax modules."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


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
    np.testing.assert_allclose(nn.GELU()(x).data, x.numpy() * phi, rtol=1e-14)
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


def test_torch_family_layers_run_their_functions_with_their_options():
    x = autograd.tensor([[-2.0, -0.25, 0.5, 7.0]])
    cases = [
        (nn.ELU(alpha=0.5), F.elu(x, alpha=0.5)),
        (nn.SELU(), F.selu(x)),
        (nn.CELU(2.0), F.celu(x, 2.0)),
        (nn.SiLU(), F.silu(x)),
        (nn.Mish(), F.mish(x)),
        (nn.Softplus(beta=2.0), F.softplus(x, beta=2.0)),
        (nn.Hardtanh(0.0, 6.0), F.relu6(x)),
        (nn.ReLU6(), F.hardtanh(x, 0.0, 6.0)),
        (nn.LogSigmoid(), F.logsigmoid(x)),
        (nn.Softsign(), F.softsign(x)),
        (nn.Hardsigmoid(), F.hardsigmoid(x)),
        (nn.Hardswish(), F.hardswish(x)),
        (nn.Softmin(dim=1), F.softmin(x, dim=1)),
    ]
    for layer, want in cases:
        np.testing.assert_array_equal(layer(x).numpy(), want.numpy(), err_msg=repr(layer))
    assert repr(nn.ELU(alpha=0.5, inplace=True)) == "ELU(alpha=0.5, inplace=True)"
    assert repr(nn.Hardtanh()) == "Hardtanh(min_val=-1.0, max_val=1.0)"
    h = autograd.tensor([[-1.0, 2.0]]) * 1.0
    assert nn.SiLU(inplace=True)(h) is h  # PyTorch's inplace: the input's memory


def test_torch_family_layers_match_torch_reprs():
    torch = pytest.importorskip("torch")
    for name in ("ELU", "SELU", "SiLU", "Softplus", "Hardtanh", "ReLU6"):
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)()), name


def test_glu_threshold_and_softmax2d_layers_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 4, 3, 2))
    for ours, theirs in [
        (nn.GLU(), torch.nn.GLU()),
        (nn.GLU(dim=1), torch.nn.GLU(dim=1)),
        (nn.Threshold(0.1, 20.0), torch.nn.Threshold(0.1, 20.0)),
        (nn.Softmax2d(), torch.nn.Softmax2d()),
    ]:
        assert repr(ours) == repr(theirs)
        a, ta = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ty = ours(a), theirs(ta)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-14)
        w = np.random.default_rng(1).standard_normal(y.shape)
        (y * autograd.tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax2d_sums_to_one_over_channels_and_refuses_other_ranks():
    x = autograd.tensor(np.random.default_rng(0).standard_normal((3, 2, 2)))
    np.testing.assert_allclose(nn.Softmax2d()(x).numpy().sum(axis=0), 1.0)
    with pytest.raises(ValueError, match=r"Softmax2d: expected an \(N, C, H, W\) or \(C, H, W\)"):
        nn.Softmax2d()(autograd.tensor(np.zeros((2, 3))))
    y = nn.Threshold(0.0, -1.0, inplace=True)(x)
    assert y is x and (x.numpy() >= -1.0).all()
