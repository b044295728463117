"""Module system: registration, naming, traversal, modes, state_dict, repr and errors."""

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.array([2.0], dtype=np.float32))
        self.fc = nn.Linear(3, 2)
        self.bn = nn.BatchNorm1d(2)
        self.register_buffer("steps", np.zeros(1, dtype=np.int64))
        self.note = "plain attribute"

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Linear(2, 1, bias=False)

    def forward(self, x):
        return self.head(self.block(x))


def test_named_parameters_are_dotted_in_registration_order():
    names = [n for n, _ in Net().named_parameters()]
    assert names == [
        "block.scale",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "head.weight",
    ]


def test_state_dict_keys_match_pytorch_naming_and_include_buffers():
    sd = Net().state_dict()
    # PyTorch's order: a module's own parameters, then its own buffers, then each child.
    assert list(sd) == [
        "block.scale",
        "block.steps",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "block.bn.running_mean",
        "block.bn.running_var",
        "block.bn.num_batches_tracked",
        "head.weight",
    ]
    assert isinstance(sd, OrderedDict)
    # Tensors that do not require grad, as PyTorch's (sd[k].size(), sd[k].numel() work).
    assert all(isinstance(v, autograd.Tensor) and not v.requires_grad for v in sd.values())
    assert sd["head.weight"].size() == (1, 2) and sd["head.weight"].numel() == 2
    assert sd["block.bn.num_batches_tracked"].dtype == np.int64


def test_state_dict_values_share_the_parameters_memory_as_pytorchs():
    net = Net()
    sd = net.state_dict()
    snapshot = copy.deepcopy(sd)  # PyTorch's idiom for a snapshot
    with autograd.no_grad():
        net.head.weight += 1.0  # training after state_dict() changes its values too
    np.testing.assert_array_equal(sd["head.weight"].numpy(), net.head.weight.numpy())
    np.testing.assert_array_equal(snapshot["head.weight"].numpy() + 1.0, net.head.weight.numpy())
    sd["head.weight"][...] = 123.0  # a write into it is a write into the model, counted
    assert np.all(net.head.weight.numpy() == 123.0)
    net.load_state_dict(snapshot)
    np.testing.assert_array_equal(net.head.weight.numpy(), snapshot["head.weight"].numpy())


def test_sequential_keys_are_positions():
    seq = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_shared_parameter_is_yielded_once_but_saved_under_each_name():
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert seq.num_parameters() == 6


def test_buffers_children_and_modules():
    net = Net()
    assert [n for n, _ in net.named_buffers()] == [
        "block.steps",
        "block.bn.running_mean",
        "block.bn.running_var",
        "block.bn.num_batches_tracked",
    ]
    assert all(not b.requires_grad for b in net.buffers())
    assert [n for n, _ in net.named_children()] == ["block", "head"]
    assert list(net.children()) == [net.block, net.head]
    names = [n for n, _ in net.named_modules()]
    assert names == ["", "block", "block.fc", "block.bn", "head"]
    assert list(net.modules())[0] is net


def test_parameters_non_recursive():
    assert [n for n, _ in Block().named_parameters(recurse=False)] == ["scale"]


def test_plain_attributes_are_not_registered():
    b = Block()
    assert b.note == "plain attribute"
    b.tensor_attr = autograd.Tensor([1.0])  # a plain Tensor is not a parameter
    assert "tensor_attr" not in dict(b.named_parameters())


def test_reassigning_and_deleting_updates_registries():
    b = Block()
    b.fc = nn.Linear(3, 5)
    assert b.fc.out_features == 5 and "fc.weight" in dict(b.named_parameters())
    b.scale = None
    assert "scale" not in dict(b.named_parameters())
    assert b.scale is None
    del b.fc
    assert "fc.weight" not in dict(b.named_parameters())
    with pytest.raises(AttributeError, match="Block.*fc"):
        b.fc  # noqa: B018


def test_assigning_array_to_buffer_wraps_it():
    b = Block()
    b.steps = np.array([7], dtype=np.int64)
    assert isinstance(b.steps, autograd.Tensor)
    assert b.state_dict()["steps"].tolist() == [7]


def test_non_persistent_buffer_not_in_state_dict():
    m = nn.Module()
    m.register_buffer("cache", np.zeros(2), persistent=False)
    assert "cache" in dict(m.named_buffers())
    assert m.state_dict() == OrderedDict()


def test_train_eval_propagate():
    net = Net()
    assert net.training and net.block.bn.training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(TypeError, match="Net.train.*bool"):
        net.train("no")


def test_zero_grad_none_and_zeros():
    lin = nn.Linear(2, 1)
    x = autograd.Tensor(np.ones((3, 2), dtype=np.float32))
    lin(x).sum().backward()
    assert lin.weight.grad is not None
    lin.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(lin.weight.grad, np.zeros((1, 2)))
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None


def test_apply_visits_children_first():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "Block", "Linear", "Net"]


def test_num_parameters_and_trainable_only():
    net = Net()
    assert net.num_parameters() == 1 + (6 + 2) + (2 + 2) + 2
    net.block.requires_grad_(False)
    assert net.num_parameters(trainable_only=True) == 2


def test_double_casts_parameters_and_buffers():
    net = Net().double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.block.bn.running_mean.dtype == np.float64
    assert net.block.bn.num_batches_tracked.dtype == np.int64  # integers untouched
    out = net(autograd.Tensor(np.ones((4, 3))))
    assert out.dtype == np.float64
    with pytest.raises(TypeError, match="floating"):
        net.to(np.int32)


