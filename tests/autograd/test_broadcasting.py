"""autograd.broadcasting: a gradient in a broadcast shape is summed back onto its input's shape,
and nothing else is allowed."""

import numpy as np
import pytest

from autograd.broadcasting import broadcasts_to, sum_to_shape

rng = np.random.default_rng(7)


@pytest.mark.parametrize(
    "grad_shape, shape",
    [((4, 3), (3,)), ((2, 4, 3), (4, 1)), ((4, 3), (1, 3)), ((4, 3), (4, 3)), ((2, 1, 3), ())],
)
def test_sum_to_shape_matches_summing_the_broadcast_copies(grad_shape, shape):
    grad = rng.standard_normal(grad_shape)
    folded = sum_to_shape(grad, shape)
    # Reference: d/dx sum(g * broadcast(x)), by the definition of broadcasting.
    expected = np.zeros(shape)
    for index in np.ndindex(*grad_shape):
        target = tuple(0 if s == 1 else i for i, s in zip(index[len(index) - len(shape) :], shape))
        expected[target] += grad[index]
    assert folded.shape == shape
    np.testing.assert_allclose(folded, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "shape, target, expected",
    [
        ((3,), (4, 3), True),
        ((4, 1), (2, 4, 3), True),
        ((), (2, 2), True),
        ((2,), (4, 3), False),
        ((2, 3), (3,), False),
        ((4, 3), (4, 3), True),
    ],
)
def test_broadcasts_to_is_numpys_rule_in_one_direction(shape, target, expected):
    assert broadcasts_to(shape, target) is expected
    if expected:
        assert np.broadcast_shapes(shape, target) == target
