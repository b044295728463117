"""CyclicLR: the triangle by hand, the three modes, momentum/beta1 cycling, checkpoints, and
(when torch is installed) PyTorch's LR and momentum sequences over many steps."""

import math

import numpy as np
import pytest

import optim
from optim import lr_scheduler as S

from ..optim_helpers import npz_round_trip, param


def trace(opt, sched, n):
    """(lr, momentum or beta1) in force at steps 0..n-1."""
    out = []
    for _ in range(n):
        g = opt.param_groups[0]
        out.append((g["lr"], g["momentum"] if "momentum" in g else g["betas"][0]))
        assert sched.get_last_lr() == [g["lr"]]
        sched.step()
    return np.array(out)


def test_triangular_by_hand_with_momentum():
    # up over 4 steps, down over 4: 0.1, 0.325, 0.55, 0.775, 1.0, 0.775, ..., 0.1, then again
    opt = optim.SGD([param([0.0])], lr=5.0, momentum=0.3)
    got = trace(opt, S.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=4), 17)
    height = np.array([0, 1, 2, 3, 4, 3, 2, 1] * 2 + [0]) / 4
    np.testing.assert_allclose(got[:, 0], 0.1 + 0.9 * height, rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], 0.9 - 0.1 * height, rtol=1e-12)
    g = opt.param_groups[0]
    assert (g["max_momentum"], g["base_momentum"], g["initial_lr"]) == (0.9, 0.8, 0.1)


def test_triangular2_halves_and_exp_range_decays():
    opt = optim.SGD([param([0.0])], lr=1.0, momentum=0.9)
    sched = S.CyclicLR(opt, 0.0, 1.0, step_size_up=2, step_size_down=1, mode="triangular2")
    got = trace(opt, sched, 10)[:, 0]
    # peaks at t = 2, 5, 8 (cycles 1, 2, 3): 1, 1/2, 1/4; the way up is 1/2 of each peak
    np.testing.assert_allclose(got, [0, 0.5, 1, 0, 0.25, 0.5, 0, 0.125, 0.25, 0], atol=1e-15)
    opt = optim.Adam([param([0.0])], lr=1.0, betas=(0.5, 0.99))
    sched = S.CyclicLR(opt, 0.1, 0.5, step_size_up=3, mode="exp_range", gamma=0.9)
    got = trace(opt, sched, 13)
    t = np.arange(13)
    x = t / 6 - np.floor(t / 6)
    height = np.where(x <= 0.5, x / 0.5, (x - 1) / -0.5)
    np.testing.assert_allclose(got[:, 0], 0.1 + 0.4 * height * 0.9**t, rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], 0.9 - 0.1 * height * 0.9**t, rtol=1e-12)
    assert opt.param_groups[0]["betas"][1] == 0.99


def test_custom_scale_fn_per_cycle_or_iteration():
    opt = optim.SGD([param([0.0])], lr=1.0)
    sched = S.CyclicLR(opt, 0.0, 1.0, step_size_up=1, scale_fn=lambda c: 1 / c,
                       cycle_momentum=False)  # fmt: skip
    np.testing.assert_allclose(trace(opt, sched, 6)[:, 0], [0, 1, 0, 1 / 2, 0, 1 / 3])
    opt = optim.SGD([param([0.0])], lr=1.0)
    sched = S.CyclicLR(opt, 0.0, 1.0, step_size_up=1, scale_fn=lambda t: t + 1,
                       scale_mode="iterations", cycle_momentum=False)  # fmt: skip
    np.testing.assert_allclose(trace(opt, sched, 4)[:, 0], [0, 2, 0, 4])


class Halving:
    """A scale function with state (saved in state_dict, unlike a lambda)."""

    def __init__(self):
        self.base = 2.0

    def __call__(self, cycle):
        return self.base ** -(cycle - 1)


