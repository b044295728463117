"""fmax, fmin, fabs, copysign, remainder / mod, fmod, conjugate / conj."""

import numpy as np
import pytest

import autograd as ag

from .checks import PAIRS, SHAPE_PAIRS, SHAPES, check_op, gradient, make, uniform


@pytest.mark.parametrize("fn", [np.fmax, np.fmin, np.copysign], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_binary(fn, shapes):
    check_op(fn, [uniform(shapes[0], 1), uniform(shapes[1], 2)])


@pytest.mark.parametrize("fn", [np.remainder, np.fmod], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["a>0", "a<0"])
def test_remainders(fn, shapes, sign):
    # a / b stays within (2.1, 2.9) in size: away from the jumps where it is an integer.
    a = uniform(shapes[0], 3, 2.2, 2.8)
    a.data *= sign
    check_op(fn, [a, uniform(shapes[1], 4, 0.97, 1.03)])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_fabs(shape):
    check_op(np.fabs, [uniform(shape, 5)])


def test_fmax_and_fmin_send_the_gradient_to_the_operand_that_is_not_nan():
    # PyTorch's values (torch.fmax / torch.fmin): a tie (index 3) goes to the first operand.
    a = [np.nan, 1.0, 2.0, 3.0, np.nan]
    b = [0.5, np.nan, 5.0, 3.0, np.nan]
    grad_a, grad_b = gradient(np.fmax, a, b)
    np.testing.assert_array_equal(grad_a, [0.0, 1.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(grad_b, [1.0, 0.0, 1.0, 0.0, 0.0])
    grad_a, grad_b = gradient(np.fmin, a, b)
    np.testing.assert_array_equal(grad_a, [0.0, 1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(grad_b, [1.0, 0.0, 0.0, 0.0, 0.0])


def test_maximum_and_minimum_at_nan_give_both_operands_the_gradient_as_pytorch():
    # max(nan, b) is nan: the gradient must reach the nan's own path (it went to b alone).
    for fn in (ag.maximum, ag.minimum):
        a = ag.tensor([np.nan, 1.0, np.nan, 2.0], requires_grad=True)
        b = ag.tensor([0.5, np.nan, np.nan, 2.0], requires_grad=True)
        fn(a, b).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0, 1.0, 0.5])
        np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0, 1.0, 0.5])
    x = ag.tensor([1.0, np.nan], requires_grad=True)
    (ag.maximum(x * 3, 0.0)).sum().backward()  # a NaN loss shows up in x.grad
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_copysign_hand_derived_values():
    # d/da = sign(a) sign(b), 0 at a = 0; b = -0.0 counts as negative; d/db = 0.
    grad_a, grad_b = gradient(np.copysign, [2.0, -2.0, 2.0, 0.0, 3.0], [1.0, 1.0, -1.0, -1.0, -0.0])
    np.testing.assert_array_equal(grad_a, [1.0, -1.0, -1.0, 0.0, -1.0])
    np.testing.assert_array_equal(grad_b, np.zeros(5))


def test_remainder_and_fmod_hand_derived_values():
    # 7.5 = 2 * 3 + 1.5; -7.5 = -3 * 3 + 1.5 (remainder) = -2 * 3 - 1.5 (fmod)
    grad_a, grad_b = gradient(np.mod, [7.5, -7.5], [3.0, 3.0])
    np.testing.assert_array_equal(grad_a, [1.0, 1.0])
    np.testing.assert_array_equal(grad_b, [-2.0, 3.0])
    grad_a, grad_b = gradient(np.fmod, [7.5, -7.5], [3.0, 3.0])
    np.testing.assert_array_equal(grad_a, [1.0, 1.0])
    np.testing.assert_array_equal(grad_b, [-2.0, 2.0])


def test_conjugate_of_a_real_tensor_is_the_tensor():
    x = uniform((3,), 6)
    assert np.conj(x) is x and np.conjugate(x) is x and x.conj() is x
    check_op(lambda t: np.conjugate(t) * 2.0, [x], linear=True)


def test_names_follow_numpy():
    a, b = uniform((2,), 7), uniform((2,), 8, 0.5, 1.0)
    assert np.mod(a, b).grad_fn.fn.name == "remainder"
    assert np.fmod(a, b).grad_fn.fn.name == "fmod"
    assert np.fmax(a, b).grad_fn.fn.name == "fmax"
    np.testing.assert_allclose(ag.remainder(a, b).data, np.mod(a.data, b.data))
    np.testing.assert_allclose(a.copysign(b).data, np.copysign(a.data, b.data))


def test_relu_derivative_is_one_above_zero_zero_elsewhere_and_nan_at_nan():
    # PyTorch's convention at the kink: relu'(0) = 0. A NaN input has no derivative: NaN.
    x = ag.Tensor(np.array([-2.0, -0.0, 0.0, 1e-300, 3.0, np.nan]), requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0, 1.0, 1.0, np.nan])


PIECEWISE_BINARY = {
    "maximum": (ag.maximum, make, make),
    "minimum": (ag.minimum, make, make),
    "where": (lambda a, b: ag.where(a.data > 0, a, b), make, make),
}


@pytest.mark.parametrize("op", sorted(PIECEWISE_BINARY))
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_gradients_over_broadcasting_pairs(op, shapes):
    fn, make_a, make_b = PIECEWISE_BINARY[op]
    a, b = make_a(shapes[0], 1), make_b(shapes[1], 2)
    assert ag.gradcheck(fn, [a, b])


PIECEWISE_UNARY = {
    "abs": (lambda x: x.abs(), make),
    "relu": (lambda x: x.relu(), make),
    "clip": (lambda x: x.clip(-0.5, 0.7), make),
    "clip_lo": (lambda x: ag.clip(x, a_min=0.1), make),
    "clamp_max": (lambda x: x.clamp(max=0.3), make),
}


@pytest.mark.parametrize("op", sorted(PIECEWISE_UNARY))
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)], ids=str)
def test_unary_gradients_by_hand_written_calls(op, shape):
    fn, maker = PIECEWISE_UNARY[op]
    assert ag.gradcheck(fn, [maker(shape, 4)])


# PyTorch's spellings of these ops: values as NumPy computes them, first and second
# derivatives by central differences in float64.
PYTORCH_SPELLINGS = {
    "clamp": (lambda x: x.clamp(min=-0.5, max=0.7), lambda x: np.clip(x, -0.5, 0.7), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(PYTORCH_SPELLINGS))
def test_pytorch_spelled_op_values_and_derivatives(name):
    fn, numpy_fn, shape = PYTORCH_SPELLINGS[name]
    check_op(fn, [uniform(shape, 7)], numpy_fn=numpy_fn, linear=False)
