"""Optimizer checkpoints: PyTorch's layout, exact resumption, file round trips, clear errors."""

import numpy as np
import pytest

import autograd
import nn
import optim
from optim import lr_scheduler as S

from .optim_helpers import npz_round_trip, param

CONFIGS = [
    (optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    (optim.Adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    (optim.AdamW, {"lr": 0.05, "betas": (0.8, 0.99)}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
]


def make_params():
    return [param([[1.0, -2.0], [0.5, 3.0]]), param([0.3, -0.7, 1.1])]


def quadratic_step(opt, params):
    # gradient of sum(c * p^2 / 2 + sin(p)) depends on the current values, so any state
    # difference would change the trajectory
    for i, p in enumerate(params):
        p.grad = (i + 1.5) * p.data + np.sin(p.data)
    opt.step()


def split_groups(params):
    return [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.02}]


@pytest.mark.parametrize("cls, kwargs", CONFIGS)
@pytest.mark.parametrize("through_file", [False, True])
def test_resume_is_bitwise_identical(cls, kwargs, through_file):
    params = make_params()
    opt = cls(split_groups(params), **kwargs)
    for _ in range(3):
        quadratic_step(opt, params)
    saved = opt.state_dict()
    if through_file:
        saved = npz_round_trip(saved)
    clones = [param(p.data.copy()) for p in params]
    fresh = cls(split_groups(clones), **kwargs)
    fresh.load_state_dict(saved)
    for _ in range(4):
        quadratic_step(opt, params)
        quadratic_step(fresh, clones)
    for p, c in zip(params, clones, strict=True):
        assert np.array_equal(p.data, c.data)
    for key, value in opt.state[params[0]].items():
        assert np.array_equal(fresh.state[clones[0]][key], value)
        assert type(fresh.state[clones[0]][key]) is type(value)
    assert fresh.param_groups[0] == {
        **opt.param_groups[0],
        "params": fresh.param_groups[0]["params"],
    }


def test_layout_follows_pytorch():
    a, b, c = param([1.0]), param([2.0, 3.0]), param([4.0])
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.1}])
    a.grad, c.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.1
    assert sd["param_groups"][0]["betas"] == [0.9, 0.999]  # a list: plain values only
    assert sorted(sd["state"]) == [0, 2]  # b had no gradient, so no state
    assert sd["state"][0]["step"] == 1 and isinstance(sd["state"][0]["step"], int)
    assert sorted(sd["state"][2]) == ["exp_avg", "exp_avg_sq", "step"]


def test_state_dict_is_a_snapshot():
    p = param([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0])
    opt.step()
    sd = opt.state_dict()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["momentum_buffer"], [1.0])


def test_load_copies_arrays_and_restores_hyperparameters():
    p = param([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0])
    opt.step()
    sd = opt.state_dict()
    sd["param_groups"][0]["lr"] = 0.25
    q = param([1.0])
    fresh = optim.SGD([q], lr=0.1, momentum=0.9)
    fresh.load_state_dict(sd)
    sd["state"][0]["momentum_buffer"][0] = 99.0
    assert fresh.param_groups[0]["lr"] == 0.25
    np.testing.assert_array_equal(fresh.state[q]["momentum_buffer"], [1.0])


def test_load_accepts_betas_as_array_and_casts_state_to_param_dtype():
    p = param([1.0, 2.0])
    opt = optim.Adam([p])
    p.grad = np.array([1.0, 1.0])
    opt.step()
    sd = npz_round_trip(opt.state_dict())
    assert isinstance(sd["param_groups"]["0"]["betas"], np.ndarray)
    q32 = autograd.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    fresh = optim.Adam([q32])
    fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["betas"] == (0.9, 0.999)
    assert fresh.state[q32]["exp_avg"].dtype == np.float32


def trained_sgd(*shapes):
    params = [param(np.ones(s)) for s in shapes]
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    for p in params:
        p.grad = np.ones_like(p.data)
    opt.step()
    return opt


@pytest.mark.parametrize(
    "target, text",
    [
        (lambda: optim.SGD([{"params": [param([1.0])]}, {"params": [param([2.0])]}],
                           momentum=0.9),
         "has 1 parameter groups, this optimizer has 2"),
        (lambda: optim.SGD([param([1.0]), param([1.0])], momentum=0.9),
         "group 0 has 1 parameters in the saved state, 2 in this optimizer"),
        (lambda: optim.SGD([param([1.0, 2.0])], momentum=0.9),
         r"'momentum_buffer' of parameter 0 has shape \(1,\), the parameter has shape \(2,\)"),
    ],
)  # fmt: skip
def test_mismatched_checkpoints_raise(target, text):
    saved = trained_sgd((1,)).state_dict()
    with pytest.raises(ValueError, match=text):
        target().load_state_dict(saved)


def test_failed_load_changes_nothing():
    opt = trained_sgd((1,))
    before = opt.state_dict()
    bad = trained_sgd((2,)).state_dict()
    bad["param_groups"][0]["lr"] = 7.0
    with pytest.raises(ValueError):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == before["param_groups"][0]["lr"]


def test_state_for_an_unlisted_parameter_raises():
    saved = trained_sgd((1,)).state_dict()
    saved["state"][5] = saved["state"].pop(0)
    with pytest.raises(ValueError, match="state for parameter 5, which no group lists"):
        optim.SGD([param([1.0])], momentum=0.9).load_state_dict(saved)


def test_checkpoint_through_nn_save_resumes_exactly(tmp_path):
    def build():
        params = make_params()
        opt = optim.AdamW(split_groups(params), lr=0.05, amsgrad=True)
        return params, opt, S.OneCycleLR(opt, max_lr=0.1, total_steps=20)

    params, opt, sched = build()
    for _ in range(5):
        quadratic_step(opt, params)
        sched.step()
    path = tmp_path / "run.npz"
    nn.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
    saved = nn.load(path)
    clones, opt2, sched2 = build()
    for p, c in zip(params, clones, strict=True):
        c.data[...] = p.data
    opt2.load_state_dict(saved["optimizer"])
    sched2.load_state_dict(saved["scheduler"])
    for _ in range(5):
        quadratic_step(opt, params)
        sched.step()
        quadratic_step(opt2, clones)
        sched2.step()
    for p, c in zip(params, clones, strict=True):
        assert np.array_equal(p.data, c.data)
