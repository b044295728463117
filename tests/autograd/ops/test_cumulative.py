"""cumsum, cumprod, diff."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, uniform


@pytest.mark.parametrize("axis", [None, 0, -1], ids=str)
def test_cumsum(axis):
    check_op(lambda x: np.cumsum(x, axis=axis), [uniform((3, 4), 1)], linear=True)


@pytest.mark.parametrize("axis", [None, 0, -1], ids=str)
def test_cumprod(axis):
    check_op(lambda x: np.cumprod(x, axis=axis), [uniform((3, 4), 2)])


def test_cumprod_with_zeros():
    x = uniform((3, 4), 3)
    x.data[0, 1] = x.data[2, 0] = x.data[2, 3] = 0.0
    check_op(lambda t: np.cumprod(t, axis=1), [x])
    # y = (2, 0, 0, 0): dy_sum/dx_1 = x_0 + x_0 x_2 + x_0 x_2 x_3 = 2 + 6 + 24
    grad = gradient(np.cumprod, [2.0, 0.0, 3.0, 4.0])[0]
    np.testing.assert_array_equal(grad, [1.0, 32.0, 0.0, 0.0])


def test_cumsum_hand_derived_and_flattening():
    np.testing.assert_array_equal(gradient(np.cumsum, [1.0, 2.0, 3.0])[0], [3.0, 2.0, 1.0])
    x = uniform((2, 3), 4)
    assert np.cumsum(x).shape == (6,)
    np.testing.assert_allclose(x.cumsum(axis=1).data, x.data.cumsum(axis=1))


def test_cumsum_rejects_a_bad_axis_by_name():
    with pytest.raises(ValueError, match="cumsum: axis 2"):
        np.cumsum(uniform((2, 3), 5), axis=2)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"n": 2, "axis": 0}, {"prepend": 0.5}, {"append": np.ones((3, 1)), "n": 3}],
    ids=["default", "n2_axis0", "prepend", "append"],
)
def test_diff(kwargs):
    check_op(lambda x: np.diff(x, **kwargs), [uniform((3, 4), 6)], linear=True)


def test_diff_joins_a_tensor_to_prepend():
    x, p = uniform((3, 4), 7), uniform((3, 1), 8)
    check_op(lambda a, b: np.diff(a, prepend=b), [x, p], linear=True)
    assert ag.diff(x, n=0) is x


def test_logcumsumexp_is_stable_and_its_gradient_is_right():
    rng = np.random.default_rng(12)
    x = ag.tensor(rng.uniform(-3, 3, (3, 4)), requires_grad=True)
    for dim in (0, 1, -1):
        expected = np.log(np.cumsum(np.exp(x.numpy()), axis=dim))
        np.testing.assert_allclose(ag.logcumsumexp(x, dim).numpy(), expected, rtol=1e-14)
        assert ag.gradcheck(lambda a, d=dim: ag.logcumsumexp(a, dim=d), [x])
        assert ag.gradgradcheck(lambda a, d=dim: a.logcumsumexp(d), [x])
    wide = ag.tensor([-1000.0, 1000.0, -1000.0, 999.0], dtype=np.float64, requires_grad=True)
    out = ag.logcumsumexp(wide, 0)
    np.testing.assert_allclose(out.numpy(), [-1000.0, 1000.0, 1000.0, 1000 + np.log1p(np.exp(-1))])
    (out * ag.tensor([1.0, -2.0, 3.0, 1.0])).sum().backward()  # no overflow, signs mixed
    assert np.isfinite(wide.grad.numpy()).all()
    np.testing.assert_allclose(wide.grad.numpy()[0], 1.0)
    torch = pytest.importorskip("torch")
    data = rng.uniform(-50, 50, (4, 5))
    w = rng.standard_normal((4, 5))
    a, b = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (ag.logcumsumexp(a, 1) * ag.tensor(w)).sum().backward()
    (torch.logcumsumexp(b, 1) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-300)


TRAPEZOID = [
    ("dx", lambda y: ag.trapezoid(y, dx=0.5), lambda t, y: t.trapezoid(y, dx=0.5)),
    ("dim 0", lambda y: ag.trapz(y, dim=0), lambda t, y: t.trapz(y, dim=0)),
    ("x 1-D", lambda y, x: ag.trapezoid(y, x[0], dim=0),
     lambda t, y, x: t.trapezoid(y, x[0], dim=0)),
    ("x like y", lambda y, x: ag.trapezoid(y, x), lambda t, y, x: t.trapezoid(y, x)),
    ("cumulative", lambda y, x: ag.cumulative_trapezoid(y, x),
     lambda t, y, x: t.cumulative_trapezoid(y, x)),
    ("cumulative dx", lambda y: ag.cumulative_trapezoid(y, dx=2.0, dim=0),
     lambda t, y: t.cumulative_trapezoid(y, dx=2.0, dim=0)),
]  # fmt: skip


@pytest.mark.parametrize("name, ours, theirs", TRAPEZOID, ids=[c[0] for c in TRAPEZOID])
def test_trapezoid_gradients_and_torchs_numbers(name, ours, theirs):
    inputs = [uniform((3, 3), seed=1), uniform((3, 3), seed=2)][: ours.__code__.co_argcount]
    assert ag.gradcheck(ours, inputs)
    torch = pytest.importorskip("torch")
    copies = [torch.tensor(a.numpy(), requires_grad=True) for a in inputs]
    out, expected = ours(*inputs), theirs(torch, *copies)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    for a, c in zip(inputs, copies):
        np.testing.assert_allclose(a.grad.numpy(), c.grad.numpy(), atol=1e-12)


def test_trapezoid_on_tensors_is_numpys():
    y = uniform((4,), seed=3)
    assert np.isclose(np.trapezoid(y).item(), np.trapezoid(y.numpy()))
