"""Adam and AdamW against hand-worked steps, closed forms, and the documented formula."""

import itertools
import math

import numpy as np
import pytest

import autograd
import optim

from .optim_helpers import param, ref_adam, reference_run, run


def test_constant_gradient_moves_lr_per_step():
    # With g constant, m_t / (1 - b1^t) = g and v_t / (1 - b2^t) = g^2 exactly, so with eps = 0
    # every step moves each coordinate by lr * sign(g), whatever the gradient's size.
    p = param([1.0, -2.0])
    got = run(optim.Adam([p], lr=0.1, eps=0.0), p, [[3.0, -0.5]] * 3)
    np.testing.assert_allclose(got, [[0.9, -1.9], [0.8, -1.8], [0.7, -1.7]], rtol=1e-13)


def test_three_steps_by_hand():
    # lr = .1, betas = (.9, .999), eps = 0, p0 = 1, g = 1, 2, -1:
    # t=1: m = .1, v = .001, m_hat = 1, v_hat = 1                     -> p = .9
    # t=2: m = .09 + .2 = .29, 1 - b1^2 = .19; v = .000999 + .004 = .004999, 1 - b2^2 = .001999
    # t=3: m = .261 - .1 = .161, 1 - b1^3 = .271
    #      v = .004994001 + .001 = .005994001, 1 - b2^3 = .002997001
    p2 = 0.9 - 0.1 * (0.29 / 0.19) / math.sqrt(0.004999 / 0.001999)
    p3 = p2 - 0.1 * (0.161 / 0.271) / math.sqrt(0.005994001 / 0.002997001)
    p = param([1.0])
    got = run(optim.Adam([p], lr=0.1, eps=0.0), p, [[1.0], [2.0], [-1.0]])
    np.testing.assert_allclose(np.ravel(got), [0.9, p2, p3], rtol=1e-13)


def test_eps_is_added_after_bias_correction():
    # First step: m_hat = g, sqrt(v_hat) = |g|, so p1 = p0 - lr * g / (|g| + eps).
    p = param([0.0])
    got = run(optim.Adam([p], lr=1.0, eps=0.5), p, [[2.0]])
    np.testing.assert_allclose(got[0], [-2.0 / 2.5], rtol=1e-14)


def test_amsgrad_keeps_the_largest_second_moment_by_hand():
    # g = 1 then .01: v1 = .001, v2 = .000999 + .0000001 = .0009991 < v1, so AMSGrad keeps .001.
    # m2 = .09 + .001 = .091;  1 - b1^2 = .19;  1 - b2^2 = .001999
    grads = [[1.0], [0.01]]
    m_hat = 0.091 / 0.19
    for amsgrad, v in [(True, 0.001), (False, 0.0009991)]:
        p = param([0.0])
        got = run(optim.Adam([p], lr=0.1, eps=0.0, amsgrad=amsgrad), p, grads)
        np.testing.assert_allclose(got[1], [-0.1 - 0.1 * m_hat / math.sqrt(v / 0.001999)])


def test_adam_weight_decay_is_l2_but_adamw_decays_the_weights():
    # Zero data gradient. Adam adds wd * p to the gradient, so its first step is lr * sign(p);
    # AdamW multiplies p by (1 - lr * wd) = .95 and the Adam part sees g = 0 (no move).
    zero = [[0.0, 0.0]] * 3
    p = param([2.0, -4.0])
    got = run(optim.Adam([p], lr=0.1, eps=0.0, weight_decay=0.5), p, zero)
    np.testing.assert_allclose(got[0], [1.9, -3.9], rtol=1e-14)
    q = param([2.0, -4.0])
    got = run(optim.AdamW([q], lr=0.1, weight_decay=0.5), q, zero)
    np.testing.assert_allclose(got, [[1.9, -3.8], [1.805, -3.61], [1.71475, -3.4295]])


def test_maximize_climbs():
    p = param([1.0])
    got = run(optim.Adam([p], lr=0.1, eps=0.0, maximize=True), p, [[5.0]] * 3)
    np.testing.assert_allclose(np.ravel(got), [1.1, 1.2, 1.3], rtol=1e-13)


@pytest.mark.parametrize(
    "decoupled, betas, weight_decay, amsgrad, maximize",
    list(
        itertools.product(
            [False, True], [(0.9, 0.999), (0.3, 0.5)], [0.0, 0.1], [False, True], [False, True]
        )
    ),
)
def test_matches_formula_for_every_option(decoupled, betas, weight_decay, amsgrad, maximize):
    rng = np.random.default_rng(1)
    p0 = rng.normal(size=(3, 2))
    grads = rng.normal(size=(3, 3, 2))
    hp = dict(lr=0.01, betas=betas, eps=1e-8, weight_decay=weight_decay, amsgrad=amsgrad,
              maximize=maximize)  # fmt: skip
    p = param(p0)
    cls = optim.AdamW if decoupled else optim.Adam
    got = run(cls([p], **hp), p, grads)
    expected = reference_run(ref_adam, p0, grads, decoupled=decoupled, **hp)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_state_entries():
    p, q = param([1.0, 2.0]), param([1.0])
    plain, ams = optim.Adam([p]), optim.Adam([q], amsgrad=True)
    run(plain, p, [[1.0, 1.0]] * 3)
    run(ams, q, [[1.0]] * 2)
    assert sorted(plain.state[p]) == ["exp_avg", "exp_avg_sq", "step"]
    assert plain.state[p]["step"] == 3 and isinstance(plain.state[p]["step"], int)
    assert sorted(ams.state[q]) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]


def test_defaults_follow_pytorch():
    p = param([0.0])
    assert optim.Adam([p]).defaults == {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                        "weight_decay": 0.0, "amsgrad": False,
                                        "maximize": False}  # fmt: skip
    assert optim.AdamW([p]).defaults["weight_decay"] == 1e-2


def test_float32_stays_float32():
    p = autograd.Tensor(np.array([1.0, -1.0], dtype=np.float32), requires_grad=True)
    opt = optim.AdamW([p], lr=0.1, amsgrad=True)
    run(opt, p, [[0.5, 0.25]] * 2)
    assert p.data.dtype == np.float32
    assert all(v.dtype == np.float32 for k, v in opt.state[p].items() if k != "step")
