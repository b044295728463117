"""Every guard, triggered once: the call that breaks it captures again (or runs eagerly) and
gives eager's result; a number that only feeds the update (the learning rate) is an input."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
import optim

from .helpers import bits, data, mlp, training_step


def twins(make_opt=lambda p: optim.SGD(p, lr=0.05, momentum=0.9), dropout: float = 0.0):
    """Two identical (model, optimizer, step) triples: one run eagerly, one compiled."""
    out = []
    for use_compile in (False, True):
        model = mlp(dropout)
        opt = make_opt(model.parameters())
        step = training_step(model, opt)
        out.append((model, opt, autograd.compile(step) if use_compile else step))
    return out


def same_state(a, b) -> bool:
    return bits([p.data for p in a.parameters()]) == bits([p.data for p in b.parameters()])


def warm(pair, x, y, calls: int = 4) -> None:
    for _model, _, step in pair:
        for _ in range(calls):
            step(x, y)
    assert pair[1][2].replays >= 1


def both(pair, *args):
    """Run the same call on the eager and the compiled twin; their losses must be equal."""
    losses = [step(*args).item() for _, _, step in pair]
    assert bits(losses[:1]) == bits(losses[1:])
    assert same_state(pair[0][0], pair[1][0])


def test_input_shape_and_dtype_recapture() -> None:
    pair = twins()
    x, y = data()
    warm(pair, x, y)
    step = pair[1][2]
    captures = step.captures
    both(pair, *data(batch=8))  # another shape
    assert step.captures == captures + 1
    both(pair, *data(batch=8))
    assert step.replays >= 2


def test_dtype_guard() -> None:
    pair = twins()
    x, y = data()
    warm(pair, x, y)
    step = pair[1][2]
    captures = step.captures
    for model, _, _ in pair:
        model.double()  # parameters become new float64 arrays: the "same array" guards fail
    x64, y64 = data(dtype=np.float64)
    both(pair, x64, y64)
    assert step.captures == captures + 1


def test_training_flag_guard() -> None:
    pair = twins(dropout=0.5)
    x, y = data()
    for _model, _, step in pair:
        autograd.manual_seed(3)
        for _ in range(4):
            step(x, y)
    step = pair[1][2]
    captures = step.captures
    for model, _, _ in pair:
        model.eval()  # dropout off: the captured mask draws no longer apply
    both(pair, x, y)
    assert step.captures == captures + 1
    assert "training is True" in repr(step) or "training is False" in repr(step)


def test_grad_mode_guard() -> None:
    model = mlp()
    x, _ = data()
    forward = autograd.compile(lambda x: model(x))
    for _ in range(3):
        forward(x)
    captures = forward.captures
    with autograd.no_grad():
        out = forward(x)
    assert forward.captures == captures + 1
    assert out.grad_fn is None
    assert bits([out.data]) == bits([model(x).data])


def test_parameter_set_and_requires_grad_guards() -> None:
    pair = twins()
    x, y = data()
    warm(pair, x, y)
    step = pair[1][2]
    captures = step.captures
    for model, _, _ in pair:
        model[0].bias.requires_grad_(False)  # eager now leaves that bias alone
    both(pair, x, y)
    assert step.captures == captures + 1
    for model, _, _ in pair:
        model[0].bias = nn.Parameter(np.zeros(16, dtype=np.float32))  # another parameter
    both(pair, x, y)
    assert step.captures == captures + 2


def test_hyperparameter_branch_guard_and_lr_input() -> None:
    pair = twins()
    x, y = data()
    warm(pair, x, y)
    step = pair[1][2]
    captures = step.captures
    for _, opt, _ in pair:
        opt.param_groups[0]["lr"] = 0.01  # read as an input: no new capture
    both(pair, x, y)
    assert step.captures == captures
    for _, opt, _ in pair:
        opt.param_groups[0]["nesterov"] = True  # a branch of the update rule: a guard
    both(pair, x, y)
    assert step.captures == captures + 1


def test_param_group_guard() -> None:
    pair = twins()
    x, y = data()
    warm(pair, x, y)
    step = pair[1][2]
    captures = step.captures
    for model, opt, _ in pair:
        last = model[-1]
        group = opt.param_groups[0]
        group["params"] = [p for p in group["params"] if p is not last.bias]
        opt.add_param_group({"params": [last.bias], "lr": 0.5})
    both(pair, x, y)
    both(pair, x, y)
    assert step.captures == captures + 1


def test_optimizer_state_replaced_by_load_state_dict() -> None:
    pair = twins(lambda p: optim.Adam(p, lr=0.01))
    x, y = data()
    warm(pair, x, y)
    saved = [opt.state_dict() for _, opt, _ in pair]
    both(pair, x, y)
    for (_, opt, _), state in zip(pair, saved):
        opt.load_state_dict(state)  # new state dicts and buffers, an earlier step count
    both(pair, x, y)
    both(pair, x, y)


@pytest.mark.parametrize("batch", [5, 7])
def test_cache_keeps_a_program_per_shape(batch: int) -> None:
    pair = twins()
    for _ in range(3):
        both(pair, *data())
        both(pair, *data(batch=batch))
    step = pair[1][2]
    assert len(step.programs) == 2
    assert step.captures <= 4


SCALE = 2.0


def test_globals_and_closure_variables_the_step_reads_are_guarded() -> None:
    global SCALE
    model = mlp()
    x, y = data()
    opt = optim.SGD(model.parameters(), lr=0.05)

    def step(x, y):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean() * SCALE  # a global number: a constant in the program
        loss.backward()
        opt.step()
        return loss

    compiled = autograd.compile(step)
    for _ in range(3):
        compiled(x, y)
    captures = compiled.captures
    SCALE = 3.0
    try:
        loss = compiled(x, y)
        assert compiled.captures == captures + 1  # not replayed with the old 2.0
    finally:
        SCALE = 2.0
    assert "global SCALE == 3.0" in repr(compiled)
    del loss


def test_a_number_argument_on_the_left_of_a_tensor_is_an_input():
    # `c * t`, `c - t`: the number's operator gets the Tensor first; it must hand over to the
    # Tensor's reflected operator, not compute with this call's value baked into the program.
    forms = [
        lambda w, c: (w * 2.0).sum() + c * (w**2).mean(),
        lambda w, c: ((c - w) ** 2).sum(),
        lambda w, c: (c / (w + 3.0)).sum() + (c + w).sum() * (c**2 - w).mean(),
    ]
    for form in forms:
        runs = []
        for use_compile in (False, True):
            w = nn.Parameter(autograd.tensor([1.0, 2.0]))
            opt = optim.SGD([w], lr=0.1)

            def step(c, w=w, opt=opt, form=form):
                opt.zero_grad()
                loss = form(w, c)
                loss.backward()
                opt.step()
                return loss

            run = autograd.compile(step) if use_compile else step
            runs.append([run(c).item() for c in (0.0, 0.5, 2.0, 3.0)] + w.data.tolist())
        assert runs[0] == runs[1]


def test_a_float_argument_keeps_float64_precision():
    # A Python number reaches the op as the number (NumPy gives it the tensor's dtype), not as
    # a float32 array: with float64 parameters the replay equals eager to the last bit.
    runs = []
    for use_compile in (False, True):
        w = nn.Parameter(autograd.tensor(np.array([1.0, 2.0])))
        opt = optim.SGD([w], lr=0.1)

        def step(c, w=w, opt=opt):
            opt.zero_grad()
            loss = (w * c + (w - c) ** 2).sum() * (w * w.mean().item()).sum()
            loss.backward()
            opt.step()
            return loss

        run = autograd.compile(step) if use_compile else step
        runs.append(bits([run(c) for c in (0.1, 0.7, 0.3)] + [w.data]))
    assert runs[0] == runs[1]


def test_arrays_and_numbers_met_first_by_numpy_are_inputs():
    # x.numpy() (a stand-in while capturing) or a number first in a NumPy call with a Tensor:
    # the call must be recorded by the Tensor with them as inputs, not computed once with the
    # capture's values (which later calls then replayed silently).
    forms = [
        lambda w, x, c: x.numpy() * w + np.multiply(x.numpy(), w) + np.maximum(c, w),
        lambda w, x, c: np.where(x.numpy() > 0, w, 0.0) * np.float64(c) + x.numpy().sum() * w,
        lambda w, x, c: (
            np.concatenate([x.numpy(), w])[:2] * np.asarray(x) + np.einsum("i,i->", x.numpy(), w)
        ),
    ]
    for form in forms:
        runs = []
        for use_compile in (False, True):
            w = nn.Parameter(autograd.tensor(np.array([1.0, 2.0])))
            opt = optim.SGD([w], lr=0.1)

            def step(x, c, w=w, opt=opt, form=form):
                opt.zero_grad()
                loss = form(w, x, c).sum()
                loss.backward()
                opt.step()
                return loss

            run = autograd.compile(step) if use_compile else step
            cs = (0.1, 0.7, 1.3)  # (the second call may capture again: the third replays)
            xs = [autograd.tensor(np.array([c, 1.0 - 2 * c])) for c in cs]
            runs.append(bits([run(x, c) for x, c in zip(xs, cs)] + [w.data]))
        assert runs[0] == runs[1]
