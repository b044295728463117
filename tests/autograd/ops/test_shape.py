"""moveaxis, ravel, atleast_1d / 2d / 3d."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, make, uniform

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


MOVEMENT = {
    "reshape": lambda x: x.reshape(4, 6),
    "reshape_tuple": lambda x: x.reshape((2, -1)),
    "transpose": lambda x: x.transpose(),
    "transpose_axes": lambda x: x.transpose(1, 0, 2),
    "T": lambda x: x.T,
    "swapaxes": lambda x: x.swapaxes(0, 2),
    "flatten": lambda x: x.flatten(),
    "expand_squeeze": lambda x: x.expand_dims(1).squeeze(1),
    "expand_tuple": lambda x: x.expand_dims((0, 3)),
    "broadcast_to": lambda x: x[:, :1, :].broadcast_to((5, 2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(MOVEMENT))
def test_movement_gradients(name):
    assert ag.gradcheck(MOVEMENT[name], [make((2, 3, 4), 9)])


def test_movement_matches_numpy():
    x = make((2, 3, 4), 10)
    d = x.data
    np.testing.assert_array_equal(x[..., None, 1].data, d[..., None, 1])
    np.testing.assert_array_equal(x.swapaxes(0, 2).data, d.swapaxes(0, 2))
    np.testing.assert_array_equal(ag.stack([x, x], axis=-1).data, np.stack([d, d], axis=-1))
    np.testing.assert_array_equal(x.expand_dims((0, 3)).data, np.expand_dims(d, (0, 3)))
    np.testing.assert_array_equal(x.squeeze().data, d.squeeze())


def test_astype_passes_the_gradient_back_in_the_input_dtype():
    # (float32 rounding is too coarse for central differences, so this one is checked by hand)
    x = ag.Tensor(np.array([1.5, -2.0]), requires_grad=True)
    y = x.astype(np.float32)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, -4.0])


def test_astype_gradients_between_float64_and_longdouble():
    # Astype's float64 gradcheck: a round trip through the wider type loses nothing.
    assert ag.gradcheck(lambda t: (t.astype(np.longdouble) * t).astype(np.float64), [make((3,), 4)])


# PyTorch's spellings of these ops: values as NumPy computes them, first and second
# derivatives by central differences in float64.
PYTORCH_SPELLINGS = {
    "permute": (lambda x: x.permute(2, 0, 1), lambda x: np.transpose(x, (2, 0, 1)), (2, 3, 4)),
    "t": (lambda x: x.t(), lambda x: x.T, (3, 4)),
    "transpose_two": (lambda x: x.transpose(0, 2), lambda x: np.swapaxes(x, 0, 2), (2, 3, 4)),
    "flatten_start": (lambda x: x.flatten(1), lambda x: x.reshape(2, 12), (2, 3, 4)),
    "view": (lambda x: x.view(4, 3), lambda x: x.reshape(4, 3), (3, 4)),
    "unsqueeze": (lambda x: x.unsqueeze(1), lambda x: np.expand_dims(x, 1), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(PYTORCH_SPELLINGS))
def test_pytorch_spelled_op_values_and_derivatives(name):
    fn, numpy_fn, shape = PYTORCH_SPELLINGS[name]
    check_op(fn, [uniform(shape, 7)], numpy_fn=numpy_fn, linear=True)


def test_pytorchs_integer_casts_have_its_dtypes_and_values():
    # Deep Learning with PyTorch's dtype tour: .short(), .char(), .byte() next to .long(), .int()
    data = np.array([[-1.7, 2.5], [3.9, 200.0]])
    x = ag.tensor(data)
    expected = {"short": np.int16, "char": np.int8, "long": np.int64, "int": np.int32}
    for name, dtype in expected.items():
        out = getattr(x, name)()
        assert out.dtype == dtype, name
    np.testing.assert_array_equal(x.short().numpy(), [[-1, 2], [3, 200]])  # toward zero
    np.testing.assert_array_equal(abs(x).byte().numpy(), [[1, 2], [3, 200]])
    assert abs(x).byte().dtype == np.uint8
    torch = pytest.importorskip("torch")
    theirs = torch.tensor(np.abs(data))
    for name in ("short", "char", "byte", "long", "int"):
        np.testing.assert_array_equal(getattr(abs(x), name)().numpy(), getattr(theirs, name)())
