"""Bad hyperparameters raise ValueError naming the optimizer, the argument and the value."""

import math

import numpy as np
import pytest

import optim

from .optim_helpers import param

CASES = [
    (optim.SGD, {"lr": -0.1}, "SGD: invalid lr=-0.1"),
    (optim.SGD, {"lr": math.nan}, "SGD: invalid lr=nan"),
    (optim.SGD, {"momentum": -0.9}, "invalid momentum=-0.9"),
    (optim.SGD, {"dampening": -1.0}, "invalid dampening=-1.0"),
    (optim.SGD, {"weight_decay": -1e-4}, "invalid weight_decay=-0.0001"),
    (optim.SGD, {"nesterov": True}, "nesterov=True with momentum=0"),
    (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening=0.1"),
    (optim.Adam, {"lr": -1.0}, "Adam: invalid lr=-1.0"),
    (optim.Adam, {"betas": (1.0, 0.999)}, r"invalid betas\[0\]=1.0"),
    (optim.Adam, {"betas": (0.9, -0.1)}, r"invalid betas\[1\]=-0.1"),
    (optim.Adam, {"betas": (0.9,)}, r"invalid betas=\(0.9,\)"),
    (optim.Adam, {"eps": -1e-8}, "invalid eps=-1e-08"),
    (optim.Adam, {"weight_decay": -0.1}, "invalid weight_decay=-0.1"),
    (optim.AdamW, {"betas": (0.9, 1.5)}, r"AdamW: invalid betas\[1\]=1.5"),
    (optim.RMSprop, {"alpha": -0.5}, "RMSprop: invalid alpha=-0.5"),
    (optim.RMSprop, {"eps": -1.0}, "invalid eps=-1.0"),
    (optim.RMSprop, {"momentum": -0.1}, "invalid momentum=-0.1"),
    (optim.RMSprop, {"weight_decay": -0.1}, "invalid weight_decay=-0.1"),
    (optim.Adagrad, {"lr_decay": -0.1}, "Adagrad: invalid lr_decay=-0.1"),
    (optim.Adagrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value=-1.0"),
    (optim.Adagrad, {"eps": -1.0}, "invalid eps=-1.0"),
    (optim.Adagrad, {"lr": "0.1"}, "invalid lr='0.1'"),
]


@pytest.mark.parametrize("cls, kwargs, text", CASES)
def test_bad_hyperparameter_raises(cls, kwargs, text):
    with pytest.raises(ValueError, match=text):
        cls([param([1.0])], **kwargs)


@pytest.mark.parametrize("cls, kwargs, text", CASES[:3])
def test_bad_hyperparameter_in_a_group_raises(cls, kwargs, text):
    with pytest.raises(ValueError, match=text):
        cls([{"params": [param([1.0])], **kwargs}])


def test_boundary_values_are_accepted():
    p = param([1.0])
    made = [
        optim.SGD([p], lr=0.0, momentum=0.0, weight_decay=0.0),
        optim.Adam([p], betas=(0.0, 0.0), eps=0.0),
        optim.RMSprop([p], alpha=0.0),
        optim.Adagrad([p], lr_decay=0.0, initial_accumulator_value=0.0),
    ]
    assert made[0].param_groups[0]["lr"] == 0.0 and made[1].param_groups[0]["betas"] == (0.0, 0.0)
    p.grad = np.array([2.0])
    made[0].step()  # lr 0: the parameter does not move
    np.testing.assert_array_equal(p.data, [1.0])
    made[1].step()  # betas 0, eps 0: Adam's step is lr * g / |g| = lr * sign(g)
    np.testing.assert_allclose(p.data, [1.0 - 0.001])
