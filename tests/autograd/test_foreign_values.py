"""Complex values, object arrays and np.vectorize never cut the graph silently: they raise.

Backward treats a complex or object result as a constant, so ``x.grad`` would stay None (or
miss a term) with no warning; PyTorch refuses the same mixes.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd


@pytest.fixture
def x():
    return autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)


def test_complex_operand_is_refused_with_the_reason(x):
    with pytest.raises(TypeError, match=r"add: the result is complex .*real floating-point"):
        abs(x + np.array([1j, 1j]))
    with pytest.raises(TypeError, match="the result is complex"):
        x * np.complex128(1)
    with pytest.raises(TypeError, match="cannot hold data of type complex"):
        x + 1j


def test_object_array_operand_is_refused(x):
    with pytest.raises(TypeError, match=r"mul: the result is an object array"):
        x * np.array([1, 2], dtype=object)


def test_np_vectorize_and_frompyfunc_on_a_tensor_requiring_grad_are_refused(x):
    with pytest.raises(TypeError, match=r"np.vectorize.*outside the graph"):
        np.vectorize(lambda v: v * 2)(x)
    with pytest.raises(TypeError, match=r"outside the graph"):
        np.vectorize(lambda v: v * 2, otypes=[float])(x)
    with pytest.raises(TypeError, match=r"has no recorded derivative"):
        np.frompyfunc(lambda v: v, 1, 1)(x)


def test_the_same_values_work_outside_the_graph(x):
    plain = x.detach()
    assert np.vectorize(lambda v: v * 2)(plain).tolist() == [2.0, 4.0]
    assert (x.detach().numpy() + 1j).dtype.kind == "c"
    with autograd.no_grad():  # nothing is recorded, so nothing can be cut
        assert (x * np.array([1, 2], dtype=object)).data.dtype == object
