"""End to end: small MLPs learn XOR and two moons with nn + optim (a few seconds)."""

import numpy as np

import autograd
import nn
import optim
from nn import functional as F
from nn.data import DataLoader, TensorDataset


def make_moons(n, noise, rng):
    """Two interleaving half circles (the classic toy set), made with NumPy."""
    half = n // 2
    theta_outer = rng.uniform(0, np.pi, half)
    theta_inner = rng.uniform(0, np.pi, n - half)
    outer = np.stack([np.cos(theta_outer), np.sin(theta_outer)], axis=1)
    inner = np.stack([1 - np.cos(theta_inner), 0.5 - np.sin(theta_inner)], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0, noise, (n, 2))
    y = np.concatenate([np.zeros(half, np.int64), np.ones(n - half, np.int64)])
    return X.astype(np.float32), y


def test_mlp_learns_xor():
    autograd.manual_seed(0)
    X = autograd.Tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = optim.Adam(model.parameters(), lr=0.1)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
    predictions = (model(X).data > 0).astype(np.float32)
    np.testing.assert_array_equal(predictions, y)
    assert loss.item() < 0.05


def test_mlp_learns_two_moons_with_minibatches():
    autograd.manual_seed(0)
    X, y = make_moons(300, noise=0.1, rng=np.random.default_rng(0))
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = optim.Adam(model.parameters(), lr=0.02)
    for _ in range(60):
        for xb, yb in loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
    model.eval()
    with autograd.no_grad():
        accuracy = (model(autograd.Tensor(X)).data.argmax(axis=1) == y).mean()
    assert accuracy >= 0.97
