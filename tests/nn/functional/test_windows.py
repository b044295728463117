"""nn/functional/windows.py: im2col and its adjoint col2im (the windows under convolution,
pooling, unfold and fold), and the option checks the window functions share."""

import numpy as np
import pytest

import autograd
from nn.functional.windows import Col2Im, Im2Col, pair, single


def leaf(*shape, seed=0):
    return autograd.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


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


def test_col2im_backward_is_an_array_in_an_ordinary_backward():
    geometry = {"kernel": (2, 2), "stride": (1, 1), "padding": (0, 0), "dilation": (1, 1)}
    ctx = type("Ctx", (), {})()
    Col2Im.forward(ctx, np.ones((1, 2, 2, 1, 2, 2)), (1, 1, 3, 3), **geometry)
    grad = Col2Im.backward(ctx, np.ones((1, 1, 3, 3)))
    assert type(grad) is np.ndarray and grad.shape == (1, 2, 2, 1, 2, 2)


def test_option_checks_name_the_function_and_argument():
    assert pair("f", "stride", 2, 1) == (2, 2) and pair("f", "stride", (1, 3), 1) == (1, 3)
    assert single("f", "stride", (2,), 1) == 2
    with pytest.raises(ValueError, match="f: stride must be an int >= 1 or a pair of them"):
        pair("f", "stride", (0, 1), 1)
    with pytest.raises(
        ValueError, match=r"f: padding must be an int >= 0 or a 1-tuple, got \(1, 2\)"
    ):
        single("f", "padding", (1, 2), 0)
    with pytest.raises(ValueError, match="f: kernel_size must be an int >= 1 or a 1-tuple"):
        single("f", "kernel_size", True, 1)
