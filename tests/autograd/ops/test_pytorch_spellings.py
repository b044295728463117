"""The ops and variants that issue 14 added for PyTorch's spellings: values as NumPy computes
them, first and second derivatives by central differences in float64."""

import numpy as np
import pytest

from .checks import check_op, uniform

CASES = {
    "clone": (lambda x: x.clone(), lambda x: np.copy(x), (3, 4)),
    "permute": (lambda x: x.permute(2, 0, 1), lambda x: np.transpose(x, (2, 0, 1)), (2, 3, 4)),
    "t": (lambda x: x.t(), lambda x: x.T, (3, 4)),
    "transpose_two": (lambda x: x.transpose(0, 2), lambda x: np.swapaxes(x, 0, 2), (2, 3, 4)),
    "flatten_start": (lambda x: x.flatten(1), lambda x: x.reshape(2, 12), (2, 3, 4)),
    "view": (lambda x: x.view(4, 3), lambda x: x.reshape(4, 3), (3, 4)),
    "unsqueeze": (lambda x: x.unsqueeze(1), lambda x: np.expand_dims(x, 1), (3, 4)),
    "max_dim_values": (lambda x: x.max(dim=1).values, lambda x: x.max(axis=1), (3, 4)),
    "std_dim": (lambda x: x.std(dim=1), lambda x: x.std(axis=1, ddof=1), (3, 4)),
    "var_correction": (lambda x: x.var(dim=0, correction=0), lambda x: x.var(axis=0), (3, 4)),
    "clamp": (lambda x: x.clamp(min=-0.5, max=0.7), lambda x: np.clip(x, -0.5, 0.7), (3, 4)),
}
LINEAR = {"clone", "permute", "t", "transpose_two", "flatten_start", "view", "unsqueeze"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pytorch_spelled_op_values_and_derivatives(name):
    fn, numpy_fn, shape = CASES[name]
    check_op(fn, [uniform(shape, 7)], numpy_fn=numpy_fn, linear=name in LINEAR)
