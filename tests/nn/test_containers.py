"""Sequential, ModuleList and ModuleDict."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn


def test_sequential_chains_forward():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    x = autograd.Tensor(np.array([[1.0, -2.0]], dtype=np.float32))
    expected = np.maximum(x.data @ seq[0].weight.data.T + seq[0].bias.data, 0)
    np.testing.assert_allclose(seq(x).data, expected, rtol=1e-6)


def test_sequential_indexing_len_iter_append():
    a, b, c = nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 1)
    seq = nn.Sequential(a, b)
    assert len(seq) == 2 and list(seq) == [a, b]
    assert seq[0] is a and seq[-1] is b
    assert seq.append(c) is seq
    assert seq[2] is c and list(seq.state_dict())[-1] == "2.bias"
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == [b, c]
    assert list(sub.state_dict()) == ["2.weight", "2.bias"]  # names kept, like PyTorch
    with pytest.raises(IndexError, match="Sequential: index 3 is out of range for length 3"):
        seq[3]
    with pytest.raises(TypeError, match="Sequential: indices must be integers"):
        seq["0"]


def test_sequential_setitem_delitem_renumbers():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    seq[1] = nn.Identity()
    assert isinstance(seq[1], nn.Identity)
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"]
    assert isinstance(seq[0], nn.Identity) and isinstance(seq[1], nn.Sigmoid)


def test_sequential_from_ordered_dict_uses_names():
    seq = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 2), act=nn.ReLU(), fc2=nn.Linear(2, 1)))
    assert list(seq.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert seq.fc1 is seq[0]


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="Sequential: expected an nn.Module, got function"):
        nn.Sequential(lambda x: x)


def test_module_list_registers_and_edits():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3
    assert [n for n, _ in layers.named_parameters()][:2] == ["0.weight", "0.bias"]
    layers.insert(0, nn.ReLU())
    assert isinstance(layers[0], nn.ReLU) and len(layers) == 4
    del layers[0]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2"]
    layers.extend([nn.Tanh()])
    assert isinstance(layers[-1], nn.Tanh)
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 3
    with pytest.raises(NotImplementedError, match="ModuleList.forward"):
        layers(1)


def test_module_dict():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    assert list(d) == ["enc", "dec"] and "enc" in d and len(d) == 2
    assert list(d.state_dict())[0] == "enc.weight"
    d["act"] = nn.ReLU()
    assert list(d.keys()) == ["enc", "dec", "act"]
    assert d.pop("act").__class__ is nn.ReLU and "act" not in d
    with pytest.raises(KeyError, match="ModuleDict has no key 'zzz'"):
        d["zzz"]
    with pytest.raises(KeyError, match="'keys' already exists"):
        d["keys"] = nn.ReLU()
