"""QR, eigh, SVD, svdvals and eigvalsh (autograd/ops/decompositions.py): reconstruction,
gradients to second order, the refusals where the derivative does not exist, and PyTorch."""

import numpy as np
import pytest

import autograd as ag
from autograd.ops import decompositions as dec

RNG = np.random.default_rng(3)


def t(a):
    return ag.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def weights(*shapes):
    return [ag.tensor(RNG.standard_normal(s)) for s in shapes]


def symmetric(x):
    return x + x.swapaxes(-1, -2)


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 3)])
def test_qr_reconstructs_and_its_gradient_is_right(shape):
    x = t(RNG.standard_normal(shape))
    q, r = dec.qr(x)
    np.testing.assert_allclose((q @ r).numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(r.numpy(), np.triu(r.numpy()), atol=0)
    wq, wr = weights(q.shape, r.shape)

    def loss(a):
        q, r = dec.qr(a)
        return (q * wq).sum() + (r * r * wr).sum()

    assert ag.gradcheck(loss, [x])
    assert ag.gradgradcheck(loss, [x])


def test_qr_modes_and_refusals():
    x = t(RNG.standard_normal((4, 2)))
    q, r = dec.qr(x, mode="complete")
    assert q.shape == (4, 4) and r.shape == (4, 2)
    with pytest.raises(ValueError, match="mode='complete' when A has more rows"):
        q.sum().backward()
    q, r = dec.qr(x, mode="r")
    assert q.shape == (0,) and r.shape == (2, 2)
    with pytest.raises(ValueError, match="mode must be"):
        dec.qr(x, mode="full")
    with pytest.raises(ValueError, match="rank-deficient"):
        dec.qr(t([[1.0, 2.0], [2.0, 4.0]])).Q.sum().backward()


def test_eigh_gradient_of_values_and_vectors_to_second_order():
    x = t(RNG.standard_normal((2, 3, 3)))
    ww, wv = weights((2, 3), (2, 3, 3))

    def loss(a):
        w, v = dec.eigh(symmetric(a))
        return (w * ww).sum() + (v * v * wv).sum() + (v * wv).sum()

    w, v = dec.eigh(symmetric(x))
    np.testing.assert_allclose((v * w[..., None, :]) @ v.swapaxes(-1, -2), symmetric(x).numpy())
    assert ag.gradcheck(loss, [x])
    assert ag.gradgradcheck(loss, [x])


def test_eigh_with_repeated_eigenvalues_raises_where_the_loss_mixes_their_vectors():
    tied = np.diag([1.0, 1.0, 2.0])
    for loss in [
        lambda w, v: v[:, 0].sum(),
        lambda w, v: ((v * w) @ v.T * ag.tensor(np.arange(9.0).reshape(3, 3))).sum(),
    ]:
        x = t(tied)
        with pytest.raises(ValueError, match="linalg.eigh: the gradient is not defined"):
            loss(*dec.eigh(x)).backward()
    # The eigenvalues alone, and the vector of the distinct eigenvalue, are differentiable:
    # the latter's gradient is the limit of its gradient at nearby matrices without the tie.
    z = t(tied)
    (dec.eigh(z).eigenvalues ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), np.diag([2.0, 2.0, 4.0]), atol=1e-12)
    weight = ag.tensor(RNG.standard_normal(3))
    x, nearby = t(tied), t(tied + 1e-7 * np.diag([1.0, -1.0, 0.0]) + 1e-7)
    for a in (x, nearby):
        (dec.eigh(a).eigenvectors[:, 2] * weight).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), nearby.grad.numpy(), atol=1e-6)
    assert np.abs(x.grad.numpy()).max() > 1e-3


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 3, 5)])
def test_svd_reconstructs_and_its_gradient_is_right(shape):
    x = t(RNG.standard_normal(shape))
    u, s, vh = dec.svd(x, full_matrices=False)
    np.testing.assert_allclose(((u * s[..., None, :]) @ vh).numpy(), x.numpy(), atol=1e-12)
    wu, ws, wv = weights(u.shape, s.shape, vh.shape)

    def loss(a):
        u, s, vh = dec.svd(a, full_matrices=False)
        return (u * wu).sum() + (s * s * ws).sum() + (vh * wv).sum()

    assert ag.gradcheck(loss, [x])
    assert ag.gradgradcheck(loss, [x])


