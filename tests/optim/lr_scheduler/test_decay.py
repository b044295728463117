"""optim/lr_scheduler/decay.py: LambdaLR, StepLR, MultiStepLR and ExponentialLR, the first 20
LRs against closed forms."""

import numpy as np
import pytest

from optim import lr_scheduler as S

from ..optim_helpers import E, close, lrs


def test_lambda_lr_per_group():
    got = lrs(lambda o: S.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9**e]), groups=2)
    close(got, np.stack([0.1 / (E + 1), 0.2 * 0.9**E], axis=1))


def test_step_lr():
    close(lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5)), 0.1 * 0.5 ** (E // 3))


def test_step_lr_takes_a_whole_float_step_size_and_refuses_a_fraction():
    # PyTorch's text classification tutorial writes StepLR(optimizer, 1.0, gamma=0.1)
    close(lrs(lambda o: S.StepLR(o, 1.0, gamma=0.1)), 0.1 * 0.1**E)
    with pytest.raises(ValueError, match="StepLR: invalid step_size=1.5"):
        lrs(lambda o: S.StepLR(o, 1.5))


def test_multistep_lr_counts_repeated_milestones():
    got = lrs(lambda o: S.MultiStepLR(o, milestones=[9, 2, 5, 5], gamma=0.5))
    passed = (E >= 2).astype(int) + 2 * (E >= 5) + (E >= 9)
    close(got, 0.1 * 0.5**passed)


def test_exponential_lr():
    close(lrs(lambda o: S.ExponentialLR(o, gamma=0.8)), 0.1 * 0.8**E)


def test_multiplicative_constant_and_polynomial_lr_follow_their_formulas():
    close(lrs(lambda o: S.MultiplicativeLR(o, lambda e: 0.9)), 0.1 * 0.9**E)
    close(lrs(lambda o: S.ConstantLR(o, factor=0.5, total_iters=4)), 0.1 * np.where(E < 4, 0.5, 1))
    want = 0.1 * (1 - np.minimum(E, 8) / 8) ** 2
    close(lrs(lambda o: S.PolynomialLR(o, total_iters=8, power=2.0)), want)


def test_multiplicative_constant_and_polynomial_lr_match_torch():
    torch = pytest.importorskip("torch")
    cases = [
        ("MultiplicativeLR", {"lr_lambda": lambda e: 0.95}),
        ("ConstantLR", {"factor": 0.25, "total_iters": 3}),
        ("PolynomialLR", {"total_iters": 6, "power": 0.5}),
    ]
    for name, options in cases:
        w = torch.zeros(1, requires_grad=True)
        theirs_opt = torch.optim.SGD([w], lr=0.1)
        theirs = getattr(torch.optim.lr_scheduler, name)(theirs_opt, **options)
        want = []
        for _ in range(12):
            want.append(theirs.get_last_lr())
            theirs_opt.step()
            theirs.step()
        close(lrs(lambda o, n=name, k=options: getattr(S, n)(o, **k), n=12), want)
