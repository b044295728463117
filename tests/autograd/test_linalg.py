"""autograd.linalg, PyTorch's torch.linalg: its signatures and semantics (norm's ord/dim rules,
solve's left= and vector rule, pinv's tolerances, ...), values and gradients against torch, and
that it loads lazily."""

import math
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag

L = ag.linalg
RNG = np.random.default_rng(5)
M = RNG.standard_normal((2, 3, 4))
SQUARE = RNG.standard_normal((2, 3, 3)) + 2 * np.eye(3)


def t(a):
    return ag.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def test_linalg_is_loaded_on_first_use_only():
    code = (
        "import sys, autograd; assert 'autograd.linalg' not in sys.modules; "
        "assert 'autograd.special' not in sys.modules; autograd.linalg.norm; "
        "import autograd.special; from autograd.linalg import svd; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda x: L.norm(x), np.sqrt((M**2).sum())),
        (lambda x: L.norm(x, dim=1), np.sqrt((M**2).sum(axis=1))),
        (
            lambda x: L.norm(x, 3, dim=-1, keepdim=True),
            ((np.abs(M) ** 3).sum(-1, keepdims=True)) ** (1 / 3),
        ),
        (lambda x: L.norm(x[0], 1), np.abs(M[0]).sum(axis=0).max()),  # 2-D: a matrix norm
        (lambda x: L.norm(x[0, 0], 1), np.abs(M[0, 0]).sum()),  # 1-D: a vector norm
        (lambda x: L.norm(x, "fro", dim=(0, 2)), np.sqrt((M**2).sum(axis=(0, 2)))),
        (
            lambda x: L.norm(x, axis=(1, 2), keepdims=True),
            np.sqrt((M**2).sum((1, 2), keepdims=True)),
        ),
        (lambda x: L.vector_norm(x, math.inf), np.abs(M).max()),
        (lambda x: L.vector_norm(x, 0, dim=(0, 1)), (M != 0).sum(axis=(0, 1)).astype(float)),
        (lambda x: L.matrix_norm(x, "nuc"), np.linalg.norm(M, "nuc", axis=(1, 2))),
        (lambda x: L.matrix_norm(x, -2), np.linalg.norm(M, -2, axis=(1, 2))),
        (lambda x: L.matrix_norm(x, -math.inf), np.linalg.norm(M, -np.inf, axis=(1, 2))),
        (lambda x: L.matrix_norm(x, 1, dim=(2, 0)), np.linalg.norm(M, 1, axis=(2, 0))),
    ],
)
def test_norm_follows_torch_rules(call, expected):
    x = t(M)
    out = call(x)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert ag.gradcheck(call, [x])