def test_full_matrices_adds_columns_without_gradient():
    x = t(RNG.standard_normal((4, 2)))
    u, s, vh = dec.svd(x)
    assert u.shape == (4, 4) and vh.shape == (2, 2)
    np.testing.assert_allclose(u.numpy().T @ u.numpy(), np.eye(4), atol=1e-12)
    u[:, 2:].sum().backward()  # the extra columns: no gradient, as PyTorch
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((4, 2)))


def test_svd_with_repeated_or_zero_singular_values():
    for loss in [lambda u, s, vh: u[:, 0].sum(), lambda u, s, vh: ((u * s) @ vh).sum()]:
        x = t(np.diag([2.0, 2.0, 1.0]))
        with pytest.raises(ValueError, match="linalg.svd: the gradient is not defined"):
            loss(*dec.svd(x)).backward()
    y = t(np.diag([2.0, 2.0, 1.0]))
    ag.linalg.svdvals(y).sum().backward()  # singular values only: U V^T
    np.testing.assert_allclose(y.grad.numpy(), np.eye(3), atol=1e-12)
    z = t(np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))  # a zero singular value, m > n
    with pytest.raises(ValueError, match="zero singular value"):
        dec.svd(z, full_matrices=False)[0].sum().backward()


def test_svdvals_and_eigvalsh_gradients_to_second_order():
    x = t(RNG.standard_normal((3, 4)))
    assert ag.gradcheck(lambda a: ag.linalg.svdvals(a) ** 2, [x])
    assert ag.gradgradcheck(lambda a: ag.linalg.svdvals(a) ** 2, [x])
    y = t(RNG.standard_normal((3, 3)))
    assert ag.gradcheck(lambda a: ag.linalg.eigvalsh(symmetric(a)) ** 3, [y])
    assert ag.gradgradcheck(lambda a: ag.linalg.eigvalsh(symmetric(a)) ** 3, [y])


def _signs(m):
    """Each column of m multiplied by the sign of its largest entry: a basis-independent
    choice to compare singular and eigenvectors with PyTorch's."""
    rows = np.argmax(np.abs(m), axis=-2)
    return np.sign(np.take_along_axis(m, rows[..., None, :], axis=-2))


def test_against_torch():
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 4, 3))
    sym = a[:, :3] + a[:, :3].transpose(0, 2, 1)
    cases = [
        (lambda x: dec.qr(x).Q, lambda x: torch.linalg.qr(x).Q, a, False),
        (lambda x: dec.qr(x).R, lambda x: torch.linalg.qr(x).R, a, False),
        (lambda x: dec.qr(x.swapaxes(-1, -2)).R, lambda x: torch.linalg.qr(x.mT).R, a, False),
        (ag.linalg.svdvals, torch.linalg.svdvals, a, False),
        (lambda x: ag.linalg.eigvalsh(x, "U"), lambda x: torch.linalg.eigvalsh(x, "U"), sym, False),
        (lambda x: dec.svd(x)[0], lambda x: torch.linalg.svd(x)[0], a, True),
        (lambda x: dec.svd(x)[2].swapaxes(-1, -2), lambda x: torch.linalg.svd(x)[2].mT, a, True),
        (lambda x: dec.eigh(x)[1], lambda x: torch.linalg.eigh(x)[1], sym, True),
    ]
    for ours, theirs, data, vectors in cases:
        x, y = t(data), torch.tensor(data, requires_grad=True)
        out, ref = ours(x), theirs(y)
        w = RNG.standard_normal(out.shape)
        if vectors:  # flip PyTorch's vectors (a constant factor) to our signs
            ref = ref * torch.tensor(_signs(ref.detach().numpy()) * _signs(out.numpy()))
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), atol=1e-10)
        (out * ag.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10)
