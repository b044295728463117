"""Bad input: clear errors naming the op and the shapes, and nothing half-built."""

import numpy as np
import pytest

import autograd as ag


def test_matmul_shape_mismatch_names_both_shapes():
    a, b = ag.Tensor(np.ones((2, 3))), ag.Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        a @ b
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        ag.Tensor(np.ones(3)) @ ag.Tensor(np.ones(4))
    with pytest.raises(ValueError, match="scalar"):
        ag.Tensor(np.ones(3)) @ ag.Tensor(2.0)


def test_broadcast_mismatch_names_op_and_shapes():
    a, b = ag.Tensor(np.ones((2, 3))), ag.Tensor(np.ones((4,)))
    for op, name in [(lambda: a + b, "add"), (lambda: a * b, "mul"), (lambda: a - b, "sub")]:
        with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\)"):
            op()


def test_unsupported_operand_type_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="str"):
        ag.Tensor([1.0]) + "a"
    with pytest.raises(TypeError, match="dict"):
        ag.Tensor({"a": 1})


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(ValueError, match="floating"):
        ag.Tensor(np.array([1, 2]), requires_grad=True)


def test_only_leaves_can_change_requires_grad():
    y = ag.Tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_reshape_and_axis_errors():
    x = ag.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match=r"^sum: axis 2 is out of bounds.*\(2, 3\)"):
        x.sum(axis=2)  # the op is named once, and the operand's shape is given
    with pytest.raises(ValueError, match=r"swapaxes: axis 5 .* shape \(2, 3\)"):
        x.swapaxes(0, 5)
    np.testing.assert_array_equal(x.swapaxes(-1, 0).shape, (3, 2))
    with pytest.raises(ValueError, match="squeeze"):
        x.squeeze(0)
    with pytest.raises(ValueError, match="stack"):
        ag.stack([x, ag.Tensor(np.ones((3, 2)))])


def test_index_out_of_range():
    with pytest.raises(ValueError, match=r"getitem.*\(2, 3\)"):
        ag.Tensor(np.ones((2, 3)))[5]


def test_failed_op_leaves_no_graph_behind():
    w = ag.Tensor(np.ones((2, 3)), requires_grad=True)
    loss = (w * 2).sum()
    with pytest.raises(ValueError):
        w @ ag.Tensor(np.ones((2, 3)))
    loss.backward()  # the failed op added nothing to w's graph
    np.testing.assert_array_equal(w.grad, np.full((2, 3), 2.0))


def test_missing_backward_names_the_op():
    class NoBackward(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    y = NoBackward.apply(ag.Tensor([1.0], requires_grad=True))
    with pytest.raises(NotImplementedError, match="nobackward"):
        y.sum().backward()


def test_backward_returning_wrong_shape_is_caught():
    class BadShape(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return np.ones(7)

    y = BadShape.apply(ag.Tensor(np.ones(3), requires_grad=True))
    with pytest.raises(RuntimeError, match=r"badshape.*\(7,\).*\(3,\)"):
        y.sum().backward()


def test_detect_anomaly_names_forward_op():
    x = ag.Tensor(np.array([1.0, -1.0]), requires_grad=True)
    with (
        ag.detect_anomaly(),
        np.errstate(invalid="ignore"),
        pytest.raises(RuntimeError, match="forward of 'log'"),
    ):
        x.log()
    with np.errstate(invalid="ignore"):
        x.log()  # outside the block: NaN passes silently, as in NumPy


def test_detect_anomaly_names_backward_op():
    x = ag.Tensor(np.array([0.0, 1.0]), requires_grad=True)
    y = x.sqrt().sum()  # forward is finite; d sqrt/dx at 0 is inf
    with (
        ag.detect_anomaly(),
        np.errstate(divide="ignore"),
        pytest.raises(RuntimeError, match="backward of 'sqrt'"),
    ):
        y.backward()


def test_a_tensor_method_in_forward_says_forward_gets_arrays():
    class Clamped(ag.Function):
        tensor_io = False  # the array form the library's own ops use (a user's op gets Tensors)

        @staticmethod
        def forward(ctx, x):
            return x.clamp(min=0)  # PyTorch style: x is an ndarray here

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(AttributeError, match="forward receives NumPy arrays"):
        Clamped.apply(ag.tensor([1.0, -1.0], requires_grad=True))
