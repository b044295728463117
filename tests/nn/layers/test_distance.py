"""nn/layers/distance.py: CosineSimilarity and PairwiseDistance are the functional forms with
PyTorch's defaults and attributes."""

import numpy as np
import pytest

import autograd
import nn

RNG = np.random.default_rng(0)
A, B = RNG.standard_normal((4, 3, 2)), RNG.standard_normal((4, 3, 2))


def test_cosine_similarity_layer_defaults_to_dim_1():
    layer = nn.CosineSimilarity()
    assert layer.dim == 1 and layer.eps == 1e-8
    y = layer(A, B).numpy()
    expected = (A * B).sum(1) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert nn.CosineSimilarity(dim=-1)(A, B).shape == (4, 3)


def test_pairwise_distance_layer_adds_eps_to_the_difference():
    layer = nn.PairwiseDistance()
    assert (layer.norm, layer.eps, layer.keepdim) == (2.0, 1e-6, False)
    np.testing.assert_allclose(
        layer(A, B).numpy(), np.linalg.norm(A - B + 1e-6, axis=-1), rtol=1e-12
    )
    assert nn.PairwiseDistance(p=1.0, keepdim=True)(A, B).shape == (4, 3, 1)


@pytest.mark.parametrize(
    "make", [lambda m: m.CosineSimilarity(dim=2, eps=1e-3), lambda m: m.PairwiseDistance(p=3.0)]
)
def test_layers_match_torch_with_gradients(make):
    torch = pytest.importorskip("torch")
    a, b = autograd.tensor(A, requires_grad=True), autograd.tensor(B, requires_grad=True)
    ta, tb = torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)
    y, ty = make(nn)(a, b), make(torch.nn)(ta, tb)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10)
