"""tensordot, outer, trace, linalg.norm."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, make, uniform

TENSORDOT = {
    "axes2": ((2, 3, 4), (3, 4, 2), 2),
    "axes1": ((3, 4), (4, 2), 1),
    "axes0_outer": ((2,), (3,), 0),
    "pairs": ((2, 3, 4), (4, 5, 2), ([0, 2], [2, 0])),
    "int_pair": ((3, 4), (2, 4), (1, 1)),
}


@pytest.mark.parametrize("name", sorted(TENSORDOT))
def test_tensordot(name):
    shape_a, shape_b, axes = TENSORDOT[name]
    a, b = uniform(shape_a, 1), uniform(shape_b, 2)
    check_op(lambda x, y: np.tensordot(x, y, axes=axes), [a, b])


def test_tensordot_names_mismatched_axes():
    with pytest.raises(ValueError, match="tensordot: shape mismatch"):
        np.tensordot(uniform((3, 4), 3), uniform((3, 4), 4), axes=1)


@pytest.mark.parametrize("shapes", [((3,), (4,)), ((2, 2), (3,)), ((), (2,))], ids=str)
def test_outer(shapes):
    check_op(np.outer, [uniform(shapes[0], 5), uniform(shapes[1], 6)])


@pytest.mark.parametrize("args", [(), (1,), (-1,), (0, 2, 1)], ids=str)
def test_trace(args):
    check_op(lambda x: np.trace(x, *args), [uniform((3, 4, 2), 7)], linear=True)


def test_trace_is_a_tensor_method_and_autograd_trace_stays_the_graph_tracer():
    x = uniform((3, 3), 8)
    assert x.trace().item() == pytest.approx(np.trace(x.data))
    assert ag.matrix_trace(x).item() == pytest.approx(np.trace(x.data))
    assert ag.trace is not ag.matrix_trace


NORMS = {
    "default": {},
    "vector_2": {"ord": 2, "axis": 1},
    "vector_1": {"ord": 1, "axis": 0},
    "vector_inf": {"ord": np.inf, "axis": -1},
    "vector_minus_inf": {"ord": -np.inf, "axis": 1, "keepdims": True},
    "fro": {"ord": "fro"},
    "matrix_1": {"ord": 1},
    "matrix_minus_1": {"ord": -1, "keepdims": True},
    "matrix_inf": {"ord": np.inf},
    "matrix_minus_inf": {"ord": -np.inf},
    "keepdims": {"axis": 0, "keepdims": True},
}


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norm(name):
    check_op(lambda x: np.linalg.norm(x, **NORMS[name]), [uniform((3, 4), 9)])


@pytest.mark.parametrize(
    "shape, kwargs",
    [((2, 3, 4), {}), ((2, 3, 4), {"axis": (2, 0)}), ((2, 3, 4), {"ord": 1, "axis": (0, 2)})],
    ids=["all_axes", "frobenius_of_a_stack", "matrix_1_of_a_stack"],
)
def test_norm_of_more_axes(shape, kwargs):
    check_op(lambda x: np.linalg.norm(x, **kwargs), [uniform(shape, 10)])


def test_norm_hand_derived_values_and_the_zero_subgradient():
    np.testing.assert_allclose(gradient(np.linalg.norm, [3.0, 4.0])[0], [0.6, 0.8])
    np.testing.assert_array_equal(gradient(np.linalg.norm, [0.0, 0.0])[0], [0.0, 0.0])
    rows = gradient(lambda x: np.linalg.norm(x, axis=1), [[3.0, 4.0], [0.0, 0.0]])[0]
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_array_equal(
        gradient(lambda x: np.linalg.norm(x, 1), [-2.0, 0.0, 3.0])[0], [-1, 0, 1]
    )
    np.testing.assert_array_equal(
        gradient(lambda x: np.linalg.norm(x, np.inf), [-2.0, 1.0])[0], [-1, 0]
    )


def test_norm_zero_counts_and_carries_no_gradient():
    x = uniform((4,), 11)
    x.data[1] = 0.0
    count = np.linalg.norm(x, 0)
    assert count.item() == 3.0 and not count.requires_grad


@pytest.mark.parametrize("ord_", [2, -2, "nuc"])
def test_norms_made_of_singular_values(ord_):
    x = uniform((2, 3, 4), 12)
    expected = np.linalg.norm(x.numpy(), ord_, axis=(2, 1), keepdims=True)
    out = np.linalg.norm(x, ord_, axis=(2, 1), keepdims=True)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-13)
    assert ag.gradcheck(lambda a: np.linalg.norm(a, ord_, axis=(1, 2)), [x])
    assert ag.gradgradcheck(lambda a: np.linalg.norm(a[0], ord_), [x])


def test_vector_norm_of_another_order_is_numpys_with_a_zero_gradient_at_zero():
    x = uniform((4,), 13)
    for p in (0.5, 3):
        np.testing.assert_allclose(np.linalg.norm(x, p).numpy(), np.linalg.norm(x.numpy(), p))
        assert ag.gradcheck(lambda t, p=p: np.linalg.norm(t, p), [x])
    zeros = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    (g,) = ag.grad(np.linalg.norm(zeros, 3, axis=1).sum(), zeros)
    np.testing.assert_array_equal(g.numpy(), np.zeros((2, 3)))


def test_other_invalid_norms():
    with pytest.raises(TypeError, match="ord=-3"):
        np.linalg.norm(uniform((4,), 13), -3)
    with pytest.raises(ValueError, match="invalid norm order 3 for matrices"):
        np.linalg.norm(uniform((3, 4), 13), 3)
    with pytest.raises(ValueError, match="'fro' for vectors"):
        np.linalg.norm(uniform((4,), 13), "fro")
    with pytest.raises(ValueError, match="1-D or 2-D"):
        np.linalg.norm(uniform((2, 2, 2), 13), 1)


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradients(shapes):
    a, b = make(shapes[0], 7), make(shapes[1], 8)
    expected = a.data @ b.data
    assert (a @ b).shape == expected.shape
    np.testing.assert_allclose((a @ b).data, expected)
    assert ag.gradcheck(lambda x, y: x @ y, [a, b])


DOT_SHAPES = [
    ((), (3, 4)),
    ((3,), ()),
    ((4,), (4,)),
    ((3, 4), (4,)),
    ((3, 4), (4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 3, 4), (6, 2, 4, 5)),
]


@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
def test_dot_follows_numpy_and_differentiates(shapes):
    a, b = make(shapes[0], 9), make(shapes[1], 10)
    expected = np.dot(a.data, b.data)
    for result in (ag.dot(a, b), a.dot(b), np.dot(a, b)):
        assert isinstance(result, ag.Tensor) and result.requires_grad
        np.testing.assert_allclose(result.data, expected)
    assert ag.gradcheck(ag.dot, [a, b])


def test_dot_names_misaligned_shapes():
    with pytest.raises(ValueError, match=r"dot: shapes \(3, 4\) and \(2, 5, 6\)"):
        ag.dot(ag.Tensor(np.ones((3, 4))), ag.Tensor(np.ones((2, 5, 6))))
    with pytest.raises(ValueError, match="matmul"):
        ag.dot(ag.Tensor(np.ones((3, 4))), ag.Tensor(np.ones((5, 6))))


def test_pytorch_norm_nuc_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(14).standard_normal((2, 3, 4))
    for kwargs in ({"p": "nuc", "dim": (1, 2)}, {"p": "nuc", "dim": (2, 0), "keepdim": True}):
        ours, theirs = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        out, ref = ours.norm(**kwargs), theirs.norm(**kwargs)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-13)
        out.sum().backward()
        ref.sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)
    matrix = ag.tensor(data[0], requires_grad=True)
    np.testing.assert_allclose(ag.norm(matrix, p="nuc").item(), np.linalg.norm(data[0], "nuc"))
