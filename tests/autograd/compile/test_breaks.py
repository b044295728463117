"""Python inside the step: what a capture cannot replay is detected, the step runs eagerly
(with one warning naming the line), and the result is always eager's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
import nn.functional as F
import optim
from autograd.compile import CompileWarning

from .helpers import bits, data, mlp


def pair_of(body):
    """Eager and compiled versions of ``body(model, opt, x, y)`` on identical models."""
    out = []
    for use_compile in (False, True):
        model = mlp()
        opt = optim.Adam(model.parameters(), lr=0.01)

        def step(x, y, model=model, opt=opt):
            return body(model, opt, x, y)

        out.append((model, autograd.compile(step) if use_compile else step))
    return out


def run(pair, calls: int = 6):
    x, y = data()
    results = []
    for model, step in pair:
        values = [step(x, y) for _ in range(calls)]
        values = [v.item() if hasattr(v, "item") else v for v in values]
        results.append(bits(values) + bits([p.data for p in model.parameters()]))
    assert results[0] == results[1]
    return pair[1][1]


def test_returning_item_is_replayed() -> None:
    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # a read that only feeds the return value

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = run(pair_of(body))
    assert step.replays >= 4
    assert isinstance(step(*data()), float)


def test_print_runs_eagerly_and_names_the_line() -> None:
    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        print(f"{loss.item():.3f}")  # the line the warning must name
        loss.backward()
        opt.step()
        return loss

    with pytest.warns(CompileWarning, match=r"test_breaks.py:\d+: print\(f\"\{loss.item"):
        step = run(pair_of(body))
    assert step.replays == 0 and step.eager_reason is not None


def test_float_kept_runs_eagerly() -> None:
    seen: list[float] = []

    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        seen.append(float(loss))
        loss.backward()
        opt.step()
        return loss

    with pytest.warns(CompileWarning, match=r"float\(\).*seen.append"):
        run(pair_of(body))
    assert len(seen) == 12  # every call ran the Python: none was replayed


def test_branch_on_data_before_any_change_is_a_check() -> None:
    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        if loss.item() > 0.7:  # flips after a few steps of training
            loss = loss * 2
        loss.backward()
        opt.step()
        return loss

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = run(pair_of(body), calls=30)
    assert "raise _Miss" in step.source and "> 0.7" in step.source
    assert step.replays >= 20


def test_branch_on_data_after_the_update_runs_eagerly() -> None:
    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        if model[0].weight.data.max() > 10:  # reads the new weights: nothing left to undo
            raise RuntimeError("diverged")
        return loss

    with pytest.warns(CompileWarning, match="after changing its state"):
        run(pair_of(body))


def test_step_dependent_branch_is_guarded_then_given_up() -> None:
    def body(model, opt, x, y):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        first = opt.param_groups[0]["params"][0]
        warmup = opt.state[first]["step"] < 3 if opt.state else True  # the step count
        if warmup:
            opt.param_groups[0]["lr"] = 0.001
        else:
            opt.param_groups[0]["lr"] = 0.01
        opt.step()
        return loss

    pair = pair_of(body)
    pair[1][1].max_captures = 5
    with pytest.warns(CompileWarning, match="captures"):
        step = run(pair, calls=12)
    assert step.captures == 5
    assert step.eager_reason is not None and step.programs == []


def test_create_graph_is_refused() -> None:
    model = mlp()
    x, y = data()

    def penalty(x, y):
        loss = F.mse_loss(model(x), y)
        (g,) = autograd.grad(loss, [model[0].weight], create_graph=True)
        return loss + (g * g).sum()

    step = autograd.compile(penalty)
    with pytest.warns(CompileWarning, match="create_graph"):
        first = step(x, y)
    assert bits([first.data]) == bits([penalty(x, y).data])


def test_numpy_global_random_is_refused() -> None:
    model = mlp()
    x, y = data()

    def noisy(x, y):
        return F.mse_loss(model(x + np.random.standard_normal(x.shape).astype(np.float32)), y)

    step = autograd.compile(noisy)
    with pytest.warns(CompileWarning, match="numpy.random"):
        step(x, y)
    step(x, y)
    assert step.replays == 0


def test_a_generator_of_its_own_is_refused() -> None:
    model = mlp()
    x, y = data()
    rng = np.random.default_rng(0)

    def noisy(x, y):
        noise = rng.standard_normal(x.shape).astype(np.float32)  # would be baked in
        return F.mse_loss(model(x + noise), y)

    step = autograd.compile(noisy)
    with pytest.warns(CompileWarning, match="generator of its own"):
        step(x, y)
    step(x, y)
    assert step.replays == 0


def test_keyword_arguments_run_eagerly() -> None:
    model = mlp()
    x, _ = data()
    step = autograd.compile(lambda x: model(x))
    with pytest.warns(CompileWarning, match="keyword"):
        out = step(x=x)
    assert bits([out.data]) == bits([model(x).data])
