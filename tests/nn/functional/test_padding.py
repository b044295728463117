"""nn/functional/padding.py: F.pad's PyTorch order (last axis first) in every mode, against
torch, its gradients, and clear refusals."""

import numpy as np
import pytest

import autograd
from nn import functional as F

X = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
CASES = [
    ((1, 2), "constant", None),
    ((1, 0, 0, 2), "constant", 1.5),
    ((0, 0, 0, 0, 1, 1), "constant", None),  # the CIFAR ResNet shortcut: channels padded
    ((2, 1, 1, 2), "reflect", None),
    ((2, 1, 1, 2), "replicate", None),
    ((2, 1, 1, 2), "circular", None),
]


@pytest.mark.parametrize("pad, mode, value", CASES)
def test_pad_matches_torch_values_and_gradients(pad, mode, value):
    torch = pytest.importorskip("torch")
    kwargs = {} if value is None else {"value": value}
    x = autograd.tensor(X, requires_grad=True)
    tx = torch.tensor(X, requires_grad=True)
    ours = F.pad(x, pad, mode, **kwargs)
    theirs = torch.nn.functional.pad(tx, pad, mode, **kwargs)
    np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())
    w = np.random.default_rng(1).normal(size=ours.shape)
    (ours * autograd.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_pad_gradient_is_the_derivative():
    x = autograd.tensor(X[0, 0], requires_grad=True)
    autograd.gradcheck(lambda t: F.pad(t, (1, 2, 2, 1), "reflect"), (x,))


def test_pad_refuses_what_it_cannot_do():
    x = autograd.tensor(X)
    with pytest.raises(ValueError, match="pad: needs an even number of sizes"):
        F.pad(x, (1, 2, 3))
    with pytest.raises(ValueError, match="pad: negative padding"):
        F.pad(x, (-1, 0))
    with pytest.raises(ValueError, match="pad: mode must be one of"):
        F.pad(x, (1, 1), mode="mirror")


def test_pad_refuses_reflections_and_wraps_wider_than_the_axis_as_torch_does():
    x = autograd.tensor(X)  # the last axis has 5 entries
    F.pad(x, (4, 4), mode="reflect")
    F.pad(x, (5, 0), mode="circular")
    F.pad(x, (9, 9), mode="replicate")
    wide = r"pad: reflect padding must be less than .* \(5, 0\) .*\(axis 3 has size 5\)"
    with pytest.raises(ValueError, match=wide):
        F.pad(x, (5, 0), mode="reflect")
    wrap = r"pad: circular padding must be at most .*\(axis 2 has size 4\)"
    with pytest.raises(ValueError, match=wrap):
        F.pad(x, (0, 0, 0, 5), mode="circular")
