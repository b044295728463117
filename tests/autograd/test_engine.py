"""The backward loop's contract with ops: gradients fit their inputs strictly, ops may save
nothing, a backward returns one gradient per input, and hooks observe each step."""

import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.tensor(values, dtype=np.float64, requires_grad=True)


class Ravel(ag.Function):
    """A deliberately wrong op: its backward returns the gradient flattened."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad.ravel() * 2


def test_a_gradient_of_the_wrong_rank_raises_naming_op_input_and_shapes():
    # Issue 13, item 5: a (6,) gradient for a (3, 2) input was silently reshaped.
    x = leaf(np.ones((3, 2)))
    with pytest.raises(RuntimeError, match=r"'ravel'.*shape \(6,\) for input 0.*\(3, 2\)"):
        Ravel.apply(x).sum().backward()


@pytest.mark.parametrize(
    "grad_shape, input_shape",
    [((3, 2), (2, 3)), ((4,), (3,)), ((2,), (1, 2, 2)), ((), (3,))],
)
def test_only_broadcast_axes_may_be_summed(grad_shape, input_shape):
    class Wrong(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return np.ones(grad_shape)

    with pytest.raises(RuntimeError, match="only axes that broadcasting added or stretched"):
        Wrong.apply(leaf(np.ones(input_shape))).backward()


@pytest.mark.parametrize(
    "grad_shape, input_shape", [((3, 4), (4,)), ((3, 4), (1, 4)), ((2, 3, 4), (3, 1)), ((5,), ())]
)
def test_broadcast_axes_are_summed(grad_shape, input_shape):
    class Spread(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return np.broadcast_to(x, grad_shape).sum()

        @staticmethod
        def backward(ctx, grad):
            return np.full(grad_shape, 2.0)

    x = leaf(np.ones(input_shape))
    Spread.apply(x).backward()
    copies = np.prod(grad_shape) // max(np.prod(input_shape), 1)
    np.testing.assert_allclose(x.grad, np.full(input_shape, 2.0 * copies))


def test_an_op_that_saves_nothing_works():
    # Issue 13, item 4: save_for_backward() with no arrays failed its first backward.
    class Double(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward()
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            assert ctx.saved_tensors == ()
            return grad * 2

    x = leaf([1.0, 2.0])
    Double.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_wrong_number_of_gradients_names_the_op():
    class Two(ag.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return (grad,)

    with pytest.raises(RuntimeError, match="'two' returned 1 gradients for 2 inputs"):
        Two.apply(leaf([1.0]), leaf([2.0])).sum().backward()


def test_hooks_see_every_step_in_backward_order():
    a, b = leaf(2.0), leaf(3.0)
    loss = (a * b).exp()
    seen = []
    ag.engine.backward(loss, hooks=[lambda node, g_out, g_in: seen.append(node.fn.name)])
    assert seen == ["exp", "mul"]
    assert a.grad == pytest.approx(3 * np.exp(6.0))
