"""optim/lr_scheduler/decay.py: LambdaLR, StepLR, MultiStepLR and ExponentialLR, the first 20
LRs against closed forms."""

import numpy as np

from optim import lr_scheduler as S

from ..optim_helpers import E, close, lrs


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
