"""nn/functional/resampling.py: interpolate (PyTorch's index rules, weights and gradients) and
the pixel shuffles; values by hand, gradchecks, and PyTorch where installed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def leaf(*shape, seed=0, dtype=np.float64):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(data, requires_grad=True)


def against_torch(fn_name, x, *args, grads=True, **kwargs):
    """Values and input gradients of one call against PyTorch's (float64: to 1e-12)."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = (
        getattr(F, fn_name)(x, *args, **kwargs),
        getattr(torch.nn.functional, fn_name)(t, *args, **kwargs),
    )
    tol = 1e-12 if x.dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)
    if not grads:
        return ours
    weights = np.random.default_rng(9).standard_normal(ours.shape)
    x.grad = None
    (ours * weights.astype(x.dtype)).sum().backward()
    (theirs * torch.tensor(weights.astype(x.dtype))).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)
    return ours


def test_bicubic_weights_by_hand():
    # At the half-way point t = 0.5 Keys' weights (a = -0.75) are -0.09375, 0.59375, 0.59375,
    # -0.09375: a step 0, 0, 1, 1 interpolates to exactly 0.5, and a ramp stays a ramp inside.
    from nn.functional.resampling import cubic_sources

    index, weights = cubic_sources(4, 8, None, False, np.dtype(np.float64))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    ramp = ag.tensor(np.arange(4.0).reshape(1, 1, 1, 4))
    out = F.interpolate(ramp, size=(1, 7), mode="bicubic", align_corners=True).numpy()
    np.testing.assert_allclose(out.ravel()[2:5], [1.0, 1.5, 2.0], atol=1e-12)
    # at the border the missing neighbour x[-1] is read as x[0] = 0 (PyTorch clamps indices):
    # 0.59375 * 1 - 0.09375 * 2 instead of 0.5
    assert out.ravel()[1] == pytest.approx(0.59375 - 2 * 0.09375)
    step = ag.tensor(np.array([0.0, 0.0, 1.0, 1.0]).reshape(1, 1, 1, 4))
    half = F.interpolate(step, size=(1, 7), mode="bicubic", align_corners=True).numpy()
    assert half.ravel()[3] == pytest.approx(0.5)
    assert half.min() < 0 and half.max() > 1  # cubic interpolation overshoots a step


def test_nearest_and_linear_by_hand():
    x = ag.tensor(np.array([[[0.0, 10.0, 20.0]]]))
    near = F.interpolate(x, scale_factor=2)  # source floor(i / 2)
    np.testing.assert_array_equal(near.numpy(), [[[0, 0, 10, 10, 20, 20]]])
    # size 5 from 3: source floor(i * 3 / 5) = 0, 0, 1, 1, 2
    np.testing.assert_array_equal(F.interpolate(x, size=5).numpy(), [[[0, 0, 10, 10, 20]]])
    # align_corners: the ends stay, the rest is evenly spaced
    corners = F.interpolate(x, size=5, mode="linear", align_corners=True)
    np.testing.assert_allclose(corners.numpy(), [[[0, 5, 10, 15, 20]]])
    # half-pixel centres: s = (i + 0.5) * 3 / 6 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, ...
    half = F.interpolate(x, scale_factor=2, mode="linear")
    np.testing.assert_allclose(half.numpy(), [[[0, 2.5, 7.5, 12.5, 17.5, 20]]])


NEAREST = [
    dict(scale_factor=2),
    dict(scale_factor=1.7),
    dict(scale_factor=0.45, recompute_scale_factor=True),
    dict(size=11),
    dict(size=3, mode="nearest-exact"),
    dict(scale_factor=2.3, mode="nearest-exact"),
    dict(size=4, mode="area"),
    dict(size=3, mode="area"),
]
LINEAR = [
    dict(scale_factor=2, mode="linear"),
    dict(scale_factor=1.1, mode="linear"),  # the size stays: PyTorch copies the axis
    dict(scale_factor=0.6, mode="linear", align_corners=True),
    dict(size=12, mode="linear", align_corners=False),
    dict(size=1, mode="linear", align_corners=True),
    dict(scale_factor=2.7, mode="linear", recompute_scale_factor=True),
]


@pytest.mark.parametrize("options", NEAREST + LINEAR, ids=str)
def test_interpolate_1d_matches_torch(options):
    against_torch("interpolate", leaf(2, 3, 7), **options)
    against_torch("interpolate", leaf(1, 2, 7, dtype=np.float32), **options)


def test_nearest_scale_that_keeps_the_size_shifts_as_pytorchs_forward():
    # floor(i / 1.1) = 0, 0, 1, 2, ... on a 1-D (and 3-D) input whose size stays 7; on a 2-D
    # input PyTorch copies such an axis. PyTorch's backward copies the gradient in both cases,
    # which is not the derivative of its 1-D forward: ours is (gradcheck).
    x = leaf(2, 3, 7)
    shifted = against_torch("interpolate", x, scale_factor=1.1, grads=False)
    np.testing.assert_array_equal(shifted.numpy()[..., :3], x.numpy()[..., [0, 0, 1]])
    assert ag.gradcheck(lambda x: F.interpolate(x, scale_factor=1.1), [leaf(1, 1, 7)])
    against_torch("interpolate", leaf(1, 2, 5, 4), scale_factor=(1.1, 1.5))  # 2-D: a copy
    against_torch("interpolate", leaf(1, 2, 3, 3, 2), scale_factor=(1.2, 2, 2), grads=False)
    against_torch("interpolate", leaf(1, 2, 7), scale_factor=1.1, mode="nearest-exact")


