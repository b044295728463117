"""addmm, addmv, addbmm, baddbmm, addr, addcmul/addcdiv, kron, cross, cdist, chain_matmul, ger
and tensordot(dims=): values and gradients (gradcheck, and torch's where installed), errors."""

import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(5)


def leaf(*shape):
    return ag.tensor(RNG.standard_normal(shape), requires_grad=True)


# (name, ours, torch's (t = the torch module), input shapes)
CASES = [
    ("addmm", lambda i, a, b: ag.addmm(i, a, b), lambda t, i, a, b: t.addmm(i, a, b),
     ((3,), (2, 4), (4, 3))),
    ("addmm beta alpha", lambda i, a, b: i.addmm(a, b, beta=0.5, alpha=-2),
     lambda t, i, a, b: i.addmm(a, b, beta=0.5, alpha=-2), ((2, 3), (2, 4), (4, 3))),
    ("addmv", lambda i, a, v: ag.addmv(i, a, v, alpha=3), lambda t, i, a, v: t.addmv(
        i, a, v, alpha=3), ((2,), (2, 4), (4,))),
    ("addbmm", lambda i, a, b: ag.addbmm(i, a, b, beta=2), lambda t, i, a, b: t.addbmm(
        i, a, b, beta=2), ((2, 3), (4, 2, 5), (4, 5, 3))),
    ("baddbmm", lambda i, a, b: i.baddbmm(a, b, alpha=0.5), lambda t, i, a, b: i.baddbmm(
        a, b, alpha=0.5), ((1, 2, 3), (4, 2, 5), (4, 5, 3))),
    ("addr", lambda i, a, b: ag.addr(i, a, b), lambda t, i, a, b: t.addr(i, a, b),
     ((3, 4), (3,), (4,))),
    ("addcmul", lambda i, a, b: ag.addcmul(i, a, b, value=0.5),
     lambda t, i, a, b: t.addcmul(i, a, b, value=0.5), ((3,), (2, 3), (1, 3))),
    ("addcdiv", lambda i, a, b: ag.addcdiv(i, a, b * b + 1, value=2),
     lambda t, i, a, b: t.addcdiv(i, a, b * b + 1, value=2), ((3,), (2, 3), (1, 3))),
    ("kron 2-D", lambda a, b: ag.kron(a, b), lambda t, a, b: t.kron(a, b), ((2, 3), (3, 2))),
    ("kron mixed", lambda a, b: a.kron(b), lambda t, a, b: a.kron(b), ((2,), (2, 2, 3))),
    ("cross dim", lambda a, b: ag.cross(a, b, dim=0), lambda t, a, b: t.cross(a, b, dim=0),
     ((3, 2), (3, 1))),
    ("cross linalg", lambda a, b: ag.cross(a, b), lambda t, a, b: t.linalg.cross(a, b),
     ((2, 3), (2, 3))),
    ("ger", lambda a, b: ag.ger(a, b), lambda t, a, b: t.outer(a, b), ((3,), (2,))),
    ("chain_matmul", lambda a, b, c: ag.chain_matmul(a, b, c),
     lambda t, a, b, c: t.linalg.multi_dot([a, b, c]), ((2, 3), (3, 4), (4, 2))),
    ("tensordot dims", lambda a, b: ag.tensordot(a, b, dims=([1], [0])),
     lambda t, a, b: t.tensordot(a, b, dims=([1], [0])), ((2, 3), (3, 2))),
    *[
        (f"cdist p={p}", lambda a, b, p=p: ag.cdist(a, b, p=p),
         lambda t, a, b, p=p: t.cdist(a, b, p=p), ((2, 4, 3), (1, 5, 3)))
        for p in (2.0, 1.0, 3.0, 0.5, np.inf)
    ],
]  # fmt: skip


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_gradients_pass_gradcheck(name, ours, theirs, shapes):
    assert ag.gradcheck(ours, [leaf(*s) for s in shapes])


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, ours, theirs, shapes):
    torch = pytest.importorskip("torch")
    inputs = [leaf(*s) for s in shapes]
    copies = [torch.tensor(x.numpy(), requires_grad=True) for x in inputs]
    out, expected = ours(*inputs), theirs(torch, *copies)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert out.shape == tuple(expected.shape)
    weights = RNG.standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    for x, c in zip(inputs, copies):
        np.testing.assert_allclose(x.grad.numpy(), c.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_second_derivatives():
    assert ag.gradgradcheck(
        lambda i, a, b: ag.addmm(i, a, b) ** 2, [leaf(3), leaf(2, 2), leaf(2, 3)]
    )
    assert ag.gradgradcheck(lambda a, b: ag.cdist(a, b), [leaf(2, 3), leaf(3, 3)])
    assert ag.gradgradcheck(lambda a, b: ag.cdist(a, b, p=3.0), [leaf(2, 3), leaf(3, 3)])


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, np.inf, 0.0])
def test_cdist_gradient_is_zero_where_points_coincide(p):
    x = ag.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=np.float64, requires_grad=True)
    y = ag.tensor([[0.0, 1.0]], dtype=np.float64, requires_grad=True)
    d = ag.cdist(x, y, p=p)
    assert d.numpy()[0, 0] == 0
    d[0, 0].backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(y.grad.numpy(), np.zeros((1, 2)))
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.numpy(), requires_grad=True)
    torch.cdist(tx, torch.tensor(y.numpy()), p=p)[0, 0].backward()
    np.testing.assert_array_equal(tx.grad.numpy(), x.grad.numpy())


