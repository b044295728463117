"""autograd.gradcheck: a wrong backward is named (input, element, both values); float32 is
refused."""

import re

import numpy as np
import pytest

import autograd as ag


def test_gradcheck_names_the_input_and_element_of_a_wrong_gradient():
    class WrongSquare(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x  # should be 2 x

    x = ag.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="x")
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(WrongSquare.apply, [x])
    message = str(info.value)
    assert "input 0 ('x')" in message and "index (2,)" in message
    backprop, numeric = (float(v) for v in re.findall(r"give[s]? (-?[\d.]+)", message))
    assert numeric == pytest.approx(2 * backprop, rel=1e-6)  # d(x^2)/dx = 2x, the op gave x


def test_gradcheck_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        ag.gradcheck(lambda t: t * 2, [ag.Tensor([1.0, 2.0], requires_grad=True)])
