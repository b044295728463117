"""Average pooling (AvgPool2d, AdaptiveAvgPool2d, F.avg_pool2d, F.adaptive_avg_pool2d) and
channel dropout (Dropout2d): hand-computed windows, gradchecks, PyTorch where installed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def image(shape=(2, 3, 7, 5), seed=0):
    return ag.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def test_avg_pool2d_is_the_mean_of_each_window():
    x = ag.tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    out = F.avg_pool2d(x, 2)
    np.testing.assert_allclose(out.data[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    padded = F.avg_pool2d(x, 3, stride=1, padding=1).data[0, 0, 0, 0]
    assert padded == pytest.approx((0 + 1 + 4 + 5) / 9)  # the zeros count by default
    real = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False).data[0, 0, 0, 0]
    assert real == pytest.approx((0 + 1 + 4 + 5) / 4)
    assert nn.AvgPool2d(2)(x).shape == (1, 1, 2, 2)


def test_adaptive_avg_pool2d_windows():
    x = ag.tensor(np.arange(25.0).reshape(1, 1, 5, 5))
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(x).data.ravel(), [12.0])
    two = F.adaptive_avg_pool2d(x, 2).data[0, 0]  # rows 0..2 and 2..4 (PyTorch's windows)
    np.testing.assert_allclose(two[0, 0], x.data[0, 0, :3, :3].mean())
    np.testing.assert_allclose(two[1, 1], x.data[0, 0, 2:, 2:].mean())
    assert F.adaptive_avg_pool2d(x, (None, 1)).shape == (1, 1, 5, 1)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.avg_pool2d(x, 2),
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
        lambda x: F.adaptive_avg_pool2d(x, 1),
    ],
)
def test_gradients(fn):
    assert ag.gradcheck(fn, (image((1, 2, 5, 4)),))


def test_against_torch():
    torch = pytest.importorskip("torch")
    x = image()
    t = torch.tensor(x.numpy())
    for kwargs in (
        dict(kernel_size=2),
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    ):
        ours = nn.AvgPool2d(**kwargs)(x).data
        np.testing.assert_allclose(ours, torch.nn.AvgPool2d(**kwargs)(t).numpy(), atol=1e-12)
    for size in ((1, 1), (3, 2), (2, 5), 4):
        ours = nn.AdaptiveAvgPool2d(size)(x).data
        theirs = torch.nn.AdaptiveAvgPool2d(size)(t).numpy()
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_dropout2d_drops_whole_channels():
    ag.manual_seed(0)
    x = ag.ones(8, 16, 3, 3)
    layer = nn.Dropout2d(0.5)
    y = layer(x).data
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 2.0).all(axis=2))
    assert 0.3 < (per_channel[:, :, 0] == 0).mean() < 0.7
    layer.eval()
    assert layer(x) is x


def test_dropout2d_reads_a_3d_input_as_a_batch_of_sequences_as_pytorch():
    ag.manual_seed(0)
    x = ag.ones(64, 8, 5)
    with pytest.warns(UserWarning, match=r"3-D input is read as \(N, C, L\)"):
        y = F.dropout2d(x, 0.5).numpy()
    kept = y[:, :, 0] != 0  # one draw per (sample, channel), shared along L
    assert np.all(y == np.where(kept[:, :, None], 2.0, 0.0))
    assert 0.4 < kept.mean() < 0.6
    assert not np.all(kept == kept[0])  # the samples draw their own masks


def test_average_pooling_refuses_empty_images_where_pytorch_does():
    # avg_pool2d: only the batch axis may be 0; adaptive_avg_pool2d: the channels may be 0 too.
    with pytest.raises(ValueError, match="avg_pool2d: input of shape \\(2, 1, 0, 3\\)"):
        F.avg_pool2d(ag.zeros(2, 1, 0, 3), 1)
    with pytest.raises(ValueError, match="empty outside the batch axis"):
        F.avg_pool2d(ag.zeros(2, 0, 3, 3), 1)
    with pytest.raises(ValueError, match="adaptive_avg_pool2d: .* has no pixels"):
        F.adaptive_avg_pool2d(ag.zeros(2, 1, 3, 0), (2, 2))
    assert F.avg_pool2d(ag.zeros(0, 1, 3, 3), 1).shape == (0, 1, 3, 3)
    assert F.adaptive_avg_pool2d(ag.zeros(2, 0, 3, 3), (2, 2)).shape == (2, 0, 2, 2)
    # a (1, 1) output is the global mean: NaN for no pixels, as PyTorch (NumPy warns)
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"), np.errstate(invalid="ignore"):
        empty_mean = F.adaptive_avg_pool2d(ag.zeros(2, 1, 0, 3), (1, 1))
    assert empty_mean.shape == (2, 1, 1, 1) and np.isnan(empty_mean.numpy()).all()


# ----- max pooling options, 1-D pooling, adaptive max pooling ------------------------------------


def signal(shape=(2, 3, 9), seed=1):
    return ag.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def _compare(ours, theirs, x, *args, **kwargs):
    """Values, gradients and returned indices of one pooling call against PyTorch's."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.numpy(), requires_grad=True)
    a, b = ours(x, *args, **kwargs), theirs(t, *args, **kwargs)
    if isinstance(a, tuple):
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
        a, b = a[0], b[0]
    np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = np.random.default_rng(5).normal(size=a.shape)
    x.grad = None
    (a * weights).sum().backward()
    (b * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-12)


POOL1D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=4, stride=3, padding=2, ceil_mode=True),
    dict(kernel_size=3, stride=(1,), padding=(1,), count_include_pad=False, ceil_mode=True),
]


