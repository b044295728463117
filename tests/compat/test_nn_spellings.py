"""nn.functional and nn layers take NumPy's ``axis=`` and PyTorch's ``dim=`` alike:
the same numbers and gradients either way, one of the two per call, PyTorch's positional order."""

import inspect

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F
from nn.functional.checks import resolve_spelling

FUNCTIONS = {"softmax": F.softmax, "log_softmax": F.log_softmax}
LAYERS = {"Softmax": (nn.Softmax, F.softmax), "LogSoftmax": (nn.LogSoftmax, F.log_softmax)}
# NumPy's spelling -> PyTorch's, for every argument the two libraries name differently.
PAIRS = {"axis": "dim", "keepdims": "keepdim"}


def logits(seed=0, shape=(2, 3, 4)):
    data = np.random.default_rng(seed).standard_normal(shape)
    return autograd.Tensor(data, requires_grad=True)


def value_and_grad(fn):
    """fn's output and the gradient of sum(output * weights) with respect to fresh logits."""
    x = logits()
    out = fn(x)
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * weights).sum().backward()
    return out.data, x.grad


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("axis", [-3, -2, -1, 0, 1, 2])
def test_functions_give_the_same_values_and_grads_with_either_spelling(name, axis):
    fn = FUNCTIONS[name]
    want_value, want_grad = value_and_grad(lambda x: fn(x, axis=axis))
    for call in (lambda x: fn(x, dim=axis), lambda x: fn(x, axis)):  # keyword; PyTorch's order
        value, grad = value_and_grad(call)
        np.testing.assert_array_equal(value, want_value)
        np.testing.assert_array_equal(grad, want_grad)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_default_axis_is_the_last_one_in_either_spelling(name):
    fn = FUNCTIONS[name]
    x = logits()
    for value in (fn(x).data, fn(x, axis=None).data, fn(x, dim=None).data):
        np.testing.assert_array_equal(value, fn(x, axis=-1).data)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_layers_give_the_same_values_and_grads_with_either_spelling(name, axis):
    layer, fn = LAYERS[name]
    want_value, want_grad = value_and_grad(lambda x: fn(x, axis=axis))
    for module in (layer(dim=axis), layer(axis=axis), layer(axis)):
        assert module.dim == axis and repr(module) == f"{name}(dim={axis})"
        value, grad = value_and_grad(module)
        np.testing.assert_array_equal(value, want_value)
        np.testing.assert_array_equal(grad, want_grad)
    assert layer().dim == -1


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_both_spellings_at_once_is_a_type_error_naming_the_function(name):
    fn, x = FUNCTIONS[name], logits()
    pattern = rf"^{name}: got both axis= \(NumPy's name\) and dim= \(PyTorch's\); give one$"
    with pytest.raises(TypeError, match=pattern):
        fn(x, axis=1, dim=1)
    with pytest.raises(TypeError, match=pattern):
        fn(x, 1, dim=1)  # positional axis, keyword dim


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_refuse_both_spellings_at_once(name):
    layer, _ = LAYERS[name]
    with pytest.raises(TypeError, match=rf"^{name}: got both axis= .* and dim= "):
        layer(dim=0, axis=0)
    with pytest.raises(TypeError, match=rf"^{name}: got both axis="):
        layer(1, axis=1)


def test_an_axis_out_of_range_names_the_function_in_either_spelling():
    x = logits()
    for kwargs in ({"axis": 3}, {"dim": 3}, {"dim": -4}):
        with pytest.raises(ValueError, match=r"softmax: axis .* is out of range.*\(2, 3, 4\)"):
            F.softmax(x, **kwargs)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_dtype_casts_the_input_first_as_pytorch_does(name):
    fn = FUNCTIONS[name]
    x = autograd.Tensor(np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32))
    out = fn(x, dim=1, dtype=np.float64)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, fn(x.astype(np.float64), axis=1).data)


def test_every_function_and_layer_with_an_axis_takes_both_spellings():
    """Guards the rule as nn grows: a NumPy name without its PyTorch twin (or the reverse) in
    any public nn.functional function or layer constructor fails here."""
    checked = []
    callables = {f"F.{n}": getattr(F, n) for n in F.__all__}
    callables.update(
        {f"nn.{n}": getattr(nn, n) for n in nn.__all__ if isinstance(getattr(nn, n), type)}
    )
    for label, obj in callables.items():
        if not callable(obj):
            continue
        params = set(inspect.signature(obj).parameters)
        for numpy_name, torch_name in PAIRS.items():
            if numpy_name in params or torch_name in params:
                assert {numpy_name, torch_name} <= params, (label, numpy_name, torch_name)
                checked.append(label)
    assert {"F.softmax", "F.log_softmax", "nn.Softmax", "nn.LogSoftmax"} <= set(checked)


def test_resolve_spelling_is_the_one_rule():
    assert resolve_spelling("f", "axis", None, "dim", None, -1) == -1
    assert resolve_spelling("f", "axis", 0, "dim", None, -1) == 0
    assert resolve_spelling("f", "keepdims", None, "keepdim", True, False) is True
    with pytest.raises(TypeError, match="^f: got both keepdims= .* and keepdim= "):
        resolve_spelling("f", "keepdims", False, "keepdim", False, False)


# ------------------------------------------------------------------ against torch, if installed


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_functions_with_dim_match_torch(name, dim):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(3).standard_normal((3, 4, 5)) * 10
    ours = autograd.Tensor(data.copy(), requires_grad=True)
    theirs = torch.tensor(data.copy(), requires_grad=True)
    out = FUNCTIONS[name](ours, dim=dim)
    ref = getattr(torch.nn.functional, name)(theirs, dim=dim)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    weights = np.random.default_rng(4).standard_normal(data.shape)
    (out * weights).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_with_dim_match_torch(name):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(5).standard_normal((2, 3, 4))
    out = LAYERS[name][0](dim=1)(autograd.Tensor(data))
    ref = getattr(torch.nn, name)(dim=1)(torch.tensor(data))
    np.testing.assert_allclose(out.data, ref.numpy(), rtol=1e-12, atol=1e-14)
