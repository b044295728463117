"""moveaxis, ravel, atleast_1d / 2d / 3d."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, uniform

CALLS = {
    "moveaxis_one": lambda x: np.moveaxis(x, 0, -1),
    "moveaxis_many": lambda x: np.moveaxis(x, [0, 1], [-1, 0]),
    "ravel": lambda x: np.ravel(x),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_shape(name):
    check_op(CALLS[name], [uniform((2, 3, 4), 1)], linear=True)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)], ids=str)
@pytest.mark.parametrize(
    "fn", [np.atleast_1d, np.atleast_2d, np.atleast_3d], ids=lambda f: f.__name__
)
def test_atleast(fn, shape):
    x = uniform(shape, 2)
    result = fn(x)
    assert result.shape == fn(x.data).shape
    if result is not x:
        check_op(fn, [x], linear=True)


def test_atleast_with_several_arrays_gives_a_tuple():
    a, b = uniform((), 3), uniform((2,), 4)
    first, second = np.atleast_2d(a, b)
    assert first.shape == (1, 1) and second.shape == (1, 2)


def test_moveaxis_errors_and_methods():
    x = uniform((2, 3, 4), 5)
    with pytest.raises(ValueError, match="moveaxis: axis 3"):
        np.moveaxis(x, 3, 0)
    with pytest.raises(ValueError, match="same length"):
        np.moveaxis(x, [0, 1], [0])
    assert x.moveaxis(2, 0).shape == (4, 2, 3)
    assert x.ravel().shape == (24,)
    with pytest.raises(ValueError, match="order='C'"):
        ag.ravel(x, order="F")
