"""The vectorised erf (nn.functional.special) and the exact GELU built on it."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F
from nn.functional import special
from nn.functional.special import erf


def grid():
    rng = np.random.default_rng(0)
    return np.concatenate(
        [
            np.linspace(-6.5, 6.5, 40_001),  # every interval of the table, many times over
            rng.uniform(-8, 8, 20_000),
            rng.standard_normal(5_000) * 1e-3,
            np.geomspace(1e-300, 1e-2, 200),
            -np.geomspace(1e-300, 1e-2, 200),
            [5.8, 5.875, 5.9, 6.0, 6.0625, 7.0, 1e300],
        ]
    )


def test_float64_erf_is_within_two_ulps_of_math_erf():
    x = grid()
    ref = np.array([math.erf(v) for v in x])
    got = erf(x)
    assert got.dtype == np.float64
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref))
    assert ulps.max() <= 2, f"worst at x = {x[np.argmax(ulps)]!r}: {ulps.max()} ulps"


def test_float32_erf_is_within_three_float32_ulps():
    x = grid()
    x = x[np.abs(x) < 1e30].astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    got = erf(x)
    assert got.dtype == np.float32
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref).astype(np.float32))
    assert ulps.max() <= 3


def test_erf_special_values_and_shapes():
    got = erf(np.array([np.inf, -np.inf, np.nan, 0.0, -0.0]))
    np.testing.assert_array_equal(got[:2], [1.0, -1.0])
    assert np.isnan(got[2])
    assert got[3] == 0 and not np.signbit(got[3]) and np.signbit(got[4])  # odd: erf(-0) = -0
    assert erf(np.array(0.5)).shape == ()
    assert erf(np.float64(0.5)) == pytest.approx(math.erf(0.5), rel=1e-15)
    assert erf(np.zeros((2, 0))).shape == (2, 0)
    assert erf(np.array([1, 2])).dtype == np.float64  # integers: computed in float64
    np.testing.assert_allclose(erf(np.ones((2, 3, 4)) * 0.3), math.erf(0.3), rtol=1e-15)


def test_gelu_value_and_slope_from_one_series():
    x = np.concatenate([np.linspace(-12, 12, 24_001), [0.0, 8.4, 8.5, 9.0, 40.0, -40.0]])
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    y, slope = special.gelu(x)
    # Phi is known to about 1e-16 absolute (its rounding near 0 and 1), y = x Phi to |x| times that
    np.testing.assert_allclose(y, x * cdf, rtol=4e-16, atol=1e-15)
    np.testing.assert_allclose(slope, cdf + x * pdf, rtol=4e-16, atol=1e-15)
    y32, slope32 = special.gelu(x.astype(np.float32))
    assert y32.dtype == slope32.dtype == np.float32
    np.testing.assert_allclose(y32, x * cdf, rtol=3e-7, atol=3e-7)
    np.testing.assert_allclose(slope32, cdf + x * pdf, rtol=3e-7, atol=3e-7)


def test_erf_op_value_and_second_derivative():
    x = autograd.Tensor(np.linspace(-3, 3, 7), requires_grad=True)
    np.testing.assert_allclose(F.erf(x).data, [math.erf(v) for v in x.data], rtol=1e-15)
    assert autograd.gradgradcheck(F.erf, [x])


def test_gelu_matches_torch_to_float64_rounding():
    torch = pytest.importorskip("torch")
    x = np.concatenate([np.linspace(-10, 10, 2001), [-40.0, 40.0, 0.0]])
    for approximate in ("none", "tanh"):
        ours = autograd.Tensor(x.copy(), requires_grad=True)
        theirs = torch.tensor(x.copy(), requires_grad=True)
        y, t = (
            F.gelu(ours, approximate=approximate),
            torch.nn.functional.gelu(theirs, approximate=approximate),
        )
        # (Both compute Phi(x) as (1 + erf(x / sqrt 2)) / 2, so for x < -5 both carry the same
        # cancellation error of about 1e-15.)
        np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-14, atol=1e-14)
        y.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-14, atol=1e-14)
    # float32: 1 + erf(x / sqrt 2) rounds to a multiple of 6e-8 for x < 0, times |x| <= 10.
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(
        nn.GELU()(autograd.Tensor(x32)).data,
        torch.nn.functional.gelu(torch.tensor(x32)).numpy(),
        rtol=3e-7,
        atol=1e-6,
    )
