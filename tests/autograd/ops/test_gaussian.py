"""erfc, erfinv, ndtr, log_ndtr and ndtri (autograd/ops/gaussian.py): accuracy against math.erfc
including the far right tail, inverses that invert, the edges, gradients to second order, and
PyTorch's numbers."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd.ops import gaussian
from autograd.ops.special import erf

RNG = np.random.default_rng(4)


def test_erfc_keeps_relative_precision_in_the_right_tail():
    x = np.concatenate([RNG.uniform(-6, 27, 20_000), np.linspace(2.3, 2.5, 201), [0.0, 26.5, 27.2]])
    ref = np.array([math.erfc(v) for v in x])
    got = gaussian.erfc_values(x)
    normal = ref > 1e-300  # (below, subnormal numbers have fewer digits to keep)
    assert (np.abs(got - ref) / ref)[normal].max() < 4e-15
    assert np.abs(got - ref)[~normal].max() < 1e-315
    np.testing.assert_array_equal(
        gaussian.erfc_values(np.array([np.inf, -np.inf, 30.0])), [0.0, 2.0, 0.0]
    )
    assert np.isnan(gaussian.erfc_values(np.array([np.nan]))[0])
    assert gaussian.erfc_values(np.float32(1.0)).dtype == np.float32


def test_erfinv_inverts_erf_and_erfc():
    y = np.concatenate([RNG.uniform(-1, 1, 5000), 1 - np.geomspace(1e-16, 0.5, 300), [0.0, -0.0]])
    x = gaussian.erfinv_values(y)
    inner = np.abs(y) <= 0.5
    np.testing.assert_allclose(erf(x[inner]), y[inner], rtol=3e-16, atol=1e-300)
    tail = ~inner  # there the residual 1 - |y| is what must be exact
    np.testing.assert_allclose(
        gaussian.erfc_values(np.abs(x[tail])), 1 - np.abs(y[tail]), rtol=1e-14
    )
    edges = gaussian.erfinv_values(np.array([1.0, -1.0, 1.5, np.nan]))
    np.testing.assert_array_equal(edges[:2], [np.inf, -np.inf])
    assert np.isnan(edges[2:]).all()


def test_normal_cdf_its_log_and_its_inverse():
    x = np.concatenate([RNG.uniform(-38, 8, 5000), [-1e3, 0.0, 9.0]])
    ref = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    np.testing.assert_allclose(gaussian.ndtr_values(x), ref, rtol=1e-13, atol=0)
    log, slope = gaussian.log_ndtr_values(x)
    upper = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in x])  # Phi(-x), exactly
    with np.errstate(divide="ignore"):  # (ln 0 where Phi underflows; those are left out)
        expected = np.where(x > 0, np.log1p(-upper), np.log(np.where(x > 0, 1.0, ref)))
    finite = ref > 1e-300
    np.testing.assert_allclose(log[finite], expected[finite], rtol=1e-13)
    # far left: ln Phi(x) = -x^2/2 - ln(-x sqrt(2 pi)) + ln(1 - 1/x^2 + 3/x^4 - ...), and
    # phi / Phi ~ -x
    asymptotic = -5e5 - math.log(1e3 * math.sqrt(2 * math.pi)) + math.log1p(-1e-6 + 3e-12)
    np.testing.assert_allclose(log[x == -1e3], asymptotic, rtol=1e-15)
    np.testing.assert_allclose(slope[x == -1e3], 1e3, rtol=1e-6)
    p = np.concatenate([RNG.uniform(0, 1, 2000), np.geomspace(1e-300, 0.4, 300)])
    q = gaussian.Ndtri.compute(p)
    # (to rounding of q: Phi(q + dq) = Phi(q) (1 + |q| dq) in the tail, |q| up to 37)
    error = np.abs(gaussian.ndtr_values(q) - p) / p
    assert (error <= np.maximum(1e-14, 4e-14 * np.abs(q))).all()
    np.testing.assert_array_equal(gaussian.Ndtri.compute(np.array([0.0, 1.0])), [-np.inf, np.inf])


def test_gradients_to_second_order():
    x = ag.tensor(RNG.uniform(-3, 3, (2, 3)), requires_grad=True)
    p = ag.tensor(RNG.uniform(0.05, 0.95, (2, 3)), requires_grad=True)
    for fn, arg in [
        (ag.erfc, x),
        (ag.erfinv, p),
        (ag.special.ndtr, x),
        (ag.special.log_ndtr, x),
        (ag.special.ndtri, p),
        (lambda a: a.erfinv(), p),
    ]:
        assert ag.gradcheck(fn, [arg])
        assert ag.gradgradcheck(fn, [arg])
    far = ag.tensor([-40.0, -200.0], dtype=np.float64, requires_grad=True)
    ag.special.log_ndtr(far).sum().backward()  # no underflow: phi / Phi ~ -x
    np.testing.assert_allclose(far.grad.numpy(), [40.025, 200.005], rtol=1e-4)


def test_against_torch():
    torch = pytest.importorskip("torch")
    x = RNG.uniform(-8, 8, 3000)
    y = RNG.uniform(-1, 1, 3000)
    p = RNG.uniform(0, 1, 3000)
    for ours, theirs, data in [
        (ag.erfc, torch.erfc, x),
        (ag.erfinv, torch.erfinv, y),
        (ag.special.ndtr, torch.special.ndtr, x),
        (ag.special.log_ndtr, torch.special.log_ndtr, x),
        (ag.special.ndtri, torch.special.ndtri, p),
    ]:
        a, b = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        out, ref = ours(a), theirs(b)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-15)
        out.sum().backward()
        ref.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)
    f32 = RNG.uniform(-5, 5, 1000).astype(np.float32)
    np.testing.assert_allclose(
        ag.erfc(ag.tensor(f32)).numpy(), torch.erfc(torch.tensor(f32)).numpy(), rtol=3e-7
    )


def test_erfcx_is_finite_far_out_and_its_slope_does_not_cancel():
    x = np.concatenate([RNG.uniform(-5, 26, 2000), [2.4, np.nextafter(2.4, 0)]])
    high = np.round(x * 16) / 16  # exp(x^2) = exp(h^2) exp((2h + l) l), h^2 exact
    ref = np.array(
        [
            math.exp(h * h) * math.exp((2 * h + (v - h)) * (v - h)) * math.erfc(v)
            for v, h in zip(x, high)
        ]
    )
    np.testing.assert_allclose(gaussian.erfcx_values(x), ref, rtol=2e-14)
    big = np.array([700.0, 1e4, 1e8])
    # erfcx(x) = 1 / (x sqrt pi) (1 - 1/(2x^2) + ...), erfcx'(x) = -1 / (x^2 sqrt pi) (1 - ...)
    np.testing.assert_allclose(
        gaussian.erfcx_values(big), 1 / (big * math.sqrt(math.pi)), rtol=2e-6
    )
    a = ag.tensor(big, requires_grad=True)
    ag.special.erfcx(a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), -1 / (big**2 * math.sqrt(math.pi)), rtol=4e-6)
    y = ag.tensor([-2.0, 0.5, 2.39, 2.41, 6.0], dtype=np.float64, requires_grad=True)
    assert ag.gradcheck(ag.special.erfcx, [y])
    assert ag.gradgradcheck(ag.special.erfcx, [y])
