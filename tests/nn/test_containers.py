"""Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict."""

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


class _WithParameterContainers(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.ws = module.ParameterList([module.Parameter(_ones(2)), _ones(3)])
        self.table = module.ParameterDict({"scale": _ones(1), "shift": module.Parameter(_ones(2))})


def _ones(n):
    return autograd.tensor(np.ones(n))


def test_parameter_list_and_dict_register_like_torch():
    model = _WithParameterContainers(nn)
    keys = ["ws.0", "ws.1", "table.scale", "table.shift"]
    assert list(model.state_dict()) == keys
    assert [n for n, _ in model.named_parameters()] == keys
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    torch = pytest.importorskip("torch")

    class Theirs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.ones(3)])
            self.table = torch.nn.ParameterDict(
                {"scale": torch.ones(1), "shift": torch.nn.Parameter(torch.ones(2))}
            )

    assert list(Theirs().state_dict()) == keys
    model.load_state_dict({k: v.detach().numpy() * 2 for k, v in Theirs().state_dict().items()})
    np.testing.assert_array_equal(model.ws[1].data, [2.0, 2.0, 2.0])


def test_parameter_list_behaves_as_a_list():
    a, b = nn.Parameter(_ones(1)), _ones(2)
    params = nn.ParameterList([a])
    params.append(b)
    params += [_ones(3)]
    assert len(params) == 3 and params[0] is a and params[-1].shape == (3,)
    assert isinstance(params[1], nn.Parameter) and np.shares_memory(params[1].numpy(), b.numpy())
    assert [p.shape for p in params] == [(1,), (2,), (3,)]
    assert [p.shape for p in params[1:]] == [(2,), (3,)]
    params[0] = _ones(4)
    assert list(params.state_dict()) == ["0", "1", "2"] and params[0].shape == (4,)
    params.append(nn.Linear(2, 1))
    assert list(params.state_dict())[-2:] == ["3.weight", "3.bias"]
    with pytest.raises(IndexError, match="ParameterList: index 7 is out of range for length 4"):
        params[7]
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        params(1)
    with pytest.raises(TypeError, match="ParameterList.extend: expected an iterable"):
        params.extend(_ones(2))


def test_parameter_dict_behaves_as_a_dict():
    table = nn.ParameterDict([("a", _ones(1)), ("b", _ones(2))])
    assert list(table) == ["a", "b"] and "a" in table and len(table) == 2
    table["c"] = _ones(3)
    assert list(table.keys()) == ["a", "b", "c"] and isinstance(table["c"], nn.Parameter)
    assert table.pop("b").shape == (2,) and list(table.state_dict()) == ["a", "c"]
    assert table.get("zz") is None and table.setdefault("d", _ones(1)).shape == (1,)
    assert table.popitem()[0] == "d"
    assert [k for k, _ in table.copy().items()] == ["a", "c"]
    del table["a"]
    assert list(table.state_dict()) == ["c"]
    table.clear()
    assert len(table) == 0 and list(table.parameters()) == []
    with pytest.raises(KeyError, match="ParameterDict has no key 'x'"):
        table["x"]
    with pytest.raises(KeyError, match="attribute 'keys' already exists"):
        table["keys"] = _ones(1)
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        table()


def test_an_optimizer_trains_parameters_in_a_parameter_list():
    import optim

    params = nn.ParameterList([autograd.tensor(np.array([3.0])), autograd.tensor(np.array([-2.0]))])
    opt = optim.SGD(params.parameters(), lr=0.25)
    for _ in range(20):
        opt.zero_grad()
        (params[0] ** 2 + params[1] ** 2).sum().backward()
        opt.step()
    assert abs(params[0].item()) < 1e-3 and abs(params[1].item()) < 1e-3
