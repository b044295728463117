"""ChainedScheduler: compounding schedules stepped together, PyTorch's construction rules,
checkpoints, and (when torch is installed) PyTorch's LR sequence."""

import numpy as np
import pytest

import optim
from optim import lr_scheduler as S

from ..optim_helpers import lrs, npz_round_trip, param

E = np.arange(20)


def constant_then_exponential(opt):
    return S.ChainedScheduler(
        [S.ConstantLR(opt, factor=0.1, total_iters=2), S.ExponentialLR(opt, gamma=0.9)]
    )


def test_schedules_multiply():
    expected = 0.1 * 0.9**E * np.where(E < 2, 0.1, 1.0)
    np.testing.assert_allclose(lrs(constant_then_exponential)[:, 0], expected, rtol=1e-12)


def test_building_the_chain_takes_no_step():
    opt = optim.SGD([param([0.0])], lr=1.0)
    warmup = S.LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = S.StepLR(opt, step_size=3, gamma=0.1)
    chain = S.ChainedScheduler([warmup, decay])
    assert opt.param_groups[0]["lr"] == 0.5 and chain.get_last_lr() == [0.5]
    assert (warmup.last_epoch, decay.last_epoch) == (0, 0)
    chain.step()
    assert (warmup.last_epoch, decay.last_epoch) == (1, 1)
    assert "LinearLR, StepLR" in repr(chain)


def test_refuses_plateau_other_optimizers_and_nothing():
    opt, other = optim.SGD([param([0.0])], lr=1.0), optim.SGD([param([0.0])], lr=1.0)
    with pytest.raises(ValueError, match="ChainedScheduler: schedulers is empty"):
        S.ChainedScheduler([])
    with pytest.raises(ValueError, match=r"schedulers\[1\] is a ReduceLROnPlateau"):
        S.ChainedScheduler([S.StepLR(opt, 2), S.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match=r"schedulers\[1\] belongs to a different optimizer"):
        S.ChainedScheduler([S.StepLR(opt, 2), S.StepLR(other, 2)])
    with pytest.raises(ValueError, match=r"schedulers\[0\] belongs"):
        S.ChainedScheduler([S.StepLR(opt, 2)], optimizer=other)


def test_state_dict_round_trip_restores_every_scheduler():
    def make():
        opt = optim.SGD([param([0.0])], lr=1.0)
        return opt, constant_then_exponential(opt)

    opt, chain = make()
    for _ in range(5):
        chain.step()
    saved, opt_saved = npz_round_trip(chain.state_dict()), opt.state_dict()
    assert len(chain.state_dict()["_schedulers"]) == 2
    tail = []
    for _ in range(5):
        chain.step()
        tail.append(chain.get_last_lr()[0])
    opt2, chain2 = make()
    opt2.load_state_dict(opt_saved)
    chain2.load_state_dict(saved)
    got = []
    for _ in range(5):
        chain2.step()
        got.append(chain2.get_last_lr()[0])
    np.testing.assert_allclose(got, tail, rtol=1e-15)


@pytest.mark.filterwarnings("ignore:Detected call of:UserWarning")  # torch: no optimizer.step()
def test_matches_torch():
    torch = pytest.importorskip("torch")
    w = torch.zeros(1, requires_grad=True)
    t_opt = torch.optim.SGD([w], lr=0.5)
    T = torch.optim.lr_scheduler
    theirs = T.ChainedScheduler(
        [T.LinearLR(t_opt, 0.2, 1.0, 4), T.CosineAnnealingLR(t_opt, 9, 0.01), T.StepLR(t_opt, 5)]
    )
    o_opt = optim.SGD([param([0.0])], lr=0.5)
    ours = S.ChainedScheduler(
        [S.LinearLR(o_opt, 0.2, 1.0, 4), S.CosineAnnealingLR(o_opt, 9, 0.01), S.StepLR(o_opt, 5)]
    )
    for _ in range(40):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-18)
        theirs.step()
        ours.step()
