"""inverse, det, slogdet, logdet, solve, cholesky and pinv (autograd/ops/solving.py): values,
first and second derivatives, singular inputs, and PyTorch's numbers."""

import numpy as np
import pytest

import autograd as ag
from autograd.ops import solving

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 3)) + 2 * np.eye(3)
BATCH = RNG.standard_normal((2, 3, 3)) + 2 * np.eye(3)


def t(a):
    return ag.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def spd(x):
    """A symmetric positive-definite matrix made of x (so that gradcheck's perturbations of
    every entry keep it symmetric)."""
    return x @ x.swapaxes(-1, -2) + 3 * ag.tensor(np.eye(x.shape[-1]))


def test_inverse_det_and_logdet_match_numpy_and_pass_gradcheck_to_second_order():
    for fn, ref in [
        (ag.inverse, np.linalg.inv),
        (ag.det, np.linalg.det),
        (lambda a: ag.slogdet(a).logabsdet, lambda a: np.linalg.slogdet(a)[1]),
        (
            lambda a: ag.logdet(a @ a.swapaxes(-1, -2)),
            lambda a: np.log(np.linalg.det(a @ a.swapaxes(-1, -2))),
        ),
    ]:
        for a in (A, BATCH):
            np.testing.assert_allclose(fn(t(a)).numpy(), ref(a), rtol=1e-12)
            assert ag.gradcheck(fn, [t(a)])
            assert ag.gradgradcheck(fn, [t(a)])


def test_det_gradient_is_the_cofactor_matrix_also_for_singular_matrices():
    rank_two = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])
    for a in (rank_two, rank_one, A):
        x = t(a)
        ag.det(x).backward()
        cofactors = np.array(
            [
                [
                    (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
                    for j in range(3)
                ]
                for i in range(3)
            ]
        )
        np.testing.assert_allclose(x.grad.numpy(), cofactors, atol=1e-12)
    assert ag.gradcheck(ag.det, [t(rank_two)])


def test_slogdet_sign_is_a_constant_and_singular_matrices_raise_in_backward():
    sign, logabs = ag.slogdet(t(-A))
    assert sign.item() == np.linalg.slogdet(-A)[0] and not sign.requires_grad
    with pytest.raises(ValueError, match="^inverse: the input of shape \\(2, 2\\) is singular"):
        ag.inverse(t([[1.0, 2.0], [2.0, 4.0]]))
    x = t([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="slogdet: .* singular"):
        ag.slogdet(x).logabsdet.backward()
    assert np.isnan(ag.logdet(t(-np.eye(3))).item())  # det < 0, as PyTorch


def test_solve_gradients_to_second_order_with_broadcast_batches():
    a, b = t(BATCH), t(RNG.standard_normal((3, 2)))
    out = solving.Solve.apply(a, b)
    np.testing.assert_allclose(out.numpy(), np.linalg.solve(BATCH, b.numpy()), rtol=1e-12)
    assert ag.gradcheck(solving.Solve.apply, [a, b])
    assert ag.gradgradcheck(solving.Solve.apply, [a, b])
    with pytest.raises(ValueError, match=r"linalg.solve: B of shape \(4, 2\) does not fit A"):
        solving.Solve.apply(a, t(np.ones((4, 2))))


def test_np_linalg_functions_on_tensors_are_recorded():
    x = t(A)
    assert np.linalg.inv(x).grad_fn is not None
    assert np.linalg.solve(x, t([1.0, 2.0, 3.0])).shape == (3,)  # NumPy's 1-D rule
    np.testing.assert_allclose(np.linalg.det(x).item(), np.linalg.det(A), rtol=1e-12)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_gradient_is_symmetric_and_right(upper):
    x = t(RNG.standard_normal((3, 3)))
    assert ag.gradcheck(lambda a: ag.cholesky(spd(a), upper=upper), [x])
    assert ag.gradgradcheck(lambda a: ag.cholesky(spd(a), upper=upper), [x])
    s = t(spd(x).numpy())
    ag.cholesky(s, upper=upper).sum().backward()
    np.testing.assert_allclose(s.grad.numpy(), s.grad.numpy().T, atol=1e-14)
    with pytest.raises(ValueError, match="^cholesky: the input .* is not positive-definite"):
        ag.cholesky(t(-np.eye(2)))


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3)])
def test_pinv_gradient_on_full_rank_matrices(shape):
    x = t(RNG.standard_normal(shape))
    out = solving.Pinv.apply(x)
    np.testing.assert_allclose(out.numpy(), np.linalg.pinv(x.numpy()), atol=1e-12)
    assert ag.gradcheck(solving.Pinv.apply, [x])
    assert ag.gradgradcheck(solving.Pinv.apply, [x])


def test_against_torch():
    torch = pytest.importorskip("torch")
    s = spd(t(RNG.standard_normal((2, 3, 3)))).numpy()
    cases = [
        (ag.inverse, torch.linalg.inv, BATCH),
        (ag.det, torch.linalg.det, BATCH),
        (ag.det, torch.linalg.det, np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])),
        (lambda a: ag.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1], BATCH),
        (ag.logdet, torch.logdet, s),
        (ag.cholesky, torch.linalg.cholesky, s + np.triu(np.ones(3), 1)),  # upper triangle ignored
        (lambda a: ag.cholesky(a, upper=True), lambda a: torch.linalg.cholesky(a, upper=True), s),
        (solving.Pinv.apply, torch.linalg.pinv, RNG.standard_normal((2, 4, 3))),
    ]
    for ours, theirs, a in cases:
        x, y = t(a), torch.tensor(a, requires_grad=True)
        out, ref = ours(x), theirs(y)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        w = RNG.standard_normal(out.shape)
        (out * ag.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10)
