"""A Tensor in Python's own protocols behaves as a torch.Tensor: format(), operator.index(),
bool(), int(), float()."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import autograd as ag


def test_format_of_a_0d_tensor_is_the_format_of_its_number():
    loss = ag.tensor(0.123456)
    assert f"{loss:.4f}" == "0.1235"
    assert "{:+.2f}".format(ag.tensor(-1.5)) == "-1.50"  # noqa: UP032 - str.format's path
    assert f"{ag.tensor(7):>4d}" == "   7"
    assert f"{loss}" == str(loss.item())  # no spec: still the number, as in PyTorch


def test_format_spec_on_a_tensor_with_dimensions_is_refused():
    with pytest.raises(TypeError):
        f"{ag.tensor([1.0, 2.0]):.2f}"
    assert f"{ag.tensor([1.0, 2.0])}" == "tensor([1., 2.])"


def test_index_takes_one_element_integer_tensors_only():
    i = ag.tensor(2)
    assert [10, 20, 30][i] == 30
    assert list(range(i)) == [0, 1]
    assert "abcdef"[ag.tensor(1) : ag.tensor([4])] == "bcd"
    assert operator.index(ag.tensor(np.uint8(3))) == 3
    for bad in (ag.tensor(1.0), ag.tensor([1, 2]), ag.tensor(True)):
        with pytest.raises(TypeError, match="integer tensors of a single element"):
            operator.index(bad)


def test_bool_int_float_take_one_element():
    assert bool(ag.tensor([0.5])) and not bool(ag.tensor(0))
    assert int(ag.tensor(2.9)) == 2 and float(ag.tensor([3])) == 3.0
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        bool(ag.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="no values is ambiguous"):
        bool(ag.zeros(0))
    with pytest.raises(ValueError, match="one-element"):
        float(ag.tensor([1.0, 2.0]))


def test_against_torch():
    torch = pytest.importorskip("torch")
    for value in (0.123456, -2.0, 3):
        ours, theirs = ag.tensor(value), torch.tensor(value)
        spec = ".3f" if isinstance(value, float) else "d"
        assert format(ours, spec) == format(theirs, spec)
        assert f"{ours}" == f"{theirs}"
    assert [1, 2, 3][ag.tensor(1)] == [1, 2, 3][torch.tensor(1)]
    for value in ([0.0], [2.0], 1, 0):
        assert bool(ag.tensor(value)) == bool(torch.tensor(value))
