"""PyTorch's type promotion (autograd.promotion): ``result_type`` over every pair of dtypes and
operand kinds, checked against ``torch.result_type`` where torch is installed and against
hand-picked cases everywhere; the binary ops give that dtype and keep their gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd as ag
from autograd.promotion import result_type

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def operands():
    """(label, our operand, a maker of torch's operand) for every dtype in every role."""
    for name in DTYPES:
        dtype = np.dtype(name)
        one = np.ones(3, dtype=dtype)
        yield f"tensor[{name}]", ag.tensor(one), ("tensor", one)
        yield f"0-d[{name}]", ag.tensor(one[0:1].reshape(())), ("tensor", one[0:1].reshape(()))
        yield f"ndarray[{name}]", one, ("tensor", one)
        yield f"np.{name}", one[0], ("tensor", one[0:1].reshape(()))
    for number in (True, 2, 2.5):
        yield f"python {type(number).__name__}", number, ("python", number)


PAIRS = [
    (a, b)
    for a, b in itertools.product(list(operands()), repeat=2)
    if isinstance(a[1], ag.Tensor) or isinstance(b[1], ag.Tensor)
]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (ag.tensor([1.0]), ag.tensor([1]), "float32"),  # float tensor with int tensor: float32
        (ag.tensor([1.0]), ag.tensor(2), "float32"),  # a 0-d int tensor is a scalar
        (ag.tensor([1.0]), ag.tensor(np.float64(2)), "float32"),  # 0-d of the same category
        (ag.tensor([1]), 2.5, "float32"),  # a Python float is float32
        (ag.tensor([1]), ag.tensor(np.float64(2.5)), "float64"),  # a 0-d float over ints
        (ag.tensor([1], dtype="int32"), 7, "int32"),
        (ag.tensor([True]), 1, "int64"),
        (ag.tensor([1.0]), np.ones(2), "float64"),  # a NumPy array counts as a tensor
        (ag.tensor(np.ones(2, dtype="int8")), np.ones(2, dtype="uint8"), "int16"),
        (ag.tensor(np.ones(2, dtype="float16")), ag.tensor([1]), "float16"),
    ],
)
def test_result_type_cases(a, b, expected):
    assert result_type(a, b) == np.dtype(expected)
    assert (a + b).dtype == np.dtype(expected)
    assert (b * a).dtype == np.dtype(expected)


def test_result_type_equals_torch_over_all_pairs():
    torch = pytest.importorskip("torch")

    def theirs(made):
        kind, value = made
        return torch.from_numpy(np.array(value)) if kind == "tensor" else value

    wrong = []
    for (la, a, ma), (lb, b, mb) in PAIRS:
        expected = str(torch.result_type(theirs(ma), theirs(mb))).removeprefix("torch.")
        if result_type(a, b) != np.dtype(expected):
            wrong.append(f"{la} with {lb}: ours {result_type(a, b)}, torch {expected}")
    assert not wrong, "\n".join(wrong[:20])


def test_every_elementwise_op_gives_the_result_type():
    ops = [
        ag.add,
        ag.subtract,
        ag.multiply,
        ag.maximum,
        ag.minimum,
        ag.remainder,
        ag.power,
        ag.fmax,
        ag.arctan2,
    ]
    for (la, a, _), (lb, b, _) in PAIRS:
        expected = result_type(a, b)
        if expected.kind == "b":
            continue  # arithmetic on bools is not what these ops are for
        for fn in ops:
            if fn in (ag.arctan2,) and expected.kind != "f":
                continue
            with np.errstate(all="ignore"):
                got = fn(a, b)
            assert got.dtype == expected, (fn.__name__, la, lb, got.dtype, expected)


def test_true_division_of_integers_is_float32_as_in_pytorch():
    assert (ag.tensor([3]) / ag.tensor([2])).dtype == np.float32
    assert (ag.tensor([3]) / 2).dtype == np.float32
    assert (7 / ag.tensor([2])).item() == 3.5


def test_promotion_is_a_recorded_cast_with_the_right_gradient():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    p = ag.tensor([1, 2, 3])
    y = x.pow(p)  # "Learning PyTorch with Examples": a float32 input to an int64 power
    assert y.dtype == np.float32
    y.sum().backward()
    assert np.allclose(x.grad, [1.0, 4.0, 27.0])
    w = ag.tensor(np.array([0.5, -1.0]), requires_grad=True)  # float64
    assert ag.gradcheck(lambda w: w * ag.tensor([2, 3]) + ag.tensor(np.float32(1.5)), (w,))


FLOAT_VALUED = [
    "exp", "log", "sqrt", "sigmoid", "log1p", "expm1", "log2", "log10", "exp2", "sin", "cos",
    "tan", "arcsin", "arccos", "arctan", "deg2rad", "rad2deg", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "reciprocal", "erf", "rsqrt",
]  # fmt: skip
TORCH_NAMES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
               "arccosh": "acosh", "arctanh": "atanh"}  # fmt: skip


@pytest.mark.parametrize("name", FLOAT_VALUED)
@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_float_valued_ops_of_integer_tensors_are_float32_as_in_pytorch(name, dtype):
    x = ag.tensor(np.array([1, 2, 3]).astype(dtype))
    with np.errstate(all="ignore"):
        out = getattr(x, name)()
        expected = getattr(ag.tensor(x.numpy().astype(np.float32)), name)()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    torch = pytest.importorskip("torch")
    theirs = getattr(torch, TORCH_NAMES.get(name, name))(torch.tensor(x.numpy()))
    assert str(theirs.dtype) == "torch.float32"


def test_float_inputs_and_numpy_arrays_keep_their_dtypes():
    for dtype in (np.float16, np.float32, np.float64):
        assert ag.sqrt(ag.tensor(np.ones(2, dtype))).dtype == dtype
    assert np.sqrt(np.arange(3)).dtype == np.float64  # NumPy's own arrays: NumPy's rule
    assert ag.arctan2(ag.tensor([1, 2]), ag.tensor([1.0], dtype=np.float64)).dtype == np.float64
    assert ag.hypot(ag.tensor([3]), ag.tensor([4])).dtype == np.float32
    assert ag.hypot(ag.tensor([3]), ag.tensor([4])).item() == 5.0
