"""einsum (every operand's gradient is another einsum), and vecdot, matvec, vecmat."""

import numpy as np
import pytest

from .checks import check_op, gradient, uniform

SPECS = {
    "matmul": ("ij,jk->ik", [(3, 4), (4, 2)]),
    "implicit": ("ij,jk", [(3, 4), (4, 2)]),
    "implicit_order": ("ba,Ab", [(2, 3), (4, 2)]),
    "batched": ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    "ellipsis": ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    "ellipsis_implicit": ("...i,i", [(2, 3), (3,)]),
    "elementwise": ("ij,ij->ij", [(3, 4), (3, 4)]),
    "broadcast_size_one": ("ab,ab->ab", [(1, 3), (2, 3)]),
    "sum_only_in_one": ("ij,k->k", [(3, 2), (4,)]),
    "outer": ("i,j->ij", [(3,), (4,)]),
    "three_operands": ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    "trace": ("ii", [(3, 3)]),
    "diagonal": ("ii->i", [(3, 3)]),
    "repeated_three_times": ("iji->j", [(3, 2, 3)]),
    "transpose": ("ij->ji", [(3, 4)]),
    "scalar_operand": (",i->i", [(), (3,)]),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_einsum(name):
    spec, shapes = SPECS[name]
    inputs = [uniform(shape, i + 1) for i, shape in enumerate(shapes)]
    check_op(lambda *xs: np.einsum(spec, *xs), inputs)


def test_einsum_interleaved_form():
    a, b = uniform((3, 4), 1), uniform((4, 2), 2)
    check_op(lambda x, y: np.einsum(x, [0, 1], y, [1, 2], [0, 2]), [a, b])
    check_op(lambda x: np.einsum(x, [Ellipsis, 0, 0]), [uniform((2, 3, 3), 3)])


def test_einsum_with_a_constant_operand_and_optimize():
    weights = np.arange(4.0)
    check_op(lambda x: np.einsum("ij,j->i", x, weights, optimize=True), [uniform((3, 4), 4)])


def test_einsum_gradient_of_a_trace_is_the_identity():
    np.testing.assert_array_equal(
        gradient(lambda x: np.einsum("ii", x), np.ones((3, 3)))[0], np.eye(3)
    )


@pytest.mark.parametrize(
    "spec, shapes, match",
    [
        ("ij", [(3, 4), (4, 2)], "1 subscript terms for 2 operands"),
        ("i", [(3, 4)], "do not match an operand of shape"),
        ("...ij->ij", [(2, 3, 4)], "ellipsis"),
        ("i.j", [(3, 4)], "invalid subscripts"),
    ],
)
def test_einsum_errors_name_the_problem(spec, shapes, match):
    with pytest.raises(ValueError, match=match):
        np.einsum(spec, *[uniform(shape, 5) for shape in shapes])


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (np.vecdot, [(3, 4), (4,)]),
        (np.matvec, [(2, 3, 4), (4,)]),
        (np.vecmat, [(3,), (2, 3, 4)]),
    ],
    ids=["vecdot", "matvec", "vecmat"],
)
def test_vector_products(fn, shapes):
    check_op(fn, [uniform(shape, i + 7) for i, shape in enumerate(shapes)])


def test_vector_products_check_their_core_sizes():
    with pytest.raises(ValueError, match="matvec: core dimensions"):
        np.matvec(uniform((3, 4), 9), uniform((3,), 10))
