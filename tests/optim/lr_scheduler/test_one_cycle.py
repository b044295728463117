"""OneCycleLR: LR and momentum against the documented phase formulas."""

import math

import numpy as np
import pytest

import optim
from optim import lr_scheduler as S

from ..optim_helpers import npz_round_trip, param


def cos_anneal(start, end, pct):
    return end + (start - end) * (1 + math.cos(math.pi * pct)) / 2


def trace(opt, sched, n):
    """(lr, momentum or beta1) in force at steps 0..n-1."""
    out = []
    for _ in range(n):
        g = opt.param_groups[0]
        out.append((g["lr"], g["momentum"] if "momentum" in g else g["betas"][0]))
        sched.step()
    return np.array(out)


def test_two_phase_cosine_with_sgd_momentum():
    # T = 20, pct_start .3: up over steps 0..5, down over 5..19. initial = 1/25, min = initial/1e4
    opt = optim.SGD([param([0.0])], lr=0.5, momentum=0.5)
    got = trace(opt, S.OneCycleLR(opt, max_lr=1.0, total_steps=20), 20)
    lo, hi, floor = 1 / 25, 1.0, 1 / 25 / 1e4
    expected = [
        (cos_anneal(lo, hi, t / 5), cos_anneal(0.95, 0.85, t / 5))
        if t <= 5
        else (cos_anneal(hi, floor, (t - 5) / 14), cos_anneal(0.85, 0.95, (t - 5) / 14))
        for t in range(20)
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[0, 0] == pytest.approx(0.04) and got[5, 0] == 1.0 and got[19, 0] == 4e-6


def test_three_phase_linear_cycles_adam_beta1():
    # T = 10, pct_start .25: ends at 1.5, 3, 9. beta2 is left alone.
    opt = optim.Adam([param([0.0])], lr=0.5, betas=(0.9, 0.99))
    sched = S.OneCycleLR(
        opt, max_lr=2.0, epochs=2, steps_per_epoch=5, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, div_factor=4.0, final_div_factor=10.0,
    )  # fmt: skip
    got = trace(opt, sched, 10)

    def lin(a, b, pct):
        return a + (b - a) * pct

    expected = []
    for t in range(10):
        if t <= 1.5:
            expected.append((lin(0.5, 2.0, t / 1.5), lin(0.95, 0.85, t / 1.5)))
        elif t <= 3:
            expected.append((lin(2.0, 0.5, (t - 1.5) / 1.5), lin(0.85, 0.95, (t - 1.5) / 1.5)))
        else:
            expected.append((lin(0.5, 0.05, (t - 3) / 6), 0.95))
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert opt.param_groups[0]["betas"][1] == 0.99


def test_group_entries_and_per_group_max_lr():
    opt = optim.SGD([{"params": [param([0.0])]}, {"params": [param([0.0])]}], lr=0.1)
    S.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=10, cycle_momentum=False)
    g0, g1 = opt.param_groups
    assert (g0["initial_lr"], g0["max_lr"], g0["min_lr"]) == (0.04, 1.0, 0.04 / 1e4)
    assert g1["max_lr"] == 0.5 and g1["lr"] == pytest.approx(0.02) and g0["momentum"] == 0.0


def test_stepping_past_total_steps_raises():
    opt = optim.SGD([param([0.0])], lr=0.1)
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="stepped 4 times but total_steps is 3"):
        sched.step()


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({}, "give total_steps, or both epochs and steps_per_epoch"),
        ({"total_steps": 0}, "invalid total_steps=0"),
        ({"epochs": 2, "steps_per_epoch": -1}, "invalid steps_per_epoch=-1"),
        ({"total_steps": 10, "pct_start": 1.5}, "invalid pct_start=1.5"),
        ({"total_steps": 10, "anneal_strategy": "exp"}, "invalid anneal_strategy='exp'"),
        ({"total_steps": 10, "max_lr": [1.0, 2.0]}, "max_lr has 2 values"),
    ],
)
def test_bad_arguments_raise(kwargs, text):
    opt = optim.SGD([param([0.0])], lr=0.1)
    with pytest.raises(ValueError, match=text):
        S.OneCycleLR(opt, **{"max_lr": 1.0, **kwargs})


def test_momentum_cycling_needs_momentum_or_betas():
    opt = optim.Adagrad([param([0.0])])
    with pytest.raises(ValueError, match="Adagrad has neither"):
        S.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    S.OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.04)


def test_checkpoint_through_a_file_restores_betas():
    def build():
        opt = optim.AdamW([param([0.0])])
        return opt, S.OneCycleLR(opt, max_lr=0.1, total_steps=30)

    opt, sched = build()
    for _ in range(11):
        sched.step()
    saved = npz_round_trip({"o": opt.state_dict(), "s": sched.state_dict()})
    opt2, sched2 = build()
    opt2.load_state_dict(saved["o"])
    sched2.load_state_dict(saved["s"])
    assert opt2.param_groups[0]["betas"] == opt.param_groups[0]["betas"]
    sched.step()
    sched2.step()
    assert opt2.param_groups[0]["betas"] == opt.param_groups[0]["betas"]
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


@pytest.mark.filterwarnings("ignore:Detected call of:UserWarning")  # torch: no optimizer.step()
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", dict(max_lr=[1.0, 0.5], total_steps=100)),
        ("Adam", dict(max_lr=1.0, epochs=5, steps_per_epoch=20, three_phase=True,
                      anneal_strategy="linear", base_momentum=0.8, max_momentum=[0.9, 0.95])),
    ],
)  # fmt: skip
def test_matches_torch_with_a_checkpoint_midway(name, options):
    torch = pytest.importorskip("torch")

    def both():
        extra = {"momentum": 0.9} if name == "SGD" else {}
        t_opt = getattr(torch.optim, name)(
            [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(2)], lr=0.1, **extra
        )
        o_opt = getattr(optim, name)([{"params": [param([0.0])]} for _ in range(2)], lr=0.1,
                                     **extra)  # fmt: skip
        return (t_opt, torch.optim.lr_scheduler.OneCycleLR(t_opt, **options),
                o_opt, S.OneCycleLR(o_opt, **options))  # fmt: skip

    def state(opt):
        return [v for g in opt.param_groups for v in (g["lr"], g.get("momentum") or g["betas"][0])]

    t_opt, theirs, o_opt, ours = both()
    for step in range(99):
        assert state(o_opt) == pytest.approx(state(t_opt), rel=1e-13, abs=1e-18), step
        if step == 40:
            saved = (t_opt.state_dict(), theirs.state_dict(), o_opt.state_dict(),
                     npz_round_trip(ours.state_dict()))  # fmt: skip
        theirs.step()
        ours.step()
    t_opt, theirs, o_opt, ours = both()
    for obj, s in zip((t_opt, theirs, o_opt, ours), saved, strict=True):
        obj.load_state_dict(s)
    for _ in range(58):
        theirs.step()
        ours.step()
        assert state(o_opt) == pytest.approx(state(t_opt), rel=1e-13, abs=1e-18)
