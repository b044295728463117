"""The base class's loop over parameters: one rule per parameter, in place, versions bumped."""

import numpy as np
import pytest

import autograd
import nn
import optim
from autograd import versions
from nn import functional as F

# Small and large parameters (a large one has 40,000 values), so no size takes a path of its own.
SIZES = [7, (200, 200)]


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


def sgd_by_hand(p, g, b, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """SGD's documented rule on plain arrays, in the same order of operations; returns b."""
    g = -g if maximize else g
    g = g + weight_decay * p if weight_decay != 0 else g
    if momentum != 0:
        b = g.copy() if b is None else momentum * b + (1 - dampening) * g
        d = g + momentum * b if nesterov else b
    else:
        d = g
    p -= lr * d
    return b


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.05},
        {"lr": 0.05, "maximize": True},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True, "maximize": True},
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_equals_its_rule_written_by_hand_bitwise(kwargs, dtype):
    hp = {"momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    hp |= {"maximize": False} | kwargs
    rng = np.random.default_rng(1)
    params = tensors(rng, SIZES, dtype)
    by_hand = [p.data.copy() for p in params]
    buffers = [None] * len(params)
    opt = optim.SGD(params, **kwargs)
    for _ in range(4):
        for i, (p, q) in enumerate(zip(params, by_hand, strict=True)):
            g = rng.normal(size=p.shape).astype(dtype)
            p.grad = g
            buffers[i] = sgd_by_hand(q, g, buffers[i], **hp)
        opt.step()
    for p, q in zip(params, by_hand, strict=True):
        np.testing.assert_array_equal(p.data, q)


class SignSGD(optim.Optimizer):
    """p <- p - lr * sign(g): the subclass the Optimizer docstring shows."""

    def __init__(self, params, lr=0.01):
        super().__init__(params, {"lr": lr})

    def update(self, p, g, state, group):
        p -= group["lr"] * np.sign(g)


def test_a_rule_written_as_the_docstring_shows_gets_the_loop():
    p, skipped = autograd.Tensor([1.0, -2.0, 3.0], requires_grad=True), autograd.Tensor([5.0])
    skipped.requires_grad = True
    opt = SignSGD([p, skipped], lr=0.5)
    p.grad = np.array([2.0, -0.1, 0.0])
    opt.step()
    np.testing.assert_array_equal(p.data, [0.5, -1.5, 3.0])
    np.testing.assert_array_equal(skipped.data, [5.0])  # no gradient, not touched
    assert opt.state == {}  # the rule stored nothing, so no entry was kept


def test_maximize_with_the_negated_gradient_is_identical():
    rng = np.random.default_rng(2)
    plain = tensors(rng, SIZES, np.float32)
    flipped = [autograd.Tensor(p.data.copy(), requires_grad=True) for p in plain]
    opt_plain = optim.SGD(plain, lr=0.05)
    opt_flipped = optim.SGD(flipped, lr=0.05, maximize=True)
    for _ in range(3):
        for p, q in zip(plain, flipped, strict=True):
            g = rng.normal(size=p.shape).astype(np.float32)
            p.grad, q.grad = g, -g
        opt_plain.step()
        opt_flipped.step()
    for p, q in zip(plain, flipped, strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_sgd_skips_missing_gradients_and_refuses_wrong_shapes():
    p = autograd.Tensor([1.0, 2.0], requires_grad=True)
    q = autograd.Tensor([3.0], requires_grad=True)
    p.grad = np.array([1.0, 1.0], dtype=np.float32)
    optim.SGD([p, q], lr=0.5).step()
    np.testing.assert_array_equal(p.data, [0.5, 1.5])
    np.testing.assert_array_equal(q.data, [3.0])
    # Refused when assigned (autograd checks .grad) or, failing that, by step().
    with pytest.raises(ValueError, match=r"\(1,\).* \(2,\)"):
        q.grad = np.array([1.0, 1.0], dtype=np.float32)
        optim.SGD([q], lr=0.5).step()


ALL = [
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}),
    (optim.Adam, {"lr": 0.1, "weight_decay": 0.1}),
    (optim.Adam, {"lr": 0.1, "amsgrad": True}),
    (optim.AdamW, {"lr": 0.1}),
    (optim.RMSprop, {"lr": 0.1, "momentum": 0.9, "centered": True}),
    (optim.Adagrad, {"lr": 0.1}),
]


@pytest.mark.parametrize("cls, kwargs", ALL)
def test_parameters_update_independently(cls, kwargs):
    # Each parameter must move exactly as under an optimizer of its own.
    rng = np.random.default_rng(3)
    together = tensors(rng, [(120, 120), 5, 3000, 1], np.float32)
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


@pytest.mark.parametrize("cls, kwargs", ALL)
def test_each_step_bumps_the_version_of_each_updated_parameter_once(cls, kwargs):
    rng = np.random.default_rng(4)
    used, unused = tensors(rng, [(3, 2), 4], np.float64)
    opt = cls([used, unused], **kwargs)
    grad = rng.normal(size=(3, 2))
    for step in range(1, 4):
        before = versions.version(used._data), versions.version(unused._data)
        used.grad = grad
        opt.step()
        assert versions.version(used._data) == before[0] + 1, f"step {step}"
        assert versions.version(unused._data) == before[1]  # no gradient: not written


@pytest.mark.parametrize("cls, kwargs", ALL)
@pytest.mark.parametrize("extra", [{}, {"maximize": True, "weight_decay": 0.1}])
def test_the_gradient_is_read_not_written(cls, kwargs, extra):
    p = autograd.Tensor([1.0, -2.0], requires_grad=True)
    p.grad = np.array([0.5, 0.25])
    grad = p.grad
    opt = cls([p], **{**kwargs, **extra})
    for _ in range(2):
        opt.step()
        assert p.grad is grad
        np.testing.assert_array_equal(grad, [0.5, 0.25])


def test_a_step_between_forward_and_backward_makes_backward_raise():
    # The forward saved the weights for the backward (y = x @ W.T + b needs W to pass the
    # gradient on to x's side); the step changes them in place, so the saved values are stale.
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = autograd.Tensor(np.ones((5, 2), dtype=np.float32))
    y = autograd.Tensor(np.zeros((5, 1), dtype=np.float32))
    F.mse_loss(model(x), y).backward()  # gradients for the step
    loss = F.mse_loss(model(x), y)  # a forward that saves the current weights
    opt.step()
    with pytest.raises(RuntimeError, match="in place"):
        loss.backward()
