"""nn.utils: gradient clipping as PyTorch computes it, and per-parameter gradient norms."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn.utils import clip_grad_norm_, clip_grad_value_, grad_norms


def with_grad(grad):
    p = nn.Parameter(np.zeros(np.shape(grad)))
    p.grad = np.array(grad, dtype=np.float64)
    return p


def test_clip_grad_norm_scales_when_above_max():
    a, b = with_grad([3.0, 0.0]), with_grad([[0.0], [4.0]])
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total == pytest.approx(5.0) and total.item() == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(a.grad, [3 * coef, 0])
    np.testing.assert_allclose(b.grad, [[0], [4 * coef]])


def test_clip_grad_norm_leaves_small_gradients_alone():
    a = with_grad([0.3, 0.4])
    assert clip_grad_norm_(a, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(a.grad, [0.3, 0.4])
    # 1 / (1 + 1e-6) < 1: a norm exactly at max_norm is scaled a hair, like PyTorch.
    b = with_grad([1.0])
    clip_grad_norm_([b], max_norm=1.0)
    assert b.grad[0] == pytest.approx(1 / (1 + 1e-6), rel=1e-12) and b.grad[0] < 1


def test_clip_grad_norm_other_norms_and_missing_grads():
    a, b = with_grad([1.0, -2.0]), with_grad([3.0])
    none = nn.Parameter(np.zeros(2))
    assert clip_grad_norm_([a, b, none], 100.0, norm_type=1) == pytest.approx(6.0)
    assert clip_grad_norm_([a, b], 100.0, norm_type=math.inf) == pytest.approx(3.0)
    assert clip_grad_norm_([none], 1.0) == 0.0
    c = with_grad([np.inf])
    with pytest.raises(RuntimeError, match="total gradient norm is inf"):
        clip_grad_norm_([c], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="norm_type must be > 0"):
        clip_grad_norm_([a], 1.0, norm_type=0)


def test_clip_grad_norm_two_norm_of_float32_gradients_is_taken_in_float64():
    # The 2-norm path sums squares with dot products on float64 copies: the total is the
    # general formula's (||(||g_1||, ..., ||g_k||)||) to float64 rounding, gradients stay float32.
    rng = np.random.default_rng(0)
    shapes = [(256, 64), (256,), (), (0, 3), (27, 64)]
    grads = [(rng.standard_normal(s) * 3).astype(np.float32) for s in shapes]
    params = [nn.Parameter(np.zeros(s, np.float32)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.copy()
    total = clip_grad_norm_(params, max_norm=2.0)
    norms = [np.sqrt(np.sum(g.astype(np.float64) ** 2)) for g in grads]
    expected = np.sqrt(np.sum(np.square(norms)))
    assert total == pytest.approx(expected, rel=1e-14)
    coef = 2.0 / (expected + 1e-6)
    for p, g in zip(params, grads):
        assert p.grad.dtype == np.float32
        np.testing.assert_allclose(p.grad, g * np.float32(coef), rtol=1e-6)
    nan = with_grad([1.0, np.nan])
    assert math.isnan(clip_grad_norm_([nan], 1.0))


def test_clip_grad_value():
    a = with_grad([-3.0, 0.5, 2.0])
    data = a.grad
    clip_grad_value_([a], 1.0)
    assert a.grad is data  # in place
    np.testing.assert_array_equal(a.grad, [-1.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        clip_grad_value_([a], -1.0)
    with pytest.raises(TypeError, match="clip_grad_value_: expected Tensors, got ndarray"):
        clip_grad_value_([np.zeros(2)], 1.0)


def test_grad_norms_per_parameter():
    model = nn.Sequential(nn.Linear(2, 2, dtype=np.float64), nn.Linear(2, 1, dtype=np.float64))
    model[0].weight.data[...] = [[1.0, 0.0], [0.0, 1.0]]
    model[0].bias.data[...] = 0.0
    model[1].weight.data[...] = [[3.0, 4.0]]
    x = autograd.Tensor(np.array([[1.0, 2.0]]))
    model(x).sum().backward()
    norms = grad_norms(model)
    assert list(norms) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    # dL/dW0 = outer((3, 4), x) -> norm 5 * sqrt(5); dL/db0 = (3, 4); dL/dW1 = h = (1, 2).
    assert norms["0.weight"] == pytest.approx(5 * math.sqrt(5))
    assert norms["0.bias"] == pytest.approx(5.0)
    assert norms["1.weight"] == pytest.approx(math.sqrt(5))
    assert norms["1.bias"] == pytest.approx(1.0)
    model[1].bias.grad = None
    assert "1.bias" not in grad_norms(model)
    with pytest.raises(TypeError, match="grad_norms: expected an nn.Module"):
        grad_norms([1])
