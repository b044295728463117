"""lgamma, digamma, polygamma and mvlgamma (autograd/ops/gamma.py): accuracy against math.lgamma
and known values over a wide range, the edges (poles, +-0, +-inf, NaN), gradients to second
order, and PyTorch's numbers."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd.ops import gamma

RNG = np.random.default_rng(2)


def wide():
    return np.concatenate(
        [
            RNG.uniform(-30, 30, 4000),
            RNG.uniform(-3, 3, 2000),
            RNG.uniform(0.5, 2.5, 1000),
            np.geomspace(1e-300, 1e300, 600),
            -np.geomspace(1e-10, 1e15, 300),
            [0.5, 1.5, 2.5, 3.0, 9.99999, 10.0, 10.000001, 171.6, 1e306],
        ]
    )


def math_lgamma(v):
    try:
        return math.lgamma(v)
    except (ValueError, OverflowError):
        return math.inf


def test_lgamma_matches_math_lgamma_over_a_wide_range():
    x = wide()
    got = gamma.lgamma_values(x)
    ref = np.array([math_lgamma(v) for v in x])
    # relative error where |lgamma| is not small; absolute near its zeros (1, 2 and the
    # negative ones), where math.lgamma itself is only absolutely accurate
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf
        error = np.abs(got - ref) / np.maximum(np.abs(ref), 1.0)
    error[got == ref] = 0
    assert error.max() < 1e-13, x[np.argmax(error)]


def test_lgamma_keeps_relative_precision_near_one_and_two():
    zeta3 = 1.2020569031595942
    for centre, c1, c2, c3 in [
        (2.0, 1 - 0.5772156649015329, math.pi**2 / 12 - 0.5, -(zeta3 - 1) / 3),
        (1.0, -0.5772156649015329, math.pi**2 / 12, -zeta3 / 3),
    ]:
        x = centre + np.array([1e-12, -1e-9, 3e-6, -1e-4])
        z = x - centre  # exact: the offsets the inputs really have
        np.testing.assert_allclose(
            gamma.lgamma_values(x), c1 * z + c2 * z**2 + c3 * z**3, rtol=1e-12
        )


def test_edges():
    edges = np.array([0.0, -0.0, -1.0, -2.5, math.inf, -math.inf, math.nan])
    np.testing.assert_allclose(
        gamma.lgamma_values(edges),
        [math.inf, math.inf, math.inf, math_lgamma(-2.5), math.inf, math.inf, math.nan],
    )
    np.testing.assert_array_equal(
        gamma.digamma_values(edges)[[0, 1, 2, 4, 6]],
        [-math.inf, math.inf, math.nan, math.inf, math.nan],
    )
    assert gamma.polygamma_values(1, np.array([0.0]))[0] == math.inf


def test_digamma_and_polygamma_known_values():
    euler = 0.5772156649015329
    np.testing.assert_allclose(
        gamma.digamma_values(np.array([1.0, 0.5, 2.0])),
        [-euler, -euler - 2 * math.log(2), 1 - euler],
        rtol=1e-15,
    )
    zeta3 = 1.2020569031595942
    np.testing.assert_allclose(
        [
            gamma.polygamma_values(1, 1.0),
            gamma.polygamma_values(1, 0.5),
            gamma.polygamma_values(2, 1.0),
            gamma.polygamma_values(3, 1.0),
        ],
        [math.pi**2 / 6, math.pi**2 / 2, -2 * zeta3, math.pi**4 / 15],
        rtol=1e-14,
    )
    x = RNG.uniform(0.1, 30, 200)  # psi is the derivative of lgamma, psi' that of psi
    h = 1e-5
    np.testing.assert_allclose(
        gamma.digamma_values(x),
        (gamma.lgamma_values(x + h) - gamma.lgamma_values(x - h)) / (2 * h),
        rtol=1e-7,
        atol=1e-8,
    )
    np.testing.assert_allclose(
        gamma.polygamma_values(1, x),
        (gamma.digamma_values(x + h) - gamma.digamma_values(x - h)) / (2 * h),
        rtol=1e-7,
        atol=1e-8,
    )


def test_dtypes():
    assert gamma.lgamma_values(np.float32(3.0)).dtype == np.float32
    assert ag.lgamma(ag.tensor([1, 2])).dtype == np.float32  # integers: PyTorch's float32
    assert gamma.digamma_values(np.array([2.0], np.float16)).dtype == np.float16


def test_gradients_to_second_order_and_as_methods():
    x = ag.tensor(RNG.uniform(-3.5, 6, (3, 4)) + 0.01, requires_grad=True)
    x = ag.tensor(
        np.where(np.abs(x.numpy() - np.round(x.numpy())) < 0.1, 0.5, x.numpy()), requires_grad=True
    )
    for fn in (ag.lgamma, ag.digamma, lambda a: ag.polygamma(2, a), lambda a: a.polygamma(1)):
        assert ag.gradcheck(fn, [x])
        assert ag.gradgradcheck(fn, [x])
    p = ag.tensor(RNG.uniform(2, 5, 4), requires_grad=True)
    assert ag.gradcheck(lambda a: ag.mvlgamma(a, 3), [p])
    with pytest.raises(ValueError, match="polygamma: n must be a non-negative integer, got -1"):
        ag.polygamma(-1, x)
    with pytest.raises(
        ValueError, match=r"mvlgamma: all elements must be greater than \(p - 1\) / 2 = 1.0"
    ):
        ag.mvlgamma(ag.tensor([1.0]), 3)


def test_against_torch():
    torch = pytest.importorskip("torch")
    x = np.concatenate([RNG.uniform(-20, 40, 3000), np.geomspace(1e-8, 1e8, 200)])
    x = x[np.abs(x - np.round(x)) > 1e-3]
    tx = torch.tensor(x)
    np.testing.assert_allclose(
        gamma.lgamma_values(x), torch.lgamma(tx).numpy(), rtol=1e-12, atol=1e-13
    )
    np.testing.assert_allclose(
        gamma.digamma_values(x), torch.digamma(tx).numpy(), rtol=1e-12, atol=1e-13
    )
    positive = x[x > 0]
    for n in (1, 2, 4):  # (PyTorch's trigamma is accurate to about 1e-9 only)
        ref = torch.polygamma(n, torch.tensor(positive)).numpy()
        np.testing.assert_allclose(gamma.polygamma_values(n, positive), ref, rtol=1e-8)
    p = np.linspace(2.1, 9, 7)
    np.testing.assert_allclose(
        ag.mvlgamma(ag.tensor(p), 4).numpy(), torch.mvlgamma(torch.tensor(p), 4).numpy(), rtol=1e-13
    )
    f32 = RNG.uniform(0.1, 20, 500).astype(np.float32)
    np.testing.assert_allclose(
        gamma.lgamma_values(f32), torch.lgamma(torch.tensor(f32)).numpy(), rtol=2e-6, atol=1e-6
    )
