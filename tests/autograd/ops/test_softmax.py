"""autograd/ops/softmax.py: softmax and log-softmax as ops of autograd (``t.softmax(dim)``,
``autograd.log_softmax(x, axis)``): the values, both spellings of the axis, ``dtype=``, errors,
first and second derivatives, the same fused node as nn.functional's, and PyTorch's numbers.
(The Functions' edge cases, rows of -inf and large logits, are in tests/nn/functional.)"""

import numpy as np
import pytest

import autograd
from autograd.ops.softmax import LogSoftmaxFunction, SoftmaxFunction
from nn import functional as F


def x_of(shape=(2, 3, 4), seed=0):
    data = np.random.default_rng(seed).standard_normal(shape) * 3
    return autograd.Tensor(data, requires_grad=True)


def test_methods_and_functions_compute_softmax_along_the_axis():
    x = x_of()
    e = np.exp(x.numpy())
    for axis in (0, 1, -1):
        want = e / e.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(x.softmax(axis).numpy(), want, rtol=1e-12)
        np.testing.assert_allclose(x.softmax(dim=axis).numpy(), want, rtol=1e-12)
        np.testing.assert_allclose(autograd.softmax(x, axis=axis).numpy(), want, rtol=1e-12)
        np.testing.assert_allclose(x.log_softmax(dim=axis).numpy(), np.log(want), rtol=1e-12)
        np.testing.assert_allclose(autograd.log_softmax(x, axis).numpy(), np.log(want))


def test_one_fused_node_shared_with_nn_functional():
    x = x_of()
    assert x.softmax(1).grad_fn.fn is SoftmaxFunction is F.softmax(x, dim=1).grad_fn.fn
    assert x.log_softmax(1).grad_fn.fn is LogSoftmaxFunction is F.log_softmax(x, 1).grad_fn.fn
    assert x.softmax(-1).grad_fn.inputs == (x,)


def test_dtype_casts_first_and_float32_stays_float32():
    x = autograd.tensor([[1.0, 2.0, 3.0]])
    assert x.softmax(1).dtype == np.float32
    assert x.log_softmax(1, dtype=np.float64).dtype == np.float64
    assert autograd.softmax([1.0, 2.0], 0).dtype == np.float32  # a list becomes a tensor


def test_errors_name_the_op_and_the_axis():
    x = x_of()
    with pytest.raises(ValueError, match=r"softmax: axis 3 is out of range .* \(2, 3, 4\)"):
        x.softmax(3)
    with pytest.raises(ValueError, match=r"log_softmax: axis 1.5 is out of range"):
        x.log_softmax(1.5)
    with pytest.raises(TypeError, match="axis"):
        x.softmax()  # PyTorch's Tensor.softmax needs its dim too
    with pytest.raises(TypeError, match="both"):
        x.softmax(axis=0, dim=0)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [0, -1])
def test_first_and_second_derivatives(name, axis):
    x = x_of((3, 4), seed=1)
    weights = np.random.default_rng(2).standard_normal((3, 4))

    def loss(x):
        return (getattr(x, name)(axis) * weights).sum()

    assert autograd.gradcheck(loss, (x,))
    assert autograd.gradgradcheck(lambda x: getattr(x, name)(axis), (x,))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(3).standard_normal((2, 3, 4))
    for dim in (0, 1, 2, -1):
        ours, theirs = (
            autograd.tensor(data, requires_grad=True),
            torch.tensor(data, requires_grad=True),
        )
        a, b = getattr(ours, name)(dim), getattr(theirs, name)(dim)
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12)
        (a * a).sum().backward()
        (b * b).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)
        c, d = getattr(autograd, name)(ours, dim), getattr(torch, name)(theirs, dim)
        np.testing.assert_allclose(c.numpy(), d.detach().numpy(), rtol=1e-12)


def test_a_zero_d_input_is_a_row_of_one_value():
    # PyTorch takes dim 0 or -1 on a 0-d tensor: softmax 1, log_softmax 0, derivative 0.
    x = autograd.tensor(0.3, dtype=autograd.float64, requires_grad=True)
    for fn, want in ((F.softmax, 1.0), (F.softmin, 1.0), (F.log_softmax, 0.0)):
        for dim in (0, -1):
            y = fn(x, dim=dim)
            assert y.shape == () and y.item() == want
            (g,) = autograd.grad(y, x)
            assert g.item() == 0.0
    assert x.softmax(0).item() == 1.0 and autograd.log_softmax(x, -1).item() == 0.0
    assert autograd.gradgradcheck(lambda t: F.log_softmax(t * t, dim=0) + t.softmax(-1), (x,))
