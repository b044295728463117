"""MultiStepLR milestones are whole epochs: a fraction is refused, never truncated."""

from __future__ import annotations

import numpy as np
import pytest

import nn
import optim


def _optimizer():
    return optim.SGD(nn.Linear(1, 1).parameters(), lr=1.0)


def test_fractional_milestone_is_refused_not_truncated():
    with pytest.raises(
        ValueError, match=r"MultiStepLR: milestones must be whole epoch numbers, got 1\.5"
    ):
        optim.lr_scheduler.MultiStepLR(_optimizer(), [1.5, 2])


def test_whole_float_and_numpy_milestones_are_accepted():
    opt = _optimizer()
    scheduler = optim.lr_scheduler.MultiStepLR(opt, [np.int64(1), 2.0], gamma=0.5)
    assert scheduler.milestones == [1, 2]
    rates = []
    for _ in range(4):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert rates == [1.0, 0.5, 0.25, 0.25]
