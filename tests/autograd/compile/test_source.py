"""What ``step.source`` and ``print(step)`` show: straight-line NumPy with the op and module of
each line, numbers that vary between calls read as inputs, guards listed."""

from __future__ import annotations

import re

import autograd
import optim

from .helpers import data, mlp, training_step


def compiled(make_opt):
    model = mlp()
    opt = make_opt(model.parameters())
    step = autograd.compile(training_step(model, opt))
    x, y = data()
    for _ in range(4):
        step(x, y)
    return step


def test_sgd_source_reads_like_the_hand_written_step() -> None:
    step = compiled(lambda p: optim.SGD(p, lr=0.05))
    source = step.source
    assert source.startswith("def step(x, y):")
    assert "np.dot(x_data, " in source and "np.maximum(" in source
    assert "# LinearFunction (0)" in source and "# Relu backward (3)" in source
    assert "lr_0 = D0['lr']" in source  # the learning rate is read at every call...
    assert "0.05" not in source  # ...never baked in
    assert "SGD update" in source and "P1._grad = " in source
    compile(source, "<test>", "exec")  # valid Python


def test_adam_step_count_is_an_input() -> None:
    step = compiled(lambda p: optim.Adam(p, lr=0.01))
    source = step.source
    assert "step_1 = D1['step']" in source  # read at every call
    # t = step + 1, the bias correction 1 - beta1 ** t computed from it at each call, and the
    # new count written back.
    assert re.search(r"(c\d+) = step_1 \+ 1.*\n(.*\n)*.*betas_0_0 \*\* \1", source)
    assert re.search(r"D1\['step'\] = c\d+", source)


def test_repr_lists_guards_and_cache() -> None:
    step = compiled(lambda p: optim.SGD(p, lr=0.05, momentum=0.9))
    shown = repr(step)
    assert "capture(s)" in shown and "replay(s)" in shown
    assert "x: Tensor float32 (32, 2)" in shown
    assert "0.training is True" in shown
    assert "momentum_0 == 0.9" in shown
    assert "0.weight: requires_grad True" in shown
