"""flip, roll, sort: permutations of the elements, undone on the gradient."""

import numpy as np
import pytest

import autograd as ag

from .checks import check_op, gradient, uniform

CALLS = {
    "flip_all": lambda x: np.flip(x),
    "flip_axis": lambda x: np.flip(x, 1),
    "flip_axes": lambda x: np.flip(x, (0, 2)),
    "roll_flat": lambda x: np.roll(x, 5),
    "roll_axis": lambda x: np.roll(x, -1, axis=1),
    "roll_axes": lambda x: np.roll(x, (1, 2), axis=(0, 2)),
    "sort_last": lambda x: np.sort(x),
    "sort_axis0": lambda x: np.sort(x, axis=0),
    "sort_flat": lambda x: np.sort(x, axis=None),
    "sort_stable": lambda x: np.sort(x, axis=1, stable=True),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_reorder(name):
    check_op(CALLS[name], [uniform((2, 3, 4), 1)], linear=True)


def test_sort_sends_each_gradient_back_to_its_element():
    x = ag.Tensor(np.array([3.0, 1.0, 2.0]), requires_grad=True)
    y = np.sort(x)
    np.testing.assert_array_equal(y.data, [1.0, 2.0, 3.0])
    (y * ag.Tensor(np.array([10.0, 20.0, 30.0]))).sum().backward()
    np.testing.assert_array_equal(x.grad, [30.0, 10.0, 20.0])


def test_roll_and_flip_hand_derived():
    weights = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        gradient(lambda x: np.roll(x, 1) * weights, [0.0] * 3)[0], [2, 3, 1]
    )
    np.testing.assert_array_equal(gradient(lambda x: np.flip(x) * weights, [0.0] * 3)[0], [3, 2, 1])


def test_methods_and_names():
    x = uniform((3, 4), 2)
    np.testing.assert_allclose(x.flip(0).data, np.flip(x.data, 0))
    np.testing.assert_allclose(x.roll(1, 1).data, np.roll(x.data, 1, 1))
    assert np.sort(x).grad_fn.fn.name == "sort"
    # ndarray.sort sorts in place; the method is PyTorch's, which returns values and indices
    values, indices = x.sort(0)
    np.testing.assert_allclose(values.data, np.sort(x.data, 0))


@pytest.mark.parametrize(
    "k, dims", [(1, (0, 1)), (2, (0, 1)), (3, (1, 2)), (-1, (2, 0)), (4, (0, 1))]
)
def test_rot90_is_numpys_and_torchs(k, dims):
    x = uniform((2, 3, 4), seed=k + 5)
    check_op(lambda t: ag.rot90(t, k, dims), [x], lambda a: np.rot90(a, k, dims), linear=True)
    np.testing.assert_array_equal(np.rot90(x, k, axes=dims).numpy(), np.rot90(x.numpy(), k, dims))
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(
        x.rot90(k, dims).numpy(), torch.rot90(torch.tensor(x.numpy()), k, dims).numpy()
    )


def test_rot90_refuses_one_axis_twice():
    with pytest.raises(ValueError, match=r"rot90: dims \(1, 1\) must name two different axes"):
        ag.rot90(ag.ones((2, 2)), 1, (1, 1))
