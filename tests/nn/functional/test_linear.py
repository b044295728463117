"""nn/functional/linear.py: linear, bilinear, dropout, embedding and one_hot."""

import numpy as np
import pytest

import autograd
from nn import functional as F


def leaf(*shape, low=None, high=None, seed=0, dtype=np.float64):
    """A leaf that requires grad: standard normal values, or uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return autograd.Tensor(data.astype(dtype), requires_grad=True)


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


def test_linear_grads_with_and_without_bias_and_batched_input():
    check(F.linear, leaf(4, 3), leaf(5, 3, seed=1), leaf(5, seed=2))
    check(F.linear, leaf(4, 3), leaf(5, 3, seed=1))
    check(F.linear, leaf(2, 4, 3), leaf(5, 3, seed=1), leaf(5, seed=2))
    check(F.linear, leaf(3), leaf(5, 3, seed=1), leaf(5, seed=2))


def test_linear_skips_gradient_of_input_that_does_not_need_it():
    x = autograd.Tensor(np.ones((2, 3)))
    w = leaf(4, 3)
    F.linear(x, w).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(w.grad, np.full((4, 3), 2.0))


def test_dropout_grad_uses_the_same_mask():
    autograd.manual_seed(3)
    x = leaf(50)
    y = F.dropout(x, p=0.4, training=True)
    y.sum().backward()
    kept = y.data != 0
    np.testing.assert_allclose(x.grad, np.where(kept, 1 / 0.6, 0.0))


def test_embedding_grad_accumulates_repeated_rows():
    w = leaf(4, 2)
    idx = np.array([[0, 2], [0, 0]])
    check(lambda w: F.embedding(idx, w), w)
    F.embedding(idx, w).sum().backward()
    np.testing.assert_array_equal(w.grad, [[3, 3], [0, 0], [1, 1], [0, 0]])


def test_linear_checks_name_the_function_and_shapes():
    x, w = autograd.Tensor(np.zeros((2, 3))), autograd.Tensor(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"linear: bias shape \(3,\) does not fit weight shape"):
        F.linear(x, w, np.zeros(3))
    with pytest.raises(ValueError, match=r"linear: input shape \(2, 3\) does not fit weight shape"):
        F.linear(x, np.zeros(3))
    with pytest.raises(ValueError, match=r"linear: input shape \(\) does not fit"):
        F.linear(np.float64(1.0), w)
    with pytest.raises(ValueError, match=r"weight shape \(\) \(need input \(\.\.\., \?\)"):
        F.linear(x, np.float64(1.0))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 3)], ids=["vector", "batch", "3-d"])
def test_linear_gradients_for_every_input_rank(shape):
    x, w, b = leaf(*shape), leaf(4, 3, seed=1), leaf(4, seed=2)
    assert autograd.gradcheck(F.linear, [x, w, b])
    assert F.linear(x, w, b).shape == (*shape[:-1], 4)


def test_one_hot():
    from nn import functional as F

    out = F.one_hot(np.array([[0, 2], [1, 0]]))
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data[0], [[1, 0, 0], [0, 0, 1]])
    assert F.one_hot(autograd.Tensor(np.array([1])), num_classes=4).data.tolist() == [[0, 1, 0, 0]]
    with pytest.raises(
        ValueError,
        match=r"one_hot: indices must be in \[0, 2\), got values from "
        r"0 to 2",
    ):
        F.one_hot(np.array([0, 2]), num_classes=2)
    with pytest.raises(TypeError, match="one_hot: indices must be integers"):
        F.one_hot(np.array([0.0]))


def test_bilinear_by_hand_and_gradients():
    # y_o = x1^T W_o x2 + b_o with W_0 = identity, W_1 = ones: (1*3 + 2*4, (1+2)(3+4)) + b.
    w = np.stack([np.eye(2), np.ones((2, 2))])
    y = F.bilinear(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]), w, np.array([0.5, -1.0]))
    np.testing.assert_allclose(y.numpy(), [[11.5, 20.0]])
    check(F.bilinear, leaf(4, 3), leaf(4, 2, seed=1), leaf(5, 3, 2, seed=2), leaf(5, seed=3))
    check(F.bilinear, leaf(2, 3, 3), leaf(2, 3, 2, seed=1), leaf(1, 3, 2, seed=2))
    check(F.bilinear, leaf(3), leaf(2, seed=1), leaf(2, 3, 2, seed=2))
    assert autograd.gradgradcheck(
        F.bilinear, [leaf(2, 3), leaf(2, 2, seed=1), leaf(2, 3, 2, seed=2)]
    )


def test_bilinear_matches_torch():
    torch = pytest.importorskip("torch")
    args = [leaf(2, 3, 4), leaf(2, 3, 5, seed=1), leaf(6, 4, 5, seed=2), leaf(6, seed=3)]
    targs = [torch.tensor(a.numpy(), requires_grad=True) for a in args]
    y, ty = F.bilinear(*args), torch.nn.functional.bilinear(*targs)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(4).standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.tensor(g))
    for a, ta in zip(args, targs, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_bilinear_names_the_shapes_that_do_not_fit():
    with pytest.raises(
        ValueError,
        match=r"bilinear: input shapes \(2, 3\) and \(2, 4\) do not fit "
        r"weight shape \(5, 3, 2\)",
    ):
        F.bilinear(np.ones((2, 3)), np.ones((2, 4)), np.ones((5, 3, 2)))
    with pytest.raises(TypeError, match="bilinear: input dtypes float32 and float64 differ"):
        F.bilinear(np.ones((2, 3), np.float32), np.ones((2, 2)), np.ones((5, 3, 2)))
    with pytest.raises(ValueError, match=r"bilinear: bias must have shape \(5,\)"):
        F.bilinear(np.ones((2, 3)), np.ones((2, 2)), np.ones((5, 3, 2)), np.ones(4))
