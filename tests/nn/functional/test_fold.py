"""nn/functional/fold.py: unfold and fold (im2col / col2im in PyTorch's layout): a convolution
as a matrix product, the adjoint pair, gradchecks, and PyTorch where installed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn.functional as F

OPTIONS = [
    dict(kernel_size=2),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=1),
    dict(kernel_size=2, dilation=(2, 1), padding=(1, 0), stride=2),
]


def leaf(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_unfold_is_a_convolutions_im2col():
    x, w = leaf(2, 3, 5, 6), np.random.default_rng(1).standard_normal((4, 3, 3, 2))
    cols = F.unfold(x, (3, 2), padding=1, stride=2)  # (N, C * kh * kw, L)
    assert cols.shape == (2, 3 * 3 * 2, 3 * 4)
    as_product = (w.reshape(4, -1) @ cols).reshape(2, 4, 3, 4)
    want = F.conv2d(x, w, padding=1, stride=2)
    np.testing.assert_allclose(as_product.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_fold_is_the_adjoint_of_unfold_and_both_gradcheck(options):
    x = leaf(1, 2, 5, 4)
    cols = F.unfold(x, **options)
    c = np.random.default_rng(2).standard_normal(cols.shape)
    back = F.fold(ag.tensor(c), (5, 4), **options)
    assert np.vdot(cols.numpy(), c) == pytest.approx(np.vdot(x.numpy(), back.numpy()), rel=1e-12)
    assert ag.gradcheck(lambda x: F.unfold(x, **options), [x])
    assert ag.gradcheck(lambda c: F.fold(c, (5, 4), **options), [leaf(*cols.shape, seed=3)])


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_unfold_and_fold_match_torch(options):
    torch = pytest.importorskip("torch")
    for shape in ((2, 3, 6, 5), (3, 6, 5)):  # batched and unbatched
        x = leaf(*shape)
        t = torch.tensor(x.numpy(), requires_grad=True)
        ours, theirs = F.unfold(x, **options), torch.nn.functional.unfold(t, **options)
        np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())
        c = leaf(*ours.shape, seed=4)
        tc = torch.tensor(c.numpy(), requires_grad=True)
        folded = F.fold(c, (6, 5), **options)
        theirs_folded = torch.nn.functional.fold(tc, (6, 5), **options)
        np.testing.assert_allclose(folded.numpy(), theirs_folded.detach().numpy(), rtol=1e-12)
        weights = np.random.default_rng(5).standard_normal(folded.shape)
        (folded * weights).sum().backward()
        (theirs_folded * torch.tensor(weights)).sum().backward()
        np.testing.assert_array_equal(c.grad.numpy(), tc.grad.numpy())


def test_fold_and_unfold_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"unfold: expects an \(N, C, H, W\) or \(C, H, W\)"):
        F.unfold(ag.zeros(2, 3), 2)
    with pytest.raises(ValueError, match=r"unfold: no block fits: spatial size \(2, 3\)"):
        F.unfold(ag.zeros(1, 1, 2, 3), 3)
    with pytest.raises(ValueError, match=r"fold: input of shape \(1, 8, 5\) does not fit .* 2 x 2"):
        F.fold(ag.zeros(1, 8, 5), (3, 3), 2)
    with pytest.raises(ValueError, match=r"fold: input of shape \(1, 6, 4\) does not fit"):
        F.fold(ag.zeros(1, 6, 4), (3, 3), 2)


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.functional.fold"])
    assert results.attempted and not results.failed


def test_fold_and_conv_transpose2d_compile():
    # Col2Im's backward (fold's and conv_transpose2d's input gradient) returns a plain array in
    # an ordinary backward, so autograd.compile can capture and replay the step.
    import warnings

    import nn

    scale = nn.Parameter(np.linspace(0.5, 1, 18).reshape(2, 3, 3))
    w = nn.Parameter(np.ones((2, 3, 2, 2)))
    x = ag.tensor(np.random.default_rng(6).standard_normal((2, 2, 3, 3)))

    def step(x):
        scale.grad = w.grad = None
        folded = F.fold(F.unfold(x * scale, 2), (3, 3), 2)
        loss = folded.square().mean() + F.conv_transpose2d(x * scale, w, stride=2).square().mean()
        loss.backward()
        return loss.numpy().copy(), scale.grad.numpy().copy(), w.grad.numpy().copy()

    eager = step(x)
    fast = ag.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fall-back to eager mode warns
        for _ in range(3):
            for a, b in zip(fast(x), eager, strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-12)
