"""Version counters: backward raises when an array it saved was changed in place."""

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import versions


def leaf(values):
    return ag.tensor(values, dtype=np.float64, requires_grad=True)


def test_a_leaf_changed_in_place_after_the_forward_makes_backward_raise():
    # Issue 13, item 3: this gave [0, 2], neither the true [2, 4] nor an error.
    w = leaf([1.0, 2.0])
    w.name = "w"
    y = (w * w).sum()
    with ag.no_grad():
        w -= 1
    with pytest.raises(
        RuntimeError, match=r"backward of 'mul': input 0 \('w'\).*modified in place"
    ):
        y.backward()


def test_the_same_change_before_the_forward_is_fine():
    w = leaf([1.0, 2.0])
    with ag.no_grad():
        w -= 1
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 2.0])


def test_an_op_that_saved_nothing_ignores_changes_to_its_inputs():
    w = leaf([1.0, 2.0])
    y = (w + 1).sum()  # add saves nothing: its gradient does not depend on w's value
    with ag.no_grad():
        w -= 1
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_a_saved_intermediate_changed_through_a_detached_alias_makes_backward_raise():
    x = leaf([0.5, 1.5])
    h = x.exp()  # exp saves its result
    alias = h.detach()  # shares h's memory
    alias += 1
    with pytest.raises(RuntimeError, match="backward of 'exp': its result .* modified in place"):
        h.sum().backward()


def test_a_view_changed_in_place_bumps_the_memory_it_shares():
    data = ag.tensor([1.0, 2.0, 3.0], dtype=np.float64)  # a constant input
    w = leaf([1.0, 1.0, 1.0])
    y = (w * data).sum()
    view = data[1:]  # not recorded: data does not require grad
    view *= 10
    with pytest.raises(RuntimeError, match="backward of 'mul': input 1 .* modified in place"):
        y.backward()


def test_an_optimizer_step_between_forward_and_backward_makes_backward_raise():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.randn(5, 3)
    loss = model(x).sum()
    for p in model.parameters():
        p.grad = np.ones_like(p.data)
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place after the forward"):
        loss.backward()


def test_a_normal_training_step_is_not_affected():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.randn(5, 3)
    before = [p._version for p in model.parameters()]
    losses = []
    for _ in range(3):  # forward, backward, step: each backward reads values saved after a step
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[2] < losses[1] < losses[0]
    assert [p._version - b for p, b in zip(model.parameters(), before)] == [3, 3, 3, 3]


def test_versions_follow_the_memory_owner():
    a = np.zeros(4)
    view = a[1:]
    assert versions.version(a) == versions.version(view) == 0
    versions.bump(view)
    assert versions.version(a) == versions.version(view) == 1
    t = ag.Tensor(a)
    assert t._version == 1
    t += 1  # t does not require grad: allowed, and counted
    assert t._version == 2
