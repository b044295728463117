"""nn/functional/inplace.py: ``inplace=True`` on activations and dropout writes into the input
and returns it, with PyTorch's gradients and PyTorch's refusals."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F

X = np.array([[-1.5, 0.5, 2.0], [0.25, -0.75, 1.0]])


@pytest.mark.parametrize(
    "layer",
    [lambda: nn.ReLU(inplace=True), lambda: nn.ReLU(True), lambda: nn.LeakyReLU(0.2, True)],
)
def test_in_place_layer_after_a_linear_map_matches_torch(layer):
    torch = pytest.importorskip("torch")
    a = autograd.tensor(X, requires_grad=True)
    h = a * 2.0  # a recorded result: the layer rewrites its history
    y = layer()(h)
    assert y is h
    (y * autograd.tensor(X)).sum().backward()
    ta = torch.tensor(X, requires_grad=True)
    th = ta * 2.0
    ty = {"ReLU": torch.nn.ReLU, "LeakyReLU": torch.nn.LeakyReLU}[type(layer()).__name__]
    args = (0.2, True) if ty is torch.nn.LeakyReLU else (True,)
    out = ty(*args)(th)
    assert out is th
    (out * torch.tensor(X)).sum().backward()
    np.testing.assert_allclose(h.numpy(), th.detach().numpy())
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())


def test_in_place_relu_without_history_writes_the_memory():
    x = autograd.tensor(X.copy())
    version = x._version
    assert F.relu(x, inplace=True) is x
    np.testing.assert_array_equal(x.numpy(), np.maximum(X, 0))
    assert x._version > version  # a graph that saved x's old values would now raise


def test_in_place_after_an_op_that_saved_its_output_raises_as_in_torch():
    a = autograd.tensor(X, requires_grad=True)
    t = a.tanh()  # tanh saves its output for backward
    nn.ReLU(inplace=True)(t)
    with pytest.raises(RuntimeError, match="modified in place"):
        t.sum().backward()


def test_in_place_on_a_leaf_that_requires_grad_is_refused():
    a = autograd.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        F.leaky_relu(a, 0.1, inplace=True)


def test_in_place_dropout_masks_the_input_and_its_gradient():
    autograd.manual_seed(0)
    a = autograd.tensor(np.ones((4, 50)), requires_grad=True)
    h = a * 1.0
    out = nn.Dropout(0.5, inplace=True)(h)
    assert out is h
    out.sum().backward()
    kept = h.numpy() != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_array_equal(h.numpy()[kept], 2.0)
    np.testing.assert_array_equal(a.grad.numpy(), np.where(kept, 2.0, 0.0))
    x = autograd.tensor(np.ones((2, 3, 2, 2)))
    assert F.dropout2d(x, 0.5, True, inplace=True) is x
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}
