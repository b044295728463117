"""PyTorch's random functions (autograd.sampling, autograd.creation): each draws what it
promises -- shapes, dtypes, ranges, frequencies -- reproducibly from the library generator or
from a ``Generator`` of its own."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def test_generator_seeds_its_own_stream_and_chains():
    a = ag.Generator().manual_seed(2147483647)
    b = ag.Generator().manual_seed(2147483647)
    assert a.initial_seed() == 2147483647
    np.testing.assert_array_equal(ag.randn(5, generator=a).data, ag.randn(5, generator=b).data)
    ag.manual_seed(0)
    first = ag.rand(3).data
    ag.randn(4, generator=a)  # a private generator leaves the library's stream alone
    ag.manual_seed(0)
    np.testing.assert_array_equal(ag.rand(3).data, first)
    state = a.get_state()
    x = ag.randint(0, 10, (4,), generator=a)
    a.set_state(state)
    np.testing.assert_array_equal(ag.randint(0, 10, (4,), generator=a).data, x.data)
    with pytest.raises(TypeError, match="autograd.Generator"):
        ag.randn(2, generator=np.random.default_rng(0))


def test_multinomial_frequencies_and_shapes():
    g = ag.Generator().manual_seed(1)
    p = ag.tensor([0.1, 0.0, 0.6, 0.3])
    draws = ag.multinomial(p, 20000, replacement=True, generator=g).numpy()
    assert draws.dtype == np.int64 and draws.shape == (20000,)
    freq = np.bincount(draws, minlength=4) / draws.size
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.015)
    rows = ag.multinomial(ag.tensor([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]]), 2, generator=g).numpy()
    assert rows.shape == (2, 2)
    assert {0, 1} == set(rows[0]) and {1, 2} == set(rows[1])  # without replacement: distinct
    with pytest.raises(ValueError, match="without replacement"):
        ag.multinomial(p, 5)
    with pytest.raises(ValueError, match="non-negative"):
        ag.multinomial(ag.tensor([0.5, -0.1]), 1)


def test_randint_takes_pytorchs_high_size_form():
    ag.manual_seed(0)
    x = ag.randint(10, (3, 2))
    assert x.shape == (3, 2) and x.dtype == np.int64 and x.data.min() >= 0 and x.data.max() < 10
    y = ag.randint(5, 7, (100,))
    assert set(np.unique(y.data)) == {5, 6}


def test_randperm_normal_likes_and_fills():
    g = ag.Generator().manual_seed(3)
    assert sorted(ag.randperm(6, generator=g).tolist()) == list(range(6))
    z = ag.normal(2.0, 0.5, size=(20000,), generator=g)
    assert z.dtype == np.float32
    assert abs(z.data.mean() - 2.0) < 0.02 and abs(z.data.std() - 0.5) < 0.02
    m = ag.normal(ag.tensor([0.0, 100.0]), ag.tensor([1e-6, 1e-6]))
    np.testing.assert_allclose(m.data, [0.0, 100.0], atol=1e-3)
    with pytest.raises(RuntimeError, match="mean \\+ std"):
        ag.normal(ag.tensor([0.0], requires_grad=True), 1.0)
    like = ag.randn_like(ag.zeros(3, 2, dtype=np.float64))
    assert like.shape == (3, 2) and like.dtype == np.float64
    w = ag.zeros(10000)
    w.normal_(1.0, 2.0, generator=g)
    assert abs(w.data.mean() - 1.0) < 0.1 and abs(w.data.std() - 2.0) < 0.1
    w.uniform_(-1, 1)
    assert w.data.min() >= -1 and w.data.max() < 1
    p = ag.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="normal_ on a tensor that requires grad"):
        p.normal_()
    with ag.no_grad():
        p.normal_()
    assert p._version > 0


def test_bernoulli_draws_ones_with_the_given_probabilities():
    g = ag.Generator().manual_seed(3)
    probs = ag.tensor(np.array([0.0, 0.25, 0.9, 1.0]))
    draws = np.stack([ag.bernoulli(probs, generator=g).numpy() for _ in range(4000)])
    assert draws.dtype == np.float64 and set(np.unique(draws)) <= {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(axis=0), [0.0, 0.25, 0.9, 1.0], atol=0.025)
    half = ag.bernoulli(ag.zeros(20000), p=0.5, generator=g)
    assert half.dtype == np.float32 and abs(half.numpy().mean() - 0.5) < 0.02
    assert not ag.bernoulli(ag.full((3,), 0.5).requires_grad_()).requires_grad
    with pytest.raises(ValueError, match="bernoulli: every probability must be in"):
        ag.bernoulli(ag.tensor([0.5, 1.5]))
    with pytest.raises(TypeError, match="bernoulli: input must be floating point"):
        ag.bernoulli(ag.tensor([0, 1]))


def test_normal_makes_a_leaf_that_requires_grad_on_request_and_like_functions_take_device():
    w = ag.normal(0, 0.01, size=(2, 1), requires_grad=True)  # d2l's first line
    assert w.requires_grad and w.is_leaf and w.shape == (2, 1) and w.dtype == np.float32
    assert (
        ag.randn_like(w, device="cpu").shape == (2, 1)
        and ag.rand_like(w, device="cpu").dtype == w.dtype
    )
    e = ag.empty_like(ag.zeros(2, 3, dtype=ag.int64))
    assert e.shape == (2, 3) and e.dtype == np.int64
    with pytest.raises(ValueError, match="rand_like: backproplab runs on the CPU"):
        ag.rand_like(w, device="cuda")
