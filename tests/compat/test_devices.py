"""Devices and dtypes as PyTorch code passes them: ``device="cpu"`` is a no-op and any
other device a clear ValueError; ``dtype=`` takes NumPy dtypes and strings; ``model.to(...)``
takes a device, a dtype, both, or a tensor."""

import numpy as np
import pytest

import autograd
import nn
from nn.devices import check_device, floating_dtype, is_dtype


class CpuDevice:
    """Any object whose str is "cpu" (a torch.device("cpu"), say) names the CPU."""

    def __str__(self):
        return "cpu"


@pytest.mark.parametrize("device", [None, "cpu", "cpu:0", CpuDevice()], ids=repr)
def test_the_cpu_is_accepted(device):
    assert check_device(device, "here") is None
    t = autograd.zeros(2, 3, device=device)  # the functions that take a device accept it too
    assert t.device == "cpu" and t.shape == (2, 3)
    assert autograd.as_tensor(np.ones(2), device=device).device == "cpu"


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", "meta", 0])
def test_any_other_device_is_refused_with_the_reason(device):
    with pytest.raises(
        ValueError, match=rf"^here: backproplab runs on the CPU \(got device '{device}'\)$"
    ):
        check_device(device, "here")


def test_torch_devices_are_read_by_their_names():
    torch = pytest.importorskip("torch")
    check_device(torch.device("cpu"), "here")
    with pytest.raises(ValueError, match=r"\(got device 'cuda:1'\)"):
        check_device(torch.device("cuda", 1), "here")


def test_dtypes_resolve_from_numpy_types_dtypes_and_strings():
    for given in (np.float64, np.dtype("float64"), "float64", "f8", "double"):
        assert floating_dtype(given, "here") == np.float64
    assert floating_dtype(None, "here") == np.float32
    assert is_dtype("float32") and is_dtype(np.int64)
    assert not is_dtype("cpu") and not is_dtype("cuda:0") and not is_dtype(None)
    with pytest.raises(TypeError, match="^here: dtype must be floating, got int64$"):
        floating_dtype(np.int64, "here")
    with pytest.raises(TypeError, match="^here: 'flaot32' is not a data type$"):
        floating_dtype("flaot32", "here")


# ------------------------------------------------------------------ layer constructors

LAYERS = {
    "Linear": lambda **kw: nn.Linear(3, 2, **kw),
    "Conv2d": lambda **kw: nn.Conv2d(1, 2, 3, **kw),
    "BatchNorm1d": lambda **kw: nn.BatchNorm1d(3, **kw),
    "BatchNorm2d": lambda **kw: nn.BatchNorm2d(3, **kw),
    "LayerNorm": lambda **kw: nn.LayerNorm(3, **kw),
    "Embedding": lambda **kw: nn.Embedding(4, 3, **kw),
}


def floating_state(module):
    return [t for t in [*module.parameters(), *module.buffers()] if t.dtype.kind == "f"]


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("device", ["cpu", CpuDevice(), None], ids=repr)
def test_layers_accept_the_cpu_and_initialise_as_without_it(name, device):
    autograd.manual_seed(0)
    plain = LAYERS[name]().state_dict()
    autograd.manual_seed(0)
    placed = LAYERS[name](device=device).state_dict()
    assert list(placed) == list(plain)
    for key in plain:
        np.testing.assert_array_equal(placed[key], plain[key])


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_refuse_other_devices_naming_the_layer(name):
    with pytest.raises(
        ValueError, match=rf"^{name}: backproplab runs on the CPU \(got device 'cuda'\)"
    ):
        LAYERS[name](device="cuda")


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("dtype", [np.float64, np.dtype("float64"), "float64"], ids=str)
def test_layers_take_dtypes_as_numpy_types_dtypes_or_strings(name, dtype):
    layer = LAYERS[name](device="cpu", dtype=dtype)
    assert floating_state(layer) and all(t.dtype == np.float64 for t in floating_state(layer))
    assert all(t.dtype == np.float32 for t in floating_state(LAYERS[name]()))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_refuse_non_floating_dtypes(name):
    with pytest.raises(TypeError, match=rf"^{name}: dtype must be floating, got int64"):
        LAYERS[name](dtype=np.int64)


