"""Each op added for issue 13 is declared once: autograd's function, NumPy's route, the method."""

import inspect

import numpy as np
import pytest

import autograd as ag
from autograd.registry import NUMPY

ROUTES = {
    "square": [np.square],
    "reciprocal": [np.reciprocal],
    "cbrt": [np.cbrt],
    "float_power": [np.float_power],
    "ldexp": [np.ldexp],
    "log1p": [np.log1p],
    "expm1": [np.expm1],
    "log2": [np.log2],
    "log10": [np.log10],
    "exp2": [np.exp2],
    "logaddexp": [np.logaddexp],
    "logaddexp2": [np.logaddexp2],
    "tan": [np.tan],
    "arcsin": [np.arcsin],
    "arccos": [np.arccos],
    "arctan": [np.arctan],
    "arctan2": [np.arctan2],
    "hypot": [np.hypot],
    "deg2rad": [np.deg2rad, np.radians],
    "rad2deg": [np.rad2deg, np.degrees],
    "sinh": [np.sinh],
    "cosh": [np.cosh],
    "tanh": [np.tanh],
    "arcsinh": [np.arcsinh],
    "arccosh": [np.arccosh],
    "arctanh": [np.arctanh],
    "fmax": [np.fmax],
    "fmin": [np.fmin],
    "fabs": [np.fabs],
    "copysign": [np.copysign],
    "remainder": [np.remainder, np.mod],
    "fmod": [np.fmod],
    "conjugate": [np.conjugate, np.conj],
    "prod": [np.prod],
    "cumsum": [np.cumsum],
    "cumprod": [np.cumprod],
    "diff": [np.diff],
    "repeat": [np.repeat],
    "tile": [np.tile],
    "pad": [np.pad],
    "flip": [np.flip],
    "roll": [np.roll],
    "sort": [np.sort],
    "take": [np.take],
    "take_along_axis": [np.take_along_axis],
    "diagonal": [np.diagonal],
    "matrix_trace": [np.trace],
    "einsum": [np.einsum],
    "tensordot": [np.tensordot],
    "outer": [np.outer],
    "norm": [np.linalg.norm],
    "moveaxis": [np.moveaxis],
    "ravel": [np.ravel],
    "atleast_1d": [np.atleast_1d],
    "atleast_2d": [np.atleast_2d],
    "atleast_3d": [np.atleast_3d],
}
# Not methods: sort (ndarray.sort sorts in place, PyTorch's returns indices too), and functions
# that neither ndarray nor PyTorch has as a method. np.trace's function is ``matrix_trace``
# (``autograd.trace`` is the graph tracer); its method is ``Tensor.trace``.
NOT_METHODS = {
    # (Tensor.sort and Tensor.norm are PyTorch's, declared separately: torch_ops.py)
    *("cbrt", "ldexp", "fabs", "pad", "take_along_axis", "einsum", "tensordot"),
    *("atleast_1d", "atleast_2d", "atleast_3d", "matrix_trace"),
}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_numpy_routes_to_the_autograd_function(name):
    for numpy_function in ROUTES[name]:
        # (NumPy's call goes to the NumPy-spelled function the public one wraps, if it does.)
        assert NUMPY[numpy_function] is inspect.unwrap(getattr(ag, name))


def test_methods():
    for name in ROUTES:
        assert hasattr(ag.Tensor, name) == (name not in NOT_METHODS), name
    assert ag.Tensor.trace is ag.matrix_trace
    assert ag.Tensor.conj is ag.Tensor.conjugate is ag.conj is ag.conjugate
