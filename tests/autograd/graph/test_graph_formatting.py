"""How numbers and arrays are written on the drawing and in the tables."""

from __future__ import annotations

import numpy as np
import pytest

from autograd.graph.formatting import format_array, format_number, has_nonfinite


@pytest.mark.parametrize(
    "value, text",
    [
        (2.0, "2"),
        (-0.0, "0"),
        (1 / 3, "0.3333"),
        (123456.0, "1.235e+05"),
        (np.float32(-4.5), "-4.5"),
        (np.int64(7), "7"),
        (np.bool_(True), "True"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_array_small_in_full_big_summarised():
    assert format_array(np.array(3.0)) == "3"
    assert format_array(np.array([[1.0, 2.0]])) == "[[1, 2]]"
    assert format_array(np.arange(6.0).reshape(2, 3)) == "[[0, 1, 2], [3, 4, 5]]"
    assert format_array(np.arange(7.0)) == "min 0 mean 3 max 6"
    assert format_array(np.zeros(0)) == "[] (empty)"
    assert format_array(np.array([True, False] * 6)) == "6 True of 12"
    # Integers print short: a batch of 10 class labels is printed whole.
    assert format_array(np.arange(10)) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
    assert format_array(np.arange(11)) == "min 0 mean 5 max 10"
    # Summaries have 2 significant digits: a glance at the spread...
    assert format_array(np.linspace(-0.1234, 0.4567, 10)) == "min -0.12 mean 0.17 max 0.46"
    # ...or 3 where that writes the number exactly: inverted dropout's 1 / (1 - 0.2) = 1.25.
    mask = np.array([0.0, 1.25, 1.25, 1.25, 1.25, 0.0, 1.25], dtype=np.float32)
    assert format_array(mask) == "min 0 mean 0.89 max 1.25"


def test_format_array_counts_nonfinite_values():
    values = np.array([1.0, np.nan, 3.0, np.inf, 5.0, 7.0, 9.0])
    assert format_array(values) == "min 1 mean 5 max 9; 2 NaN/Inf"
    assert format_array(np.full(8, np.nan)) == "all 8 NaN/Inf"
    assert has_nonfinite(values) and not has_nonfinite(np.ones(3)) and not has_nonfinite(None)
    assert not has_nonfinite(np.arange(3))  # integers are always finite
