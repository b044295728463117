"""nn.init: gains, fans, distributions (statistically, with a fixed seed) and errors."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import init


def param(*shape, dtype=np.float32):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


def test_calculate_gain_table():
    assert init.calculate_gain("linear") == 1
    assert init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope 'x' is not a number"):
        init.calculate_gain("leaky_relu", "x")


def test_fans_follow_pytorch_convention():
    assert init.calculate_fan_in_and_fan_out(param(3, 5)) == (5, 3)
    assert init.calculate_fan_in_and_fan_out(param(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.calculate_fan_in_and_fan_out(param(5))


def test_simple_fills_in_place_and_return_the_tensor():
    p = param(2, 3)
    data = p._data
    assert init.constant_(p, 0.5) is p and p._data is data
    np.testing.assert_array_equal(p.data, np.full((2, 3), 0.5))
    init.ones_(p)
    assert p.data.sum() == 6
    init.zeros_(p)
    assert p.data.sum() == 0
    arr = np.zeros(4)
    assert init.ones_(arr) is arr and arr.sum() == 4


@pytest.mark.parametrize(
    "fill, mean, std, bound",
    [
        (lambda p: init.uniform_(p, -2, 4), 1.0, 6 / math.sqrt(12), (-2, 4)),
        (lambda p: init.normal_(p, 1.0, 0.5), 1.0, 0.5, None),
        (lambda p: init.xavier_uniform_(p), 0.0, math.sqrt(2 / (200 + 400)), None),
        (lambda p: init.xavier_normal_(p, gain=2), 0.0, 2 * math.sqrt(2 / 600), None),
        (lambda p: init.kaiming_uniform_(p, nonlinearity="relu"), 0.0, math.sqrt(2 / 200), None),
        (
            lambda p: init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu"),
            0.0,
            math.sqrt(2 / 400),
            None,
        ),
        (lambda p: init.kaiming_uniform_(p, a=math.sqrt(5)), 0.0, math.sqrt(1 / 3 / 200), None),
    ],
    ids=[
        "uniform",
        "normal",
        "xavier_uniform",
        "xavier_normal",
        "kaiming_uniform",
        "kaiming_normal_fan_out",
        "kaiming_linear_default",
    ],
)
def test_distribution_statistics(fill, mean, std, bound):
    autograd.manual_seed(0)
    p = param(400, 200)  # fan_in 200, fan_out 400; 80,000 samples
    fill(p)
    assert p.data.dtype == np.float32
    assert p.data.mean() == pytest.approx(mean, abs=0.01 * max(std, 0.1))
    assert p.data.std() == pytest.approx(std, rel=0.02)
    if bound:
        assert bound[0] <= p.data.min() and p.data.max() <= bound[1]


def test_uniform_bounds_of_xavier_and_kaiming():
    autograd.manual_seed(0)
    p = param(30, 20)
    init.xavier_uniform_(p)
    assert np.abs(p.data).max() <= math.sqrt(6 / 50)
    init.kaiming_uniform_(p, nonlinearity="relu")
    assert np.abs(p.data).max() <= math.sqrt(2) * math.sqrt(3 / 20)


def test_orthogonal():
    autograd.manual_seed(0)
    for shape in [(5, 3), (3, 5)]:
        p = param(*shape, dtype=np.float64)
        init.orthogonal_(p, gain=2.0)
        small = min(shape)
        gram = p.data.T @ p.data if shape[0] > shape[1] else p.data @ p.data.T
        np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-12)


def test_init_is_reproducible_and_uses_library_generator():
    autograd.manual_seed(7)
    a = init.normal_(param(10)).data.copy()
    autograd.manual_seed(7)
    b = init.normal_(param(10)).data.copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, init.normal_(param(10)).data)


def test_init_errors():
    with pytest.raises(ValueError, match="kaiming_normal_: mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(param(2, 2), mode="fan_avg")
    with pytest.raises(TypeError, match="uniform_: tensor must be floating point"):
        init.uniform_(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="normal_: expected a Tensor or ndarray, got list"):
        init.normal_([1.0, 2.0])
    with pytest.raises(ValueError, match="uniform_: need a <= b"):
        init.uniform_(param(2), 1.0, 0.0)


INITS = [
    lambda t: init.uniform_(t),
    lambda t: init.normal_(t),
    lambda t: init.constant_(t, 0.5),
    init.zeros_,
    init.ones_,
    init.xavier_uniform_,
    init.xavier_normal_,
    init.kaiming_uniform_,
    init.kaiming_normal_,
    init.orthogonal_,
]


@pytest.mark.parametrize("fill", INITS)
def test_init_with_grad_mode_on_fills_outside_the_graph_and_counts_as_a_change(fill):
    # PyTorch's init functions run under no_grad: the parameter stays a leaf with no history,
    # and a graph that saved its old values refuses to backpropagate with the new ones.
    w = param(3, 4)
    loss = (w * w).sum()
    assert autograd.is_grad_enabled()
    assert fill(w) is w
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_constant_with_a_value_that_requires_grad_is_a_constant_as_in_pytorch():
    value = autograd.tensor(2.0, requires_grad=True)
    w = init.constant_(param(3), value)
    assert w.is_leaf and w.grad_fn is None
    np.testing.assert_array_equal(w.numpy(), [2.0, 2.0, 2.0])
