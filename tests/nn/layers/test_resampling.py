"""nn/layers/resampling.py: Upsample and its fixed-mode forms, PixelShuffle and PixelUnshuffle
compute what their functions compute and print as PyTorch prints them."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

LAYERS = [
    ("Upsample", (), dict(scale_factor=2)),
    ("Upsample", (), dict(size=(7, 5), mode="bilinear")),
    ("Upsample", (), dict(scale_factor=(1.5, 2), mode="bilinear", align_corners=True)),
    ("UpsamplingNearest2d", (), dict(scale_factor=3)),
    ("UpsamplingBilinear2d", (), dict(size=6)),
    ("PixelShuffle", (2,), {}),
    ("PixelUnshuffle", (2,), {}),
]


@pytest.mark.parametrize("name, args, options", LAYERS, ids=str)
def test_resampling_layers_match_torch_and_print_the_same(name, args, options):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 6))
    np.testing.assert_allclose(
        ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-12, atol=1e-12
    )


def test_upsample_in_a_decoder_trains():
    model = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(2, 8, 3, 1, 1))
    model.append(nn.PixelShuffle(2))
    x = ag.tensor(np.random.default_rng(1).standard_normal((1, 2, 3, 3)).astype(np.float32))
    out = model(x)
    assert out.shape == (1, 2, 12, 12) and out.dtype == np.float32
    out.sum().backward()
    assert model[1].weight.grad.shape == (8, 2, 3, 3)
    same = F.pixel_shuffle(F.conv2d(F.interpolate(x, scale_factor=2, mode="bilinear"),
                                    model[1].weight, model[1].bias, padding=1), 2)  # fmt: skip
    np.testing.assert_array_equal(out.numpy(), same.numpy())


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.layers.resampling"])
    assert results.attempted and not results.failed
