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


def test_step_with_an_epoch_jumps_to_the_closed_form_with_pytorchs_warning():
    opt = optim.SGD([param([0.0])], lr=0.1)
    sched = S.StepLR(opt, step_size=3, gamma=0.5)
    for epoch, want in [(5, 0.05), (9, 0.0125), (2, 0.1)]:
        with pytest.warns(UserWarning, match=r"StepLR.step\(epoch\) is deprecated"):
            sched.step(epoch)
        assert sched.last_epoch == epoch and opt.param_groups[0]["lr"] == pytest.approx(want)
    sched.step()  # and on from there, one epoch at a time
    assert sched.last_epoch == 3 and opt.param_groups[0]["lr"] == pytest.approx(0.05)


class Warmup(S._LRScheduler):
    """The way older course code writes its own schedule: PyTorch's former base class."""

    def get_lr(self):
        return [base * min(1.0, (self.last_epoch + 1) / 4) for base in self.base_lrs]


def test_a_subclass_of_the_former_name_schedules():
    opt = optim.SGD([param([0.0])], lr=0.8)
    sched = Warmup(opt)
    got = []
    for _ in range(6):
        got.append(opt.param_groups[0]["lr"])
        sched.step()
    close(np.array(got), [0.2, 0.4, 0.6, 0.8, 0.8, 0.8])
    assert isinstance(sched, S.LRScheduler)


BY_MODULE = [
    lambda M, o: M.StepLR(o, step_size=3, gamma=0.5),
    lambda M, o: M.MultiStepLR(o, milestones=[2, 6, 6], gamma=0.5),
    lambda M, o: M.CosineAnnealingLR(o, T_max=6, eta_min=0.001),
    lambda M, o: M.LinearLR(o, start_factor=0.2, total_iters=10),
    lambda M, o: M.PolynomialLR(o, total_iters=8, power=2.0),
    lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9),  # no closed form: one more factor
]


@pytest.mark.parametrize("make", BY_MODULE)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_step_with_epochs_matches_torch(make):
    torch = pytest.importorskip("torch")
    theirs_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    ours_opt = optim.SGD([param([0.0])], lr=0.1)
    theirs, ours = make(torch.optim.lr_scheduler, theirs_opt), make(S, ours_opt)
    for epoch in [1, 2, 5, 3, 9, 10, 4, 4, 12, None, None, None]:
        theirs.step(epoch)
        ours.step(epoch)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
        assert ours.last_epoch == theirs.last_epoch
