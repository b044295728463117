"""F.layer_norm and F.rms_norm as fused ops (LayerNormFunction, RMSNormFunction): values by
hand, float64 first, second and third derivatives, every combination of weight and bias, and
(with torch) PyTorch's outputs and gradients to 1e-9."""

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F
from nn.functional.normalization import LayerNormFunction, RMSNormFunction


def leaf(*shape, seed=0, dtype=np.float64):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return autograd.Tensor(data, requires_grad=True)


AFFINE = {
    "weight_and_bias": lambda x, w, b, shape: F.layer_norm(x, shape, w, b, eps=1e-3),
    "weight_only": lambda x, w, b, shape: F.layer_norm(x, shape, w, None, eps=1e-3),
    "bias_only": lambda x, w, b, shape: F.layer_norm(x, shape, None, b, eps=1e-3),
    "neither": lambda x, w, b, shape: F.layer_norm(x, shape, eps=1e-3),
}


def test_one_node_whose_inputs_are_x_weight_and_bias():
    x, w, b = leaf(2, 3), leaf(3, seed=1), leaf(3, seed=2)
    y = F.layer_norm(x, 3, w, b)
    assert y.grad_fn.fn is LayerNormFunction
    assert y.grad_fn.inputs == (x, w, b)
    assert nn.LayerNorm(3)(x).grad_fn.fn is LayerNormFunction


def test_values_and_gradients_by_hand():
    # One row x = (1, 2, 3): mean 2, var 2/3, so x_hat = (-1, 0, 1) * sqrt(3/2) (eps = 0).
    x = autograd.Tensor(np.array([[1.0, 2.0, 3.0]]), requires_grad=True)
    w = autograd.Tensor(np.array([2.0, 1.0, -1.0]), requires_grad=True)
    b = autograd.Tensor(np.array([0.5, 0.0, 0.0]), requires_grad=True)
    s = np.sqrt(1.5)
    y = F.layer_norm(x, 3, w, b, eps=0.0)
    np.testing.assert_allclose(y.data, [[-2 * s + 0.5, 0.0, -s]], rtol=1e-15)
    y.backward(np.array([[1.0, 0.0, 0.0]]))
    np.testing.assert_allclose(w.grad, [-s, 0.0, 0.0], rtol=1e-15)
    np.testing.assert_allclose(b.grad, [1.0, 0.0, 0.0])
    # g_hat = (2, 0, 0): mean 2/3, mean(g_hat x_hat) = -2s/3, r = s:
    # dx = s * ((2, 0, 0) - 2/3 - (-s, 0, s) * (-2s/3)) = s * (2 - 2/3 - 1, -2/3, -2/3 + 1)
    np.testing.assert_allclose(x.grad, [[s / 3, -2 * s / 3, s / 3]], rtol=1e-14)
    # A constant row is normalised to 0 (var = 0, so eps sets the scale).
    flat = F.layer_norm(np.full((2, 4), 7.0), 4)
    np.testing.assert_array_equal(flat.data, 0.0)


@pytest.mark.parametrize("affine", list(AFFINE))
@pytest.mark.parametrize("shape", [(4,), (3, 4)], ids=["last_axis", "last_two_axes"])
def test_first_second_and_third_derivatives(affine, shape):
    x, w, b = leaf(2, 3, 4), leaf(*shape, seed=1), leaf(*shape, seed=2)

    def fn(x, w, b):
        return AFFINE[affine](x, w, b, shape)

    assert autograd.gradcheck(fn, [x, w, b])
    assert autograd.gradgradcheck(fn, [x, w, b])
    assert autograd.gradgradcheck(fn, [x, w, b], order=3)


def test_gradients_only_where_needed_and_of_a_constant_input():
    x, w = autograd.Tensor(np.random.default_rng(0).standard_normal((3, 4))), leaf(4, seed=1)
    F.layer_norm(x, 4, w).sum().backward()
    assert x.grad is None and w.grad is not None
    assert autograd.gradgradcheck(lambda w: (F.layer_norm(x, 4, w) ** 2).sum(), [w])


def test_float32_stays_float32_and_matches_float64():
    x, w, b = leaf(64, 14, 8, dtype=np.float32), leaf(8, seed=1), leaf(8, seed=2)
    w32, b32 = (autograd.Tensor(t.data.astype(np.float32), requires_grad=True) for t in (w, b))
    y = F.layer_norm(x, 8, w32, b32)
    assert y.dtype == np.float32
    y64 = F.layer_norm(x.data.astype(np.float64), 8, w.data, b.data)
    np.testing.assert_allclose(y.data, y64.data, rtol=1e-5, atol=1e-5)
    y.sum().backward()
    assert x.grad.dtype == w32.grad.dtype == b32.grad.dtype == np.float32


