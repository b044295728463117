"""In-place changes on tensors with history (autograd/rebase.py): the history moves to a new node
and the memory is written, as in PyTorch -- arithmetic, item assignment, fills; a value that
requires grad gives a tensor without history one; ops that saved the old values raise in
backward. (Writes through views: tests/autograd/test_views.py.)"""

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


def test_an_advanced_index_is_a_copy_and_may_be_changed():
    x, _ = leaves()
    c = x * 2
    picked = c[[0, 2]]
    picked -= 1  # a copy: c is untouched, picked's history moves
    np.testing.assert_allclose(c.data, XD * 2)
    (picked * c[[0, 2]]).sum().backward()
    np.testing.assert_allclose(x.grad, [2 * (2 * XD[0] - 1) + 4 * XD[0], 0, 8 * XD[2] - 2, 0])


def test_a_leaf_that_requires_grad_is_still_refused():
    p = nn.Parameter(ag.tensor(XD))
    for write in (lambda: p.__iadd__(1), lambda: p.fill_(0.0), lambda: p.__setitem__(0, 1.0)):
        with pytest.raises(RuntimeError, match="requires grad"):
            write()
    np.testing.assert_array_equal(p.numpy(), XD)


FILLS = {
    "zero_": lambda lib, c, z: c.zero_(),
    "fill_": lambda lib, c, z: c.fill_(2.5),
    "fill_(0-d with grad)": lambda lib, c, z: c.fill_(z[1]),
    "copy_": lambda lib, c, z: c.copy_(z * 3),
    "copy_(broadcast)": lambda lib, c, z: c.copy_(z[2]),
    "clamp_": lambda lib, c, z: c.clamp_(-0.5, 1.5),
    "clamp_(tensor bounds)": lambda lib, c, z: c.clamp_(min=z * 0 - 0.5, max=z),
    "masked_fill_": lambda lib, c, z: c.masked_fill_(c > 1.5, 0.5),
    "masked_fill_(0-d with grad)": lambda lib, c, z: c.masked_fill_(c > 1.5, z[0]),
    "scatter_": lambda lib, c, z: c.scatter_(0, lib.tensor([3, 1]), z[:2]),
}


def fill_program(lib, name, x, z):
    c = x * 2
    c_view = c[1:]  # a live view: its history follows
    FILLS[name](lib, c, z)
    return (c * c).sum() + (c_view * x[1:]).sum() + (x * x).sum()


@pytest.mark.parametrize("name", sorted(FILLS))
def test_fills_of_a_recorded_result_move_its_history(name):
    x, z = leaves()
    assert ag.gradcheck(lambda x, z: fill_program(ag, name, x, z), (x, z))
    torch = pytest.importorskip("torch")
    fill_program(ag, name, x, z).backward()
    tx = torch.tensor(XD, requires_grad=True)
    tz = torch.tensor(YD, requires_grad=True)
    fill_program(torch, name, tx, tz).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert (z.grad is None) == (tz.grad is None)
    if z.grad is not None:
        np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), rtol=1e-12)


def test_the_brief_s_fills_by_hand():
    x, z = leaves()
    y = x * 2
    y.zero_()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)  # zeros, not None, as PyTorch's
    x, z = leaves()
    y = x * 2
    y.copy_(z)
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)
    np.testing.assert_allclose(z.grad.numpy(), 2 * YD)  # the gradient flows to z
    x, _ = leaves()
    y = x * 1
    y.clamp_(0, 1)  # clamp's derivative: 1 inside [0, 1], 0 outside
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 0, 0, 1])


