"""optim/lr_scheduler/base.py: what every epoch scheduler shares: composition on one optimizer,
the first LR, checkpoints, argument errors."""

import math

import numpy as np
import pytest

import optim
from optim import lr_scheduler as S

from ..optim_helpers import E, close, npz_round_trip, param

SCHEDULERS = [
    lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda o: S.MultiStepLR(o, milestones=[2, 6, 6], gamma=0.5),
    lambda o: S.ExponentialLR(o, gamma=0.9),
    lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.001),
    lambda o: S.LinearLR(o, start_factor=0.2, total_iters=10),
    lambda o: S.LambdaLR(o, lambda e: 1 / (1 + e)),
    lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=20),
]


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
