"""Views (autograd/views.py, autograd/rebase.py): every view-producing op shares its input's
memory as in PyTorch; every kind of in-place write through every kind of view, on every kind of
base, either gives PyTorch's values and gradients or raises an error naming the write.

The table runs the same program on backproplab and on torch (where installed) and compares;
gradcheck checks the gradients of the recorded cases without torch."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import autograd as ag
from autograd import versions

XD = np.linspace(-2.45, 3.05, 12).reshape(3, 4)  # values on both sides of clamp_'s bounds
W = np.cos(np.arange(12.0)).reshape(3, 4) + 2  # weights of the base in the loss

VIEWS = {
    "t[1]": lambda t: t[1],
    "t[1, 2]": lambda t: t[1, 2],
    "t[1:3]": lambda t: t[1:3],
    "t[:, 1]": lambda t: t[:, 1],
    "t[::2, 1:]": lambda t: t[::2, 1:],
    "t[None, 1]": lambda t: t[None, 1],
    "t[..., 2]": lambda t: t[..., 2],
    "t[1:][:, ::2]": lambda t: t[1:][:, ::2],
    "diagonal()": lambda t: t.diagonal(),
    "diagonal(1)": lambda t: t.diagonal(1),
    "diagonal(-1)": lambda t: t.diagonal(-1),
    "T": lambda t: t.T,
    "T[1:]": lambda t: t.T[1:],
    "t()": lambda t: t.t(),
    "transpose(0, 1)": lambda t: t.transpose(0, 1),
    "permute(1, 0)": lambda t: t.permute(1, 0),
    "swapaxes(0, 1)": lambda t: t.swapaxes(0, 1),
    "movedim(0, 1)": lambda t: t.movedim(0, 1),
    "reshape(2, 6)": lambda t: t.reshape(2, 6),
    "view(12)": lambda t: t.view(12),
    "view(2, -1)": lambda t: t.view(2, -1),
    "view_as(t.T)": lambda t: t.view_as(t.T),
    "flatten()": lambda t: t.flatten(),
    "unsqueeze(1)": lambda t: t.unsqueeze(1),
    "unsqueeze(0).squeeze(0)": lambda t: t.unsqueeze(0).squeeze(0),
    "narrow(1, 1, 2)": lambda t: t.narrow(1, 1, 2),
    "select(1, 2)": lambda t: t.select(1, 2),
    "split(2)[1]": lambda t: t.split(2)[1],
    "chunk(2, 1)[0]": lambda t: t.chunk(2, 1)[0],
    "unbind(1)[3]": lambda t: t.unbind(1)[3],
    "expand": lambda t: t[0].expand(2, 4),  # a broadcast view: writing into it is refused
}


def _iadd(v, a):
    v += 2


def _isub(v, a):
    v -= 1.5


def _imul(v, a):
    v *= a


def _idiv(v, a):
    v /= 2


def _setitem(v, a):
    if v.ndim:
        v[0] = a
    else:
        v[...] = a


def _mask(v, a):
    v[v > 0] = 0.25


# Each write takes the view and a 0-d operand ``a`` (a constant, or a leaf that requires grad).
WRITES = {
    "+=": _iadd,
    "-=": _isub,
    "*= a": _imul,
    "/=": _idiv,
    "add_(a)": lambda v, a: v.add_(a),
    "add_(1, alpha=2)": lambda v, a: v.add_(1, alpha=2),
    "sub_(a)": lambda v, a: v.sub_(a),
    "mul_(a)": lambda v, a: v.mul_(a),
    "div_(2)": lambda v, a: v.div_(2),
    "fill_(a)": lambda v, a: v.fill_(a),
    "zero_()": lambda v, a: v.zero_(),
    "copy_(a)": lambda v, a: v.copy_(a),
    "clamp_(-1, 1)": lambda v, a: v.clamp_(-1, 1),
    "v[0] = a": _setitem,
    "v[v > 0] = 0.25": _mask,
}
# The name each write's error must carry.
NAMES = {
    "+=": "+=",
    "-=": "-=",
    "*= a": "*=",
    "/=": "/=",
    "v[0] = a": "item assignment",
    "v[v > 0] = 0.25": "item assignment",
}
BASES = ("constant", "parameter under no_grad", "recorded", "view of recorded", "parameter")


def run(lib, view, write, base, a_requires_grad):
    """The program: make the base, take the view, write through it, then a loss that reads the
    base, the view and the recorded result. Returns values and gradients, or the exception."""
    x = lib.tensor(XD.copy(), requires_grad=base != "constant")
    a = lib.tensor(0.7, requires_grad=a_requires_grad, dtype=lib.float64)
    quiet = lib.no_grad() if base == "parameter under no_grad" else contextlib.nullcontext()
    r = x * 1.5 if base in ("recorded", "view of recorded") else x
    t = r[:] if base == "view of recorded" else r
    try:
        with quiet:
            v = VIEWS[view](t)
            WRITES[write](v, a)
        out = {"base": np.array(t.detach().numpy()), "view": np.array(v.detach().numpy())}
        weights = lib.tensor(np.linspace(0.5, 1.5, v.numel()).reshape(tuple(v.shape)))
        loss = (t * lib.tensor(W)).sum() + (r * r).sum()
        if base != "parameter under no_grad":  # (torch refuses to use a no_grad view in a graph)
            loss = loss + (v * weights).sum()
        if loss.requires_grad:
            loss.backward()
    except (RuntimeError, ValueError) as error:
        return error
    for name, leaf in (("x", x), ("a", a)):
        grad = leaf.grad if leaf.is_leaf and leaf.requires_grad else None
        out[name] = np.zeros(np.shape(leaf.detach().numpy())) if grad is None else grad.numpy()
    return out


def expected_refusal(view, write, base, a_requires_grad):
    """Where backproplab refuses what PyTorch allows: any write into a broadcast view (read-only
    in NumPy; PyTorch allows fills)."""
    return view == "expand"


# PyTorch refuses writes into the pieces of split, chunk and unbind of a tensor with history
# ("a function that returns multiple views"); backproplab rewrites the base's history as for any
# other view (gradients checked by gradcheck below).
MULTIPLE_VIEWS = ("split(2)[1]", "chunk(2, 1)[0]", "unbind(1)[3]")


CASES = [(view, base) for view in VIEWS for base in BASES]


@pytest.mark.filterwarnings("ignore:Use of .* on expanded tensors is deprecated")
@pytest.mark.parametrize(("view", "base"), CASES, ids=[f"{v}-{b}" for v, b in CASES])
def test_every_write_through_the_view_matches_torch_or_raises(view, base):
    torch = pytest.importorskip("torch")
    wrong = []
    for write in WRITES:
        for a_requires_grad in (False, True):
            ours = run(ag, view, write, base, a_requires_grad)
            theirs = run(torch, view, write, base, a_requires_grad)
            case = f"{write} (a requires grad: {a_requires_grad})"
            if isinstance(ours, Exception):
                name = NAMES.get(write, write.split("(")[0])
                if name not in str(ours):
                    wrong.append(f"{case}: the error does not name {name!r}: {ours}")
                elif not isinstance(theirs, Exception) and not expected_refusal(
                    view, write, base, a_requires_grad
                ):
                    wrong.append(f"{case}: refused here ({ours}), torch allows it")
            elif isinstance(theirs, Exception) and view not in MULTIPLE_VIEWS:
                wrong.append(f"{case}: torch raises ({theirs}), backproplab does not")
            elif not isinstance(theirs, Exception):
                for key in theirs:
                    if not np.allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-12):
                        wrong.append(f"{case}: {key} {ours[key]} != torch's {theirs[key]}")
    assert wrong == []


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_a_write_through_a_view_of_a_constant_changes_the_base_and_counts(view):
    base = ag.tensor(XD.copy())
    before = versions.version(base._data)
    v = VIEWS[view](base)
    assert np.shares_memory(v.numpy(), base.numpy())
    if view == "expand":
        with pytest.raises(RuntimeError, match="fill_: .*broadcast view"):
            v.fill_(9.0)
        return
    v.fill_(9.0)
    assert (v.numpy() == 9.0).all() and (base.numpy() == 9.0).sum() == v.numpy().size
    assert versions.version(base._data) == before + 1  # counted for the base's memory
    v.sub_(1.0)
    assert (base.numpy() == 8.0).sum() == v.numpy().size


def test_the_idioms_of_the_brief():
    x = ag.zeros(3, 3)
    x[0].fill_(1)
    x.diagonal().zero_()
    np.testing.assert_array_equal(x.numpy(), [[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    p = ag.tensor(np.ones((2, 3)), requires_grad=True)
    p.data[0].normal_(generator=ag.Generator().manual_seed(0))
    assert (p.numpy()[0] != 1).all() and (p.numpy()[1] == 1).all()
    (p * 2).sum().backward()
    p.grad[0].zero_()
    np.testing.assert_array_equal(p.grad.numpy(), [[0, 0, 0], [2, 2, 2]])


def test_a_saved_base_changed_through_a_view_makes_backward_raise():
    x = ag.tensor(XD.copy(), requires_grad=True)
    c = ag.tensor(XD.copy())
    y = x * c  # saved c
    c[1].zero_()  # through a view: c's memory changed
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def program(view, write):
    """A recorded base written through a view, as a function of the leaves for gradcheck."""

    def f(x, a):
        r = x * 1.5
        v = VIEWS[view](r)
        WRITES[write](v, a)
        return (r * ag.tensor(W)).sum() + (v * v).sum()

    return f


GRADCHECKED = (
    [(view, "mul_(a)") for view in VIEWS if view != "expand"]
    + [("t[1:3]", write) for write in WRITES]
    + [("diagonal(1)", write) for write in ("copy_(a)", "clamp_(-1, 1)", "v[0] = a")]
)


@pytest.mark.parametrize(("view", "write"), GRADCHECKED)
def test_gradients_through_a_written_view_are_derivatives(view, write):
    x = ag.tensor(XD.copy(), requires_grad=True)
    a = ag.tensor(0.7, requires_grad=True, dtype=np.float64)
    assert ag.gradcheck(program(view, write), (x, a))


def test_second_derivatives_through_a_written_view():
    x = ag.tensor(XD.copy(), requires_grad=True)
    a = ag.tensor(0.7, requires_grad=True, dtype=np.float64)
    assert ag.gradgradcheck(program("T[1:]", "mul_(a)"), (x, a))
    assert ag.gradgradcheck(program("diagonal()", "v[0] = a"), (x, a))


BASE_WRITES = {
    "mul_(a)": lambda t, a: t.mul_(a),
    "t[1] = a": lambda t, a: t.__setitem__(1, a),
    "zero_()": lambda t, a: t.zero_(),
    "t[0:2] += a": lambda t, a: t[0:2].add_(a),  # through a second view
}


def base_program(lib, view, write):
    def f(x, a):
        r = x * 1.5
        v = VIEWS[view](r)
        BASE_WRITES[write](r, a)
        weights = lib.tensor(np.linspace(0.5, 1.5, v.numel()).reshape(tuple(v.shape)))
        return (v * v * weights).sum() + (r * lib.tensor(W)).sum()

    return f


BASE_CASES = [(view, write) for view in VIEWS if view != "expand" for write in BASE_WRITES]


@pytest.mark.parametrize(("view", "write"), BASE_CASES)
def test_a_write_to_the_base_rewrites_its_live_views(view, write):
    x = ag.tensor(XD.copy(), requires_grad=True)
    a = ag.tensor(0.7, requires_grad=True, dtype=np.float64)
    f = base_program(ag, view, write)
    if view in MULTIPLE_VIEWS:  # (torch refuses these)
        assert ag.gradcheck(f, (x, a))
        return
    f(x, a).backward()
    torch = pytest.importorskip("torch")
    tx = torch.tensor(XD.copy(), requires_grad=True)
    ta = torch.tensor(0.7, requires_grad=True, dtype=torch.float64)
    base_program(torch, view, write)(tx, ta).backward()
    for ours, theirs in ((x.grad, tx.grad), (a.grad, ta.grad)):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("write", sorted(BASE_WRITES))
def test_gradients_of_base_writes_seen_through_views(write):
    x = ag.tensor(XD.copy(), requires_grad=True)
    a = ag.tensor(0.7, requires_grad=True, dtype=np.float64)
    assert ag.gradcheck(base_program(ag, "T[1:]", write), (x, a))
    assert ag.gradcheck(base_program(ag, "diagonal(1)", write), (x, a))


def test_views_that_die_leave_the_base_free():
    x = ag.tensor(XD.copy(), requires_grad=True)
    r = x * 1.5
    for _ in range(100):
        r.T.sum()  # a view that dies at once
    r += 1  # nothing to rewrite
    assert r.grad_fn.fn.name == "add"


def test_contiguous_copies_only_what_is_not_one_block_as_torch():
    x = ag.tensor(XD.copy(), requires_grad=True)
    r = x * 1.0
    assert r.contiguous() is r
    c = r.T.contiguous()  # a recorded copy: writing into it leaves r alone
    assert c.numpy().flags.c_contiguous and not np.shares_memory(c.numpy(), r.numpy())
    c[0] = 0.0
    np.testing.assert_array_equal(r.numpy(), XD)
    (c * 2).sum().backward()
    expected = np.full(XD.shape, 2.0)
    expected[:, 0] = 0  # c[0] (column 0 of r) was overwritten
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_view_never_copies_it_refuses_as_torch():
    x = ag.tensor(XD.copy(), requires_grad=True)
    assert np.shares_memory(x.view(12).numpy(), x.numpy())
    assert np.shares_memory(x.T.view(4, 3).numpy(), x.numpy())  # same shape: still a view
    with pytest.raises(RuntimeError, match=r"view: shape \(4, 3\) cannot be viewed as \(12,\)"):
        x.T.view(12)  # reshape would copy: a write through it would not reach x
    assert not np.shares_memory(x.T.reshape(12).numpy(), x.numpy())  # reshape copies
    np.testing.assert_array_equal(x.T.contiguous().view(12).numpy(), XD.T.ravel())
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        torch.tensor(XD).T.view(12)


def test_an_assignment_rewrites_only_the_views_it_reaches():
    x = ag.tensor(XD.copy(), requires_grad=True)
    r = x * 1.0
    rows = [r[i] for i in range(3)]
    nodes = [row.grad_fn for row in rows]
    r[1] = 0.0  # reaches rows[1] only
    assert rows[0].grad_fn is nodes[0] and rows[2].grad_fn is nodes[2]
    assert rows[1].grad_fn is not nodes[1] and rows[1].numpy().tolist() == [0, 0, 0, 0]
    (rows[0] + rows[1] + rows[2]).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1] * 4, [0] * 4, [1] * 4])
