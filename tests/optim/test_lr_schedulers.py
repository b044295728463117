"""Epoch schedulers: the first 20 LRs against closed forms, composition, checkpoints, errors."""

import math

import numpy as np
import pytest
from optim_helpers import npz_round_trip, param

import optim
from optim import lr_scheduler as S


def lrs(make, n=20, lr=0.1, groups=1):
    """LRs of each group over ``n`` epochs (the value in force during epoch 0, 1, ...)."""
    opt = optim.SGD([{"params": [param([0.0])], "lr": lr * (g + 1)} for g in range(groups)])
    sched = make(opt)
    out = []
    for _ in range(n):
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        out.append(sched.get_last_lr())
        sched.step()
    return np.array(out)


def close(got, expected):
    np.testing.assert_allclose(got, np.reshape(expected, np.shape(got)), rtol=1e-12, atol=0)


E = np.arange(20)


def test_lambda_lr_per_group():
    got = lrs(lambda o: S.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9**e]), groups=2)
    close(got, np.stack([0.1 / (E + 1), 0.2 * 0.9**E], axis=1))


def test_step_lr():
    close(lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5)), 0.1 * 0.5 ** (E // 3))


def test_multistep_lr_counts_repeated_milestones():
    got = lrs(lambda o: S.MultiStepLR(o, milestones=[9, 2, 5, 5], gamma=0.5))
    passed = (E >= 2).astype(int) + 2 * (E >= 5) + (E >= 9)
    close(got, 0.1 * 0.5**passed)


def test_exponential_lr():
    close(lrs(lambda o: S.ExponentialLR(o, gamma=0.8)), 0.1 * 0.8**E)


def test_cosine_annealing_follows_the_closed_form_past_t_max():
    got = lrs(lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01))
    close(got, 0.01 + (0.1 - 0.01) * (1 + np.cos(np.pi * E / 7)) / 2)
    assert got[7, 0] == pytest.approx(0.01) and got[14, 0] == pytest.approx(0.1)


def test_linear_lr_default_warmup():
    # 1/3 -> 1 over 5 epochs, then constant
    close(lrs(S.LinearLR), 0.1 * (1 / 3 + (2 / 3) * np.minimum(E, 5) / 5))


def test_linear_lr_decay():
    got = lrs(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.25, total_iters=8))
    close(got, 0.1 * (1 - 0.75 * np.minimum(E, 8) / 8))


def test_two_schedulers_on_one_optimizer_multiply():
    opt = optim.SGD([param([0.0])], lr=0.1)
    exp, step = S.ExponentialLR(opt, gamma=0.9), S.StepLR(opt, step_size=4, gamma=0.5)
    got = []
    for _ in range(20):
        got.append(opt.param_groups[0]["lr"])
        exp.step()
        step.step()
    close(np.array(got), 0.1 * 0.9**E * 0.5 ** (E // 4))


def test_construction_records_initial_lr_and_writes_the_first_lr():
    opt = optim.SGD([param([0.0])], lr=0.3)
    sched = S.LinearLR(opt, start_factor=0.5)
    assert opt.param_groups[0]["initial_lr"] == 0.3 and sched.base_lrs == [0.3]
    assert sched.last_epoch == 0 and opt.param_groups[0]["lr"] == 0.15


SCHEDULERS = [
    lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda o: S.MultiStepLR(o, milestones=[2, 6, 6], gamma=0.5),
    lambda o: S.ExponentialLR(o, gamma=0.9),
    lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.001),
    lambda o: S.LinearLR(o, start_factor=0.2, total_iters=10),
    lambda o: S.LambdaLR(o, lambda e: 1 / (1 + e)),
    lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=20),
]


@pytest.mark.parametrize("make", SCHEDULERS)
@pytest.mark.parametrize("through_file", [False, True])
def test_state_dict_round_trip_continues_identically(make, through_file):
    def build():
        opt = optim.SGD([param([0.0])], lr=0.1, momentum=0.9)
        return opt, make(opt)

    opt, sched = build()
    for _ in range(7):
        sched.step()
    saved = {"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}
    if through_file:
        saved = npz_round_trip(saved)
    opt2, sched2 = build()  # constructed first, then loaded (as in PyTorch)
    opt2.load_state_dict(saved["optimizer"])
    sched2.load_state_dict(saved["scheduler"])
    assert sched2.last_epoch == 7 and sched2.get_last_lr() == sched.get_last_lr()
    for _ in range(10):
        sched.step()
        sched2.step()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
        assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]


def test_state_dict_holds_plain_values_only():
    opt = optim.SGD([param([0.0])], lr=0.1)
    state = S.MultiStepLR(opt, milestones=[3, 1]).state_dict()
    assert "optimizer" not in state and state["milestones"] == [1, 3]
    assert all(isinstance(v, (int, float, str, bool, list)) for v in state.values())


@pytest.mark.parametrize(
    "make, error, text",
    [
        (lambda o: S.StepLR(o, step_size=0), ValueError, "StepLR: invalid step_size=0"),
        (lambda o: S.CosineAnnealingLR(o, T_max=0), ValueError, "invalid T_max=0"),
        (lambda o: S.LinearLR(o, start_factor=0), ValueError, "invalid start_factor=0"),
        (lambda o: S.LinearLR(o, end_factor=1.5), ValueError, "invalid end_factor=1.5"),
        (lambda o: S.LinearLR(o, total_iters=0), ValueError, "invalid total_iters=0"),
        (lambda o: S.LambdaLR(o, [math.cos, math.sin]), ValueError, "lr_lambda has 2 values"),
        (lambda o: S.LambdaLR(o, 0.5), TypeError, "not callable"),
        (lambda o: S.ExponentialLR(o, 0.9, last_epoch=3), KeyError, "no 'initial_lr'"),
        (lambda o: S.StepLR([o], 3), TypeError, "expected an optim.Optimizer"),
    ],
)
def test_bad_arguments_raise(make, error, text):
    opt = optim.SGD([param([0.0])], lr=0.1)
    with pytest.raises(error, match=text):
        make(opt)


@pytest.mark.parametrize(
    "make",
    [
        lambda o: S.ReduceLROnPlateau(o),
        lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10),
        lambda o: S.SequentialLR(o, [], milestones=[]),
    ],
)
def test_schedulers_that_skip_the_base_constructor_check_the_optimizer_too(make):
    with pytest.raises(TypeError, match="expected an optim.Optimizer, got list"):
        make([optim.SGD([param([0.0])], lr=0.1)])
