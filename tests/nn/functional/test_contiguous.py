"""nn/functional/contiguous.py: conv, pooling and batch-first recurrent outputs are C-ordered,
as PyTorch's, so ``out.view(n, -1)`` works on them; values and gradients are unchanged."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd import gradcheck
from nn.functional.contiguous import permute_contiguous

RNG = np.random.default_rng(0)
IMAGES = RNG.normal(size=(2, 3, 8, 8))


@pytest.mark.parametrize(
    "layer",
    [
        lambda: nn.Conv2d(3, 4, 3).double(),
        lambda: nn.MaxPool2d(2, 2),
        lambda: nn.AvgPool2d(2),
        lambda: nn.AdaptiveAvgPool2d((2, 2)),
    ],
)
def test_image_layer_outputs_can_be_viewed_flat(layer):
    x = autograd.tensor(IMAGES, requires_grad=True)
    y = layer()(x)
    assert y.is_contiguous()
    flat = y.view(2, -1)  # the CIFAR-10 tutorial's x.view(-1, 16 * 5 * 5)
    (flat * autograd.tensor(np.arange(flat.numel()).reshape(flat.shape) % 5)).sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape


def test_batch_first_lstm_output_can_be_viewed_flat():
    lstm = nn.LSTM(3, 4, batch_first=True).double()
    out, _ = lstm(autograd.tensor(RNG.normal(size=(2, 5, 3))))
    assert out.is_contiguous() and out.view(2, -1).shape == (2, 20)


def test_permute_contiguous_is_a_transpose_with_its_gradient():
    x = autograd.tensor(RNG.normal(size=(2, 3, 4)), requires_grad=True)
    y = permute_contiguous(x, (2, 0, 1))
    np.testing.assert_array_equal(y.numpy(), x.numpy().transpose(2, 0, 1))
    assert y.numpy().flags.c_contiguous
    gradcheck(lambda t: permute_contiguous(t, (2, 0, 1)) ** 2, (x,))
    (g,) = autograd.grad((permute_contiguous(x, (1, 2, 0)) ** 3).sum(), x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)  # the backward is recorded again: d2/dx2 of x^3 is 6x
    np.testing.assert_allclose(gg.numpy(), 6 * x.numpy())


def test_cifar_tutorial_net_matches_torch_after_view():
    torch = pytest.importorskip("torch")
    x = IMAGES.astype(np.float32)
    conv = nn.Conv2d(3, 6, 3)
    theirs = torch.nn.Conv2d(3, 6, 3)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(conv.weight.numpy()))
        theirs.bias.copy_(torch.tensor(conv.bias.numpy()))
    ours = F.max_pool2d(F.relu(conv(autograd.tensor(x))), 2).view(-1, 6 * 3 * 3)
    want = torch.nn.functional.max_pool2d(torch.relu(theirs(torch.tensor(x))), 2).view(-1, 54)
    np.testing.assert_allclose(ours.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
