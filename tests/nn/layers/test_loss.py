"""nn/layers/loss.py: the loss modules compute what their functions compute and keep their
weights as buffers."""

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def t(values, dtype=np.float64, requires_grad=False):
    return autograd.Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def test_loss_modules_match_functions_and_keep_weight_buffers():
    x = t([[0.3, -1.2, 2.0], [0.1, 0.4, -0.5]])
    y = np.array([2, 0])
    w = np.array([1.0, 2.0, 3.0])
    module = nn.CrossEntropyLoss(weight=w, label_smoothing=0.1, reduction="sum")
    assert module(x, y).item() == pytest.approx(
        F.cross_entropy(x, y, w, reduction="sum", label_smoothing=0.1).item()
    )
    assert list(module.state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    p = t([[0.2, 0.7]])
    target = t([[0.0, 1.0]])
    pairs = [
        (nn.MSELoss(), F.mse_loss),
        (nn.L1Loss(), F.l1_loss),
        (nn.HuberLoss(delta=0.1), lambda a, b: F.huber_loss(a, b, delta=0.1)),
        (nn.SmoothL1Loss(beta=0.1), lambda a, b: F.smooth_l1_loss(a, b, beta=0.1)),
        (nn.BCELoss(), F.binary_cross_entropy),
        (
            nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 2.0])),
            lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=np.array([2.0, 2.0])),
        ),
    ]
    for module, fn in pairs:
        assert module(p, target).item() == pytest.approx(fn(p, target).item())
    logp = F.log_softmax(x)
    assert nn.NLLLoss()(logp, y).item() == pytest.approx(F.cross_entropy(x, y).item())
