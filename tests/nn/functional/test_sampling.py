"""nn/functional/sampling.py: affine_grid and grid_sample (the spatial transformer pair) on
images and volumes: identity transforms by hand, gradients to the image and to the points,
PyTorch where installed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def leaf(data):
    return ag.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


IDENTITY = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])


@pytest.mark.parametrize("align_corners", [False, True])
def test_the_identity_transform_reads_every_pixel_back(align_corners):
    image = np.random.default_rng(0).standard_normal((1, 2, 3, 4))
    grid = F.affine_grid(IDENTITY, (1, 2, 3, 4), align_corners=align_corners)
    assert grid.shape == (1, 3, 4, 2)
    for mode in ("bilinear", "nearest"):
        out = F.grid_sample(image, grid, mode=mode, align_corners=align_corners)
        np.testing.assert_allclose(out.numpy(), image, atol=1e-12)


def test_bilinear_weights_and_padding_by_hand():
    image = ag.tensor(np.array([[[[1.0, 2.0], [3.0, 5.0]]]]))
    # align_corners=True: (0, 0) is the middle of the four pixel centres
    middle = F.grid_sample(image, np.zeros((1, 1, 1, 2)), align_corners=True)
    assert middle.item() == pytest.approx((1 + 2 + 3 + 5) / 4)
    # a point a pixel past the right edge: zeros padding reads 0, border padding the edge
    far = np.array([[[[3.0, -1.0]]]])
    assert F.grid_sample(image, far, align_corners=True).item() == 0.0
    assert F.grid_sample(image, far, padding_mode="border", align_corners=True).item() == 2.0


def test_gradcheck_image_points_and_theta():
    rng = np.random.default_rng(1)
    image, points = (
        leaf(rng.standard_normal((1, 2, 3, 3))),
        leaf(rng.uniform(-1.2, 1.2, (1, 2, 3, 2))),
    )
    for padding_mode in ("zeros", "border"):
        fn = lambda x, g, p=padding_mode: F.grid_sample(x, g, padding_mode=p)  # noqa: E731
        assert ag.gradcheck(fn, [image, points])
    theta = leaf(rng.standard_normal((2, 2, 3)))
    assert ag.gradcheck(lambda t: F.affine_grid(t, (2, 1, 3, 2), align_corners=True), [theta])
    spatial = lambda t, x: F.grid_sample(x, F.affine_grid(t, x.shape))  # noqa: E731
    assert ag.gradcheck(spatial, [leaf(IDENTITY * 0.8 + 0.05), image])


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize(
    "mode, padding_mode",
    [("bilinear", "zeros"), ("bilinear", "border"), ("nearest", "zeros"), ("nearest", "border")],
)
def test_against_torch(mode, padding_mode, align_corners):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    theta = rng.standard_normal((2, 2, 3)) * 0.7
    image = rng.standard_normal((2, 3, 4, 5))
    options = dict(mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    ours_theta, ours_image = leaf(theta), leaf(image)
    theirs_theta = torch.tensor(theta, requires_grad=True)
    theirs_image = torch.tensor(image, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's notes about align_corners defaults
        theirs_grid = torch.nn.functional.affine_grid(theirs_theta, (2, 3, 3, 6), align_corners)
        theirs = torch.nn.functional.grid_sample(theirs_image, theirs_grid, **options)
    grid = F.affine_grid(ours_theta, (2, 3, 3, 6), align_corners)
    ours = F.grid_sample(ours_image, grid, **options)
    np.testing.assert_allclose(grid.numpy(), theirs_grid.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-12)
    weights = rng.standard_normal(ours.shape)
    (ours * weights).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours_image.grad.numpy(), theirs_image.grad.numpy(), atol=1e-12)
    if mode == "bilinear":
        np.testing.assert_allclose(ours_theta.grad.numpy(), theirs_theta.grad.numpy(), atol=1e-10)
    else:  # nearest: a step function of the points, derivative 0; the points are not recorded
        assert ours_theta.grad is None and not theirs_theta.grad.any()


@pytest.mark.parametrize("mode, padding_mode", [("bilinear", "border"), ("nearest", "zeros")])
def test_volumes_gradcheck_and_torch(mode, padding_mode):
    # 3-D: theta (N, 3, 4), grid (N, D, H, W, 3), trilinear weights over 8 neighbours
    rng = np.random.default_rng(5)
    theta, volume = (
        leaf(rng.uniform(-0.9, 0.9, (1, 3, 4))),
        leaf(rng.standard_normal((1, 2, 3, 2, 3))),
    )
    options = dict(mode=mode, padding_mode=padding_mode)

    def sample(t, v):
        return F.grid_sample(v, F.affine_grid(t, (1, 2, 2, 3, 2)), **options)

    if mode == "bilinear":
        assert ag.gradcheck(sample, [theta, volume])
    else:  # the points are not recorded: check the volume's gradient alone
        assert ag.gradcheck(lambda v: sample(theta.detach(), v), [volume])
    torch = pytest.importorskip("torch")
    t, v = (torch.tensor(a.numpy(), requires_grad=True) for a in (theta, volume))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = torch.nn.functional.grid_sample(
            v, torch.nn.functional.affine_grid(t, (1, 2, 2, 3, 2)), **options
        )
    got = sample(theta, volume)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), atol=1e-12)
    weights = rng.standard_normal(got.shape)
    theta.grad = volume.grad = None
    (got * weights).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(volume.grad.numpy(), v.grad.numpy(), atol=1e-12)
    if mode == "bilinear":
        np.testing.assert_allclose(theta.grad.numpy(), t.grad.numpy(), atol=1e-10)


def test_errors_name_what_exists():
    image, grid = ag.zeros(1, 1, 2, 2), ag.zeros(1, 2, 2, 2)
    with pytest.raises(NotImplementedError, match="mode='bicubic' is not .* 'bilinear'"):
        F.grid_sample(image, grid, mode="bicubic")
    with pytest.raises(NotImplementedError, match="padding_mode='reflection' is not"):
        F.grid_sample(image, grid, padding_mode="reflection")
    with pytest.raises(ValueError, match=r"grid of shape \(1, 2, 2, 3\) do not fit"):
        F.grid_sample(image, ag.zeros(1, 2, 2, 3))
    with pytest.raises(ValueError, match=r"affine_grid: theta of shape \(1, 3, 3\) does not fit"):
        F.affine_grid(ag.zeros(1, 3, 3), (1, 1, 2, 2))
    with pytest.raises(ValueError, match=r"affine_grid: size must be positive, got \(0, 1, 2, 2\)"):
        F.affine_grid(ag.zeros(0, 2, 3), (0, 1, 2, 2))


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.functional.sampling"])
    assert results.attempted and not results.failed
