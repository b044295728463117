"""Plain SGD's fast path and the scratch buffers, for small and large parameters alike."""

import numpy as np
import pytest

import autograd
import optim
from optim.optimizer import SMALL

# One parameter below the small-array threshold and one above it, in each float dtype.
SIZES = [7, SMALL + 5]


def tensors(rng, sizes, dtype):
    return [autograd.Tensor(rng.normal(size=n).astype(dtype), requires_grad=True) for n in sizes]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_sgd_is_p_minus_lr_times_g_bitwise(dtype):
    rng = np.random.default_rng(0)
    params = tensors(rng, SIZES, dtype)
    expected = [p.data.copy() for p in params]
    opt = optim.SGD(params, lr=0.1)
    for _ in range(3):
        grads = [rng.normal(size=p.shape).astype(dtype) for p in params]
        for p, g, e in zip(params, grads, expected, strict=True):
            p.grad = g
            e -= dtype(0.1) * g  # lr rounded to the dtype, then one rounded product
        opt.step()
        for p, e in zip(params, expected, strict=True):
            assert p.data.dtype == dtype
            np.testing.assert_array_equal(p.data, e)


def test_plain_path_equals_the_general_path():
    # maximize=True with the negated gradient takes the general loop; the result is identical.
    rng = np.random.default_rng(1)
    plain = tensors(rng, SIZES, np.float32)
    general = [autograd.Tensor(p.data.copy(), requires_grad=True) for p in plain]
    opt_plain = optim.SGD(plain, lr=0.05)
    opt_general = optim.SGD(general, lr=0.05, maximize=True)
    for _ in range(3):
        for p, q in zip(plain, general, strict=True):
            g = rng.normal(size=p.shape).astype(np.float32)
            p.grad, q.grad = g, -g
        opt_plain.step()
        opt_general.step()
    for p, q in zip(plain, general, strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_plain_sgd_skips_missing_gradients_and_refuses_wrong_shapes():
    p = autograd.Tensor([1.0, 2.0], requires_grad=True)
    q = autograd.Tensor([3.0], requires_grad=True)
    p.grad = np.array([1.0, 1.0], dtype=np.float32)
    optim.SGD([p, q], lr=0.5).step()
    np.testing.assert_array_equal(p.data, [0.5, 1.5])
    np.testing.assert_array_equal(q.data, [3.0])
    q.grad = np.array([1.0, 1.0], dtype=np.float32)
    with pytest.raises(ValueError, match=r"SGD.step: .* \(1,\) has a gradient of shape \(2,\)"):
        optim.SGD([q], lr=0.5).step()


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        (optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}),
        (optim.Adam, {"lr": 0.1, "weight_decay": 0.1}),
        (optim.AdamW, {"lr": 0.1}),
        (optim.RMSprop, {"lr": 0.1, "momentum": 0.9, "centered": True}),
        (optim.Adagrad, {"lr": 0.1}),
    ],
)
def test_large_and_small_parameters_update_independently(cls, kwargs):
    # Large parameters share one scratch buffer per slot, small ones get fresh arrays; either
    # way each parameter must move exactly as under an optimizer of its own.
    rng = np.random.default_rng(2)
    together = tensors(rng, [SMALL + 3, 5, SMALL + 40, 2 * SMALL], np.float32)
    alone = [autograd.Tensor(p.data.copy(), requires_grad=True) for p in together]
    opt = cls(together, **kwargs)
    opts = [cls([p], **kwargs) for p in alone]
    for _ in range(3):
        for p, q in zip(together, alone, strict=True):
            g = rng.normal(size=p.shape).astype(np.float32)
            p.grad, q.grad = g.copy(), g.copy()
        opt.step()
        for o in opts:
            o.step()
    for p, q in zip(together, alone, strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_scratch_buffers_are_distinct_per_slot():
    opt = optim.SGD([autograd.Tensor([1.0], requires_grad=True)])
    for size in (4, SMALL + 1):
        like = np.zeros(size, dtype=np.float32)
        a, b = opt._buffer(like, 0), opt._buffer(like, 1)
        assert a.shape == b.shape == like.shape and a.dtype == np.float32
        a.fill(1.0)
        b.fill(2.0)
        assert np.all(a == 1.0)  # writing slot 1 left slot 0 alone
