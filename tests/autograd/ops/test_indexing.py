"""take, take_along_axis, diagonal."""

import numpy as np
import pytest

import autograd as ag
from autograd.ops.indexing import ScatterAdd

from .checks import check_op, gradient, make, uniform

CALLS = {
    "take_flat": lambda x: np.take(x, [0, 11, 3, 3]),
    "take_axis": lambda x: np.take(x, [[0, -1], [2, 2]], axis=1),
    "take_scalar_index": lambda x: np.take(x, 2, axis=0),
    "take_wrap": lambda x: np.take(x, [5, -7], axis=1, mode="wrap"),
    "take_clip": lambda x: np.take(x, [9, -3], axis=0, mode="clip"),
    "along_sorted": lambda x: np.take_along_axis(x, np.argsort(x.data, axis=0), axis=0),
    "along_repeated": lambda x: np.take_along_axis(x, np.array([[0, 0, 3]] * 3), axis=1),
    "along_broadcast": lambda x: np.take_along_axis(x, np.array([[1, 2]]), axis=1),
    "along_flat": lambda x: np.take_along_axis(x, np.array([11, 0, 0]), axis=None),
    "diagonal": lambda x: np.diagonal(x),
    "diagonal_offset": lambda x: np.diagonal(x, 1),
    "diagonal_negative_offset": lambda x: np.diagonal(x, -1),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_indexing(name):
    check_op(CALLS[name], [uniform((3, 4), 1)], linear=True)


def test_diagonal_of_a_stack_along_other_axes():
    check_op(lambda x: np.diagonal(x, 1, 2, 0), [uniform((3, 2, 4), 2)], linear=True)


def test_repeated_indices_add_up():
    grad = gradient(lambda x: np.take(x, [0, 2, 2, 2]), [0.0, 0.0, 0.0])[0]
    np.testing.assert_array_equal(grad, [1.0, 0.0, 3.0])
    grad = gradient(
        lambda x: np.take_along_axis(x, np.array([[1, 1], [0, 1]]), 1), np.zeros((2, 2))
    )
    np.testing.assert_array_equal(grad[0], [[0.0, 2.0], [1.0, 1.0]])


def test_errors_follow_numpy():
    x = uniform((3, 4), 3)
    with pytest.raises(IndexError, match="take: index 4 is out of bounds for axis 1 with size 4"):
        np.take(x, [4], axis=1)
    with pytest.raises(IndexError, match="take_along_axis"):
        np.take_along_axis(x, np.array([[3]]), axis=0)
    with pytest.raises(TypeError, match="integers"):
        np.take(x, [0.5])
    with pytest.raises(ValueError, match="diagonal"):
        np.diagonal(x[0])


def test_methods_and_names():
    x = uniform((3, 4), 4)
    np.testing.assert_allclose(x.take([1, 0], axis=1).data, x.data.take([1, 0], axis=1))
    np.testing.assert_allclose(x.diagonal().data, x.data.diagonal())
    assert np.take(x, [0]).grad_fn.fn.name == "take"
    assert ag.take_along_axis(x, np.zeros((1, 1), int), 0).grad_fn.fn.name == "take_along_axis"


INDEXING = {
    "int_index": lambda x: x[1],
    "negative_int": lambda x: x[-1, 2],
    "slices": lambda x: x[:, 1:3, ::2],
    "ellipsis_none": lambda x: x[..., None, 1],
    "int_array_repeats": lambda x: x[np.array([0, 1, 1, 0])],
    "int_array_pairs": lambda x: x[np.array([0, 1, 1]), np.array([2, 0, 2])],
    "list_index": lambda x: x[:, [2, 2, 0]],
    "bool_mask": lambda x: x[x.data > 0],
    "tensor_index": lambda x: x[ag.Tensor(np.array([1, 1, 0]))],
}


@pytest.mark.parametrize("name", sorted(INDEXING))
def test_indexing_gradients(name):
    assert ag.gradcheck(INDEXING[name], [make((2, 3, 4), 9)])


@pytest.mark.parametrize(
    "index, shape",
    [(np.array([0, 2, 2, 1]), (3, 3)), ((slice(1, None), 0), (5, 4)), (np.array([1, 1]), (2, 4))],
    ids=["repeated_rows", "slice", "all_to_one_row"],
)
def test_scatter_add_gradients(index, shape):
    # GetItem's backward as an op of its own (what lets indexing be differentiated twice).
    x = make(np.zeros(shape)[index].shape, 18)
    assert ag.gradcheck(lambda t: ScatterAdd.apply(t, index=index, shape=shape), [x])


def test_repeated_integer_indices_accumulate():
    x = ag.Tensor(np.arange(4.0), requires_grad=True)
    x[np.array([0, 2, 2, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 3.0, 0.0])


@pytest.mark.parametrize(
    "dim, size, step", [(0, 2, 1), (1, 3, 2), (-1, 1, 3), (1, 5, 1), (0, 0, 1)]
)
def test_unfold_windows_match_torch_and_gradients_accumulate(dim, size, step):
    x = uniform((3, 5), seed=size + step)
    out = x.unfold(dim, size, step)
    assert out.grad_fn is not None
    assert ag.gradcheck(lambda t: t.unfold(dim, size, step), [x])
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.numpy(), requires_grad=True)
    expected = t.unfold(dim, size, step)
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    weights = np.random.default_rng(0).standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=1e-12)


def test_unfold_is_a_view_and_overlapping_windows_refuse_writes():
    x = ag.arange(6.0)
    windows = x.unfold(0, 2, 2)  # no overlap: writes reach x, as in PyTorch
    assert np.shares_memory(windows.numpy(), x.numpy())
    windows[1] = 0.0
    np.testing.assert_array_equal(x.numpy(), [0, 1, 0, 0, 4, 5])
    x[0] = 9.0  # and x's changes show through the view
    assert windows[0, 0].item() == 9.0
    with pytest.raises(RuntimeError, match="cannot be written"):
        x.unfold(0, 3, 1)[0] = 1.0


def test_unfold_bad_size_is_named():
    with pytest.raises(ValueError, match=r"unfold: size 4 must be between 0 and the length 3"):
        ag.ones(3).unfold(0, 4, 1)


def test_unfold_view_writes_and_base_writes_keep_gradients_right():
    data = np.array([0.5, -1.0, 2.0, 0.25])
    x = ag.tensor(data, requires_grad=True)
    y = x * 1
    y.unfold(0, 2, 2)[0] = ag.tensor([5.0, 6.0], dtype=np.float64)  # rewrites y's history
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.numpy(), [5.0, 6.0, 2.0, 0.25])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 4.0, 0.5])
    x = ag.tensor(data, requires_grad=True)
    y = x * 1
    windows = y.unfold(0, 3, 1)
    z = (windows * windows).sum()  # saves the (overlapping) windows
    y[0] = 7.0  # changes them through the memory they share
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()
    flipped = ag.tensor(data).flip(0)  # (a negative-stride base: the windows are a copy)
    np.testing.assert_array_equal(flipped.unfold(0, 2, 1).numpy()[:, 0], data[::-1][:3])
