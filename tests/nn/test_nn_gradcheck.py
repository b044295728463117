"""Finite-difference gradient checks (float64) of every nn.functional op and loss."""

import numpy as np
import pytest

import autograd
from nn import functional as F

REDUCTIONS = ["mean", "sum", "none"]


def leaf(*shape, low=None, high=None, seed=0):
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return autograd.Tensor(data, requires_grad=True)


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


# --------------------------------------------------------------------------- activations


@pytest.mark.parametrize(
    "fn",
    [
        F.relu,
        F.tanh,
        F.sigmoid,
        F.erf,
        lambda x: F.leaky_relu(x, 0.2),
        F.gelu,
        lambda x: F.gelu(x, approximate="tanh"),
        lambda x: F.softmax(x, axis=0),
        F.softmax,
        lambda x: F.log_softmax(x, axis=0),
        F.log_softmax,
    ],
    ids=[
        "relu",
        "tanh",
        "sigmoid",
        "erf",
        "leaky",
        "gelu",
        "gelu_tanh",
        "softmax0",
        "softmax",
        "log_softmax0",
        "log_softmax",
    ],
)
def test_activation_grads(fn):
    x = leaf(3, 4)
    x.data[np.abs(x.data) < 1e-3] = 0.5  # keep away from the kinks of relu / leaky_relu
    check(fn, x)


def test_linear_grads_with_and_without_bias_and_batched_input():
    check(F.linear, leaf(4, 3), leaf(5, 3, seed=1), leaf(5, seed=2))
    check(F.linear, leaf(4, 3), leaf(5, 3, seed=1))
    check(F.linear, leaf(2, 4, 3), leaf(5, 3, seed=1), leaf(5, seed=2))
    check(F.linear, leaf(3), leaf(5, 3, seed=1), leaf(5, seed=2))


def test_linear_skips_gradient_of_input_that_does_not_need_it():
    x = autograd.Tensor(np.ones((2, 3)))
    w = leaf(4, 3)
    F.linear(x, w).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(w.grad, np.full((4, 3), 2.0))


def test_dropout_grad_uses_the_same_mask():
    autograd.manual_seed(3)
    x = leaf(50)
    y = F.dropout(x, p=0.4, training=True)
    y.sum().backward()
    kept = y.data != 0
    np.testing.assert_allclose(x.grad, np.where(kept, 1 / 0.6, 0.0))


def test_embedding_grad_accumulates_repeated_rows():
    w = leaf(4, 2)
    idx = np.array([[0, 2], [0, 0]])
    check(lambda w: F.embedding(idx, w), w)
    F.embedding(idx, w).sum().backward()
    np.testing.assert_array_equal(w.grad, [[3, 3], [0, 0], [1, 1], [0, 0]])


def test_layer_norm_grads():
    check(lambda x, w, b: F.layer_norm(x, 4, w, b), leaf(3, 4), leaf(4, seed=1), leaf(4, seed=2))
    check(lambda x: F.layer_norm(x, (3, 4)), leaf(2, 3, 4))


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
def test_batch_norm_grads_training_and_eval(shape):
    w, b = leaf(3, seed=1), leaf(3, seed=2)
    check(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), leaf(*shape), w, b)
    rm, rv = np.array([0.1, -0.2, 0.3]), np.array([0.5, 1.5, 2.0])
    check(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), leaf(*shape), w, b)


