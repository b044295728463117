"""Arrays and tensors a step reaches outside its arguments (through its closure, attributes and
containers) are read where they live at every replay: replaced or changed in place between
calls, the compiled step gives eager's numbers bit for bit; what cannot be read again (an
array in a tuple) makes the step run eagerly with a warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim
from autograd.compile import CompileWarning

from .helpers import bits, data, mlp


def run_twins(make, changes, calls: int = 8):
    """``make()`` -> (step, holder, model); ``changes[i](holder)`` runs before call i on both
    twins. Returns the compiled step after asserting both runs are equal bit for bit."""
    records, compiled = [], None
    x, y = data()
    for use_compile in (False, True):
        step, holder, model = make()
        if use_compile:
            step = compiled = autograd.compile(step)
        losses = []
        with warnings.catch_warnings():
            warnings.simplefilter("error", CompileWarning)  # none of these may fall back
            for i in range(calls):
                if i in changes:
                    changes[i](holder)
                losses.append(step(x, y).item())
        records.append(bits(losses) + bits([p.numpy() for p in model.parameters()]))
    assert records[0] == records[1]
    return compiled


def sgd_step(model, scaled):
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step(x, y):
        opt.zero_grad()
        loss = F.mse_loss(scaled(model(x)), y)
        loss.backward()
        opt.step()
        return loss

    return step


def test_a_list_of_arrays_in_the_closure_replaced_and_changed_in_place() -> None:
    def make():
        model = mlp()
        scales = [np.array([1.5], dtype=np.float32), np.array([0.5], dtype=np.float32)]
        return sgd_step(model, lambda out: out * scales[0] + scales[1]), scales, model

    def replace(scales):
        scales[0] = np.array([-2.0], dtype=np.float32)

    def in_place(scales):
        scales[1][...] = 3.0

    step = run_twins(make, {3: replace, 5: in_place})
    assert step.replays >= 5 and "_array_at(" in step.source


def test_an_attribute_dict_of_arrays_read_by_a_method() -> None:
    class Trainer:
        def __init__(self):
            self.model = mlp()
            self.buffers = {"shift": np.zeros((1,), np.float32)}
            self.opt = optim.SGD(self.model.parameters(), lr=0.05)

        def step(self, x, y):
            self.opt.zero_grad()
            loss = F.mse_loss(self.model(x) + self.buffers["shift"], y)
            loss.backward()
            self.opt.step()
            return loss

    def make():
        trainer = Trainer()
        return trainer.step, trainer, trainer.model

    def shift(trainer):
        trainer.buffers["shift"] = np.full((1,), 0.25, np.float32)

    def new_shape(trainer):  # another shape: captured again
        trainer.buffers["shift"] = np.full((32, 1), -0.5, np.float32)

    step = run_twins(make, {3: shift, 6: new_shape}, calls=10)
    assert step.replays >= 5 and step.captures >= 3


class Masked(nn.Module):
    """A module keeping a plain ndarray as an attribute (not a buffer)."""

    def __init__(self):
        super().__init__()
        self.net = mlp()
        self.mask = np.ones((32, 1), np.float32)

    def forward(self, x):
        return self.net(x) * self.mask


def test_a_module_attribute_holding_an_ndarray() -> None:
    def make():
        model = Masked()
        return sgd_step(model, lambda out: out), model, model

    def replace(model):
        model.mask = np.zeros((32, 1), np.float32)
        model.mask[::2] = 1.0

    def in_place(model):
        model.mask[:4] = 2.0

    step = run_twins(make, {2: replace, 5: in_place})
    assert step.replays >= 5


def test_a_dict_of_tensors_in_the_closure() -> None:
    def make():
        model = mlp()
        extra = {"bias": autograd.tensor(np.full((1,), 0.1, np.float32))}
        return sgd_step(model, lambda out: out + extra["bias"]), extra, model

    def replace(extra):
        extra["bias"] = autograd.tensor(np.full((1,), -0.7, np.float32))

    def in_place(extra):
        extra["bias"].data[...] = 0.3  # through .data, PyTorch's way

    step = run_twins(make, {3: replace, 5: in_place})
    assert step.replays >= 5 and "_tensor_data_at(" in step.source


def test_a_model_reached_through_an_attribute_is_guarded() -> None:
    class Holder:
        pass

    def make():
        holder = Holder()
        holder.model = mlp()
        first = holder.model
        opt_of = {}

        def step(x, y):
            model = holder.model
            opt = opt_of.setdefault(id(model), optim.SGD(model.parameters(), lr=0.05))
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step, holder, first

    def swap(holder):
        autograd.manual_seed(5)
        holder.model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))

    step = run_twins(make, {4: swap})
    assert step.captures >= 3  # the new model is captured, not the old one replayed


def test_an_array_in_a_tuple_runs_eagerly_with_a_warning() -> None:
    model = mlp()
    consts = (np.array([2.0], np.float32),)
    step = sgd_step(model, lambda out: out * consts[0])
    compiled = autograd.compile(step)
    x, y = data()
    with pytest.warns(CompileWarning, match=r"through a tuple .*pass it as an argument"):
        compiled(x, y)
    assert compiled.eager_reason is not None


def test_a_tensor_found_outside_the_arguments_replaced_between_calls() -> None:
    model = mlp()
    batch = [data()[0]]
    read = autograd.compile(lambda: model(batch[0]).sum())
    first = [read().item() for _ in range(3)]
    batch[0] = data(batch=32)[0] * 2.0
    assert read().item() == model(batch[0]).sum().item() != first[-1]
    batch[0] = data(batch=4)[0]  # another shape: captured again
    assert read().item() == model(batch[0]).sum().item()
    assert read.replays >= 2


def test_numbers_held_by_modules_and_objects_are_guarded() -> None:
    class Config:
        scale = None

    def make():
        model = mlp(dropout=0.5)
        config = Config()
        config.scale = 2.0
        config.settings = {"shift": 0.5}
        step = sgd_step(model, lambda out: out * config.scale + config.settings["shift"])
        return step, (model, config), model

    def dropout_p(holder):
        holder[0][2].p = 0.25  # a module's number: dropout's rate

    def scale(holder):
        holder[1].scale = -1.0  # a number on an object of one's own

    def shift(holder):
        holder[1].settings["shift"] = 3.0  # in a dict on it

    autograd.manual_seed(0)
    step = run_twins(make, {2: dropout_p, 4: scale, 6: shift}, calls=9)
    assert step.captures >= 4 and step.replays >= 4


def test_a_step_changing_a_number_it_holds_runs_eagerly() -> None:
    # A replay skips the step's Python: a counter it increments would stay put. Such a step is
    # never replayed (each capture sees its own guard change), and ends up eager with a warning.
    class Counter:
        calls = 0

    model = mlp()
    counter = Counter()
    inner = sgd_step(model, lambda out: out)

    def step(x, y):
        counter.calls += 1
        return inner(x, y)

    compiled = autograd.compile(step)
    x, y = data()
    with pytest.warns(CompileWarning, match="captures"):
        for _ in range(20):
            compiled(x, y)
    assert counter.calls == 20 and compiled.replays == 0


NOTEBOOK_CELL = """
import autograd, optim
import nn.functional as F
from tests.autograd.compile.helpers import data, mlp

model = mlp()
opt = optim.SGD(model.parameters(), lr=0.05)

def train_step(x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()  # "step" is an attribute name here, not the global below
    return loss

step = autograd.compile(train_step)
x, y = data()
for _ in range(6):
    step(x, y)
"""


def test_globals_are_the_names_the_step_loads_not_its_attribute_names() -> None:
    namespace: dict = {}
    exec(NOTEBOOK_CELL, namespace)  # noqa: S102 - a notebook's cell, as a notebook runs it
    step = namespace["step"]
    assert step.replays >= 4 and step.eager_reason is None
    assert "global step" not in repr(step)


def test_a_loop_over_a_list_of_arrays_sees_an_item_appended() -> None:
    # The capture unrolls the Python loop: the list's length is guarded, so an appended array
    # means a new capture, not a replay that leaves it out.
    def make():
        model = mlp()
        shifts = [np.full((1,), 0.1, np.float32)]

        def shifted(out):
            for s in shifts:
                out = out + s
            return out

        return sgd_step(model, shifted), shifts, model

    def append(shifts):
        shifts.append(np.full((1,), -0.3, np.float32))

    step = run_twins(make, {3: append, 6: append})
    assert step.captures >= 3 and step.replays >= 4
