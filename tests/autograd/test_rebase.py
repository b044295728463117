"""In-place arithmetic on recorded results (autograd/rebase.py): the history moves to a new node
and the memory is written, as in PyTorch; ops that saved the old values raise in backward;
writes through every kind of recorded view, or onto a base that a recorded view shares, are
refused."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn

XD = np.array([0.5, -1.2, 2.0, 0.7])
YD = np.array([1.5, 0.3, -0.7, 1.1])


def leaves():
    return ag.tensor(XD, requires_grad=True), ag.tensor(YD, requires_grad=True)


def chain(x, y):
    c = x * 2
    c += y
    c *= x
    c -= 1
    c /= y
    return c


def test_history_moves_and_memory_is_written():
    x, y = leaves()
    c = x * 2
    memory = c._data
    c += y
    assert c._data is memory and c.grad_fn.fn.name == "add"
    np.testing.assert_allclose(c.data, XD * 2 + YD)
    c.sum().backward()
    np.testing.assert_allclose(x.grad, 2.0)
    np.testing.assert_allclose(y.grad, 1.0)


def test_gradients_first_and_second_order():
    x, y = leaves()
    assert ag.gradcheck(chain, (x, y))
    assert ag.gradgradcheck(chain, (x, y))

    def self_ops(x):
        c = x * x
        c *= x  # saved old value: the op gets a snapshot
        c += c  # both operands are the old value
        return c

    assert ag.gradcheck(self_ops, (x,)) and ag.gradgradcheck(self_ops, (x,))


def test_against_torch():
    torch = pytest.importorskip("torch")
    x, y = leaves()
    (chain(x, y) ** 2).sum().backward()
    tx = torch.tensor(XD, requires_grad=True)
    ty = torch.tensor(YD, requires_grad=True)
    (chain(tx, ty) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad, ty.grad.numpy(), rtol=1e-12)


def test_hand_written_linear_adds_its_bias_in_place():
    class Linear:  # makemore part 3's layer
        def __init__(self, weight, bias):
            self.weight, self.bias = weight, bias

        def __call__(self, x):
            self.out = x @ self.weight
            self.out += self.bias
            return self.out

    w = ag.tensor(np.ones((4, 2)), requires_grad=True)
    b = ag.tensor(np.array([0.5, -0.5]), requires_grad=True)
    layer = Linear(w, b)
    layer(ag.tensor(XD[None])).sum().backward()
    np.testing.assert_allclose(w.grad, np.repeat(XD[:, None], 2, axis=1))
    np.testing.assert_allclose(b.grad, [1.0, 1.0])


def test_an_op_that_saved_the_old_value_raises():
    x, y = leaves()
    c = x * 2
    w = c * y  # saved c's values
    c += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        w.sum().backward()


def test_retain_grad_follows_the_tensor():
    x, _ = leaves()
    c = x * 2
    c.retain_grad()
    c += 1
    (c * 3).sum().backward()
    np.testing.assert_allclose(c.grad, 3.0)


VIEWS = {
    "slice": lambda c: c[1:3],
    "reshape": lambda c: c.reshape(2, 2),
    "view": lambda c: c.view(4, 1),
    "T": lambda c: c.reshape(2, 2).T,
    "transpose": lambda c: c.reshape(2, 2).transpose(0, 1),
    "unsqueeze": lambda c: c.unsqueeze(0),
    "squeeze": lambda c: c[None].squeeze(),
    "broadcast_to": lambda c: ag.broadcast_to(c, (3, 4)),
    "swapaxes": lambda c: c.reshape(2, 2).swapaxes(0, 1),
    "ravel": lambda c: c.ravel(),
}

# Recorded ops that look like views in PyTorch but give copies here (NumPy's scalar for an int
# index of a 1-D array, diagonal's copy): changing them leaves the base alone, and is allowed.
COPIES = {
    "int index": lambda c: c[0],
    "diagonal": lambda c: c.reshape(2, 2).diagonal(),
}


@pytest.mark.parametrize("kind", sorted(VIEWS))
def test_writes_through_a_view_or_onto_its_base_are_refused(kind):
    x, _ = leaves()
    c = x * 2
    v = VIEWS[kind](c)
    assert np.shares_memory(v.data, c.data)
    with pytest.raises(RuntimeError, match="view shares"):
        v += 1
    with pytest.raises(RuntimeError, match="view shares"):
        c *= 2
    np.testing.assert_allclose(c.data, XD * 2)  # nothing was written


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_copies_may_be_changed_and_leave_the_base_alone(kind):
    x, _ = leaves()
    c = x * 2
    v = COPIES[kind](c)
    assert not np.shares_memory(v.data, c.data)
    v += 1
    np.testing.assert_allclose(c.data, XD * 2)
    assert ag.gradcheck(lambda x: COPIES[kind](x * 2) + 0, (leaves()[0],))


def test_an_advanced_index_is_a_copy_and_may_be_changed():
    x, _ = leaves()
    c = x * 2
    picked = c[[0, 2]]
    picked -= 1  # a copy: c is untouched, picked's history moves
    np.testing.assert_allclose(c.data, XD * 2)
    (picked * c[[0, 2]]).sum().backward()
    np.testing.assert_allclose(x.grad, [2 * (2 * XD[0] - 1) + 4 * XD[0], 0, 8 * XD[2] - 2, 0])


def test_still_refused_leaf_and_fills():
    p = nn.Parameter(ag.tensor(XD))
    with pytest.raises(RuntimeError, match="requires grad"):
        p += 1
    c = p * 2
    with pytest.raises(RuntimeError, match="recorded result"):
        c.fill_(0.0)


def setitem_program(lib, x, w, targets):
    d = x @ w
    d[range(4), lib.tensor(targets)] -= 1  # makemore's dlogits line, on a recorded result
    d[:, 0] = x[:, 1] * 2
    d[3] = 0.5
    return (d * d).sum()


def test_item_assignment_on_a_recorded_result_moves_its_history():
    rng = np.random.default_rng(0)
    xd, wd, targets = rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), np.array([0, 2, 1, 2])
    x = ag.tensor(xd, requires_grad=True)
    w = ag.tensor(wd, requires_grad=True)
    assert ag.gradcheck(lambda x, w: setitem_program(ag, x, w, targets), (x, w))
    assert ag.gradgradcheck(lambda x, w: setitem_program(ag, x, w, targets), (x, w))
    torch = pytest.importorskip("torch")
    setitem_program(ag, x, w, targets).backward()
    tx = torch.tensor(xd, requires_grad=True)
    tw = torch.tensor(wd, requires_grad=True)
    setitem_program(torch, tx, tw, targets).backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad, tw.grad.numpy(), rtol=1e-12)


def test_item_assignment_refusals():
    x, _ = leaves()
    c = x * 2
    with pytest.raises(RuntimeError, match="repeats a position"):
        c[[0, 0]] = ag.tensor([1.0, 2.0])
    v = c[1:3]
    with pytest.raises(RuntimeError, match="view shares"):
        c[0] = 1.0
    with pytest.raises(RuntimeError, match="view shares"):
        v[0] = 1.0
    s = ag.exp(x)  # exp saved its result for backward: changing it makes backward raise,
    s[0] = 1.0  # as in PyTorch
    with pytest.raises(RuntimeError, match="modified in place"):
        s.sum().backward()
