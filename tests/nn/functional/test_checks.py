"""nn/functional/checks.py: the argument checks nn.functional shares, and their messages."""

import numpy as np
import pytest

import autograd
from nn.functional.checks import (
    as_tensor,
    check_size,
    loss_pair,
    reduce,
    resolve_spelling,
    target_like,
)


def test_either_spelling_of_an_argument_and_never_both():
    assert resolve_spelling("softmax", "axis", None, "dim", None, -1) == -1
    assert resolve_spelling("softmax", "axis", 0, "dim", None, -1) == 0
    assert resolve_spelling("softmax", "axis", None, "dim", 1, -1) == 1
    with pytest.raises(TypeError, match=r"^softmax: got both axis= \(NumPy's name\) and dim="):
        resolve_spelling("softmax", "axis", 0, "dim", 1, -1)


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4"])
def test_a_layer_size_is_a_positive_int(value):
    with pytest.raises(
        ValueError, match=rf"^Linear: in_features must be a positive int, got {value!r}$"
    ):
        check_size("Linear", "in_features", value)


def test_sizes_accept_numpy_ints_and_zero_where_allowed():
    assert check_size("Linear", "in_features", np.int64(3)) == 3
    assert check_size("Linear", "out_features", 0, allow_zero=True) == 0


def test_reduce_and_the_target_in_the_inputs_dtype():
    loss = autograd.tensor(np.array([1.0, 2.0, 6.0]))
    assert reduce(loss, "mean").item() == 3.0 and reduce(loss, "sum").item() == 9.0
    assert reduce(loss, "none") is loss
    x = autograd.tensor([1.0, 2.0])  # float32
    assert target_like(x, np.array([0.5, 1.5])).dtype == np.float32
    assert as_tensor(x) is x and as_tensor([1, 2], dtype=np.float64).dtype == np.float64


def test_loss_pair_checks_reduction_dtype_and_shape():
    x, y = loss_pair("mse_loss", [1.0, 2.0], [0.0, 0.0], "sum")
    assert x.dtype == y.dtype == np.float32
    with pytest.raises(ValueError, match="mse_loss: reduction must be"):
        loss_pair("mse_loss", [1.0], [1.0], "avg")
    with pytest.raises(TypeError, match="mse_loss: input must be floating point, got dtype int64"):
        loss_pair("mse_loss", [1, 2], [1, 2], "mean")
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(2,\) and target shape \(3,\)"):
        loss_pair("mse_loss", [1.0, 2.0], [1.0, 2.0, 3.0], "mean")