def test_cdist_zero_norm_counts_differences():
    d = ag.cdist(ag.tensor([[0.0, 1.0, 2.0]]), ag.tensor([[0.0, 5.0, 5.0]]), p=0)
    assert d.tolist() == [[2.0]]


def test_addmm_with_beta_zero_ignores_nan_in_input():
    out = ag.addmm(ag.tensor([np.nan, np.inf]), ag.ones((1, 2)), ag.ones((2, 2)), beta=0)
    np.testing.assert_array_equal(out.numpy(), [[2.0, 2.0]])


def test_cross_meanings_numpy_by_default_torch_under_pytorch_meanings():
    a, b = leaf(3, 3), leaf(3, 3)
    np.testing.assert_allclose(ag.cross(a, b).numpy(), np.cross(a.numpy(), b.numpy()))
    along_0 = np.cross(a.numpy(), b.numpy(), axis=0)
    with ag.pytorch_meanings(True):
        np.testing.assert_allclose(a.cross(b).numpy(), along_0)
        np.testing.assert_allclose(ag.cross(a, b, axis=-1).numpy(), np.cross(a.numpy(), b.numpy()))
    np.testing.assert_allclose(ag.cross(a, b, dim=0).numpy(), along_0)
    np.testing.assert_allclose(ag.kron(a, b).numpy(), np.kron(a.numpy(), b.numpy()))
    assert np.kron(a, b).grad_fn is not None  # NumPy's function on tensors is recorded


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: ag.addmm(ag.ones(3), ag.ones((2, 4)), ag.ones((4, 2))),
            r"addmm: input of shape \(3,\) does not broadcast to the product's shape \(2, 2\)",
        ),
        (
            lambda: ag.addmm(ag.ones(2), ag.ones(4), ag.ones((4, 2))),
            r"addmm: expected matrices \(n, m\) and \(m, p\), got shapes \(4,\) and \(4, 2\)",
        ),
        (
            lambda: ag.baddbmm(ag.ones(2), ag.ones((2, 2, 3)), ag.ones((3, 3, 2))),
            r"baddbmm: expected batches .* got shapes \(2, 2, 3\) and \(3, 3, 2\)",
        ),
        (lambda: ag.addr(ag.ones(2), ag.ones((2, 1)), ag.ones(2)), "addr: expected two vectors"),
        (lambda: ag.cross(ag.ones((2, 4)), ag.ones((2, 4))), r"cross: axis -1 of shape \(2, 4\)"),
        (
            lambda: ag.cross(ag.ones((2, 4)), ag.ones((2, 4)), dim=None),
            r"cross: no dimension of length 3 in shape \(2, 4\)",
        ),
        (lambda: ag.cdist(ag.ones((2, 3)), ag.ones((2, 4))), r"cdist: expected x1 .* \(2, 3\)"),
        (lambda: ag.cdist(ag.ones((2, 3)), ag.ones((2, 3)), p=-1), "p must be >= 0"),
        (lambda: ag.chain_matmul(ag.ones(2)), r"chain_matmul: matrix 0 has shape \(2,\)"),
    ],
)
def test_bad_shapes_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_alpha_and_beta_that_require_grad_are_refused():
    s = ag.tensor(2.0, requires_grad=True)
    with pytest.raises(
        RuntimeError, match="addmm: not differentiable with respect to argument 'alpha'"
    ):
        ag.addmm(ag.ones(2), ag.ones((2, 2)), ag.ones((2, 2)), alpha=s)


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_pass_gradgradcheck(name, ours, theirs, shapes):
    # (squared: the second derivative of a linear op alone is 0 everywhere)
    assert ag.gradgradcheck(lambda *xs: ours(*xs) ** 2, [leaf(*s) for s in shapes])
