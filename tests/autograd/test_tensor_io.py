"""A user's Function written the PyTorch way (autograd/tensor_io.py): under PyTorch's meanings
(converted programs) or with ``tensor_io = True``, forward and backward receive Tensors and may
call Tensor methods; gradients are right (gradcheck, second order, torch); saved values keep
their version checks; by default, and for the library's own ops, they receive arrays."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.ops.arithmetic import Add


@pytest.fixture(autouse=True)
def pytorch_meanings():
    with ag.pytorch_meanings(True):  # as in a converted program
        yield


class MyReLU(ag.Function):
    """PyTorch's tutorial op, as written there."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class LegendreP3(ag.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


def test_forward_and_backward_see_tensors_and_the_engine_sees_arrays():
    seen = {}

    class Spy(ag.Function):
        @staticmethod
        def forward(ctx, x, scale=2.0):
            seen["forward"] = (type(x), x.requires_grad, ag.is_grad_enabled())
            ctx.scale = scale
            return x * scale

        @staticmethod
        def backward(ctx, grad):
            seen["backward"] = type(grad)
            return grad * ctx.scale

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = Spy.apply(x, scale=3.0)
    assert type(y.grad_fn.saved_tensors) is tuple and y.grad_fn.fn is Spy
    y.sum().backward()
    assert seen == {"forward": (ag.Tensor, False, False), "backward": ag.Tensor}
    np.testing.assert_allclose(x.grad, [3.0, 3.0])
    assert Add.tensor_io is None and not Add.forward.__dict__.get("tensor_io")  # arrays


def test_pytorch_tutorial_relu_gives_the_right_gradient():
    x = ag.tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    assert ag.gradcheck(MyReLU.apply, (x,))
    (MyReLU.apply(x) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 1.0, 4.0])


def test_second_order_through_a_tensor_function():
    x = ag.tensor(np.array([0.3, -0.7]), requires_grad=True)
    assert ag.gradgradcheck(LegendreP3.apply, (x,))


def test_saved_tensors_keep_the_version_check():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = LegendreP3.apply(x)
    with ag.no_grad():
        x += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def test_without_the_switch_a_users_op_gets_arrays_unless_it_asks():
    seen = []

    class Plain(ag.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(type(x))
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    class Asks(Plain):
        tensor_io = True

        @staticmethod
        def forward(ctx, x):
            seen.append(type(x))
            return x.clamp(min=0)

    x = ag.tensor([1.0], requires_grad=True)
    with ag.pytorch_meanings(False):
        Plain.apply(x)
        Asks.apply(x)
        with pytest.raises(AttributeError, match="tensor_io = True"):
            MyReLU.apply(x)
    assert seen == [np.ndarray, ag.Tensor]


def test_a_class_may_ask_for_arrays():
    class OnArrays(ag.Function):
        tensor_io = False

        @staticmethod
        def forward(ctx, x):
            assert type(x) is np.ndarray
            return np.exp(x)

        @staticmethod
        def backward(ctx, grad):
            assert type(grad) is np.ndarray
            return grad

    OnArrays.apply(ag.tensor([0.0], requires_grad=True)).sum().backward()


def test_against_torch():
    torch = pytest.importorskip("torch")
    data = np.array([-1.5, -0.2, 0.4, 1.1])
    x = ag.tensor(data, requires_grad=True)
    (LegendreP3.apply(MyReLU.apply(x)) * 3).sum().backward()

    class TorchReLU(torch.autograd.Function):
        forward = staticmethod(MyReLU.forward.__wrapped__)
        backward = staticmethod(MyReLU.backward.__wrapped__)

    class TorchP3(torch.autograd.Function):
        forward = staticmethod(LegendreP3.forward.__wrapped__)
        backward = staticmethod(LegendreP3.backward.__wrapped__)

    t = torch.tensor(data, requires_grad=True)
    (TorchP3.apply(TorchReLU.apply(t)) * 3).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy())


def test_numpy_functions_without_a_derivative_run_when_nothing_requires_grad():
    t = ag.tensor(np.array([1.0, 2.0, 3.0, 10.0]))
    assert np.percentile(t, 50) == pytest.approx(2.5)
    counts, edges = np.histogram(t, bins=3)
    assert counts.tolist() == [3, 0, 1] and isinstance(edges, np.ndarray)
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="np.percentile has no recorded derivative"):
        np.percentile(w, 50)


class _Scale(ag.Function):
    @staticmethod
    def forward(ctx, x, s=1.0):
        return x * s

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_a_keyword_option_that_requires_grad_is_refused_not_dropped():
    # apply's keywords reach forward as options, never as inputs: a Tensor there would be
    # differentiated by nobody, so one that requires grad is refused (positionally it is an input).
    scale = ag.tensor(2.0, requires_grad=True)
    x = ag.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="_scale: not differentiable .* 's'"):
        _Scale.apply(x, s=scale)
    np.testing.assert_array_equal(_Scale.apply(x, s=scale.detach()).numpy(), [2.0, 4.0])
    with ag.no_grad():
        _Scale.apply(x, s=scale)


class _ArrayScale(ag.Function):  # arrays in and out, as the library's own ops
    tensor_io = False

    @staticmethod
    def forward(ctx, x, s=1.0):
        ctx.s = s
        return x * s

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.s


def test_an_array_ops_keyword_option_that_requires_grad_is_refused_too():
    # Function.apply checks every op's options, not only the ones that see Tensors.
    scale = ag.tensor(2.0, requires_grad=True)
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="_arrayscale: not differentiable .* 's'"):
        _ArrayScale.apply(x, s=scale)
    assert _ArrayScale.apply(x, s=2.0).requires_grad
