"""nn/layers/activation.py: activation modules by hand, GELU's two forms, softmax modules."""

import math

import numpy as np
import pytest

import autograd
import nn


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
