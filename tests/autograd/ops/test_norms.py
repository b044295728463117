"""The vector p-norm op (autograd/ops/norms.py): every order, the subgradients PyTorch uses
where the norm is not differentiable, gradients to second order."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd.ops.norms import VectorNorm

RNG = np.random.default_rng(11)
ORDERS = [2, 1, 3, 0.5, 1.5, -1, -2.5, math.inf, -math.inf, 0]


def t(a):
    return ag.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def norm(x, p, axis=None):
    return VectorNorm.apply(x, ord=float(p), axis=axis)


@pytest.mark.parametrize("p", ORDERS)
def test_values_match_the_definition(p):
    x = RNG.standard_normal((3, 4))
    got = norm(t(x), p, axis=(1,)).numpy()[:, 0]
    a = np.abs(x)
    if p == math.inf:
        expected = a.max(axis=1)
    elif p == -math.inf:
        expected = a.min(axis=1)
    elif p == 0:
        expected = (x != 0).sum(axis=1)
    else:
        expected = (a**p).sum(axis=1) ** (1 / p)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 1.5, -1, -2.5, math.inf, -math.inf])
def test_gradients_to_second_order_away_from_kinks(p):
    x = t(RNG.uniform(0.5, 2.0, (2, 3)) * RNG.choice([-1, 1], (2, 3)))
    assert ag.gradcheck(lambda a: norm(a, p, axis=(1,)), [x])
    if p not in (1, math.inf, -math.inf):  # piecewise linear: second derivative 0
        assert ag.gradgradcheck(lambda a: norm(a, p, axis=(0, 1)), [x])


def test_subgradients_at_zero_and_ties():
    zero = t(np.zeros(3))
    norm(zero, 2).backward()
    np.testing.assert_array_equal(zero.grad.numpy(), np.zeros(3))  # 0 at the origin
    some_zero = t([0.0, 2.0, -1.0])
    norm(some_zero, 0.5).backward()  # |x|^(p-1) is infinite at 0: taken as 0
    assert np.isfinite(some_zero.grad.numpy()).all() and some_zero.grad.numpy()[0] == 0
    ties = t([1.0, -3.0, 3.0, 2.0])
    norm(ties, math.inf).backward()  # shared equally among the maxima
    np.testing.assert_array_equal(ties.grad.numpy(), [0.0, -0.5, 0.5, 0.0])
    count = t([0.0, 2.0])
    norm(count, 0).backward()
    np.testing.assert_array_equal(count.grad.numpy(), [0.0, 0.0])


def test_against_torch_at_the_edges():
    torch = pytest.importorskip("torch")
    vectors = [RNG.standard_normal(5), np.array([0.0, 1.5, -2.0, 0.0]), np.zeros(4)]
    vectors.append(np.array([1.0, -3.0, 3.0, 2.0]))
    for p in ORDERS:
        for v in vectors:
            x, y = t(v), torch.tensor(v, requires_grad=True)
            out, ref = norm(x, p), torch.linalg.vector_norm(y, p)
            np.testing.assert_allclose(out.numpy().reshape(()), ref.detach().numpy(), rtol=1e-13)
            out.sum().backward()
            ref.backward()
            theirs = np.zeros_like(v) if y.grad is None else y.grad.numpy()
            np.testing.assert_allclose(x.grad.numpy(), theirs, rtol=1e-12, err_msg=f"p={p} {v}")
