"""A step that updates the parameters itself, the ways PyTorch code does (``p.data.add_``,
``p.data -= ...``, ``p -= ...`` under ``no_grad``, ``p.data = ...``; ``p.grad.zero_()`` or
``p.grad = None``), compiles bitwise equal to eager over 50 steps."""

from __future__ import annotations

import warnings

import pytest

import autograd
import nn.functional as F
from autograd.compile import CompileWarning

from .helpers import data, eager_and_compiled, mlp

LR = 0.05


def update_data_add_(params):
    for p in params:
        p.data.add_(-LR * p.grad)


def update_data_isub(params):
    for p in params:
        p.data -= LR * p.grad


def update_no_grad_isub(params):
    with autograd.no_grad():
        for p in params:
            p -= LR * p.grad


def update_no_grad_sub_(params):
    with autograd.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=LR)


def update_data_assign(params):
    for p in params:
        p.data = p.data - LR * p.grad  # a new array each step: read from the tensor each call


UPDATES = [
    update_data_add_,
    update_data_isub,
    update_no_grad_isub,
    update_no_grad_sub_,
    update_data_assign,
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda f: f.__name__[7:])
@pytest.mark.parametrize("zero", ["grad_zero_", "grad_data_zero_", "grad_none"])
def test_fifty_steps_of_a_hand_written_update(update, zero) -> None:
    x, y = data()

    def make():
        model = mlp()
        params = list(model.parameters())

        def step(x, y):
            loss = F.mse_loss(model(x), y)
            loss.backward()
            update(params)
            for p in params:
                if zero == "grad_zero_":
                    p.grad.zero_()
                elif zero == "grad_data_zero_":
                    p.grad.data.zero_()
                else:
                    p.grad = None
            return loss

        return step, lambda: [p.numpy() for p in params]

    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        eager, compiled, step = eager_and_compiled(make, 50, lambda i: (x, y))
    assert compiled == eager
    assert step.replays >= 47
    _, start = make()
    assert eager[50:] != [a.tobytes() for a in start()]  # (the update did move the weights)
    if update is not update_data_assign:
        assert "out=p0)" in step.source  # the update, in place into the first weight
