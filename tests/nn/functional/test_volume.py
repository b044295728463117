"""nn/functional/volume.py: conv3d and max_pool3d, composed from the 2-D and 1-D functions:
the defining sum by hand, gradchecks, and PyTorch (values, gradients, indices) where
installed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def leaf(*shape, seed=0, rounded=False):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ag.tensor(np.round(data * 2) / 2 if rounded else data, requires_grad=True)


def test_conv3d_is_its_defining_sum():
    x, w = leaf(1, 2, 4, 3, 3).numpy(), leaf(3, 2, 2, 2, 2, seed=1).numpy()
    out = F.conv3d(x, w, stride=(2, 1, 1), padding=(1, 0, 1)).numpy()
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0), (1, 1)))
    want = np.zeros(out.shape)
    for i, j, k in np.ndindex(*out.shape[2:]):
        block = padded[:, :, 2 * i : 2 * i + 2, j : j + 2, k : k + 2]
        want[:, :, i, j, k] = np.einsum("ncuvt,ocuvt->no", block, w)
    np.testing.assert_allclose(out, want, atol=1e-12)


def test_max_pool3d_by_hand_with_indices():
    x = ag.tensor(np.arange(8.0).reshape(1, 1, 2, 2, 2)[..., ::-1].copy(), requires_grad=True)
    out, where = F.max_pool3d(x, 2, return_indices=True)
    assert out.item() == 7.0 and where.item() == 6  # (d, h, w) = (1, 1, 0)
    out.sum().backward()
    assert x.grad.numpy()[0, 0, 1, 1, 0] == 1.0 and x.grad.numpy().sum() == 1.0


@pytest.mark.parametrize(
    "options",
    [dict(stride=2, padding=1), dict(padding="same", dilation=(2, 1, 1)),
     dict(groups=2, stride=(1, 2, 1), padding=(2, 0, 1), dilation=(2, 1, 2))],
    ids=str,
)  # fmt: skip
def test_conv3d_gradcheck_and_torch(options):
    groups = options.get("groups", 1)
    inputs = [leaf(1, 2, 4, 3, 3), leaf(2, 2 // groups, 2, 2, 3, seed=1), leaf(2, seed=2)]
    assert ag.gradcheck(lambda x, w, b: F.conv3d(x, w, b, **options), inputs)
    torch = pytest.importorskip("torch")
    theirs = [torch.tensor(t.numpy(), requires_grad=True) for t in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's note on 'same' with an even kernel
        want = torch.nn.functional.conv3d(*theirs, **options)
    got = F.conv3d(*inputs, **options)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), atol=1e-12)
    weights = np.random.default_rng(3).standard_normal(got.shape)
    for t in inputs:
        t.grad = None
    (got * weights).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    for ours, them in zip(inputs, theirs, strict=True):
        np.testing.assert_allclose(ours.grad.numpy(), them.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize(
    "options",
    [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, return_indices=True),
     dict(kernel_size=(2, 3, 2), stride=(1, 2, 1), ceil_mode=True, return_indices=True),
     dict(kernel_size=2, dilation=(2, 1, 1))],
    ids=str,
)  # fmt: skip
def test_max_pool3d_gradcheck_and_torch(options):
    x = leaf(1, 2, 4, 5, 4, rounded=True)  # ties: the first maximum in (d, h, w) order
    fn = lambda x: F.max_pool3d(x, **{**options, "return_indices": False})  # noqa: E731
    assert ag.gradcheck(fn, [leaf(1, 1, 4, 5, 4, seed=5)])
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.numpy(), requires_grad=True)
    got, want = F.max_pool3d(x, **options), torch.nn.functional.max_pool3d(t, **options)
    if options.get("return_indices"):
        np.testing.assert_array_equal(got[1].numpy(), want[1].numpy())
        got, want = got[0], want[0]
    np.testing.assert_array_equal(got.numpy(), want.detach().numpy())
    weights = np.random.default_rng(4).standard_normal(got.shape)
    (got * weights).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=1e-12)


def test_volume_errors_name_the_function_and_shapes():
    with pytest.raises(ValueError, match=r"conv3d: expects an \(N, C, D, H, W\) or \(C, D, H, W\)"):
        F.conv3d(ag.zeros(1, 2, 3), ag.zeros(1, 1, 1, 1, 1))
    with pytest.raises(ValueError, match=r"conv3d: input shape \(1, 2, 3, 3, 3\) does not fit"):
        F.conv3d(ag.zeros(1, 2, 3, 3, 3), ag.zeros(2, 3, 1, 1, 1))
    with pytest.raises(ValueError, match="conv3d: kernel .* larger than the padded input depth"):
        F.conv3d(ag.zeros(1, 2, 2, 3, 3), ag.zeros(2, 2, 3, 1, 1))
    with pytest.raises(ValueError, match="conv3d: stride must be an int >= 1 or three of them"):
        F.conv3d(ag.zeros(1, 2, 3, 3, 3), ag.zeros(2, 2, 1, 1, 1), stride=(1, 1))
    with pytest.raises(ValueError, match="max_pool3d: padding .* at most half the kernel"):
        F.max_pool3d(ag.zeros(1, 1, 3, 3, 3), 2, padding=(0, 2, 0))
    assert F.conv3d(ag.zeros(2, 3, 3, 3), ag.zeros(4, 2, 1, 1, 1)).shape == (4, 3, 3, 3)
    assert F.max_pool3d(ag.zeros(2, 4, 4, 4), 2).shape == (2, 2, 2, 2)