def test_norm_errors_name_the_function_and_the_shape():
    with pytest.raises(
        ValueError,
        match=r"linalg.norm: with dim=None and ord=3, A must be 1-D or 2-D, got shape \(2, 3, 4\)",
    ):
        L.norm(t(M), 3)
    with pytest.raises(ValueError, match="linalg.matrix_norm: ord must be"):
        L.matrix_norm(t(M), 3)
    with pytest.raises(TypeError, match="linalg.vector_norm: expected a floating-point"):
        L.vector_norm(ag.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'ord'"):
        L.vector_norm(t(M), t(2.0))


def test_solve_batches_vectors_and_left_false():
    a, b = t(SQUARE), t(RNG.standard_normal((2, 3)))
    x = L.solve(a, b)  # b has A's shape without the last axis: a batch of vectors
    assert x.shape == (2, 3)
    np.testing.assert_allclose(np.einsum("bij,bj->bi", SQUARE, x.numpy()), b.numpy(), atol=1e-12)
    y = L.solve(a, t(RNG.standard_normal((3, 4))))  # one matrix for the whole batch
    assert y.shape == (2, 3, 4)
    c = t(RNG.standard_normal((2, 5, 3)))
    z = L.solve(a, c, left=False)  # X A = B
    np.testing.assert_allclose((z @ a).numpy(), c.numpy(), atol=1e-12)
    assert ag.gradcheck(lambda p, q: L.solve(p, q, left=False), [a, c])
    assert ag.gradcheck(L.solve, [a, b])
    with pytest.raises(
        ValueError, match=r"linalg.solve: A must be square \(\*, n, n\), got shape \(2, 3, 4\)"
    ):
        L.solve(t(M), b)


def test_solve_triangular_reads_one_triangle():
    a, b = t(SQUARE[0]), t(M[0])
    x = L.solve_triangular(a, b, upper=True)
    np.testing.assert_allclose(np.triu(SQUARE[0]) @ x.numpy(), M[0], atol=1e-12)
    assert ag.gradcheck(
        lambda p, q: L.solve_triangular(p, q, upper=False, unitriangular=True), [a, b]
    )
    x.sum().backward()
    assert (np.tril(a.grad.numpy(), -1) == 0).all()  # the other triangle is not read


def test_ex_variants_report_failures_instead_of_raising():
    batch = np.array(
        [[[4.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]]
    )
    x = t(batch)
    lower, info = L.cholesky_ex(x)
    assert info.tolist() == [0, 2, 1] and info.dtype == np.int32
    np.testing.assert_allclose(lower.numpy()[0], np.linalg.cholesky(batch[0]))
    assert np.isnan(lower.numpy()[1:]).all()
    lower[0].sum().backward()  # the good matrix's gradient; nothing flows from the failures
    np.testing.assert_array_equal(x.grad.numpy()[1:], 0)
    with pytest.raises(ValueError, match="cholesky: .* not positive-definite"):
        L.cholesky_ex(x, check_errors=True)
    inverse, info = L.inv_ex(t([[[2.0, 0.0], [0.0, 4.0]], [[1.0, 2.0], [2.0, 4.0]]]))
    assert info.tolist()[0] == 0 and info.tolist()[1] > 0
    np.testing.assert_allclose(inverse.numpy()[0], np.diag([0.5, 0.25]))
    assert np.isnan(inverse.numpy()[1]).all()
    torch = pytest.importorskip("torch")
    assert (
        info.tolist()
        == torch.linalg.inv_ex(torch.tensor([[[2.0, 0], [0, 4]], [[1.0, 2], [2, 4]]])).info.tolist()
    )
    assert (
        L.cholesky_ex(x).info.tolist()
        == torch.linalg.cholesky_ex(torch.tensor(batch)).info.tolist()
    )


def test_matrix_power_rank_multi_dot_cross_and_friends():
    a = t(SQUARE[0])
    for n in (0, 1, 2, 5, -1, -3):
        expected = np.linalg.matrix_power(SQUARE[0], n)
        np.testing.assert_allclose(L.matrix_power(a, n).numpy(), expected, rtol=1e-10)
        assert ag.gradcheck(lambda x, n=n: L.matrix_power(x, n), [a])
    low_rank = np.outer([1.0, 2.0, 3.0], [1.0, 0.0, 1.0])
    assert L.matrix_rank(ag.tensor(low_rank)).item() == 1
    assert L.matrix_rank(ag.tensor(SQUARE)).tolist() == [3, 3]
    assert L.matrix_rank(ag.tensor(np.diag([1.0, 1e-3])), atol=0.01).item() == 1
    v, m, w = t(RNG.standard_normal(3)), t(RNG.standard_normal((3, 4))), t(RNG.standard_normal(4))
    np.testing.assert_allclose(L.multi_dot([v, m, w]).numpy(), v.numpy() @ m.numpy() @ w.numpy())
    assert ag.gradcheck(lambda *xs: L.multi_dot(list(xs)), [v, m, w])
    p, q = t(RNG.standard_normal((4, 3))), t(RNG.standard_normal((1, 3)))
    np.testing.assert_allclose(L.cross(p, q).numpy(), np.cross(p.numpy(), q.numpy()), atol=1e-14)
    assert ag.gradcheck(L.cross, [p, q])
    assert L.cross(p.T, q.T.broadcast_to((3, 4)), dim=0).shape == (3, 4)
    np.testing.assert_array_equal(L.diagonal(t(M), offset=1).numpy(), np.diagonal(M, 1, -2, -1))
    np.testing.assert_allclose(L.vecdot(t(M), t(M[0])).numpy(), (M * M[0]).sum(-1))
    with pytest.raises(ValueError, match="linalg.cross: dim -1 must have length 3"):
        L.cross(t(M), t(M))


def test_pinv_and_lstsq():
    tall = t(RNG.standard_normal((5, 3)))
    b = t(RNG.standard_normal((5, 2)))
    solution, residuals, rank, values = L.lstsq(tall, b)
    expected = np.linalg.lstsq(tall.numpy(), b.numpy(), rcond=None)[0]
    np.testing.assert_allclose(solution.numpy(), expected, atol=1e-12)
    assert rank.item() == 3 and residuals.shape == (0,) and values.shape == (0,)
    assert ag.gradcheck(lambda a, y: L.lstsq(a, y).solution, [tall, b])
    singular = ag.tensor(np.diag([1.0, 1e-20, 2.0]))
    np.testing.assert_allclose(L.pinv(singular).numpy(), np.diag([1.0, 0.0, 0.5]))
    np.testing.assert_allclose(L.pinv(singular, rtol=1e-30).numpy(), np.diag([1, 1e20, 0.5]))


def test_namespace_matches_torch_values_and_gradients():
    torch = pytest.importorskip("torch")
    spd = SQUARE @ SQUARE.transpose(0, 2, 1)
    cases = [
        ("norm", (M,), {}),
        ("norm", (M[0], "nuc"), {}),
        ("norm", (M, 2), {"dim": (0, 2)}),
        ("norm", (M, -1.5), {"dim": 1, "keepdim": True}),
        ("vector_norm", (M, -math.inf), {"dim": (1, 2)}),
        ("matrix_norm", (M, math.inf), {"keepdim": True}),
        ("matrix_norm", (M, -1), {"dim": (0, 2)}),
        ("matrix_norm", (M, 2), {}),
        ("inv", (SQUARE,), {}),
        ("det", (SQUARE,), {}),
        ("solve", (SQUARE, M[:, :, :2]), {}),
        ("solve", (SQUARE, M[:, :, 0]), {}),
        ("solve", (SQUARE, M.transpose(0, 2, 1)), {"left": False}),
        ("cholesky", (spd,), {}),
        ("solve_triangular", (SQUARE, M), {"upper": True}),
        (
            "solve_triangular",
            (SQUARE, M[:, :, :3].transpose(0, 2, 1)),
            {"upper": False, "left": False},
        ),
        ("solve_triangular", (SQUARE, M), {"upper": False, "unitriangular": True}),
        ("pinv", (M,), {}),
        ("pinv", (spd,), {"hermitian": True}),
        ("matrix_power", (SQUARE, 3), {}),
        ("matrix_power", (SQUARE, -2), {}),
        ("svdvals", (M,), {}),
        ("eigvalsh", (spd,), {}),
        ("cross", (M[:, :3, :3], M[:1, :3, 1:]), {}),
        ("vecdot", (M, M[1]), {"dim": 1}),
    ]
    for name, args, kwargs in cases:
        ours = [t(a) if isinstance(a, np.ndarray) else a for a in args]
        theirs = [
            torch.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in args
        ]
        out = getattr(L, name)(*ours, **kwargs)
        ref = getattr(torch.linalg, name)(*theirs, **kwargs)
        np.testing.assert_allclose(
            out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )
        w = RNG.standard_normal(out.shape)
        (out * ag.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        for x, y in zip(ours, theirs):
            if isinstance(x, ag.Tensor):
                np.testing.assert_allclose(
                    x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name
                )
