"""nn/layers/conv.py: Conv2d and MaxPool2d as layers: PyTorch's initialisation, repr, errors."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def test_conv_layer_init_shapes_and_repr():
    autograd.manual_seed(0)
    conv = nn.Conv2d(4, 8, 3, padding=1)
    bound = 1 / math.sqrt(4 * 9)
    assert conv.weight.shape == (8, 4, 3, 3) and conv.bias.shape == (8,)
    assert np.abs(conv.weight.data).max() <= bound and np.abs(conv.bias.data).max() <= bound
    assert conv.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)
    assert repr(conv) == "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    x = autograd.Tensor(np.zeros((2, 4, 6, 5), dtype=np.float32))
    assert conv(x).shape == (2, 8, 6, 5)
    model = nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 3 * 2, 3))
    assert model(x).shape == (2, 3)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "4.weight", "4.bias"]
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert nn.Conv2d(1, 1, 2, bias=False).bias is None


def test_conv2d_and_linear_share_pytorchs_default_init():
    # A 1x1 convolution over C channels has a Linear(C, O) layer's fans: same draws, same bounds.
    autograd.manual_seed(3)
    conv = nn.Conv2d(5, 4, 1)
    autograd.manual_seed(3)
    lin = nn.Linear(5, 4)
    np.testing.assert_array_equal(conv.weight.data.reshape(4, 5), lin.weight.data)
    np.testing.assert_array_equal(conv.bias.data, lin.bias.data)
    assert np.abs(nn.Linear(0, 3).bias.data).max() == 0.0  # no inputs: bound 0, as PyTorch


def test_conv_errors():
    x = autograd.Tensor(np.zeros((1, 3, 4, 4)))
    with pytest.raises(
        ValueError,
        match=r"conv2d: input shape \(1, 3, 4, 4\) does not fit "
        r"weight shape \(2, 2, 3, 3\)",
    ):
        F.conv2d(x, np.zeros((2, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"conv2d: kernel \(5, 5\) is larger than the padded"):
        F.conv2d(x, np.zeros((2, 3, 5, 5)))
    with pytest.raises(ValueError, match="conv2d: stride must be an int >= 1"):
        F.conv2d(x, np.zeros((2, 3, 3, 3)), stride=0)
    with pytest.raises(ValueError, match=r"max_pool2d: expects an \(N, C, H, W\) or \(C, H, W\)"):
        F.max_pool2d(autograd.Tensor(np.zeros((4, 4))), 2)
    with pytest.raises(ValueError, match="max_pool2d: padding .* at most half the kernel"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(ValueError, match="Conv2d: kernel_size must be an int >= 1"):
        nn.Conv2d(1, 1, 2.5)


def test_conv_transpose_layer_init_shapes_and_repr():
    autograd.manual_seed(0)
    up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert up.weight.shape == (4, 3, 3, 3) and up.bias.shape == (6,)
    bound = 1 / math.sqrt(3 * 9)  # PyTorch's fan_in: weight.shape[1] * kh * kw
    assert np.abs(up.weight.numpy()).max() <= bound and np.abs(up.bias.numpy()).max() <= bound
    assert up.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.15)
    assert up(autograd.zeros(2, 4, 5, 5)).shape == (2, 6, 10, 10)
    assert repr(up) == (
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
        "output_padding=(1, 1), groups=2)"
    )
    assert nn.ConvTranspose2d(1, 1, 2, bias=False).bias is None
    with pytest.raises(ValueError, match="ConvTranspose2d: groups=2 must divide in_channels=3"):
        nn.ConvTranspose2d(3, 4, 2, groups=2)


def test_conv_transpose_layer_runs_torchs_weights():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.ConvTranspose2d(3, 2, (3, 2), stride=2, dilation=(1, 2), bias=True)
    ours = nn.ConvTranspose2d(3, 2, (3, 2), stride=2, dilation=(1, 2))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    want = theirs(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(autograd.tensor(x)).numpy(), want, rtol=1e-5, atol=1e-6)


def test_conv_transpose_output_size_picks_the_output_padding():
    up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    down = nn.Conv2d(2, 2, 3, stride=2, padding=1)
    for size in ((7, 7), (8, 8), (7, 8)):
        x = autograd.zeros(1, 2, *size)
        assert up(down(x), output_size=x.shape).shape == x.shape
    with pytest.raises(
        ValueError,
        match=r"output size of \(9, 9\), but valid sizes range from \[7, 7\] to \[8, 8\]",
    ):
        up(autograd.zeros(1, 2, 4, 4), output_size=(9, 9))


CONV_LAYERS = [
    ("Conv1d", (4, 6, 3), dict(padding="same", padding_mode="reflect", dilation=2), (2, 4, 9)),
    ("Conv1d", (4, 6, 4), dict(padding="same", padding_mode="circular"), (4, 9)),
    ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, groups=2, padding_mode="replicate"), (2, 4, 9)),
    ("Conv1d", (4, 2, 3), dict(padding="valid", bias=False), (2, 4, 9)),
    ("Conv2d", (4, 6, (3, 2)), dict(padding=(1, 2), dilation=(2, 1), groups=2), (2, 4, 7, 6)),
    ("Conv2d", (4, 4, 3), dict(padding="same", groups=4, padding_mode="reflect"), (4, 7, 6)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2), (4, 5)),
    ("ConvTranspose1d", (4, 2, 2), dict(stride=3, dilation=2, bias=False), (2, 4, 5)),
    ("Conv3d", (2, 4, 3), dict(padding=1, padding_mode="replicate", groups=2), (2, 2, 4, 3, 3)),
    ("Conv3d", (2, 2, (2, 1, 2)), dict(stride=(2, 1, 1), padding="valid"), (2, 5, 3, 3)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("name, args, options, shape", CONV_LAYERS, ids=str)
def test_conv_layers_run_torchs_weights_and_print_the_same(name, args, options, shape):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **options).double()
    ours = getattr(nn, name)(*args, **options, dtype=np.float64)
    assert repr(ours) == repr(theirs)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal(shape)
    t = torch.tensor(x, requires_grad=True)
    mine = autograd.tensor(x, requires_grad=True)
    out, want = ours(mine), theirs(t)
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out * out).sum().backward()
    (want * want).sum().backward()
    np.testing.assert_allclose(mine.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-10)


def test_conv1d_layer_init_gradcheck_and_errors():
    autograd.manual_seed(0)
    conv = nn.Conv1d(4, 6, 5, groups=2)
    bound = 1 / math.sqrt(2 * 5)  # fan_in = C_in / groups * k
    assert conv.weight.shape == (6, 2, 5) and conv.weight.dtype == np.float32
    assert np.abs(conv.weight.numpy()).max() <= bound and np.abs(conv.bias.numpy()).max() <= bound
    assert conv.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.2)
    layer = nn.Conv1d(2, 3, 3, padding=1, padding_mode="reflect", dtype=np.float64)
    x = autograd.tensor(np.random.default_rng(2).standard_normal((2, 2, 5)), requires_grad=True)
    assert autograd.gradcheck(
        lambda x, w: F.conv1d(F.pad(x, (1, 1), mode="reflect"), w), [x, layer.weight]
    )
    with pytest.raises(ValueError, match="Conv1d: padding='same' is not supported for strided"):
        nn.Conv1d(2, 2, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="Conv1d: padding_mode must be one of"):
        nn.Conv1d(2, 2, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="Conv1d: groups=2 must divide in_channels=3"):
        nn.Conv1d(3, 2, 3, groups=2)
    with pytest.raises(ValueError, match="ConvTranspose1d: requested an output size of"):
        nn.ConvTranspose1d(2, 2, 3, stride=2)(autograd.zeros(1, 2, 4), output_size=(20,))
    up = nn.ConvTranspose1d(2, 2, 3, stride=2, padding=1)
    assert up(autograd.zeros(1, 2, 4), output_size=(8,)).shape == (1, 2, 8)


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.layers.conv"])
    assert results.attempted and not results.failed
