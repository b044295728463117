"""Clear messages for ragged lists and PyTorch names backproplab lacks; empty-list indexing."""

from __future__ import annotations

import numpy as np
import pytest

import autograd


def test_ragged_nested_list_names_the_rows_that_differ():
    with pytest.raises(ValueError, match=r"ragged: the rows of data have lengths 2, 1;"):
        autograd.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"the rows of data\[1\] have lengths 2, 1"):
        autograd.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])
    with pytest.raises(ValueError, match="inhomogeneous") as info:
        np.asarray([[1.0, 2.0], [3.0]])  # NumPy's own message, which ours replaces
    assert "ragged" not in str(info.value)


@pytest.mark.parametrize(
    "name, hint",
    [
        ("softplus", "logaddexp"),
        ("nansum", "autograd.where"),
        ("mT", "swapaxes"),
    ],
)
def test_missing_pytorch_tensor_name_gives_the_nearest_equivalent(name, hint):
    t = autograd.tensor([1.0, 2.0])
    with pytest.raises(AttributeError, match=f"no attribute '{name}': ") as info:
        getattr(t, name)
    assert hint in str(info.value)


def test_every_hinted_equivalent_exists():
    t = autograd.tensor(np.array([[1.0, 4.0], [9.0, 2.0]]), requires_grad=True)
    assert t.max(axis=1).tolist() == [4.0, 9.0]
    assert t.clamp(min=3.0).tolist() == [[3.0, 4.0], [9.0, 3.0]]
    assert autograd.take_along_axis(t, np.array([[1], [0]]), axis=1).tolist() == [[4.0], [9.0]]
    assert t.swapaxes(-2, -1).shape == (2, 2)


def test_missing_module_function_gives_the_nearest_equivalent():
    with pytest.raises(AttributeError, match=r"is_tensor.*isinstance\(x, autograd.Tensor\)"):
        autograd.is_tensor  # noqa: B018


def test_indexing_with_an_empty_list_selects_nothing():
    x = autograd.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    picked = x[[]]
    assert picked.shape == (0, 2)
    picked.sum().backward()
    assert np.asarray(x.grad).tolist() == [[0.0, 0.0]] * 3
    assert x[[], 0].shape == (0,)