@pytest.mark.parametrize(
    "options",
    [dict(scale_factor=2), dict(size=(7, 3)), dict(scale_factor=(1.5, 0.6)),
     dict(size=(3, 4), mode="area"), dict(scale_factor=(2, 1.3), mode="nearest-exact"),
     dict(scale_factor=2, mode="bilinear"), dict(size=(9, 4), mode="bilinear"),
     dict(scale_factor=(1.1, 1.5), mode="bilinear"),
     dict(size=(8, 11), mode="bilinear", align_corners=True),
     dict(scale_factor=2, mode="bicubic"), dict(size=(3, 8), mode="bicubic"),
     dict(scale_factor=(1.1, 0.7), mode="bicubic"),
     dict(size=(9, 4), mode="bicubic", align_corners=True)],
    ids=str,
)  # fmt: skip
def test_interpolate_2d_matches_torch(options):
    against_torch("interpolate", leaf(2, 3, 5, 6), **options)


@pytest.mark.parametrize(
    "options",
    [dict(scale_factor=2), dict(size=(2, 5, 3), mode="trilinear"),
     dict(size=(2, 3, 2), mode="area"),
     dict(scale_factor=(1.5, 2, 0.7), mode="trilinear", align_corners=True)],
    ids=str,
)  # fmt: skip
def test_interpolate_3d_matches_torch(options):
    against_torch("interpolate", leaf(1, 2, 3, 4, 3), **options)


@pytest.mark.parametrize(
    "options",
    [dict(scale_factor=1.5), dict(size=(3, 5), mode="bilinear"),
     dict(scale_factor=2, mode="bilinear", align_corners=True), dict(size=(2, 3), mode="area"),
     dict(size=(5, 3), mode="bicubic"), dict(scale_factor=1.5, mode="bicubic", align_corners=True)],
    ids=str,
)  # fmt: skip
def test_interpolate_gradcheck(options):
    assert ag.gradcheck(lambda x: F.interpolate(x, **options), [leaf(1, 2, 3, 4)])


def test_interpolate_second_derivative():
    fn = lambda x: F.interpolate(x, scale_factor=2, mode="bilinear") ** 2  # noqa: E731
    assert ag.gradgradcheck(fn, [leaf(1, 1, 2, 3)])


def test_interpolate_errors_name_what_exists():
    x = ag.zeros(1, 2, 4, 4)
    with pytest.raises(NotImplementedError, match="antialias=True is not implemented.*'area'"):
        F.interpolate(x, scale_factor=2, mode="bilinear", antialias=True)
    with pytest.raises(ValueError, match="interpolate: mode must be one of .*'nearest'"):
        F.interpolate(x, scale_factor=2, mode="cubic")
    with pytest.raises(ValueError, match=r"got a 4-D input of shape \(1, 2, 4, 4\), but mode"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(ValueError, match="align_corners can only be set with the interpolating"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match=r"size must be an int or 2 ints .* \(4, 4\)"):
        F.interpolate(x, size=(1, 2, 3))
    with pytest.raises(ValueError, match=r"input sizes \(4, 4\) and output sizes \(2, 0\)"):
        F.interpolate(x, scale_factor=(0.5, 0.1))
    with pytest.raises(ValueError, match=r"expects an \(N, C, L\), \(N, C, H, W\)"):
        F.interpolate(ag.zeros(4, 4), size=2)
    with pytest.raises(ValueError, match=r"got a 3-D input .* but mode 'bicubic' needs 4-D"):
        F.interpolate(ag.zeros(1, 4, 4), size=2, mode="bicubic")
    with pytest.raises(TypeError, match="interpolate: input must be floating point"):
        F.interpolate(ag.tensor(np.ones((1, 1, 2, 2), dtype=np.uint8)), size=3, mode="bilinear")
    pixels = ag.tensor(np.arange(4, dtype=np.uint8).reshape(1, 1, 2, 2))  # nearest: any dtype
    assert F.interpolate(pixels, scale_factor=2).numpy().dtype == np.uint8


def test_pixel_shuffle_by_hand_and_against_torch():
    x = ag.tensor(np.arange(8.0).reshape(1, 4, 1, 2))
    # out[c, i r + a, j r + b] = x[c r^2 + a r + b, i, j]
    np.testing.assert_array_equal(F.pixel_shuffle(x, 2).numpy(), [[[[0, 2, 1, 3], [4, 6, 5, 7]]]])
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).numpy(), x.numpy())
    against_torch("pixel_shuffle", leaf(2, 18, 2, 3), 3)
    against_torch("pixel_shuffle", leaf(8, 3, 2), 2)  # unbatched (C, H, W)
    against_torch("pixel_unshuffle", leaf(2, 3, 2, 4, 6), 2)  # extra leading axes
    assert ag.gradcheck(lambda x: F.pixel_shuffle(x, 2) ** 2, [leaf(1, 4, 2, 3)])
    with pytest.raises(ValueError, match=r"pixel_shuffle: input of shape \(1, 6, 2, 2\) needs"):
        F.pixel_shuffle(ag.zeros(1, 6, 2, 2), 2)
    with pytest.raises(ValueError, match=r"pixel_unshuffle: .*\(1, 1, 3, 4\) .* divisible by"):
        F.pixel_unshuffle(ag.zeros(1, 1, 3, 4), 2)
    with pytest.raises(ValueError, match="pixel_shuffle: upscale_factor must be a positive int"):
        F.pixel_shuffle(ag.zeros(1, 4, 2, 2), 0)


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.functional.resampling"])
    assert results.attempted and not results.failed
