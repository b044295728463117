"""Losses at their edges: masked (-inf) vocabularies, soft targets, BCE target checks, double
backward on (N, C, d...) inputs and empty batches."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn.functional as F

INF = np.inf
LOGITS = np.array([[0.0, -INF, 1.0], [2.0, 0.0, -INF]])
LABELS = autograd.tensor([0, 1])
# PyTorch's values for these logits (torch 2, float64), written out so the test runs without it.
LOSS = {"plain": 1.7200948492805979, "weight": 1.8557059032013894, "ignore": 1.3132616875182228}
GRAD = [
    [-0.36552928931500245, 0.0, 0.36552928931500245],
    [0.44039853898894116, -0.44039853898894116, 0.0],
]


@pytest.mark.parametrize(
    "case, kwargs",
    [
        ("plain", {}),
        ("weight", {"weight": np.array([1.0, 2.0, 3.0])}),
        ("ignore", {"ignore_index": 1}),
    ],
)
def test_minus_infinity_in_a_non_target_class_keeps_cross_entropy_finite(case, kwargs):
    x = autograd.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, LABELS, **kwargs)
    assert loss.item() == pytest.approx(LOSS[case], rel=1e-12)
    loss.backward()
    assert np.isfinite(np.asarray(x.grad)).all()


def test_minus_infinity_in_a_non_target_class_keeps_nll_loss_finite():
    x = autograd.tensor(LOGITS, requires_grad=True)
    loss = F.nll_loss(F.log_softmax(x, dim=1), LABELS)
    assert loss.item() == pytest.approx(LOSS["plain"], rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(np.asarray(x.grad), GRAD, rtol=1e-12)
    w = autograd.tensor(np.array([1.0, 2.0, 3.0]))
    assert F.nll_loss(F.log_softmax(x, dim=1), LABELS, weight=w).item() == pytest.approx(
        LOSS["weight"], rel=1e-12
    )


def test_soft_targets_from_a_softmax_receive_their_gradient():
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)
    t = autograd.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)
    F.cross_entropy(x, F.softmax(t, dim=1)).backward()
    assert t.grad is not None and x.grad is not None
    assert autograd.gradcheck(lambda a: F.cross_entropy(x.detach(), F.softmax(a, dim=1)), [t])
    assert autograd.gradgradcheck(
        lambda a, b: F.cross_entropy(a, F.softmax(b, dim=1), label_smoothing=0.2), [x, t]
    )


def test_soft_targets_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    xa, ta, wa = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.random(4)
    for reduction in ("mean", "sum", "none"):
        x, t, w = (autograd.tensor(a, requires_grad=True) for a in (xa, ta, wa))
        out = F.cross_entropy(x, F.softmax(t, dim=1), weight=w, reduction=reduction)
        out.sum().backward()
        X, T, W = (torch.tensor(a, requires_grad=True) for a in (xa, ta, wa))
        ref = torch.nn.functional.cross_entropy(
            X, torch.softmax(T, 1), weight=W, reduction=reduction
        )
        ref.sum().backward()
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
        for ours, theirs in ((x, X), (t, T), (w, W)):
            np.testing.assert_allclose(np.asarray(ours.grad), theirs.grad.numpy(), atol=1e-14)


@pytest.mark.parametrize("bad", [1.5, -0.5, np.nan], ids=["above", "below", "nan"])
def test_binary_cross_entropy_refuses_targets_outside_zero_one(bad):
    x = autograd.tensor(np.array([0.5, 0.5]))
    with pytest.raises(
        ValueError, match=r"binary_cross_entropy: target values must be in \[0, 1\]"
    ):
        F.binary_cross_entropy(x, autograd.tensor(np.array([bad, 0.0])))
    with pytest.raises(ValueError, match="input values must be in"):
        F.binary_cross_entropy(autograd.tensor(np.array([np.nan, 0.5])), x)
    # On logits any real target is accepted, as in PyTorch.
    assert np.isfinite(F.binary_cross_entropy_with_logits(x, x * 3).item())


def test_cross_entropy_double_backward_on_spatial_inputs():
    rng = np.random.default_rng(2)
    x = autograd.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    y = autograd.tensor(rng.integers(0, 3, (2, 4)))
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, y), [x])
    w = autograd.tensor(np.array([1.0, 2.0, 0.5]))
    assert autograd.gradgradcheck(lambda a: F.cross_entropy(a, y, weight=w), [x])


def test_cross_entropy_on_an_empty_batch_differentiates_twice():
    x = autograd.tensor(np.zeros((0, 3)), requires_grad=True)
    y = autograd.tensor(np.zeros(0, dtype=np.int64))
    assert F.cross_entropy(x, y, reduction="sum").item() == 0.0
    with np.errstate(invalid="ignore"):
        assert np.isnan(F.cross_entropy(x, y).item())  # PyTorch's mean of nothing
    (g,) = autograd.grad(F.cross_entropy(x, y, reduction="sum"), x, create_graph=True)
    (g * g).sum().backward()
    assert np.asarray(x.grad).shape == (0, 3)


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_every_row_ignored_gives_nan_loss_and_zero_gradient(smoothing):
    x = autograd.tensor(np.random.default_rng(3).standard_normal((2, 3)), requires_grad=True)
    ignored = np.array([-100, -100])
    with np.errstate(invalid="ignore", divide="ignore"):
        loss = F.cross_entropy(x, ignored, label_smoothing=smoothing)
        assert np.isnan(loss.item())  # PyTorch's 0 / 0
        loss.backward()
        assert np.asarray(x.grad).tolist() == [[0.0] * 3] * 2
        x.grad = None
        loss = F.nll_loss(F.log_softmax(x, dim=1), ignored)
        assert np.isnan(loss.item())
        loss.backward()
        assert not np.asarray(x.grad).any()
        x.grad = None
        (F.cross_entropy(x, ignored) * np.nan).backward()  # even a NaN from above gives 0
    assert not np.asarray(x.grad).any()
