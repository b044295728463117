"""autograd/legacy_tensors.py: PyTorch's typed constructors (``torch.LongTensor([1, 2])``,
``torch.FloatTensor(2, 3)``) and the same names in ``isinstance`` and ``t.type(...)``, against
PyTorch where installed; the converter maps them without a warning."""

import numpy as np
import pytest

import autograd as ag
from backproplab.port import convert_source

DTYPES = {
    "BoolTensor": np.bool_,
    "ByteTensor": np.uint8,
    "CharTensor": np.int8,
    "ShortTensor": np.int16,
    "IntTensor": np.int32,
    "LongTensor": np.int64,
    "HalfTensor": np.float16,
    "FloatTensor": np.float32,
    "DoubleTensor": np.float64,
}


@pytest.mark.parametrize("name", sorted(DTYPES))
def test_data_sizes_and_nothing(name):
    cls = getattr(ag, name)
    t = cls([[1, 0], [2, 3]])
    assert type(t) is ag.Tensor and t.dtype == DTYPES[name] and t.shape == (2, 2)
    np.testing.assert_array_equal(t.numpy(), np.array([[1, 0], [2, 3]]).astype(DTYPES[name]))
    sized = cls(2, 3)
    assert sized.shape == (2, 3) and sized.dtype == DTYPES[name] and not sized.numpy().any()
    assert cls().shape == (0,) and cls(np.int64(4)).shape == (4,)
    assert isinstance(t, cls) and not isinstance(t.astype(np.complex64), cls)
    assert not isinstance(t.numpy(), cls) and not issubclass(cls, ag.Tensor)


def test_conversions_and_isinstance_follow_pytorch():
    assert ag.LongTensor([1.7, -1.7]).tolist() == [1, -1]  # truncated, as PyTorch
    assert ag.BoolTensor([2, 0]).tolist() == [True, False]
    x = ag.zeros(2, requires_grad=True)
    assert ag.FloatTensor(x) is x  # same dtype: the tensor itself (PyTorch: an alias)
    assert isinstance(ag.zeros(2), ag.FloatTensor)
    assert not isinstance(ag.zeros(2, dtype=np.float64), ag.FloatTensor)
    assert not isinstance(ag.zeros(2), ag.LongTensor)
    cast = ag.tensor([1.5, 2.5]).type(ag.LongTensor)
    assert cast.dtype == np.int64 and cast.tolist() == [1, 2]
    assert repr(ag.FloatTensor) == "<class 'autograd.FloatTensor'>"


def test_errors():
    with pytest.raises(TypeError, match=r"FloatTensor: expected a tensor of dtype float32, got "):
        ag.FloatTensor(ag.tensor([1, 2]))
    with pytest.raises(TypeError, match="FloatTensor: data must be a sequence .got float"):
        ag.FloatTensor(2.5)
    with pytest.raises(TypeError, match="LongTensor: takes one sequence of data or sizes"):
        ag.LongTensor([1], 2)
    with pytest.raises(ValueError, match="LongTensor: backproplab runs on the CPU"):
        ag.LongTensor(2, device="cuda")
    with pytest.raises(AttributeError, match="BFloat16Tensor.*no bfloat16"):
        ag.BFloat16Tensor  # noqa: B018


def test_matches_torch():
    torch = pytest.importorskip("torch")
    for name in DTYPES:
        for args in ([[1.5, 0.0], [2.0, 3.7]], (2, 3), ()):
            ours = getattr(ag, name)(*args) if isinstance(args, tuple) else getattr(ag, name)(args)
            theirs = (
                getattr(torch, name)(*args)
                if isinstance(args, tuple)
                else getattr(torch, name)(args)
            )
            assert ours.shape == tuple(theirs.shape), name
            assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), name
            if args and not isinstance(args, tuple):
                np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
            assert isinstance(ours, getattr(ag, name)) and isinstance(theirs, getattr(torch, name))
            assert ours.type() == theirs.type()


def test_the_converter_maps_them_without_warnings():
    result = convert_source(
        "import torch\nx = torch.LongTensor([1, 2])\ny = torch.FloatTensor(2)\n"
    )
    assert "autograd.LongTensor([1, 2])" in result.texts[0]
    assert "autograd.FloatTensor(2)" in result.texts[0]
    assert not result.warnings