def test_state_dict_round_trip_continues_the_sequence():
    def make(fn=None):
        opt = optim.Adam([param([0.0])], lr=1.0)
        kw = {"scale_fn": fn} if fn else {"mode": "exp_range", "gamma": 0.95}
        return opt, S.CyclicLR(opt, [0.01], [0.2], step_size_up=3, step_size_down=5, **kw)

    for fn in (None, Halving):
        opt, sched = make(fn and fn())
        head = trace(opt, sched, 11)
        saved, opt_saved = npz_round_trip(sched.state_dict()), opt.state_dict()
        tail = trace(opt, sched, 20)
        opt2, sched2 = make(fn and fn())
        if fn:
            sched2._scale_fn_custom.base = 7.0  # restored from the checkpoint below
        opt2.load_state_dict(opt_saved)
        sched2.load_state_dict(saved)
        np.testing.assert_allclose(trace(opt2, sched2, 20), tail, rtol=1e-15)
        assert head.shape == (11, 2)
    plain = S.CyclicLR(optim.SGD([param([0.0])], lr=1.0), 0.1, 1.0, scale_fn=lambda c: 1.0,
                       cycle_momentum=False)  # fmt: skip
    assert "_scale_fn_custom" not in plain.state_dict()


def test_bad_arguments_are_named():
    opt = optim.SGD([param([0.0])], lr=1.0)
    with pytest.raises(ValueError, match="CyclicLR: mode"):
        S.CyclicLR(opt, 0.1, 1.0, mode="sine")
    with pytest.raises(ValueError, match="CyclicLR: cycle_momentum=True needs"):
        S.CyclicLR(optim.Adagrad([param([0.0])]), 0.1, 1.0)
    with pytest.raises(ValueError, match="CyclicLR: step_size_up"):
        S.CyclicLR(opt, 0.1, 1.0, step_size_up=0, cycle_momentum=False)
    with pytest.raises(ValueError, match="CyclicLR: max_lr has 2 values"):
        S.CyclicLR(opt, 0.1, [1.0, 2.0], cycle_momentum=False)
    with pytest.raises(TypeError, match="CyclicLR: expected an optim.Optimizer"):
        S.CyclicLR("opt", 0.1, 1.0)


# ------------------------------------------------------------------ against PyTorch

CASES = [
    ("SGD", dict(base_lr=0.01, max_lr=0.1, step_size_up=5)),
    ("Adam", dict(base_lr=[0.001, 0.01], max_lr=0.1, step_size_up=3, step_size_down=8,
                  mode="triangular2", base_momentum=0.7, max_momentum=[0.95, 0.9])),
    ("RMSprop", dict(base_lr=0.01, max_lr=0.2, step_size_up=4, mode="exp_range",
                     gamma=0.99)),
    ("SGD", dict(base_lr=0.0, max_lr=1.0, step_size_up=7, step_size_down=2,
                 scale_fn=lambda x: 1 / (1 + math.log1p(x)), scale_mode="iterations")),
    ("SGD", dict(base_lr=0.05, max_lr=0.5, step_size_up=6, cycle_momentum=False,
                 mode="triangular2")),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore:Detected call of:UserWarning")  # torch: no optimizer.step()
@pytest.mark.parametrize(("name", "options"), CASES)
def test_matches_torch_over_many_steps_and_after_a_checkpoint(name, options):
    torch = pytest.importorskip("torch")
    extra = {"momentum": 0.5} if name in ("SGD", "RMSprop") else {}

    def both():
        t_params = [torch.zeros(1, requires_grad=True) for _ in range(2)]
        t_opt = getattr(torch.optim, name)([{"params": [p]} for p in t_params], lr=1.0, **extra)
        o_opt = getattr(optim, name)([{"params": [param([0.0])]} for _ in range(2)], lr=1.0,
                                     **extra)  # fmt: skip
        return (t_opt, torch.optim.lr_scheduler.CyclicLR(t_opt, **options),
                o_opt, S.CyclicLR(o_opt, **options))  # fmt: skip

    def momenta(opt):
        return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]

    t_opt, theirs, o_opt, ours = both()
    for step in range(120):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13, abs=1e-18)
        assert momenta(o_opt) == pytest.approx(momenta(t_opt), rel=1e-13), step
        if step == 60:
            t_saved, o_saved = theirs.state_dict(), npz_round_trip(ours.state_dict())
            t_opt_saved, o_opt_saved = t_opt.state_dict(), o_opt.state_dict()
        theirs.step()
        ours.step()
    t_opt, theirs, o_opt, ours = both()
    t_opt.load_state_dict(t_opt_saved)
    theirs.load_state_dict(t_saved)
    o_opt.load_state_dict(o_opt_saved)
    ours.load_state_dict(o_saved)
    for _ in range(40):
        theirs.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13, abs=1e-18)
        assert momenta(o_opt) == pytest.approx(momenta(t_opt), rel=1e-13)
