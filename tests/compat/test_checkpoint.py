"""autograd.save / autograd.load (also nn.save / nn.load, the same functions): exact round trips,
and refusing anything that would need unpickling."""

import json
import math
import os
import pickle
import stat
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import autograd.checkpoint
import nn

# Every test runs through both public names; they are one implementation (see the first test).
NAMES = {
    "autograd": (autograd.checkpoint.save, autograd.checkpoint.load),
    "nn": (nn.save, nn.load),
}


@pytest.fixture(params=sorted(NAMES))
def io(request):
    """``(save, load)`` under each public name."""
    return NAMES[request.param]


def test_nn_save_and_load_are_autograds():
    assert nn.save is autograd.checkpoint.save and nn.load is autograd.checkpoint.load


def test_autograd_exports_save_and_load():
    assert autograd.save is autograd.checkpoint.save
    assert autograd.load is autograd.checkpoint.load
    assert {"save", "load"} <= set(autograd.__all__)


class CreatesFileWhenUnpickled:
    """Unpickling this object calls open(path, "w"): a stand-in for arbitrary code."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def make_model():
    return nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))


def test_round_trip_of_nested_structure_is_exact(tmp_path, io):
    save, load = io
    obj = {
        "model": OrderedDict(
            [
                ("0.weight", np.arange(6, dtype=np.float32).reshape(2, 3)),
                ("bn.num_batches_tracked", np.array(3, dtype=np.int64)),
            ]
        ),
        "optimizer": {
            "state": {0: {"step": 5, "exp_avg": np.ones(3)}, 1: {}},
            "param_groups": [
                {
                    "lr": 1e-3,
                    "betas": (0.9, 0.999),
                    "params": [0, 1],
                    "nesterov": False,
                    "forced": None,
                }
            ],
        },
        "epoch": 12,
        "big": 2**70,
        "floats": [math.inf, -0.0, 0.1],
        "name": "run/1.a%b",
        "flags": np.array([True, False]),
        "half": np.float16(1.5),
        "labels": np.array(["cat", "dog"]),
        ("tuple", 1): "tuple key",
        "a/b": {"": np.zeros(1), "%2F": np.ones(1)},
        "tensor": autograd.Tensor(np.array([1.0, 2.0]), requires_grad=True),
        "param": nn.Parameter(np.array([3.0], dtype=np.float32)),
    }
    path = tmp_path / "ckpt.bin"
    save(obj, path)
    assert path.exists() and not list(tmp_path.glob(".*"))  # no .npz appended, no leftovers
    back = load(path)
    assert list(back) == list(obj)
    assert isinstance(back["model"], OrderedDict) and list(back["model"]) == list(obj["model"])
    np.testing.assert_array_equal(back["model"]["0.weight"], obj["model"]["0.weight"])
    assert back["model"]["0.weight"].dtype == np.float32
    assert back["model"]["bn.num_batches_tracked"].dtype == np.int64
    assert list(back["optimizer"]["state"]) == [0, 1]  # int keys stay ints
    assert back["optimizer"]["state"][0]["step"] == 5
    assert back["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert back["optimizer"]["param_groups"][0]["nesterov"] is False
    assert back["optimizer"]["param_groups"][0]["forced"] is None
    assert back["big"] == 2**70 and back["epoch"] == 12
    assert back["floats"][0] == math.inf and math.copysign(1, back["floats"][1]) == -1
    assert back["floats"][2] == 0.1 and back["name"] == "run/1.a%b"
    assert back["flags"].dtype == bool
    assert isinstance(back["half"], np.float16) and back["half"] == 1.5
    assert back["labels"].tolist() == ["cat", "dog"]
    assert back[("tuple", 1)] == "tuple key"
    assert back["a/b"][""].tolist() == [0.0] and back["a/b"]["%2F"].tolist() == [1.0]
    assert type(back["tensor"]) is autograd.Tensor and back["tensor"].requires_grad
    assert isinstance(back["param"], nn.Parameter) and back["param"].dtype == np.float32


def test_member_names_are_readable_paths(tmp_path, io):
    save, load = io
    save({"model": make_model().state_dict()}, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as z:
        assert "model/0.weight" in z.files and "model/1.running_var" in z.files


def test_model_save_load_gives_identical_outputs(tmp_path, io):
    save, load = io
    autograd.manual_seed(0)
    model = make_model()
    x = autograd.Tensor(np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32))
    model(x)  # move the BatchNorm statistics away from their defaults
    model.eval()
    save(model.state_dict(), tmp_path / "model.npz")
    autograd.manual_seed(1)
    fresh = make_model().eval()
    assert not np.array_equal(fresh(x).data, model(x).data)
    fresh.load_state_dict(load(tmp_path / "model.npz"))
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


def test_optimizer_state_round_trip_if_optim_available(tmp_path, io):
    save, load = io
    optim = pytest.importorskip("optim")
    model = make_model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    x = autograd.Tensor(np.ones((4, 3), dtype=np.float32))
    model(x).sum().backward()
    opt.step()
    save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "c.npz")
    back = load(tmp_path / "c.npz")
    opt2 = optim.Adam(make_model().parameters(), lr=0.5)
    opt2.load_state_dict(back["opt"])
    assert opt2.state_dict()["param_groups"][0]["lr"] == 0.01


def test_save_refuses_what_it_cannot_rebuild(tmp_path, io):
    save, load = io
    with pytest.raises(
        TypeError,
        match=r"cannot save Sequential at <root> \(save "
        r"model.state_dict\(\), not the model\)",
    ):
        save(make_model(), tmp_path / "x.npz")
    with pytest.raises(TypeError, match="the array at w has dtype object"):
        save({"w": np.array([object()])}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="dict key"):
        save({frozenset(): 1}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# ------------------------------------------------------------------------ hostile files


def test_pickled_object_inside_a_checkpoint_is_refused_and_never_run(tmp_path, io):
    save, load = io
    victim = tmp_path / "pwned"
    header = {"format": "backproplab-checkpoint", "version": 1, "tree": {"array": "w"}}
    payload = np.array([CreatesFileWhenUnpickled(victim)], dtype=object)
    path = tmp_path / "evil.npz"
    with open(path, "wb") as f:
        np.savez(f, __backproplab__=np.frombuffer(json.dumps(header).encode(), np.uint8), w=payload)
    with pytest.raises(ValueError, match="evil.npz"):
        load(path)
    assert not victim.exists()
    # The payload is real: an unsafe loader would have created the file.
    np.load(path, allow_pickle=True)["w"]
    assert victim.exists()


def test_pickled_members_without_header_and_pickle_files_are_refused(tmp_path, io):
    save, load = io
    victim = tmp_path / "pwned"
    npz = tmp_path / "plain.npz"
    np.savez(npz, w=np.array([CreatesFileWhenUnpickled(victim)], dtype=object))
    with pytest.raises(ValueError, match="plain.npz is not a valid backproplab checkpoint"):
        load(npz)
    pkl = tmp_path / "model.pkl"
    pkl.write_bytes(pickle.dumps({"w": CreatesFileWhenUnpickled(victim)}))
    with pytest.raises(ValueError, match="model.pkl is not a safe backproplab checkpoint"):
        load(pkl)
    assert not victim.exists()


def test_other_non_checkpoints_are_refused(tmp_path, io):
    save, load = io
    np.save(tmp_path / "a.npy", np.zeros(3))
    with pytest.raises(ValueError, match="plain .npy array"):
        load(tmp_path / "a.npy")
    (tmp_path / "junk").write_bytes(b"\x00\x01 definitely not numpy")
    with pytest.raises(ValueError, match="junk is not a safe backproplab checkpoint"):
        load(tmp_path / "junk")
    bad_header = tmp_path / "h.npz"
    with open(bad_header, "wb") as f:
        np.savez(f, __backproplab__=np.frombuffer(b"{not json", np.uint8))
    with pytest.raises(ValueError, match="unreadable header"):
        load(bad_header)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.npz")


def write_checkpoint(path, tree, **members):
    """A checkpoint file written by hand: the header ``tree`` and the array ``members``."""
    header = {"format": "backproplab-checkpoint", "version": 1, "tree": tree}
    with open(path, "wb") as f:
        np.savez(f, __backproplab__=np.frombuffer(json.dumps(header).encode(), np.uint8), **members)
    return path


def test_header_and_members_must_agree(tmp_path, io):
    _, load = io

    def write(tree, **members):
        return write_checkpoint(tmp_path / "c.npz", tree, **members)

    with pytest.raises(ValueError, match="missing array member 'w'"):
        load(write({"array": "w"}))
    with pytest.raises(ValueError, match=r"members not described by the header: \['extra'\]"):
        load(write({"array": "w"}, w=np.zeros(1), extra=np.zeros(1)))
    with pytest.raises(ValueError, match=r"unknown header entry \['code'\]"):
        load(write({"code": "print(1)"}))
    assert load(write({"list": [1, {"array": "w"}]}, w=np.ones(2)))[1].tolist() == [1, 1]


def test_saved_file_gets_the_usual_permissions(tmp_path, io):
    save, load = io
    previous = os.umask(0o022)
    try:
        save({"w": np.ones(2)}, tmp_path / "ckpt.npz")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "ckpt.npz").st_mode) == 0o644


# ------------------------------------------------------------------ tensor subclasses


def header_of(path):
    with np.load(path, allow_pickle=False) as z:
        return json.loads(z["__backproplab__"].tobytes())["tree"]


def test_parameters_are_flagged_and_tensors_are_not(tmp_path, io):
    save, load = io
    save([autograd.Tensor(np.ones(2)), nn.Parameter(np.ones(2))], tmp_path / "t.npz")
    tensor, param = header_of(tmp_path / "t.npz")["list"]
    assert tensor == {"tensor": "0", "requires_grad": False}
    assert param == {"tensor": "1", "requires_grad": True, "parameter": True}
    back = load(tmp_path / "t.npz")
    assert type(back[0]) is autograd.Tensor and type(back[1]) is nn.Parameter


def test_earlier_files_with_parameter_false_load_as_tensors(tmp_path, io):
    _, load = io
    entry = {"tensor": "t", "requires_grad": False, "parameter": False}
    back = load(write_checkpoint(tmp_path / "old.npz", entry, t=np.arange(3.0)))
    assert type(back) is autograd.Tensor and back.data.tolist() == [0.0, 1.0, 2.0]


def test_a_flag_nobody_registered_loads_as_a_plain_tensor(tmp_path, io):
    _, load = io
    entry = {"tensor": "t", "requires_grad": True, "lora_weight": True}
    back = load(write_checkpoint(tmp_path / "f.npz", entry, t=np.ones(2)))
    assert type(back) is autograd.Tensor and back.requires_grad


def test_a_flagged_tensor_that_cannot_be_built_is_an_invalid_file(tmp_path, io):
    _, load = io
    entry = {"tensor": "t", "requires_grad": True, "parameter": True}
    path = write_checkpoint(tmp_path / "bad.npz", entry, t=np.arange(3))  # integers need no grad
    with pytest.raises(ValueError, match="bad.npz is not a valid backproplab checkpoint"):
        load(path)


def test_register_tensor_subclass_checks_its_arguments():
    register = autograd.checkpoint.register_tensor_subclass
    register("parameter", nn.Parameter)  # registering the same class again is harmless

    class Other(autograd.Tensor):
        __slots__ = ()

    with pytest.raises(ValueError, match="the flag 'parameter' is taken"):
        register("parameter", Other)
    with pytest.raises(ValueError, match="the flag 'requires_grad' is taken"):
        register("requires_grad", Other)
    with pytest.raises(TypeError, match="is not a Tensor subclass"):
        register("array", np.ndarray)


def test_pytorchs_load_keywords_run_as_written(tmp_path, io):
    # "Save and Load the Model": torch.load(path, weights_only=True), map_location=device.
    save, load = io
    model = nn.Linear(3, 2)
    save(model.state_dict(), tmp_path / "model_weights.pth")
    for kwargs in ({"weights_only": True}, {"map_location": "cpu"}, {"map_location": None}):
        state = load(tmp_path / "model_weights.pth", **kwargs)
        assert np.array_equal(state["weight"], model.weight.numpy()), kwargs
    state = load(tmp_path / "model_weights.pth", autograd.device("cpu"), weights_only=True)
    assert np.array_equal(state["bias"], model.bias.numpy())
    with pytest.raises(ValueError, match="load: weights_only=False .*state_dict"):
        load(tmp_path / "model_weights.pth", weights_only=False)
    with pytest.raises(ValueError, match="load: backproplab runs on the CPU .*'cuda:0'"):
        load(tmp_path / "model_weights.pth", map_location="cuda:0")
