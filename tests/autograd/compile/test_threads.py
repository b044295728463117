"""Threads: calls of one compiled step from several threads take turns and give eager's
numbers; a capture records only its own thread, while another thread trains its own model."""

from __future__ import annotations

import sys
import threading
import warnings

import numpy as np

import autograd
import nn
import optim

from .helpers import bits, data, mlp, training_step


def test_concurrent_calls_of_one_compiled_step_take_turns() -> None:
    x, y = data()
    calls = 40
    eager_model = mlp()
    eager = training_step(eager_model, optim.SGD(eager_model.parameters(), lr=0.05, momentum=0.9))
    for _ in range(2 * calls):
        eager(x, y)

    model = mlp()
    step = autograd.compile(
        training_step(model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    )
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            for _ in range(calls):
                step(x, y)
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: interleave if unlocked
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    # Every call is the same update of the same model: taking turns, 80 calls in any order
    # are eager's 80 steps, bit for bit (interleaved op by op they would not be).
    assert bits([p.numpy() for p in model.parameters()]) == bits(
        [p.numpy() for p in eager_model.parameters()]
    )
    assert step.replays >= 2 * calls - 4


def test_a_capture_records_only_its_own_thread() -> None:
    x, y = data()
    entered, done = threading.Event(), threading.Event()

    def make_a():
        model = mlp()
        opt = optim.SGD(model.parameters(), lr=0.05)
        inner = training_step(model, opt)
        first = [True]

        def step(x, y):
            if first[0]:  # the first call (a capture) lets the other thread work inside it
                first[0] = False
                entered.set()
                assert done.wait(10)
            return inner(x, y)

        return step, model

    def b_work(out):
        # Another thread's own work meanwhile: a model built and trained (NumPy constructors,
        # the library generator's draws). (Not a model that exists when the capture starts:
        # the capture swaps every live model's arrays, and another thread using them makes
        # the step run eagerly: see the next test.)
        x, _ = data()
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
        noise = autograd.randn(32, 2)
        step = training_step(model, optim.SGD(model.parameters(), lr=0.1))
        out.append([step(x + noise, np.zeros((32, 1), np.float32)).item() for _ in range(3)])
        out.append(bits([p.numpy() for p in model.parameters()]))

    autograd.manual_seed(7)
    reference: list = []
    b_work(reference)

    eager_step, eager_model = make_a()
    step_a, model_a = make_a()
    compiled = autograd.compile(step_a)
    seen: list = []
    autograd.manual_seed(7)

    def b():
        assert entered.wait(10)
        b_work(seen)
        done.set()

    other = threading.Thread(target=b)
    other.start()
    losses = [compiled(x, y).item() for _ in range(5)]
    other.join()
    assert seen == reference  # the other thread computed as if no capture were running

    done.set()  # the eager twin passes its handshake at once
    expected = [eager_step(x, y).item() for _ in range(5)]
    assert bits(losses) == bits(expected)
    assert bits([p.numpy() for p in model_a.parameters()]) == bits(
        [p.numpy() for p in eager_model.parameters()]
    )
    assert compiled.replays >= 3 and compiled.eager_reason is None


def test_a_capture_in_another_thread_makes_this_call_eager() -> None:
    x, y = data()
    entered, done = threading.Event(), threading.Event()

    def slow(x, y):
        entered.set()
        assert done.wait(10)
        return (x * 2).sum()

    slow_step = autograd.compile(slow)
    other = threading.Thread(target=slow_step, args=data())
    other.start()
    assert entered.wait(10)
    # (A model made after slow's capture began, not seeding the library generator: it is not
    # among the models that capture swapped.)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    step = autograd.compile(training_step(model, optim.SGD(model.parameters(), lr=0.05)))
    step(x, y)  # slow_step's capture is running: this call runs eagerly, capturing nothing
    assert (step.captures, step.eager_calls) == (0, 1)
    done.set()
    other.join()
    step(x, y)
    assert step.captures == 1 and step.eager_reason is None


def test_another_thread_using_the_steps_tensors_during_its_capture_makes_it_eager() -> None:
    x, y = data()
    entered, done = threading.Event(), threading.Event()
    model = mlp()
    inner = training_step(model, optim.SGD(model.parameters(), lr=0.05))

    def step(x, y):
        entered.set()
        assert done.wait(10)
        return inner(x, y)

    compiled = autograd.compile(step)
    seen = []

    def b():
        assert entered.wait(10)
        with autograd.no_grad():
            seen.append(model(x).sum().item())  # the model being captured, from another thread
        done.set()

    other = threading.Thread(target=b)
    other.start()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled(x, y)
    other.join()
    assert "another thread used the step's arrays" in str(caught[0].message)
    assert compiled.eager_reason is not None and not compiled.programs
    assert np.isfinite(seen[0])
