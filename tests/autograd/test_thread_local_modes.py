"""Grad mode, anomaly mode, recorders and scopes are per thread (as in PyTorch).

A trainer thread beside an evaluator thread that sits in ``no_grad`` must keep its graph at
every step, with the true gradient; before these switches were per thread, the evaluator's
``no_grad`` stripped most of the trainer's graphs and the optimizer skipped them silently.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import autograd
import nn
import optim


def _run(*targets):
    errors: list[BaseException] = []

    def guarded(fn):
        def body():
            try:
                fn()
            except BaseException as error:  # noqa: BLE001  (re-raised in the main thread)
                errors.append(error)

        return body

    threads = [threading.Thread(target=guarded(fn)) for fn in targets]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads every few bytecodes: interleave op by op
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    if errors:
        raise errors[0]


def test_trainer_keeps_every_gradient_while_an_evaluator_thread_runs_no_grad():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3))
    y = rng.standard_normal((16, 1))
    model = nn.Linear(3, 1).double()  # shared: the evaluator reads the weights being trained
    opt = optim.SGD(model.parameters(), lr=0.05)
    steps = 300
    done = threading.Event()
    evaluations = [0]
    checked = [0]

    def trainer():
        try:
            for _ in range(steps):
                w = model.weight.data.copy()
                b = model.bias.data.copy()
                opt.zero_grad()
                loss = ((model(autograd.tensor(x)) - autograd.tensor(y)) ** 2).mean()
                loss.backward()
                assert model.weight.grad is not None and model.bias.grad is not None
                residual = x @ w.T + b - y  # d(mean r^2)/dw = 2 r^T x / n
                np.testing.assert_allclose(
                    np.asarray(model.weight.grad), 2 * residual.T @ x / len(x), rtol=1e-12
                )
                np.testing.assert_allclose(
                    np.asarray(model.bias.grad), 2 * residual.sum(0) / len(x), rtol=1e-12
                )
                checked[0] += 1
                opt.step()
        finally:
            done.set()

    def evaluator():
        while not done.is_set():
            with autograd.no_grad():
                out = model(autograd.tensor(x))
                assert out.grad_fn is None and not autograd.is_grad_enabled()
            evaluations[0] += 1

    _run(trainer, evaluator)
    assert checked[0] == steps
    assert evaluations[0] > 0


def test_interleaved_no_grad_blocks_in_two_threads_leave_recording_on():
    entered = threading.Barrier(2)
    first_left = threading.Event()

    def first():
        with autograd.no_grad():
            entered.wait()
        first_left.set()

    def second():
        with autograd.no_grad():
            entered.wait()
            first_left.wait()  # the first block exits before the second: the order that leaked

    _run(first, second)
    assert autograd.is_grad_enabled()
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    assert (x * x).sum().grad_fn is not None


def test_a_new_thread_starts_with_recording_on_inside_a_no_grad_block():
    seen = {}

    def worker():
        seen["enabled"] = autograd.is_grad_enabled()
        x = autograd.tensor([1.0], requires_grad=True)
        seen["recorded"] = (x * 2).grad_fn is not None

    with autograd.no_grad():
        _run(worker)
    assert seen == {"enabled": True, "recorded": True}


def test_anomaly_scope_and_trace_of_one_thread_do_not_reach_another():
    from autograd.thread_state import current

    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def holder():
        with autograd.detect_anomaly(), autograd.scope("other thread"), autograd.trace():
            inside.set()
            release.wait()

    def looker():
        inside.wait()
        state = current()
        seen["state"] = (state.anomaly, list(state.scopes), list(state.recorders))
        x = autograd.tensor([0.0], requires_grad=True)
        with np.errstate(divide="ignore"):
            y = autograd.log(x)  # -inf: anomaly mode would raise here
        seen["value"] = float(y.data[0])
        release.set()

    _run(holder, looker)
    assert seen == {"state": (False, [], []), "value": -np.inf}


def test_set_grad_enabled_switches_at_once_and_restores_after_a_block():
    # The transfer-learning tutorial: `with torch.set_grad_enabled(phase == "train"):`.
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    for phase in ("train", "val"):
        with autograd.set_grad_enabled(phase == "train"):
            y = x * 3.0
        assert y.requires_grad is (phase == "train")
        assert autograd.is_grad_enabled()
    autograd.set_grad_enabled(False)  # a plain call: off until switched back
    try:
        assert not autograd.is_grad_enabled() and not (x * 2.0).requires_grad
    finally:
        autograd.set_grad_enabled(True)
    assert autograd.is_grad_enabled()
    with pytest.raises(TypeError, match="set_grad_enabled: mode must be a bool"):
        autograd.set_grad_enabled("train")
