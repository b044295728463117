"""Adagrad against hand-worked steps and against its formula for every option."""

import itertools

import numpy as np
import pytest

import optim

from .optim_helpers import param, ref_adagrad, reference_run, run

# Gradients 3, 4, 12 make the accumulated sums perfect squares: 9, 25, 169.
GRADS = [[3.0], [4.0], [12.0]]


def steps(**kwargs):
    p = param([1.0])
    return np.ravel(run(optim.Adagrad([p], **{"lr": 0.1, "eps": 0.0, **kwargs}), p, GRADS))


def test_plain_by_hand():
    # p1 = 1 - .1 * 3/3 = .9;  p2 = .9 - .1 * 4/5 = .82;  p3 = .82 - .1 * 12/13
    np.testing.assert_allclose(steps(), [0.9, 0.82, 0.82 - 1.2 / 13], rtol=1e-14)


def test_lr_decay_by_hand():
    # lr_t = .1 / (1 + (t - 1) * .5) = .1, .1/1.5, .05
    p2 = 0.9 - (0.1 / 1.5) * 0.8
    np.testing.assert_allclose(steps(lr_decay=0.5), [0.9, p2, p2 - 0.05 * 12 / 13], rtol=1e-14)


def test_initial_accumulator_by_hand():
    # G starts at 16: G = 25, 41, 185
    p1 = 1 - 0.1 * 3 / 5
    p2 = p1 - 0.1 * 4 / np.sqrt(41)
    p3 = p2 - 0.1 * 12 / np.sqrt(185)
    expected = [p1, p2, p3]
    np.testing.assert_allclose(steps(initial_accumulator_value=16.0), expected, rtol=1e-14)


def test_maximize_by_hand():
    np.testing.assert_allclose(steps(maximize=True), [1.1, 1.18, 1.18 + 1.2 / 13], rtol=1e-14)


def test_weight_decay_by_hand():
    # g_eff = g + .5 p: 3.5 -> G = 12.25, p1 = 1 - .1 = .9; g_eff = 4.45 -> G = 32.0525
    p2 = 0.9 - 0.1 * 4.45 / np.sqrt(32.0525)
    np.testing.assert_allclose(steps(weight_decay=0.5)[:2], [0.9, p2], rtol=1e-14)


@pytest.mark.parametrize(
    "lr_decay, weight_decay, initial, maximize",
    list(itertools.product([0.0, 0.2], [0.0, 0.1], [0.0, 0.5], [False, True])),
)
def test_matches_formula_for_every_option(lr_decay, weight_decay, initial, maximize):
    rng = np.random.default_rng(3)
    p0 = rng.normal(size=(2, 2))
    grads = rng.normal(size=(3, 2, 2))
    hp = dict(lr=0.1, lr_decay=lr_decay, weight_decay=weight_decay,
              initial_accumulator_value=initial, eps=1e-10, maximize=maximize)  # fmt: skip
    p = param(p0)
    got = run(optim.Adagrad([p], **hp), p, grads)
    np.testing.assert_allclose(got, reference_run(ref_adagrad, p0, grads, **hp), rtol=1e-12)


def test_state_entries():
    p = param([1.0, 2.0])
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    run(opt, p, [[1.0, 2.0]] * 2)
    assert opt.state[p]["step"] == 2
    np.testing.assert_allclose(opt.state[p]["sum"], [2.25, 8.25])
    assert opt.defaults["lr"] == 1e-2 and opt.defaults["eps"] == 1e-10
