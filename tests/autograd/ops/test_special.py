"""The vectorised erf (autograd.ops.special) and the exact GELU built on it."""

import math

import numpy as np
import pytest

import autograd
import nn
from autograd.ops import special
from autograd.ops.special import erf
from nn import functional as F


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


def test_float32_erf_is_within_two_float32_ulps():
    x = grid()
    x = x[np.abs(x) < 1e30].astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    got = erf(x)
    assert got.dtype == np.float32
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref).astype(np.float32))
    assert ulps.max() <= 2


def dense_float32_grid():
    """Every float32 step of 1/2^20 on [-8, 8] (16.7 million values would be too slow: a stride
    through them), the small and huge magnitudes, and the ends of the tables at +-6."""
    rng = np.random.default_rng(1)
    return np.concatenate(
        [
            np.linspace(-8, 8, 4_000_001),
            rng.standard_normal(200_000),
            rng.standard_normal(20_000) * 1e-3,
            np.geomspace(1e-38, 1e-2, 2_000),
            -np.geomspace(1e-38, 1e-2, 2_000),
            np.nextafter(np.float32(6), 0) * np.array([-1.0, 1.0]),
            [6.0, -6.0, 1e30, -1e30],
        ]
    ).astype(np.float32)


def test_float32_erf_against_the_float64_path_on_a_dense_grid():
    # Float32's own rounding is 6e-8 relative (half a unit in the last place): the table's
    # truncation error (< 6e-12) adds nothing, the float32 arithmetic at most ~1 more unit.
    x = dense_float32_grid()
    got, ref = erf(x), erf(x.astype(np.float64))
    nonzero = ref != 0
    relative = np.abs(got - ref)[nonzero] / np.abs(ref[nonzero])
    assert relative.max() < 1.3e-7, f"worst at x = {x[nonzero][np.argmax(relative)]!r}"
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref).astype(np.float32))
    assert ulps.max() <= 2
    assert np.median(ulps) <= 0.5  # most values are the correctly rounded float32


def test_float32_gelu_against_the_float64_path_on_a_dense_grid():
    # y = x Phi(x): Phi is known to float32's rounding of values up to 1 (6e-8) plus the
    # table's truncation (< 1e-8), so |y - y64| <= |x| * 1.2e-7; the slope likewise.
    x = dense_float32_grid()
    (y, dy), (ry, rdy) = special.gelu(x), special.gelu(x.astype(np.float64))
    assert y.dtype == dy.dtype == np.float32
    x64 = x.astype(np.float64)
    phi_error = np.abs(y - ry) / np.maximum(np.abs(x64), 1e-300)
    assert phi_error.max() < 1.2e-7, f"worst at x = {x[np.argmax(phi_error)]!r}"
    slope_error = np.abs(dy - rdy) / np.maximum(np.abs(x64), 1.0)
    assert slope_error.max() < 1.4e-7, f"worst at x = {x[np.argmax(slope_error)]!r}"
    # Tiny inputs keep their relative precision (within 2 units in the last place).
    tiny = np.abs(x64) < 1e-3
    assert (np.abs(y - ry)[tiny] <= 1.5e-7 * np.abs(ry[tiny])).all()
    # The negative tail has no cancellation (Phi(c) is tabulated, not 1 - Phi(-c)): the
    # truncation error, absolute (< 7.3e-9 |x|), is under 1e-6 of y down to x = -5, where a
    # float32 1/2 - g or 1 + erf would leave 3e-8 / Phi(-5) = 10 %.
    tail = (x64 < -1) & (x64 > -5)
    assert (np.abs(y - ry)[tail] <= 1e-6 * np.abs(ry[tail])).all()


def test_float32_and_float16_special_values():
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 7.0, -7.0], dtype=np.float32)
    e = erf(x)
    np.testing.assert_array_equal(e[[0, 1, 5, 6]], [1, -1, 1, -1])
    assert np.isnan(e[2]) and e[3] == 0 and not np.signbit(e[3]) and np.signbit(e[4])
    with np.errstate(invalid="ignore"):
        y, dy = special.gelu(x)
    assert y[0] == np.inf and np.isnan(y[1]) and np.isnan(y[2])  # -inf * 0, as PyTorch
    np.testing.assert_array_equal(y[[3, 5, 6]], [0, 7, 0])
    np.testing.assert_array_equal(dy[[3, 5, 6]], [0.5, 1, 0])
    half = erf(np.linspace(-3, 3, 61).astype(np.float16))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, [math.erf(v) for v in np.linspace(-3, 3, 61)], atol=1e-3)
    y16, dy16 = special.gelu(np.float16([1.0, -1.0]))
    assert y16.dtype == dy16.dtype == np.float16


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
