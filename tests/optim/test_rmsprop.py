"""RMSprop against hand-worked steps and against its formula for every option."""

import itertools
import math

import numpy as np
import pytest

import optim

from .optim_helpers import param, ref_rmsprop, reference_run, run

# alpha = .9, eps = 0, lr = .1, p0 = 1; gradients 1, 2, 1 give square averages
# v1 = .1, v2 = .09 + .4 = .49 (sqrt .7), v3 = .441 + .1 = .541.
HAND = {"lr": 0.1, "alpha": 0.9, "eps": 0.0}
GRADS = [[1.0], [2.0], [1.0]]


def steps(**kwargs):
    p = param([1.0])
    return np.ravel(run(optim.RMSprop([p], **{**HAND, **kwargs}), p, GRADS))


def test_plain_by_hand():
    p1 = 1 - 0.1 / math.sqrt(0.1)
    p2 = p1 - 0.1 * 2 / 0.7
    p3 = p2 - 0.1 / math.sqrt(0.541)
    np.testing.assert_allclose(steps(), [p1, p2, p3], rtol=1e-14)


def test_centered_by_hand():
    # a1 = .1: v1 - a1^2 = .09, sqrt .3 -> p1 = 1 - .1 / .3 = 2/3
    # a2 = .09 + .2 = .29: v2 - a2^2 = .49 - .0841 = .4059
    # a3 = .261 + .1 = .361: v3 - a3^2 = .541 - .130321 = .410679
    p1 = 2 / 3
    p2 = p1 - 0.2 / math.sqrt(0.4059)
    p3 = p2 - 0.1 / math.sqrt(0.410679)
    np.testing.assert_allclose(steps(centered=True), [p1, p2, p3], rtol=1e-13)


def test_momentum_by_hand():
    # b1 = 1 / sqrt(.1);  b2 = .5 b1 + 2 / .7;  b3 = .5 b2 + 1 / sqrt(.541);  p -= .1 b
    b1 = 1 / math.sqrt(0.1)
    b2 = 0.5 * b1 + 2 / 0.7
    b3 = 0.5 * b2 + 1 / math.sqrt(0.541)
    expected = np.cumsum([1 - 0.1 * b1, -0.1 * b2, -0.1 * b3])
    np.testing.assert_allclose(steps(momentum=0.5), expected, rtol=1e-14)


def test_eps_outside_the_square_root():
    # One step from v = 0: v1 = (1 - alpha) g^2 = .01 * 4 -> p1 = -lr * g / (.2 + eps)
    p = param([0.0])
    got = run(optim.RMSprop([p], lr=1.0, alpha=0.99, eps=0.05), p, [[2.0]])
    np.testing.assert_allclose(got[0], [-2.0 / 0.25], rtol=1e-14)


def test_maximize_by_hand():
    p1 = 1 + 0.1 / math.sqrt(0.1)
    np.testing.assert_allclose(steps(maximize=True)[0], p1, rtol=1e-14)


@pytest.mark.parametrize(
    "weight_decay, momentum, centered, maximize",
    list(itertools.product([0.0, 0.1], [0.0, 0.9], [False, True], [False, True])),
)
def test_matches_formula_for_every_option(weight_decay, momentum, centered, maximize):
    rng = np.random.default_rng(2)
    p0 = rng.normal(size=(4,))
    grads = rng.normal(size=(3, 4))
    hp = dict(lr=0.01, alpha=0.8, eps=1e-8, weight_decay=weight_decay, momentum=momentum,
              centered=centered, maximize=maximize)  # fmt: skip
    p = param(p0)
    got = run(optim.RMSprop([p], **hp), p, grads)
    np.testing.assert_allclose(got, reference_run(ref_rmsprop, p0, grads, **hp), rtol=1e-12)


def test_state_entries_depend_on_options():
    p, q = param([1.0]), param([1.0])
    plain = optim.RMSprop([p])
    full = optim.RMSprop([q], momentum=0.9, centered=True)
    run(plain, p, GRADS)
    run(full, q, GRADS)
    assert sorted(plain.state[p]) == ["square_avg", "step"]
    assert sorted(full.state[q]) == ["grad_avg", "momentum_buffer", "square_avg", "step"]
    assert full.state[q]["step"] == 3
    # defaults follow PyTorch
    assert plain.defaults["lr"] == 1e-2 and plain.defaults["alpha"] == 0.99