@pytest.mark.parametrize("options", POOL1D, ids=str)
def test_avg_pool1d_matches_torch(options):
    torch = pytest.importorskip("torch")
    for length in (9, 10):
        _compare(F.avg_pool1d, torch.nn.functional.avg_pool1d, signal((2, 3, length)), **options)


@pytest.mark.parametrize(
    "options",
    [*(dict(o) for o in POOL1D if "count_include_pad" not in o),
     dict(kernel_size=2, dilation=2, padding=1, return_indices=True),
     dict(kernel_size=3, stride=2, dilation=2, ceil_mode=True, return_indices=True)],
    ids=str,
)  # fmt: skip
def test_max_pool1d_matches_torch_with_indices(options):
    torch = pytest.importorskip("torch")
    for length in (9, 10):
        _compare(F.max_pool1d, torch.nn.functional.max_pool1d, signal((2, 3, length)), **options)
    _compare(F.max_pool1d, torch.nn.functional.max_pool1d, signal((3, 8)), **options)  # (C, L)


@pytest.mark.parametrize(
    "options",
    [dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True),
     dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 1), return_indices=True),
     dict(kernel_size=2, stride=1, ceil_mode=True)],
    ids=str,
)  # fmt: skip
def test_max_pool2d_dilation_ceil_mode_and_indices_match_torch(options):
    torch = pytest.importorskip("torch")
    _compare(F.max_pool2d, torch.nn.functional.max_pool2d, image(), **options)
    _compare(F.max_pool2d, torch.nn.functional.max_pool2d, image((3, 6, 5)), **options)


@pytest.mark.parametrize(
    "options",
    [dict(kernel_size=3, stride=2, ceil_mode=True),
     dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
     dict(kernel_size=(3, 2), stride=2, padding=1, ceil_mode=True, divisor_override=5)],
    ids=str,
)  # fmt: skip
def test_avg_pool2d_ceil_mode_matches_torch(options):
    torch = pytest.importorskip("torch")
    _compare(F.avg_pool2d, torch.nn.functional.avg_pool2d, image(), **options)


@pytest.mark.parametrize("size", [1, 3, 4, 5, 9, None])
def test_adaptive_pool1d_matches_torch(size):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    if size is not None:
        _compare(F.adaptive_avg_pool1d, TF.adaptive_avg_pool1d, signal((2, 3, 7)), size)
    for x in (signal((2, 3, 7)), signal((3, 7))):
        chosen = 7 if size is None else size
        _compare(F.adaptive_max_pool1d, TF.adaptive_max_pool1d, x, chosen, return_indices=True)


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (2, 5), 4, (None, 3), (7, 5)])
def test_adaptive_max_pool2d_matches_torch(size):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    _compare(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, image(), size, return_indices=True)
    _compare(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, image((3, 7, 5)), size)
    _compare(F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, image((3, 7, 5)), size)


def test_adaptive_windows_and_max_by_hand():
    # L = 5 into 3 cells: [0, 2), [1, 4), [3, 5) -- floor(i L / 3) .. ceil((i + 1) L / 3)
    x = ag.tensor(np.array([[[4.0, 1.0, 3.0, 3.0, 0.0]]]), requires_grad=True)
    out, where = F.adaptive_max_pool1d(x, 3, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), [[[4.0, 3.0, 3.0]]])
    np.testing.assert_array_equal(where.numpy(), [[[0, 2, 3]]])
    out.sum().backward()  # the tie 3, 3 in window [1, 4): the first one takes the gradient
    np.testing.assert_array_equal(x.grad.numpy(), [[[1.0, 0.0, 1.0, 1.0, 0.0]]])
    np.testing.assert_allclose(F.adaptive_avg_pool1d(x, 3).numpy(), [[[2.5, 7 / 3, 1.5]]])


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.max_pool1d(x, 3, stride=2, padding=1, ceil_mode=True),
        lambda x: F.avg_pool1d(x, 3, stride=2, ceil_mode=True, count_include_pad=False),
        lambda x: F.adaptive_avg_pool1d(x, 3),
        lambda x: F.adaptive_max_pool1d(x, 4),
        lambda x: F.adaptive_max_pool2d(x.reshape(1, 2, 2, 4), (2, 3)),
        lambda x: F.max_pool2d(x.reshape(1, 2, 2, 4), 2, stride=1, dilation=(1, 2)),
    ],
)
def test_pool1d_and_adaptive_max_gradients(fn):
    assert ag.gradcheck(fn, (signal((1, 2, 8)),))


def test_pooling_errors_name_the_function_and_shapes():
    with pytest.raises(ValueError, match=r"max_pool1d: expects an \(N, C, L\) or \(C, L\) input"):
        F.max_pool1d(ag.zeros(1, 2, 3, 4), 2)
    with pytest.raises(ValueError, match="max_pool1d: padding 2 must be at most half the kernel"):
        F.max_pool1d(ag.zeros(1, 2, 8), 3, padding=2)
    with pytest.raises(ValueError, match="avg_pool1d: the window spans 5 but the padded input"):
        F.avg_pool1d(ag.zeros(1, 2, 3), 5)
    with pytest.raises(ValueError, match="adaptive_max_pool2d: output_size must be an int or a"):
        F.adaptive_max_pool2d(ag.zeros(1, 2, 3, 3), (1, 2, 3))
    with pytest.raises(ValueError, match=r"adaptive_max_pool1d: input of shape \(2, 0\) has no"):
        F.adaptive_max_pool1d(ag.zeros(2, 0), 2)
    with pytest.raises(ValueError, match="max_pool2d: dilation must be an int >= 1"):
        F.max_pool2d(ag.zeros(1, 2, 3, 3), 2, dilation=0)


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.functional.pooling"])
    assert results.attempted and not results.failed
