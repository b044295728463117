"""Every op's backward against central differences, in float64, over broadcasting shape pairs."""

import re
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.ops.indexing import ScatterAdd

SHAPE_PAIRS = [
    ((), ()),
    ((4,), ()),
    ((), (4,)),
    ((3, 4), (4,)),
    ((3, 4), (1, 4)),
    ((3, 1), (1, 4)),
    ((3, 4), (3, 1)),
    ((2, 3, 4), (3, 4)),
]


def make(shape, seed, low=-2.0, high=2.0, name=None):
    rng = np.random.default_rng(seed)
    return ag.Tensor(rng.uniform(low, high, size=shape), requires_grad=True, name=name)


def positive(shape, seed):
    return make(shape, seed, 0.5, 2.0)


BINARY = {
    "add": (lambda a, b: a + b, make, make),
    "sub": (lambda a, b: a - b, make, make),
    "mul": (lambda a, b: a * b, make, make),
    "div": (lambda a, b: a / b, make, positive),
    "pow": (lambda a, b: a**b, positive, make),
    "maximum": (ag.maximum, make, make),
    "minimum": (ag.minimum, make, make),
    "where": (lambda a, b: ag.where(a.data > 0, a, b), make, make),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_op_gradients(op, shapes):
    fn, make_a, make_b = BINARY[op]
    a, b = make_a(shapes[0], 1), make_b(shapes[1], 2)
    assert ag.gradcheck(fn, [a, b])


@pytest.mark.parametrize(
    "scalar_op",
    [
        lambda a: a + 2.5,
        lambda a: 2.5 - a,
        lambda a: a * 3,
        lambda a: 3 / a,
        lambda a: a**3,
        lambda a: 2.0**a,
        lambda a: -a,
        lambda a: np.float64(2.0) * a,
        lambda a: np.ones(4) - a,
    ],
)
def test_ops_with_python_and_numpy_operands(scalar_op):
    assert ag.gradcheck(scalar_op, [positive((3, 4), 3)])


UNARY = {
    "exp": (lambda x: x.exp(), make),
    "log": (lambda x: x.log(), positive),
    "sqrt": (lambda x: x.sqrt(), positive),
    "abs": (lambda x: x.abs(), make),
    "sin": (lambda x: x.sin(), make),
    "cos": (lambda x: x.cos(), make),
    "tanh": (lambda x: x.tanh(), make),
    "sigmoid": (lambda x: x.sigmoid(), make),
    "relu": (lambda x: x.relu(), make),
    "clip": (lambda x: x.clip(-0.5, 0.7), make),
    "clip_lo": (lambda x: ag.clip(x, a_min=0.1), make),
    "clamp_max": (lambda x: x.clamp(max=0.3), make),
}


@pytest.mark.parametrize("op", sorted(UNARY))
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)], ids=str)
def test_unary_op_gradients(op, shape):
    fn, maker = UNARY[op]
    assert ag.gradcheck(fn, [maker(shape, 4)])


def test_astype_passes_the_gradient_back_in_the_input_dtype():
    # (float32 rounding is too coarse for central differences, so this one is checked by hand)
    x = ag.Tensor(np.array([1.5, -2.0]), requires_grad=True)
    y = x.astype(np.float32)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, -4.0])


def test_astype_gradients_between_float64_and_longdouble():
    # Astype's float64 gradcheck: a round trip through the wider type loses nothing.
    assert ag.gradcheck(lambda t: (t.astype(np.longdouble) * t).astype(np.float64), [make((3,), 4)])


@pytest.mark.parametrize(
    "index, shape",
    [(np.array([0, 2, 2, 1]), (3, 3)), ((slice(1, None), 0), (5, 4)), (np.array([1, 1]), (2, 4))],
    ids=["repeated_rows", "slice", "all_to_one_row"],
)
def test_scatter_add_gradients(index, shape):
    # GetItem's backward as an op of its own (what lets indexing be differentiated twice).
    x = make(np.zeros(shape)[index].shape, 18)
    assert ag.gradcheck(lambda t: ScatterAdd.apply(t, index=index, shape=shape), [x])


REDUCTIONS = ["sum", "mean", "max", "min", "var", "std", "logsumexp"]
AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_gradients(name, axis, keepdims):
    x = make((2, 3, 4), 5)
    assert ag.gradcheck(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), [x])


def test_var_and_std_with_ddof():
    x = make((4, 5), 6)
    assert ag.gradcheck(lambda t: t.var(axis=0, ddof=1), [x])
    assert ag.gradcheck(lambda t: t.std(axis=1, ddof=1), [x])


def test_max_splits_gradient_between_ties():
    x = ag.Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5, 0.0])


