"""SequentialLR: hand-over at milestones, PyTorch's construction rules, checkpoints."""

import numpy as np
import pytest

import optim
from optim import lr_scheduler as S

from ..optim_helpers import npz_round_trip, param

E = np.arange(20)


def warmup_then_cosine(opt):
    warmup = S.LinearLR(opt, start_factor=0.1, total_iters=5)
    decay = S.CosineAnnealingLR(opt, T_max=10, eta_min=0.0)
    return S.SequentialLR(opt, [warmup, decay], milestones=[5])


def lrs(make, n=20, lr=0.1):
    opt = optim.SGD([param([0.0])], lr=lr)
    sched = make(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        assert sched.get_last_lr() == [out[-1]]
        sched.step()
    return np.array(out)


def test_warmup_then_cosine_closed_form():
    # epochs 0-4: 0.1 * (0.1 + 0.9 e / 5); from epoch 5 the cosine restarts at its epoch 0
    # from the base LR: 0.1 * (1 + cos(pi (e - 5) / 10)) / 2
    warm = 0.1 * (0.1 + 0.9 * E / 5)
    cosine = 0.1 * (1 + np.cos(np.pi * (E - 5) / 10)) / 2
    expected = np.where(E < 5, warm, cosine)
    np.testing.assert_allclose(lrs(warmup_then_cosine), expected, rtol=1e-12, atol=1e-17)


def test_three_stages_each_restart_from_the_base_lr():
    def make(opt):
        stages = [S.ExponentialLR(opt, 0.5), S.StepLR(opt, 2, 0.1), S.ExponentialLR(opt, 0.9)]
        return S.SequentialLR(opt, stages, milestones=[3, 8])

    expected = np.select(
        [E < 3, E < 8], [0.1 * 0.5**E, 0.1 * 0.1 ** ((E - 3) // 2)], 0.1 * 0.9 ** (E - 8)
    )
    np.testing.assert_allclose(lrs(make), expected, rtol=1e-12)


def test_construction_undoes_the_sub_schedulers_initial_steps():
    opt = optim.SGD([param([0.0])], lr=1.0)
    warmup = S.LinearLR(opt, start_factor=0.5, total_iters=2)  # writes 0.5 on construction
    decay = S.ExponentialLR(opt, gamma=0.5)
    S.SequentialLR(opt, [warmup, decay], milestones=[2])
    assert opt.param_groups[0]["lr"] == 0.5  # warm-up's factor applied once, not twice
    assert (warmup.last_epoch, decay.last_epoch) == (0, -1)


def test_milestone_zero_starts_with_the_second_scheduler():
    make = lambda o: S.SequentialLR(o, [S.ExponentialLR(o, 0.5), S.StepLR(o, 2)], [0])  # noqa: E731
    np.testing.assert_allclose(lrs(make), 0.1 * 0.1 ** (E // 2), rtol=1e-12)


def test_a_nested_sequential_stage_restarts_at_its_own_epoch_0():
    # Warm-up for 3 epochs, then an inner SequentialLR: ExponentialLR(0.5) for 2 epochs, then
    # StepLR(2, 0.1), each stage restarting from the base LR 0.1.
    def make(opt):
        inner = S.SequentialLR(opt, [S.ExponentialLR(opt, 0.5), S.StepLR(opt, 2)], [2])
        return S.SequentialLR(opt, [S.LinearLR(opt, 0.5, total_iters=3), inner], [3])

    warm = 0.1 * (0.5 + 0.5 * E / 3)
    expected = np.select([E < 3, E < 5], [warm, 0.1 * 0.5 ** (E - 3)], 0.1 * 0.1 ** ((E - 5) // 2))
    np.testing.assert_allclose(lrs(make), expected, rtol=1e-12)


@pytest.mark.parametrize("through_file", [False, True])
def test_state_dict_round_trip(through_file):
    def build():
        opt = optim.SGD([param([0.0])], lr=0.1)
        return opt, warmup_then_cosine(opt)

    opt, sched = build()
    for _ in range(4):
        sched.step()
    saved = {"opt": opt.state_dict(), "sched": sched.state_dict()}
    assert len(saved["sched"]["_schedulers"]) == 2
    if through_file:
        saved = npz_round_trip(saved)
    opt2, sched2 = build()
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    for _ in range(12):
        sched.step()
        sched2.step()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_bad_arguments_raise():
    opt, other = optim.SGD([param([0.0])], lr=0.1), optim.SGD([param([0.0])], lr=0.1)
    a, b = S.ExponentialLR(opt, 0.9), S.StepLR(opt, 2)
    with pytest.raises(ValueError, match="2 schedulers need 1 milestones, got 2"):
        S.SequentialLR(opt, [a, b], milestones=[1, 2])
    with pytest.raises(ValueError, match="schedulers is empty"):
        S.SequentialLR(opt, [], milestones=[])
    with pytest.raises(ValueError, match=r"schedulers\[1\] belongs to a different optimizer"):
        S.SequentialLR(opt, [a, S.StepLR(other, 2)], milestones=[3])
    with pytest.raises(ValueError, match="not ReduceLROnPlateau"):
        S.SequentialLR(opt, [a, S.ReduceLROnPlateau(opt)], milestones=[3])


@pytest.mark.filterwarnings("ignore:Detected call of:UserWarning")  # torch: no optimizer.step()
def test_matches_torch_with_a_checkpoint_midway():
    torch = pytest.importorskip("torch")

    def build(M, opt):
        warm = M.LinearLR(opt, start_factor=0.1, total_iters=5)
        flat = M.ConstantLR(opt, factor=0.5, total_iters=3)
        decay = M.CosineAnnealingLR(opt, T_max=20, eta_min=0.001)
        return M.SequentialLR(opt, [warm, flat, decay], milestones=[5, 12])

    def both():
        t_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        o_opt = optim.SGD([param([0.0])], lr=0.1)
        return t_opt, build(torch.optim.lr_scheduler, t_opt), o_opt, build(S, o_opt)

    t_opt, theirs, o_opt, ours = both()
    for step in range(40):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13), step
        if step == 9:
            saved = (t_opt.state_dict(), theirs.state_dict(), o_opt.state_dict(),
                     npz_round_trip(ours.state_dict()))  # fmt: skip
        theirs.step()
        ours.step()
    t_opt, theirs, o_opt, ours = both()
    for obj, state in zip((t_opt, theirs, o_opt, ours), saved, strict=True):
        obj.load_state_dict(state)
    for _ in range(30):
        theirs.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
