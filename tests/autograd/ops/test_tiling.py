"""repeat, tile, pad: every copy of an element sends its gradient back to it."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, uniform

CALLS = {
    "repeat_int": lambda x: np.repeat(x, 2, axis=1),
    "repeat_counts": lambda x: np.repeat(x, [1, 0, 3], axis=0),
    "repeat_flat": lambda x: np.repeat(x, 2),
    "repeat_negative_axis": lambda x: np.repeat(x, [2, 1, 1, 2], axis=-1),
    "tile_int": lambda x: np.tile(x, 2),
    "tile_more_axes": lambda x: np.tile(x, (2, 1, 3)),
    "pad_int": lambda x: np.pad(x, 1),
    "pad_pairs": lambda x: np.pad(x, ((1, 0), (2, 3)), constant_values=-1.5),
    "pad_one_pair": lambda x: np.pad(x, (0, 2)),
    "pad_edge": lambda x: np.pad(x, ((2, 1), (0, 3)), mode="edge"),
    "pad_reflect": lambda x: np.pad(x, 2, mode="reflect"),
    "pad_symmetric": lambda x: np.pad(x, ((3, 1), (1, 4)), mode="symmetric"),
    "pad_wrap": lambda x: np.pad(x, ((4, 1), (0, 5)), mode="wrap"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_tiling(name):
    check_op(CALLS[name], [uniform((3, 4), 1)], linear=True)


def test_scalar_and_vector_inputs():
    check_op(lambda x: np.tile(x, (2, 3)), [uniform((), 2)], linear=True)
    check_op(lambda x: np.repeat(x, 3), [uniform((), 3)], linear=True)
    check_op(lambda x: np.pad(x, 2, mode="reflect"), [uniform((4,), 4)], linear=True)


def test_gradients_count_the_copies():
    np.testing.assert_array_equal(
        gradient(lambda x: np.repeat(x, [2, 0, 3]), [0.0] * 3)[0], [2, 0, 3]
    )
    np.testing.assert_array_equal(gradient(lambda x: np.tile(x, 3), [0.0, 0.0])[0], [3.0, 3.0])
    # edge mode copies the first element twice more and the last once more
    grad = gradient(lambda x: np.pad(x, (2, 1), mode="edge"), [0.0, 0.0, 0.0])[0]
    np.testing.assert_array_equal(grad, [3.0, 1.0, 2.0])
    grad = gradient(lambda x: np.pad(x, 3, constant_values=7.0), [0.0, 0.0])[0]
    np.testing.assert_array_equal(grad, [1.0, 1.0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mode": "mean"}, "mode 'mean'"),
        ({"mode": "linear_ramp"}, "mode 'linear_ramp'"),
        ({"mode": "reflect", "reflect_type": "odd"}, "reflect_type='odd'"),
    ],
)
def test_pad_refuses_modes_it_does_not_record(kwargs, match):
    with pytest.raises(TypeError, match=match):
        np.pad(uniform((3,), 5), 1, **kwargs)


def test_pad_checks_its_widths():
    with pytest.raises(ValueError, match="negative"):
        np.pad(uniform((3,), 6), -1)
    with pytest.raises(ValueError, match="pad_width"):
        np.pad(uniform((3, 4), 6), ((1, 2), (3, 4), (5, 6)))


def test_methods_and_names():
    x = uniform((2, 3), 7)
    np.testing.assert_allclose(x.repeat(2, axis=0).data, x.data.repeat(2, axis=0))
    np.testing.assert_allclose(x.tile((1, 2)).data, np.tile(x.data, (1, 2)))
    assert ag.pad(x, 1).grad_fn.fn.name == "pad"
    assert np.repeat(x, 2).grad_fn.fn.name == "repeat"