def test_constructor_arguments_in_pytorchs_order():
    # nn.Linear(in_features, out_features, bias=True, device=None, dtype=None), as PyTorch.
    lin = nn.Linear(3, 2, False, "cpu", np.float64)
    assert lin.bias is None and lin.weight.dtype == np.float64
    # Embedding's third positional argument is PyTorch's padding_idx, not a device or dtype.
    emb = nn.Embedding(10, 3, 0)
    assert emb.padding_idx == 0 and emb.weight.dtype == np.float32


# ------------------------------------------------------------------ model.to / cpu / cuda


def model():
    autograd.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def dtypes(m):
    return {str(t.dtype) for t in floating_state(m)}


@pytest.mark.parametrize("device", ["cpu", "cpu:0", CpuDevice()], ids=repr)
def test_to_the_cpu_is_a_no_op_that_keeps_gradients(device):
    m = model()
    m(autograd.Tensor(np.ones((5, 3), dtype=np.float32))).sum().backward()
    weight, grad = m[0].weight, m[0].weight.grad.copy()
    assert m.to(device) is m and m.to(device=device) is m and m.cpu() is m
    assert m[0].weight is weight and dtypes(m) == {"float32"}
    np.testing.assert_array_equal(m[0].weight.grad, grad)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.to(np.float64),
        lambda m: m.to("float64"),
        lambda m: m.to(np.dtype("float64")),
        lambda m: m.to(dtype="float64"),
        lambda m: m.to("cpu", np.float64),
        lambda m: m.to(device="cpu", dtype=np.float64),
        lambda m: m.to("cpu", dtype="float64"),
        lambda m: m.to(np.float64, non_blocking=True),
        lambda m: m.to(autograd.Tensor(np.zeros(2))),  # a tensor's dtype, as PyTorch
        lambda m: m.double(),
    ],
)
def test_to_a_dtype_casts_floating_state_only(call):
    m = model()
    assert call(m) is m and dtypes(m) == {"float64"}
    assert m[1].num_batches_tracked.dtype == np.int64
    assert m(autograd.Tensor(np.ones((5, 3)))).dtype == np.float64


def test_to_with_the_torch_style_dtype_names():
    m = model()
    assert m.to(autograd.float64) is m and dtypes(m) == {"float64"}
    m.to("cpu", autograd.float32)
    assert dtypes(m) == {"float32"}


def test_other_devices_and_bad_arguments_are_refused():
    m = model()
    with pytest.raises(
        ValueError, match=r"^Sequential\.to: backproplab runs on the CPU \(got device 'cuda'\)$"
    ):
        m.to("cuda")
    with pytest.raises(ValueError, match=r"got device 'cuda:0'"):
        m.to(device="cuda:0", dtype=np.float64)
    with pytest.raises(
        ValueError, match=r"^Sequential\.cuda: backproplab runs on the CPU \(got device 'cuda'\)$"
    ):
        m.cuda()
    with pytest.raises(ValueError, match=r"\(got device 'cuda:1'\)"):
        m.cuda(1)
    assert dtypes(m) == {"float32"}  # nothing was changed on the way
    with pytest.raises(TypeError, match="^Sequential.to: dtype must be floating, got int32$"):
        m.to(np.int32)
    with pytest.raises(TypeError, match="two dtypes"):
        m.to(np.float64, dtype=np.float32)
    with pytest.raises(TypeError, match="two devices"):
        m.to("cpu", device="cpu")
    with pytest.raises(TypeError, match="at most a device and a dtype"):
        m.to("cpu", np.float64, np.float64)