def test_pow_gradients_at_zero_follow_pytorch():
    # d(a^b)/da = 0 where b = 0 (a^0 is constant; the formula gives 0 * 0^-1 = NaN at a = 0),
    # d(a^b)/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0): PyTorch's values.
    a = ag.Tensor(np.array([0.0, 0.0, 1.0, 2.0, 0.0]), requires_grad=True)
    b = ag.Tensor(np.array([0.0, 2.0, 0.0, 0.0, 0.5]), requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_array_equal(a.grad[:4], [0.0, 0.0, 0.0, 0.0])
    assert a.grad[4] == np.inf  # d sqrt(a)/da at 0, as PyTorch
    np.testing.assert_allclose(b.grad, [0.0, 0.0, 0.0, np.log(2.0), 0.0])
    x = ag.Tensor(np.array([0.0, 3.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replaced NaN must not warn either
        (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    (g,) = ag.grad((x**2).sum(), x, create_graph=True)  # still differentiable twice
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.data, [2.0, 2.0])


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradients(shapes):
    a, b = make(shapes[0], 7), make(shapes[1], 8)
    expected = a.data @ b.data
    assert (a @ b).shape == expected.shape
    np.testing.assert_allclose((a @ b).data, expected)
    assert ag.gradcheck(lambda x, y: x @ y, [a, b])


DOT_SHAPES = [
    ((), (3, 4)),
    ((3,), ()),
    ((4,), (4,)),
    ((3, 4), (4,)),
    ((3, 4), (4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 3, 4), (6, 2, 4, 5)),
]


@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
def test_dot_follows_numpy_and_differentiates(shapes):
    a, b = make(shapes[0], 9), make(shapes[1], 10)
    expected = np.dot(a.data, b.data)
    for result in (ag.dot(a, b), a.dot(b), np.dot(a, b)):
        assert isinstance(result, ag.Tensor) and result.requires_grad
        np.testing.assert_allclose(result.data, expected)
    assert ag.gradcheck(ag.dot, [a, b])


def test_dot_names_misaligned_shapes():
    with pytest.raises(ValueError, match=r"dot: shapes \(3, 4\) and \(2, 5, 6\)"):
        ag.dot(ag.Tensor(np.ones((3, 4))), ag.Tensor(np.ones((2, 5, 6))))
    with pytest.raises(ValueError, match="matmul"):
        ag.dot(ag.Tensor(np.ones((3, 4))), ag.Tensor(np.ones((5, 6))))


MOVEMENT = {
    "reshape": lambda x: x.reshape(4, 6),
    "reshape_tuple": lambda x: x.reshape((2, -1)),
    "transpose": lambda x: x.transpose(),
    "transpose_axes": lambda x: x.transpose(1, 0, 2),
    "T": lambda x: x.T,
    "swapaxes": lambda x: x.swapaxes(0, 2),
    "flatten": lambda x: x.flatten(),
    "expand_squeeze": lambda x: x.expand_dims(1).squeeze(1),
    "expand_tuple": lambda x: x.expand_dims((0, 3)),
    "broadcast_to": lambda x: x[:, :1, :].broadcast_to((5, 2, 3, 4)),
    "int_index": lambda x: x[1],
    "negative_int": lambda x: x[-1, 2],
    "slices": lambda x: x[:, 1:3, ::2],
    "ellipsis_none": lambda x: x[..., None, 1],
    "int_array_repeats": lambda x: x[np.array([0, 1, 1, 0])],
    "int_array_pairs": lambda x: x[np.array([0, 1, 1]), np.array([2, 0, 2])],
    "list_index": lambda x: x[:, [2, 2, 0]],
    "bool_mask": lambda x: x[x.data > 0],
    "tensor_index": lambda x: x[ag.Tensor(np.array([1, 1, 0]))],
    "concatenate": lambda x: ag.concatenate([x, x[:, :1], x * 2], axis=1),
    "concatenate_neg": lambda x: ag.concatenate([x, x], axis=-1),
    "stack": lambda x: ag.stack([x, x * 3], axis=1),
    "stack_neg": lambda x: ag.stack([x[0], x[1]], axis=-1),
}


@pytest.mark.parametrize("name", sorted(MOVEMENT))
def test_movement_gradients(name):
    assert ag.gradcheck(MOVEMENT[name], [make((2, 3, 4), 9)])


def test_movement_matches_numpy():
    x = make((2, 3, 4), 10)
    d = x.data
    np.testing.assert_array_equal(x[..., None, 1].data, d[..., None, 1])
    np.testing.assert_array_equal(x.swapaxes(0, 2).data, d.swapaxes(0, 2))
    np.testing.assert_array_equal(ag.stack([x, x], axis=-1).data, np.stack([d, d], axis=-1))
    np.testing.assert_array_equal(x.expand_dims((0, 3)).data, np.expand_dims(d, (0, 3)))
    np.testing.assert_array_equal(x.squeeze().data, d.squeeze())


def test_repeated_integer_indices_accumulate():
    x = ag.Tensor(np.arange(4.0), requires_grad=True)
    x[np.array([0, 2, 2, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 3.0, 0.0])


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
