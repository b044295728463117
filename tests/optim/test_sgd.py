"""SGD against three steps worked out by hand, and against its formula for every option."""

import itertools

import numpy as np
import pytest

import autograd
import optim

from .optim_helpers import param, ref_sgd, reference_run, run

# Gradients fed at steps 1, 2, 3 (independent of p, so the arithmetic is easy to follow).
GRADS = [[1.0, -1.0], [2.0, 0.0], [-1.0, 4.0]]


def check(opt_kwargs, expected):
    p = param([1.0, 2.0])
    got = run(optim.SGD([p], **opt_kwargs), p, GRADS)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_plain_sgd_by_hand():
    # p <- p - 0.1 g
    check({"lr": 0.1}, [[0.9, 2.1], [0.7, 2.1], [0.8, 1.7]])


def test_momentum_by_hand():
    # b1 = g1 = [1, -1];  b2 = .9 b1 + g2 = [2.9, -.9];  b3 = .9 b2 + g3 = [1.61, 3.19]
    # p: [1, 2] - .1 b1 = [.9, 2.1];  - .1 b2 = [.61, 2.19];  - .1 b3 = [.449, 1.871]
    check({"lr": 0.1, "momentum": 0.9}, [[0.9, 2.1], [0.61, 2.19], [0.449, 1.871]])


def test_dampening_skips_first_step_by_hand():
    # b1 = g1 (no dampening on the first step);  b2 = .9 b1 + .5 g2 = [1.9, -.9]
    # b3 = .9 b2 + .5 g3 = [1.21, 1.19]
    expected = [[0.9, 2.1], [0.71, 2.19], [0.589, 2.071]]
    check({"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, expected)


def test_nesterov_by_hand():
    # buffers as in test_momentum; direction d = g + .9 b
    # d1 = [1.9, -1.9]; d2 = [2, 0] + .9 [2.9, -.9] = [4.61, -.81]
    # d3 = [-1, 4] + .9 [1.61, 3.19] = [.449, 6.871]
    expected = [[0.81, 2.19], [0.349, 2.271], [0.3041, 1.5839]]
    check({"lr": 0.1, "momentum": 0.9, "nesterov": True}, expected)


def test_weight_decay_by_hand():
    # g_eff = g + .1 p: [1.1, -.8] -> p = [.89, 2.08]
    # [2.089, .208] -> p = [.6811, 2.0592];  [-.93189, 4.20592] -> p = [.774289, 1.638608]
    expected = [[0.89, 2.08], [0.6811, 2.0592], [0.774289, 1.638608]]
    check({"lr": 0.1, "weight_decay": 0.1}, expected)


def test_maximize_by_hand():
    # gradient ascent: p <- p + 0.1 g
    check({"lr": 0.1, "maximize": True}, [[1.1, 1.9], [1.3, 1.9], [1.2, 2.3]])


@pytest.mark.parametrize(
    "momentum, dampening, nesterov, weight_decay, maximize",
    [
        (m, d, n, wd, mx)
        for m, d, n, wd, mx in itertools.product(
            [0.0, 0.9], [0.0, 0.3], [False, True], [0.0, 0.05], [False, True]
        )
        if not (n and (m == 0 or d != 0))
    ],
)
def test_matches_formula_for_every_option(momentum, dampening, nesterov, weight_decay, maximize):
    rng = np.random.default_rng(0)
    p0 = rng.normal(size=(2, 3))
    grads = rng.normal(size=(3, 2, 3))
    hp = dict(lr=0.05, momentum=momentum, dampening=dampening, nesterov=nesterov,
              weight_decay=weight_decay, maximize=maximize)  # fmt: skip
    p = param(p0)
    got = run(optim.SGD([p], **hp), p, grads)
    np.testing.assert_allclose(got, reference_run(ref_sgd, p0, grads, **hp), rtol=1e-13)


def test_default_lr_is_pytorch_2_default():
    p = param([0.0])
    assert optim.SGD([p]).defaults["lr"] == 1e-3


def test_momentum_buffer_state_and_no_state_without_momentum():
    p, q = param([1.0, 2.0]), param([3.0])
    plain, heavy = optim.SGD([p], lr=0.1), optim.SGD([q], lr=0.1, momentum=0.5)
    run(plain, p, GRADS[:1])
    run(heavy, q, [[2.0], [4.0]])
    assert plain.state == {}
    # b1 = 2, b2 = .5 * 2 + 4 = 5
    np.testing.assert_array_equal(heavy.state[q]["momentum_buffer"], [5.0])


def test_float32_parameters_stay_float32():
    p = autograd.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)
    run(opt, p, GRADS)
    assert p.data.dtype == np.float32
    assert opt.state[p]["momentum_buffer"].dtype == np.float32
