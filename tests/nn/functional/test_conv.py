"""nn/functional/conv.py: conv2d and max_pool2d (im2col): values by hand, gradients, the
im2col/col2im pair."""

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.conv import Col2Im, Im2Col


def leaf(*shape, seed=0):
    return autograd.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_conv2d_by_hand():
    x = autograd.Tensor(np.arange(9, dtype=np.float64).reshape(1, 1, 3, 3))
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i+1, j+1]
    np.testing.assert_array_equal(F.conv2d(x, w).data, np.full((1, 1, 2, 2), -4.0))
    padded = F.conv2d(x, w, np.array([10.0]), stride=2, padding=1).data
    # windows at (-1,-1), (-1,1), (1,-1), (1,1) of the zero-padded image
    np.testing.assert_array_equal(padded, [[[[10 - 0, 10 - 2], [10 - 6, 10 + 4 - 8]]]])


def test_max_pool_by_hand_and_gradient_to_first_maximum():
    x = autograd.Tensor(
        np.array([[[[1.0, 3.0, 2.0, 0.0], [3.0, 0.0, 1.0, 1.0]]]]), requires_grad=True
    )
    y = F.max_pool2d(x, 2)
    np.testing.assert_array_equal(y.data, [[[[3.0, 2.0]]]])
    y.sum().backward()
    # the tie (3 at two places) sends the whole gradient to the first one, as PyTorch does
    np.testing.assert_array_equal(x.grad, [[[[0, 1, 1, 0], [0, 0, 0, 0]]]])
    padded = F.max_pool2d(-x.detach(), 3, stride=2, padding=1).data
    np.testing.assert_array_equal(padded, [[[[0.0, 0.0]]]])


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), ((1, 2), (0, 1))])
def test_conv2d_gradcheck(stride, padding):
    fn = lambda x, w, b: F.conv2d(x, w, b, stride, padding)  # noqa: E731
    assert autograd.gradcheck(fn, [leaf(2, 3, 5, 4), leaf(2, 3, 3, 2, seed=1), leaf(2, seed=2)])


@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), ((2, 3), 1, 1)])
def test_max_pool_gradcheck(kernel, stride, padding):
    x = leaf(2, 2, 5, 6)
    assert autograd.gradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding), [x])


def test_im2col_and_its_adjoint_col2im_gradcheck():
    # Col2Im only runs when Im2Col's backward is differentiated (create_graph): check it alone.
    geometry = {"kernel": (2, 3), "stride": (2, 1), "padding": (1, 0)}
    x = leaf(2, 3, 5, 4)
    assert autograd.gradcheck(lambda x: Im2Col.apply(x, **geometry), [x])
    cols = Im2Col.apply(x, **geometry)
    assert cols.shape == (2, 3, 2, 3, 2, 3)  # (N, Ho, Wo, C, kh, kw)
    back = lambda c: Col2Im.apply(c, shape=x.shape, **geometry)  # noqa: E731
    assert autograd.gradcheck(back, [leaf(*cols.shape, seed=1)])
    # Adjoints: <im2col(x), c> == <x, col2im(c)> for any x and c.
    c = np.random.default_rng(2).standard_normal(cols.shape)
    assert np.vdot(cols.data, c) == pytest.approx(np.vdot(x.data, back(c).data), rel=1e-12)


def test_conv2d_second_derivative():
    w = np.random.default_rng(3).standard_normal((2, 2, 2, 2))
    x0 = np.random.default_rng(4).standard_normal((1, 2, 4, 4))
    v = np.random.default_rng(5).standard_normal(x0.shape)

    def grad_at(a, create_graph=False):
        x = autograd.Tensor(a, requires_grad=True)
        loss = (F.conv2d(x, w, stride=2, padding=1) ** 3).sum()
        return x, autograd.grad(loss, [x], create_graph=create_graph)[0]

    x, g = grad_at(x0.copy(), create_graph=True)
    (hv,) = autograd.grad((g * v).sum(), [x])
    eps = 1e-6
    numeric = (np.asarray(grad_at(x0 + eps * v)[1]) - np.asarray(grad_at(x0 - eps * v)[1])) / (
        2 * eps
    )
    np.testing.assert_allclose(np.asarray(hv), numeric, atol=1e-6)