def test_random_fills_of_a_recorded_result_cut_the_gradient():
    x, _ = leaves()
    y = x * 2
    y[:2].normal_(generator=ag.Generator().manual_seed(0))
    y[2:].uniform_(5, 6)
    assert (y.numpy()[2:] >= 5).all()
    (y * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


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


def test_repeated_positions_that_agree_count_once_as_in_torch():
    x, _ = leaves()

    def f(x):
        y = x * 2
        y[[0, 0, 2]] += 1  # Python: y[[0, 0, 2]] = y[[0, 0, 2]] + 1 -- adds 1 once
        y[[1, 1]] = 5.0  # the same value twice
        return y

    y = f(x)
    np.testing.assert_allclose(y.numpy(), [2 * XD[0] + 1, 5, 2 * XD[2] + 1, 2 * XD[3]])
    (y * y).sum().backward()
    # The true derivative: y0 = 2 x0 + 1 counts once (torch's index_put_ backward sends the
    # gradient once per repeated index, giving twice this: it documents repeats as undefined).
    np.testing.assert_allclose(x.grad.numpy(), [4 * y.numpy()[0], 0, 4 * y.numpy()[2], 8 * XD[3]])
    assert ag.gradcheck(f, (leaves()[0],))
    torch = pytest.importorskip("torch")
    t = torch.tensor(XD) * 2
    t[[0, 0, 2]] += 1
    t[[1, 1]] = 5.0
    np.testing.assert_allclose(y.numpy(), t.numpy(), rtol=1e-12)


def test_writes_of_a_value_that_requires_grad_give_history():
    x, z = leaves()

    def buffer(x, z):
        out = ag.zeros(3, 4, dtype=np.float64)  # the loop that fills a buffer row by row
        for t in range(3):
            out[t] = x * (t + 1) + z
        acc = ag.zeros(4, dtype=np.float64)
        acc += x * z  # a tensor without history, added a value with one
        acc.copy_(acc + x)  # (acc * 2 would raise: Mul saves both operands, stricter than torch)
        masked = ag.zeros(4, dtype=np.float64).masked_fill_(ag.tensor(XD > 0), x[0])
        hot = ag.zeros(2, 4, dtype=np.float64).scatter_(0, ag.tensor([[1, 0, 1, 0]]), z[None])
        return out.sum(0) * acc + masked + hot.sum(0)

    assert buffer(x, z).requires_grad
    assert ag.gradcheck(buffer, (x, z))
    torch = pytest.importorskip("torch")
    buffer(x, z).sum().backward()

    def torch_buffer(x, z):
        out = torch.zeros(3, 4, dtype=torch.float64)
        for t in range(3):
            out[t] = x * (t + 1) + z
        acc = torch.zeros(4, dtype=torch.float64)
        acc += x * z
        acc.copy_(acc + x)  # (acc * 2 would raise: Mul saves both operands, stricter than torch)
        masked = torch.zeros(4, dtype=torch.float64).masked_fill_(torch.tensor(XD > 0), x[0])
        hot = torch.zeros(2, 4, dtype=torch.float64).scatter_(
            0, torch.tensor([[1, 0, 1, 0]]), z[None]
        )
        return out.sum(0) * acc + masked + hot.sum(0)

    tx = torch.tensor(XD, requires_grad=True)
    tz = torch.tensor(YD, requires_grad=True)
    torch_buffer(tx, tz).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), rtol=1e-12)


def test_a_value_with_history_written_through_a_view_gives_the_base_and_its_views_history():
    x, _ = leaves()

    def f(lib, x):
        buf = lib.zeros(2, 4, dtype=lib.float64)
        first, column = buf[0], buf[:, 1]  # views made before the write get the history too
        buf[0].copy_(x * 2)
        diagonal = lib.zeros(4, 4, dtype=lib.float64)
        diagonal.diagonal().copy_(x)
        return buf.sum() + (first * column[0]).sum() + (diagonal @ x).sum()

    assert ag.gradcheck(lambda x: f(ag, x), (x,))
    torch = pytest.importorskip("torch")
    f(ag, x).backward()
    tx = torch.tensor(XD, requires_grad=True)
    f(torch, tx).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_history_into_memory_others_hold_is_refused():
    x, _ = leaves()
    out = ag.zeros(4, dtype=np.float64)
    with ag.no_grad():
        first = out[0:2]  # a view made under no_grad: outside the graph, not tracked
    with pytest.raises(RuntimeError, match="memory other objects hold"):
        out[0] = x[0] * 2
    held = ag.zeros(4, dtype=np.float64)
    array = held.numpy()
    with pytest.raises(RuntimeError, match=r"copy_ would give history.*\.detach\(\)"):
        held.copy_(x)
    held.copy_(x.detach())  # no history wanted: fine
    np.testing.assert_array_equal(array, XD)
    assert first.numpy().tolist() == [0, 0] and not held.requires_grad
    saved = ag.zeros(4, dtype=np.float64)
    y = x * saved  # saved its input
    with pytest.raises(RuntimeError, match="an op that saved it"):
        saved[1] = x[1]
    assert y.requires_grad


