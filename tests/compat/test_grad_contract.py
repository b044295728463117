"""PyTorch's contract for ``.grad``: a Tensor that shares the gradient's memory and does not
require grad, so the idioms of PyTorch programs work (``w.grad.zero_()``, ``p.grad.std()``,
``(lr * p.grad).std().log10()``), writes through it are the buffer's and count as changes, and
NumPy code keeps working (``np.asarray(p.grad)``, ``p.data -= lr * p.grad``, ``np.histogram``)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim


def fitted():
    w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    (w * w).sum().backward()
    return w


def test_grad_is_a_tensor_sharing_the_buffer():
    w = fitted()
    g = w.grad
    assert isinstance(g, ag.Tensor) and not g.requires_grad and g.grad_fn is None
    assert g is w.grad  # one view per buffer, as PyTorch's p.grad is p.grad
    assert g.numpy() is w._grad and np.shares_memory(np.asarray(g), w._grad)
    np.testing.assert_array_equal(g, [2.0, -4.0])
    assert w.grad.std().item() == pytest.approx(np.std([2.0, -4.0], ddof=0))
    assert (0.1 * w.grad).abs().max().log10().item() == pytest.approx(np.log10(0.4))


def test_writes_through_grad_change_the_buffer_and_its_version():
    w = fitted()
    version = w.grad._version
    w.grad.zero_()
    np.testing.assert_array_equal(w._grad, [0.0, 0.0])
    assert w.grad._version > version
    w.grad += 1.0
    w.grad.fill(3.0)  # NumPy's spelling too
    np.testing.assert_array_equal(w._grad, [3.0, 3.0])


def test_d2l_style_loop_with_grad_zero_():
    w = ag.tensor(np.array([0.0]), requires_grad=True)
    for _ in range(50):
        loss = ((w - 3.0) ** 2).sum()
        loss.backward()
        with ag.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    assert w.item() == pytest.approx(3.0, abs=1e-3)


def test_numpy_code_keeps_working():
    w = fitted()
    data = w.data
    data -= 0.5 * w.grad  # an ndarray updated with a Tensor that does not require grad
    np.testing.assert_array_equal(w.data, [0.0, 0.0])
    counts, _ = np.histogram(w.grad, bins=2)
    assert counts.sum() == 2
    assert np.percentile(w.grad, 50) == pytest.approx(-1.0)


def test_optimizers_and_clipping_read_the_buffer():
    model = nn.Linear(3, 2)
    model(ag.ones(4, 3)).sum().backward()
    before = model.weight._grad
    nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    assert model.weight._grad is before  # clipped in place
    optim.SGD(model.parameters(), lr=0.1).step()
    assert model.weight.grad.numpy() is before


def test_against_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = fitted(), torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    (theirs * theirs).sum().backward()
    assert ours.grad.requires_grad == theirs.grad.requires_grad
    assert (ours.grad is ours.grad) == (theirs.grad is theirs.grad)
    with ag.pytorch_meanings(True):  # converted code: std with correction 1, as torch
        assert ours.grad.std().item() == pytest.approx(theirs.grad.std().item())
