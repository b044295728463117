"""In-place methods (autograd/inplace.py): outside the graph they write the memory and count the
change; a write that must be recorded goes to autograd/rebase.py (``with_history``); what cannot
be written is refused with the write's name."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd as ag
from autograd import inplace, versions

XD = np.array([[0.5, -1.2, 2.0], [0.7, -0.3, 1.1]])


def test_with_history_is_recording_on_and_a_history_or_a_value_that_requires_grad():
    x = ag.tensor(XD, requires_grad=True)
    c = ag.tensor(XD)
    assert inplace.with_history(x * 2, 1.0)
    assert inplace.with_history(c, x)
    assert not inplace.with_history(c, c, 1.0, np.ones(3))
    with ag.no_grad():
        assert not inplace.with_history(x * 2, x)


WRITES = {
    "+=": lambda t: t.__iadd__(1.0),
    "add_": lambda t: t.add_(1.0),
    "fill_": lambda t: t.fill_(1.0),
    "zero_": lambda t: t.zero_(),
    "copy_": lambda t: t.copy_(ag.ones(3)),
    "clamp_": lambda t: t.clamp_(0, 1),
    "item assignment": lambda t: t.__setitem__(0, 1.0),
    "normal_": lambda t: t.normal_(),
    "uniform_": lambda t: t.uniform_(),
    "masked_fill_": lambda t: t.masked_fill_(np.array([True, False, True]), 1.0),
    "fill": lambda t: t.fill(1.0),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_broadcast_view_is_refused_naming_the_write(name):
    for grad in (False, True):
        base = ag.tensor(XD[0], requires_grad=grad)
        view = base[None].expand(2, 3) if grad else base.expand(2, 3)
        with pytest.raises(RuntimeError, match=f"{re.escape(name)}: .*broadcast view.*clone"):
            WRITES[name](view)
        np.testing.assert_array_equal(base.numpy(), XD[0])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_outside_the_graph_a_write_changes_the_memory_and_counts(name):
    t = ag.tensor(XD.copy())[1]  # a view: the count is its base's
    before = versions.version(t.numpy())
    WRITES[name](t)
    assert versions.version(t.numpy()) == before + 1
    assert not t.requires_grad and t.grad_fn is None


def test_fills_outside_the_graph_match_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        t = lib.tensor(XD.copy())
        t.masked_fill_(t > 1, 0.5)
        t.scatter_(1, lib.tensor([[2], [0]]), -7.0)
        t[:, 1].clamp_(-1, 0)
        t[1].copy_(t[0] * 2)
        if lib is ag:
            ours = t.numpy()
    np.testing.assert_array_equal(ours, t.numpy())


def test_scatter_with_a_source_follows_torch_and_records_on_demand():
    index = [[1, 0, 1]]
    x = ag.tensor(XD[0] + 1, requires_grad=True)
    out = ag.zeros(2, 3, dtype=np.float64).scatter_(0, ag.tensor(index), x[None])
    np.testing.assert_array_equal(out.numpy(), [[0, XD[0, 1] + 1, 0], [XD[0, 0] + 1, 0, 3]])
    (out * ag.tensor(XD)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [XD[1, 0], XD[0, 1], XD[1, 2]])


def test_a_recorded_result_changed_inside_no_grad_is_refused_with_what_to_do():
    x = ag.tensor(XD, requires_grad=True)
    y = x * 2
    with (
        ag.no_grad(),
        pytest.raises(RuntimeError, match="zero_ on a recorded result inside no_grad"),
    ):
        y.zero_()
    np.testing.assert_array_equal(y.numpy(), XD * 2)
    y.zero_()  # with recording on, its history moves
    assert y.grad_fn.fn.name == "where"


def test_detach_in_place_refuses_a_view_as_pytorch():
    # A detached view written afterwards would change its base's values with no trace in the
    # base's history: y[0] doubled through v, y's gradient still 2 (it gave 16 for 32).
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    view = y[0:1]
    with pytest.raises(RuntimeError, match="detach_: .* is a view of another tensor"):
        view.detach_()
    assert view.detach().requires_grad is False  # the way out it names
    assert y.detach_() is y and not y.requires_grad  # (a base is not a view)
