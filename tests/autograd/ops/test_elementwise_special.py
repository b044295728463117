"""xlogy, xlog1py, entr, logit, sinc, frac, nan_to_num, i0 and i1
(autograd/ops/elementwise_special.py): values at the edges, gradients to second order, and
PyTorch's numbers."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd.ops import elementwise_special as es

RNG = np.random.default_rng(8)


def t(a):
    return ag.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def test_values_at_the_edges():
    assert ag.xlogy(t([0.0, 0.0, 2.0]), t([0.0, np.nan, 3.0])).numpy()[0] == 0
    assert np.isnan(ag.xlogy(t([0.0]), t([np.nan])).item())
    assert ag.special.xlog1py(t([0.0]), t([-1.0])).item() == 0
    np.testing.assert_array_equal(
        ag.special.entr(t([0.0, -1.0, 1.0])).numpy(), [0.0, -np.inf, -0.0]
    )
    np.testing.assert_array_equal(ag.sinc(t([0.0, 1.0, 0.5])).numpy()[[0, 2]], [1.0, 2 / np.pi])
    np.testing.assert_array_equal(ag.frac(t([-1.5, 2.25, 3.0])).numpy(), [-0.5, 0.25, 0.0])
    big = np.finfo(np.float64).max
    np.testing.assert_array_equal(
        ag.nan_to_num(t([np.nan, np.inf, -np.inf, 1.0])).numpy(), [0.0, big, -big, 1.0]
    )
    np.testing.assert_array_equal(
        ag.nan_to_num(t([np.nan, np.inf]), nan=1.0, posinf=2.0).numpy(), [1.0, 2.0]
    )
    np.testing.assert_allclose(
        ag.logit(t([0.0, 0.25, 1.0]), eps=0.1).numpy(), np.log([1 / 9, 1 / 3, 9])
    )
    assert ag.i0(t([0.0])).item() == 1.0 and ag.special.i1(t([0.0])).item() == 0.0


def test_bessel_functions_match_their_series_and_asymptotics():
    x = np.linspace(-50, 50, 1001)
    k = np.arange(200)[:, None]
    lgam = np.vectorize(math.lgamma)
    # sum_k (x/2)^(2k) / k!^2, in logs to stay finite (x >= 0 here; I0 is even)
    a = np.abs(x)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_terms = 2 * k * np.log(a / 2) - 2 * lgam(k + 1)
        reference = np.exp(
            np.logaddexp.reduce(np.where(a > 0, log_terms, np.where(k == 0, 0.0, -np.inf)), axis=0)
        )
        log_terms1 = (2 * k + 1) * np.log(a / 2) - lgam(k + 1) - lgam(k + 2)
        reference1 = np.exp(np.logaddexp.reduce(np.where(a > 0, log_terms1, -np.inf), axis=0))
    np.testing.assert_allclose(es.bessel_i(0, x), reference, rtol=1e-13)
    np.testing.assert_allclose(es.bessel_i(1, x), np.sign(x) * reference1, rtol=1e-13)
    scale = np.exp(-np.abs(x))
    np.testing.assert_allclose(es.bessel_i(0, x, scaled=True), scale * reference, rtol=1e-13)
    np.testing.assert_allclose(
        es.bessel_i(1, x, scaled=True), scale * np.sign(x) * reference1, rtol=1e-13
    )
    assert np.isfinite(es.bessel_i(0, np.array([1e4, -1e300]), scaled=True)).all()
    big = 700.0  # I_v(x) ~ e^x / sqrt(2 pi x) (1 - (4v^2 - 1) / (8x) + ...)
    leading = math.exp(big / 2) ** 2 / math.sqrt(2 * math.pi * big)
    np.testing.assert_allclose(
        es.bessel_i(0, big),
        leading * (1 + 1 / 5600 + 9 / 2 / 5600**2 + 225 / 6 / 5600**3),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        es.bessel_i(1, big),
        leading * (1 - 3 / 5600 - 15 / 2 / 5600**2 - 315 / 6 / 5600**3),
        rtol=1e-12,
    )


def test_gradients_to_second_order():
    x = t(RNG.uniform(-3, 3, (2, 3)))
    y = t(RNG.uniform(0.5, 3, (2, 3)))
    p = t(RNG.uniform(0.05, 0.95, (2, 3)))
    for fn, args in [
        (ag.xlogy, [x, y]),
        (ag.special.xlog1py, [x, y]),
        (ag.special.entr, [y]),
        (ag.logit, [p]),
        (lambda a: ag.logit(a, 0.2), [p]),
        (ag.sinc, [x]),
        (ag.i0, [x]),
        (ag.special.i1, [x]),
        (ag.special.i0e, [x]),
        (ag.special.i1e, [x]),
        (ag.nan_to_num, [x]),
        (lambda a: a.frac() * a, [x]),
    ]:
        assert ag.gradcheck(fn, args)
        assert ag.gradgradcheck(fn, args)


def test_gradients_at_the_edges_are_pytorchs():
    x = t([0.0, 0.0, 1.0])
    with np.errstate(invalid="ignore"):  # d/dy = x / y = 0 / 0 at the first: NaN, as PyTorch
        ag.xlogy(x, t([0.0, 2.0, 2.0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, math.log(2.0), math.log(2.0)])
    s = t([0.0])
    ag.sinc(s).backward()
    assert s.grad.item() == 0
    n = t([np.nan, np.inf, 2.0])
    ag.nan_to_num(n).sum().backward()
    np.testing.assert_array_equal(n.grad.numpy(), [0.0, 0.0, 1.0])
    q = t([0.05, 0.5, 0.97])
    ag.logit(q, eps=0.1).sum().backward()
    np.testing.assert_allclose(q.grad.numpy(), [0.0, 4.0, 0.0])
    z = t([0.0])
    ag.special.i1(z).backward()
    assert z.grad.item() == 0.5


def test_against_torch():
    torch = pytest.importorskip("torch")
    x = RNG.uniform(-5, 5, 200)
    y = RNG.uniform(0.1, 5, 200)
    p = RNG.uniform(0.01, 0.99, 200)
    x[:10] = 0.0
    for ours, theirs, args in [
        (ag.xlogy, torch.xlogy, (x, y)),
        (ag.special.xlog1py, torch.special.xlog1py, (x, y)),
        (ag.special.entr, torch.special.entr, (y,)),
        (lambda a: ag.logit(a, 0.05), lambda a: torch.logit(a, 0.05), (p,)),
        (ag.sinc, torch.sinc, (x,)),
        (ag.frac, torch.frac, (x,)),
        (ag.i0, torch.i0, (x * 10,)),
        (ag.special.i1, torch.special.i1, (x * 10,)),
        (ag.special.i0e, torch.special.i0e, (x * 10,)),
        (ag.special.i1e, torch.special.i1e, (x * 10,)),
    ]:
        ours_in = [ag.tensor(a, requires_grad=True) for a in args]
        theirs_in = [torch.tensor(a, requires_grad=True) for a in args]
        out, ref = ours(*ours_in), theirs(*theirs_in)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-300)
        out.sum().backward()
        ref.sum().backward()
        for a, b in zip(ours_in, theirs_in):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-14)
    f32 = RNG.uniform(-3, 3, 100).astype(np.float32)
    np.testing.assert_allclose(
        ag.sinc(ag.tensor(f32)).numpy(), torch.sinc(torch.tensor(f32)).numpy(), rtol=1e-5, atol=1e-6
    )


def test_sinc_derivative_near_zero_keeps_its_digits():
    x = np.array([1e-300, 3.9e-17, 1e-8, 1e-3, 0.07])
    a = t(x)
    ag.sinc(a).sum().backward()
    # d/dx sin(pi x) / (pi x) = sum_k (-1)^k 2k pi^2k x^(2k-1) / (2k+1)!
    series = sum(
        (-1) ** k * 2 * k * math.pi ** (2 * k) * x ** (2 * k - 1) / math.factorial(2 * k + 1)
        for k in range(1, 12)
    )
    np.testing.assert_allclose(a.grad.numpy(), series, rtol=1e-12)
