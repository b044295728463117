"""optim/lr_scheduler/cosine.py: CosineAnnealingLR against its closed form."""

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler as S

from ..optim_helpers import E, close, lrs


def test_cosine_annealing_follows_the_closed_form_past_t_max():
    got = lrs(lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01))
    close(got, 0.01 + (0.1 - 0.01) * (1 + np.cos(np.pi * E / 7)) / 2)
    assert got[7, 0] == pytest.approx(0.01) and got[14, 0] == pytest.approx(0.1)


@pytest.mark.parametrize("t_mult", [1, 2])
def test_warm_restarts_match_torch_per_epoch_and_fractional(t_mult):
    torch = pytest.importorskip("torch")
    w = torch.zeros(1, requires_grad=True)
    theirs_opt = torch.optim.SGD([w], lr=0.1)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        theirs_opt, T_0=3, T_mult=t_mult, eta_min=0.001
    )
    ours_opt = optim.SGD([autograd.zeros(1, requires_grad=True)], lr=0.1)
    ours = S.CosineAnnealingWarmRestarts(ours_opt, T_0=3, T_mult=t_mult, eta_min=0.001)
    for _ in range(15):
        close(ours.get_last_lr(), theirs.get_last_lr())
        theirs.step()
        ours.step()
    for epoch in (0.5, 2.25, 3.0, 7.5, 10.0, 1.0):  # the documented step(epoch + i / iters)
        theirs.step(epoch)
        ours.step(epoch)
        close(ours.get_last_lr(), theirs.get_last_lr())
        assert ours.last_epoch == theirs.last_epoch


def test_warm_restarts_restart_at_the_top():
    got = lrs(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), n=9)
    t_cur = np.arange(9) % 4
    close(got, 0.1 * (1 + np.cos(np.pi * t_cur / 4)) / 2)
