"""nn/functional/distance.py: normalize, cosine_similarity and pairwise_distance against torch,
their gradients, and a zero vector."""

import numpy as np
import pytest

import autograd
from nn import functional as F

RNG = np.random.default_rng(0)
A, B = RNG.normal(size=(4, 5)), RNG.normal(size=(4, 5))

CASES = [
    ("normalize", lambda f, a, b: f.normalize(a, dim=1)),
    ("normalize p=1 dim=0", lambda f, a, b: f.normalize(a, p=1.0, dim=0)),
    ("cosine_similarity", lambda f, a, b: f.cosine_similarity(a, b)),
    ("cosine_similarity dim=0", lambda f, a, b: f.cosine_similarity(a, b[:1], dim=0)),
    ("pairwise_distance", lambda f, a, b: f.pairwise_distance(a, b)),
    ("pairwise_distance p=1", lambda f, a, b: f.pairwise_distance(a, b, p=1.0, keepdim=True)),
]


@pytest.mark.parametrize("name, call", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_values_and_gradients(name, call):
    torch = pytest.importorskip("torch")
    a, b = autograd.tensor(A, requires_grad=True), autograd.tensor(B, requires_grad=True)
    ta, tb = torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)
    ours, theirs = call(F, a, b), call(torch.nn.functional, ta, tb)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    w = RNG.normal(size=ours.shape)
    (ours * autograd.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-14)
    if tb.grad is not None:  # (normalize uses one input)
        np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name, call", CASES, ids=[c[0] for c in CASES])
def test_gradients_are_the_derivatives(name, call):
    a, b = autograd.tensor(A, requires_grad=True), autograd.tensor(B, requires_grad=True)
    autograd.gradcheck(lambda s, t: call(F, s, t), (a, b))


def test_a_zero_vector_normalizes_to_zeros():
    x = autograd.tensor(np.zeros((2, 3)))
    np.testing.assert_array_equal(F.normalize(x).numpy(), 0.0)


def test_both_spellings_of_the_axis():
    a, b = autograd.tensor(A), autograd.tensor(B)
    np.testing.assert_array_equal(F.normalize(a, axis=0).numpy(), F.normalize(a, dim=0).numpy())
    same = F.cosine_similarity(a, b, axis=0).numpy()
    np.testing.assert_array_equal(same, F.cosine_similarity(a, b, dim=0).numpy())
    assert F.pairwise_distance(a, b, keepdims=True).shape == (4, 1)
    with pytest.raises(TypeError, match="normalize: got both"):
        F.normalize(a, dim=0, axis=0)