# -------------------------------------------------------------------------------- losses


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "loss",
    [
        F.mse_loss,
        F.l1_loss,
        F.huber_loss,
        lambda x, y, reduction: F.huber_loss(x, y, reduction, delta=0.5),
        F.smooth_l1_loss,
        lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction, beta=0.3),
    ],
    ids=["mse", "l1", "huber", "huber_delta", "smooth_l1", "smooth_l1_beta"],
)
def test_regression_loss_grads(loss, reduction):
    check(lambda x, y: loss(x, y, reduction=reduction), leaf(3, 4), leaf(3, 4, seed=1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grads(reduction):
    x = leaf(5, 4)
    y = np.array([0, 3, 1, 1, 2])
    w = np.array([0.5, 1.0, 2.0, 1.5])
    check(lambda x: F.cross_entropy(x, y, reduction=reduction), x)
    check(lambda x: F.cross_entropy(x, y, w, reduction=reduction, label_smoothing=0.2), x)
    y_ign = np.array([0, -100, 1, 1, -100])
    check(lambda x: F.cross_entropy(x, y_ign, w, reduction=reduction), x)
    probs = np.random.default_rng(5).dirichlet(np.ones(4), size=5)
    check(lambda x: F.cross_entropy(x, probs, w, reduction=reduction, label_smoothing=0.1), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grads_spatial_and_single_sample(reduction):
    x = leaf(2, 3, 4, 2)  # (N, C, d1, d2)
    y = np.random.default_rng(1).integers(0, 3, size=(2, 4, 2))
    check(lambda x: F.cross_entropy(x, y, reduction=reduction, label_smoothing=0.1), x)
    check(lambda x: F.cross_entropy(x, np.array(2), reduction=reduction), leaf(4))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_grads(reduction):
    x = leaf(5, 4)
    y = np.array([0, 3, -100, 1, 2])
    check(lambda x: F.nll_loss(x, y, np.array([1.0, 2.0, 0.5, 1.0]), reduction=reduction), x)
    check(lambda x: F.nll_loss(x, np.array([[0, 1], [2, 2]]), reduction=reduction), leaf(2, 3, 2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_grads(reduction):
    p = leaf(3, 4, low=0.05, high=0.95)
    y = leaf(3, 4, low=0.0, high=1.0, seed=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=(4,))
    check(lambda p, y: F.binary_cross_entropy(p, y, w, reduction=reduction), p, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_grads(reduction):
    z = leaf(3, 4)
    y = leaf(3, 4, low=0.0, high=1.0, seed=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=(3, 1))
    pw = np.array([0.5, 1.0, 2.0, 3.0])
    check(lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction=reduction), z, y)
    fn = F.binary_cross_entropy_with_logits
    check(lambda z, y: fn(z, y, w, reduction=reduction, pos_weight=pw), z, y)


# ------------------------------------------------------------------- second derivatives


def hessian_vector_error(f, x0, seed=0):
    """|H v - (grad(x + eps v) - grad(x - eps v)) / (2 eps)|, H v from create_graph."""
    v = np.random.default_rng(seed).standard_normal(x0.shape)
    x = autograd.Tensor(x0.copy(), requires_grad=True)
    (g,) = autograd.grad(f(x), [x], create_graph=True)
    (hv,) = autograd.grad((g * v).sum(), [x])

    def grad_at(a):
        t = autograd.Tensor(a, requires_grad=True)
        return np.asarray(autograd.grad(f(t), [t])[0])

    eps = 1e-6
    numeric = (grad_at(x0 + eps * v) - grad_at(x0 - eps * v)) / (2 * eps)
    return np.abs(np.asarray(hv) - numeric).max()


@pytest.mark.parametrize(
    "f",
    [
        lambda x: F.cross_entropy(x, np.array([0, 2, 1])),
        lambda x: F.cross_entropy(x, np.array([0, 2, 1]), label_smoothing=0.2, reduction="sum"),
        lambda x: F.gelu(x).sum(),
        lambda x: F.gelu(x, approximate="tanh").sum(),
        lambda x: F.binary_cross_entropy_with_logits(x, np.full((3, 4), 0.3)),
        lambda x: F.binary_cross_entropy(x.sigmoid(), np.full((3, 4), 0.3)),
        lambda x: (F.linear(x, np.ones((2, 4)) * 0.3, np.ones(2)) ** 2).sum(),
        lambda x: (F.layer_norm(x, 4) ** 3).sum(),
    ],
    ids=["ce", "ce_smooth", "gelu", "gelu_tanh", "bce_logits", "bce", "linear", "layer_norm"],
)
def test_second_derivatives_through_fused_backwards(f):
    x0 = np.random.default_rng(7).standard_normal((3, 4))
    assert hessian_vector_error(f, x0) < 1e-6
