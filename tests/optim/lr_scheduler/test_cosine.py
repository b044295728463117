"""optim/lr_scheduler/cosine.py: CosineAnnealingLR against its closed form."""

import numpy as np
import pytest

from optim import lr_scheduler as S

from ..optim_helpers import E, close, lrs


def test_cosine_annealing_follows_the_closed_form_past_t_max():
    got = lrs(lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01))
    close(got, 0.01 + (0.1 - 0.01) * (1 + np.cos(np.pi * E / 7)) / 2)
    assert got[7, 0] == pytest.approx(0.01) and got[14, 0] == pytest.approx(0.1)