def test_item_assignment_refusals():
    x, _ = leaves()
    c = x * 2
    with pytest.raises(RuntimeError, match="more than once with different values"):
        c[[0, 0]] = ag.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="more than once with different values"):
        c[[0, 0]] -= ag.tensor([1.0, 2.0])
    np.testing.assert_array_equal(c.numpy(), XD * 2)  # nothing was written
    s = ag.exp(x)  # exp saved its result for backward: changing it makes backward raise,
    s[0] = 1.0  # as in PyTorch
    with pytest.raises(RuntimeError, match="modified in place"):
        s.sum().backward()


# (x * 2 is [1, -2.4, 4, 1.4]; the values each write must give, read before the write)
OVERLAPS = {
    "c *= c[0]": (lambda c: c.__imul__(c[0]), [1, -2.4, 4, 1.4]),
    "c[1:] *= c[:-1]": (lambda c: c[1:].__imul__(c[:-1]), [1, -2.4, -9.6, 5.6]),
    "c.clamp_(max=c[3])": (lambda c: c.clamp_(max=c[3]), [1, -2.4, 1.4, 1.4]),
}
# Operands outside the graph (.detach(), .numpy()) on the memory written: constants k, so
# d(sum c)/dx = 2 k.
DETACHED = {
    "c.mul_(c.detach()[1])": (lambda c: c.mul_(c.detach()[1]), -2.4),
    "c *= c.numpy()[2:3]": (lambda c: c.__imul__(c.numpy()[2:3]), 4.0),
}


@pytest.mark.parametrize("name", sorted(OVERLAPS) + sorted(DETACHED))
def test_an_operand_read_from_the_memory_written_is_read_before_the_write(name):
    # PyTorch refuses most of these ("some elements of the input tensor and the written-to
    # tensor refer to a single memory location"); here each reads the values before the write,
    # and an op that saved them saved those values.
    if name in DETACHED:
        write, k = DETACHED[name]
        x, _ = leaves()
        c = x * 2
        write(c)
        np.testing.assert_allclose(c.numpy(), 2 * XD * k, rtol=1e-12)
        c.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), 2 * k, rtol=1e-12)
        return
    write, expected = OVERLAPS[name]

    def f(x):
        c = x * 2
        write(c)
        return c

    x, _ = leaves()
    np.testing.assert_allclose(f(x).numpy(), expected, rtol=1e-12)
    assert ag.gradcheck(f, (x,))


def test_a_value_computed_from_the_memory_before_the_write_raises_as_in_torch():
    x, _ = leaves()
    c = x * 2
    c[0] = c[1] * c[0]  # the product saved the view c[0], which the assignment overwrites
    with pytest.raises(RuntimeError, match="backward of 'mul'.*modified in place"):
        c.sum().backward()


def test_a_refused_write_leaves_the_history_as_it_was():
    x, _ = leaves()
    c = ag.exp(x)  # saved its result
    node = c.grad_fn
    with pytest.raises(RuntimeError, match="different values"):
        c[[0, 0]] = ag.tensor([1.0, 2.0])
    assert c.grad_fn is node and node._out_id == id(c.numpy())
    assert ag.gradgradcheck(lambda x: ag.exp(x) * 1, (x,))
    (g,) = ag.grad(c.sum(), x, create_graph=True)  # the saved result is still c's own
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), np.exp(XD), rtol=1e-12)
