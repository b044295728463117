"""optim/lr_scheduler/linear.py: LinearLR's warmup and decay against closed forms."""

import numpy as np

from optim import lr_scheduler as S

from ..optim_helpers import E, close, lrs


def test_linear_lr_default_warmup():
    # 1/3 -> 1 over 5 epochs, then constant
    close(lrs(S.LinearLR), 0.1 * (1 / 3 + (2 / 3) * np.minimum(E, 5) / 5))


def test_linear_lr_decay():
    got = lrs(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.25, total_iters=8))
    close(got, 0.1 * (1 - 0.75 * np.minimum(E, 8) / 8))