def test_repr_shows_tree():
    seq = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.2), nn.Dropout(0.1))
    assert repr(seq) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=4, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Dropout(p=0.1)\n"
        ")"
    )
    assert repr(nn.ReLU()) == "ReLU()"
    nested = repr(nn.Sequential(nn.Sequential(nn.Tanh())))
    assert nested == "Sequential(\n  (0): Sequential(\n    (0): Tanh()\n  )\n)"


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(np.zeros(3, dtype=np.float32))
    assert isinstance(p, autograd.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:")
    t = autograd.Tensor(np.ones(2))
    assert nn.Parameter(t)._data is t._data
    assert not nn.Parameter(t, requires_grad=False).requires_grad


# ------------------------------------------------------------------------------ errors


def test_forgetting_super_init_is_explained():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\).*Bad"):
        Bad()


def test_unknown_attribute_names_class_and_attribute():
    with pytest.raises(AttributeError, match="'Linear' module has no attribute 'wieght'"):
        nn.Linear(2, 2).wieght  # noqa: B018


def test_bad_assignment_to_parameter_slot():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="Linear.*ndarray.*parameter 'weight'"):
        lin.weight = np.zeros((2, 2))


def test_register_name_errors():
    m = nn.Module()
    with pytest.raises(ValueError, match="register_buffer.*'a.b'"):
        m.register_buffer("a.b", np.zeros(1))
    m.x = 3
    with pytest.raises(KeyError, match="'x' already exists"):
        m.register_parameter("x", None)
    with pytest.raises(TypeError, match="register_buffer.*'y'.*str"):
        m.register_buffer("y", "text")
    with pytest.raises(TypeError, match="register_parameter.*nn.Parameter"):
        m.register_parameter("z", autograd.Tensor([1.0]))


def test_forward_not_implemented():
    with pytest.raises(NotImplementedError, match="Module.forward"):
        nn.Module()(1)


# ---------------------------------------------------------------------- load_state_dict


def test_load_state_dict_round_trip_gives_identical_outputs():
    autograd.manual_seed(0)
    a, b = Net(), Net()
    x = autograd.Tensor(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    a(x)  # update a's BatchNorm statistics so that buffers differ too
    a.eval()
    b.eval()
    weight_before = b.head.weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.head.weight is weight_before  # same Parameter object: optimizers stay valid
    np.testing.assert_array_equal(a(x).data, b(x).data)
    assert int(b.block.bn.num_batches_tracked.item()) == 1


def _unchanged(net, before):
    return all(np.array_equal(v, net.state_dict()[k]) for k, v in before.items())


def test_shape_mismatch_names_key_and_both_shapes_and_changes_nothing():
    net = Net()
    before = copy.deepcopy(net.state_dict())  # a snapshot: state_dict() shares memory
    sd = {k: v + 1 for k, v in before.items()}
    sd["head.weight"] = np.zeros((3, 2), dtype=np.float32)
    with pytest.raises(RuntimeError, match=r"'head.weight': shape \(3, 2\).*\(1, 2\)"):
        net.load_state_dict(sd)
    assert _unchanged(net, before)


def test_missing_and_unexpected_keys_strict_and_not():
    net = Net()
    before = copy.deepcopy(net.state_dict())  # a snapshot: state_dict() shares memory
    sd = {k: v + 1 for k, v in before.items()}
    del sd["block.fc.bias"]
    sd["extra.weight"] = np.zeros(1)
    with pytest.raises(RuntimeError, match="missing key 'block.fc.bias'") as err:
        net.load_state_dict(sd)
    assert "unexpected key 'extra.weight'" in str(err.value)
    assert _unchanged(net, before)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["block.fc.bias"]
    assert result.unexpected_keys == ["extra.weight"]
    np.testing.assert_array_equal(net.head.weight.data, before["head.weight"] + 1)
    np.testing.assert_array_equal(net.block.fc.bias.data, before["block.fc.bias"])


def test_shape_mismatch_raises_even_when_not_strict():
    net = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="'bias'"):
        net.load_state_dict({"bias": np.zeros(3)}, strict=False)


def test_load_rejects_non_numeric_values_and_non_dicts():
    lin = nn.Linear(1, 1)
    with pytest.raises(RuntimeError, match="'bias'.*not numeric"):
        lin.load_state_dict({"weight": np.zeros((1, 1)), "bias": np.array(["a"])})
    with pytest.raises(TypeError, match="Linear.load_state_dict"):
        lin.load_state_dict([1, 2])


def test_load_accepts_tensors_and_casts_dtype():
    lin = nn.Linear(2, 1)
    lin.load_state_dict({"weight": autograd.Tensor(np.array([[1.0, 2.0]])), "bias": [0.5]})
    assert lin.weight.dtype == np.float32
    np.testing.assert_array_equal(lin.weight.data, [[1.0, 2.0]])


def test_module_calls_are_grouped_in_graph_drawings():
    model = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 3), act=nn.ReLU()))
    x = autograd.Tensor(np.ones((4, 2), dtype=np.float32))
    source = autograd.draw_graph(model(x).sum(), group_modules=model).source
    assert "fc1: Linear(2→3)" in source and "act: ReLU" in source
    with autograd.no_grad():
        assert model(x).grad_fn is None


def test_deepcopy_gives_an_independent_model():
    import copy

    net = Net()
    clone = copy.deepcopy(net)
    assert clone.head.weight is dict(clone.named_parameters())["head.weight"]
    assert clone.head.weight is not net.head.weight
    clone.head.weight.data[...] = 0.0
    assert np.any(net.head.weight.data != 0.0)