def test_checks_name_the_function():
    with pytest.raises(ValueError, match="layer_norm: normalized_shape"):
        F.layer_norm(np.zeros((2, 3)), 4)
    with pytest.raises(ValueError, match=r"layer_norm: weight must have shape \(3,\)"):
        F.layer_norm(np.zeros((2, 3)), 3, np.ones(4))
    with pytest.raises(TypeError, match="layer_norm: input must be floating point"):
        F.layer_norm(np.zeros((2, 3), dtype=np.int64), 3)


@pytest.mark.parametrize("affine", list(AFFINE))
@pytest.mark.parametrize("shape", [(6,), (4, 6)], ids=["last_axis", "last_two_axes"])
def test_matches_torch_in_float64(affine, shape):
    torch = pytest.importorskip("torch")
    x, w, b = leaf(3, 4, 6), leaf(*shape, seed=1), leaf(*shape, seed=2)
    tx, tw, tb = (torch.tensor(t.numpy(), requires_grad=True) for t in (x, w, b))
    weight = tw if affine in ("weight_and_bias", "weight_only") else None
    bias = tb if affine in ("weight_and_bias", "bias_only") else None
    ours = AFFINE[affine](x, w, b, shape)
    theirs = torch.nn.functional.layer_norm(tx, shape, weight, bias, eps=1e-3)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = np.random.default_rng(3).standard_normal(ours.shape)
    ours.backward(g)
    theirs.backward(torch.tensor(g))
    for a, t in ((x, tx), (w, tw), (b, tb)):
        if t.grad is None:
            assert a.grad is None
        else:
            np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-9, atol=1e-12)


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


def test_layer_norm_grads():
    check(lambda x, w, b: F.layer_norm(x, 4, w, b), leaf(3, 4), leaf(4, seed=1), leaf(4, seed=2))
    check(lambda x: F.layer_norm(x, (3, 4)), leaf(2, 3, 4))


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
def test_batch_norm_grads_training_and_eval(shape):
    w, b = leaf(3, seed=1), leaf(3, seed=2)
    check(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), leaf(*shape), w, b)
    rm, rv = np.array([0.1, -0.2, 0.3]), np.array([0.5, 1.5, 2.0])
    check(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), leaf(*shape), w, b)


def test_rms_norm_by_hand_and_one_node():
    # x = (3, 4): mean(x^2) = 12.5, so y = x / sqrt(12.5) (eps = 0), times the weight.
    x, w = leaf(1, 2), leaf(2, seed=1)
    x.data[...] = [[3.0, 4.0]]
    y = F.rms_norm(x, 2, w, eps=0.0)
    np.testing.assert_allclose(y.numpy(), [[3, 4]] / np.sqrt(12.5) * w.numpy(), rtol=1e-15)
    assert y.grad_fn.fn is RMSNormFunction and y.grad_fn.inputs == (x, w)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rms_norm_default_eps_is_the_dtype_machine_epsilon(dtype):
    # A row of zeros divides by sqrt(eps): a tiny row shows which eps was used.
    x = np.full((1, 4), 1e-5, dtype=dtype)
    eps = np.finfo(dtype).eps
    y = F.rms_norm(x, 4).numpy()
    assert y.dtype == dtype
    np.testing.assert_allclose(y, x / np.sqrt(x.astype(np.float64) ** 2 + eps), rtol=1e-6)


@pytest.mark.parametrize("shape", [(4,), (3, 4)], ids=["last_axis", "last_two_axes"])
def test_rms_norm_derivatives(shape):
    x, w = leaf(2, 3, 4), leaf(*shape, seed=1)
    assert autograd.gradcheck(lambda x, w: F.rms_norm(x, shape, w), [x, w])
    assert autograd.gradgradcheck(lambda x, w: F.rms_norm(x, shape, w, eps=1e-3), [x, w])
    assert autograd.gradcheck(lambda x: F.rms_norm(x, shape), [x])


@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("weighted", [True, False])
def test_rms_norm_matches_torch(eps, weighted):
    torch = pytest.importorskip("torch")
    x, w = leaf(3, 4, 6), leaf(4, 6, seed=1)
    tx, tw = (torch.tensor(t.numpy(), requires_grad=True) for t in (x, w))
    ours = F.rms_norm(x, (4, 6), w if weighted else None, eps=eps)
    theirs = torch.nn.functional.rms_norm(tx, (4, 6), tw if weighted else None, eps=eps)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(3).standard_normal(ours.shape)
    ours.backward(g)
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-13)
    if weighted:
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10)


def test_rms_norm_checks_name_the_function():
    with pytest.raises(ValueError, match=r"rms_norm: normalized_shape \(4,\) must match"):
        F.rms_norm(np.zeros((2, 3)), 4)
    with pytest.raises(ValueError, match=r"rms_norm: weight must have shape \(3,\)"):
        F.rms_norm(np.zeros((2, 3)), 3, np.ones(4))
    with pytest.raises(RuntimeError, match="rms_norm: not differentiable .* 'eps'"):
        F.rms_norm(np.zeros((2, 3)), 3, eps=autograd.tensor(0.1, requires_grad=True))
