"""scatter_add, scatter_reduce, index_add/copy/fill, masked_scatter, take_along_dim, put: values,
gradients (gradcheck, and torch's where installed), the in-place forms, and the refusals."""

import contextlib

import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(3)


def leaf(*shape):
    return ag.tensor(RNG.standard_normal(shape), requires_grad=True)


IDX2 = np.array([[0, 2, 1], [0, 0, 2]])  # repeated positions along dim 0
ROWS = np.array([2, 0, 2])  # a repeated row

# (name, our call, torch's call, the inputs (our leaves; torch's are copies))
CASES = [
    (
        "scatter_add dim 0",
        lambda x, s: ag.scatter_add(x, 0, ag.tensor(IDX2), s),
        lambda t, x, s: torch_of(t).scatter_add(x, 0, t.tensor(IDX2), s),
        ((3, 3), (2, 3)),
    ),
    (
        "scatter_add dim 1 method",
        lambda x, s: x.scatter_add(1, ag.tensor(IDX2.T[:, :2]), s),
        lambda t, x, s: x.scatter_add(1, t.tensor(IDX2.T[:, :2]), s),
        ((3, 3), (3, 2)),
    ),
    (
        "index_add alpha",
        lambda x, s: ag.index_add(x, 0, ag.tensor(ROWS), s, alpha=-1.5),
        lambda t, x, s: t.index_add(x, 0, t.tensor(ROWS), s, alpha=-1.5),
        ((3, 2), (3, 2)),
    ),
    (
        "index_add dim 1",
        lambda x, s: x.index_add(1, ag.tensor([1]), s),
        lambda t, x, s: x.index_add(1, t.tensor([1]), s),
        ((2, 3, 2), (2, 1, 2)),
    ),
    (
        "index_copy",
        lambda x, s: ag.index_copy(x, 1, ag.tensor([2, 0]), s),
        lambda t, x, s: t.index_copy(x, 1, t.tensor([2, 0]), s),
        ((2, 3), (2, 2)),
    ),
    (
        "index_fill value tensor",
        lambda x, v: x.index_fill(1, ag.tensor([2, 0]), v),
        lambda t, x, v: x.index_fill(1, t.tensor([2, 0]), v),
        ((2, 3), ()),
    ),
    (
        "masked_scatter broadcast mask",
        lambda x, s: ag.masked_scatter(x, ag.tensor([True, False, True]), s),
        lambda t, x, s: t.masked_scatter(x, t.tensor([True, False, True]), s),
        ((2, 3), (5,)),
    ),
    (
        "take_along_dim",
        lambda x: ag.take_along_dim(x, ag.tensor([[0], [-1]]), 1),
        lambda t, x: t.take_along_dim(x, t.tensor([[0], [-1]]), 1),
        ((2, 3),),
    ),
    (
        "take_along_dim broadcast",
        lambda x: ag.take_along_dim(x, ag.tensor([[[1, 0, 1]]]), 2),
        lambda t, x: t.take_along_dim(x, t.tensor([[[1, 0, 1]]]), 2),
        ((2, 1, 2),),
    ),
    (
        "take_along_dim flat",
        lambda x: ag.take_along_dim(x, ag.tensor([4, 0, 4])),
        lambda t, x: t.take_along_dim(x, t.tensor([4, 0, 4])),
        ((2, 3),),
    ),
    (
        "index_put accumulate",
        lambda x, v: x.index_put((ag.tensor([0, 2, 2]), ag.tensor([1, 3, 3])), v, True),
        lambda t, x, v: x.index_put((t.tensor([0, 2, 2]), t.tensor([1, 3, 3])), v, True),
        ((3, 4), (3,)),
    ),
    (
        "index_put",
        lambda x, v: ag.index_put(x, (ag.tensor([2, 0]),), v),
        lambda t, x, v: t.index_put(x, (t.tensor([2, 0]),), v),
        ((3, 4), (4,)),
    ),
    (
        "index_put mask",
        lambda x, v: x.index_put((ag.tensor([True, False, True]),), v),
        lambda t, x, v: x.index_put((t.tensor([True, False, True]),), v),
        ((3, 2), (1, 2)),
    ),
    (
        "take (flattened, as torch.take)",
        lambda x: x.take(ag.tensor([[5, -1], [0, 5]])),
        lambda t, x: t.take(x, t.tensor([[5, -1], [0, 5]])),
        ((2, 3),),
    ),
    (
        "put accumulate",
        lambda x, s: ag.put(x, ag.tensor([5, -1, 0]), s, accumulate=True),
        lambda t, x, s: x.put(t.tensor([5, -1, 0]), s, accumulate=True),
        ((2, 3), (3,)),
    ),
    (
        "put",
        lambda x, s: x.put(ag.tensor([[4, 1]]), s, accumulate=False),
        lambda t, x, s: x.put(t.tensor([[4, 1]]), s),
        ((2, 3), (1, 2)),
    ),
    *[
        (
            f"scatter_reduce {reduce} include_self={include}",
            lambda x, s, r=reduce, i=include: ag.scatter_reduce(
                x, 0, ag.tensor(IDX2), s, r, include_self=i
            ),
            lambda t, x, s, r=reduce, i=include: x.scatter_reduce(
                0, t.tensor(IDX2), s, r, include_self=i
            ),
            ((3, 3), (2, 3)),
        )
        for reduce in ("sum", "prod", "mean", "amax", "amin")
        for include in (True, False)
    ],
]


@contextlib.contextmanager
def nondeterministic_allowed(torch):
    # A PyTorch program run earlier in the session may leave deterministic mode on, in which
    # torch's put_ raises; its results here do not depend on it.
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(False)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(deterministic)


def torch_of(t):
    return t


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_gradients_pass_gradcheck(name, ours, theirs, shapes):
    inputs = [leaf(*s) for s in shapes]
    assert ag.gradcheck(ours, inputs)


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, ours, theirs, shapes):
    torch = pytest.importorskip("torch")
    inputs = [leaf(*s) for s in shapes]
    copies = [torch.tensor(x.numpy(), requires_grad=True) for x in inputs]
    with nondeterministic_allowed(torch):
        out, expected = ours(*inputs), theirs(torch, *copies)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), atol=1e-12)
    assert out.dtype == np.float64 and out.shape == tuple(expected.shape)
    weights = RNG.standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    with nondeterministic_allowed(torch):
        (expected * torch.tensor(weights)).sum().backward()
    for x, c in zip(inputs, copies):
        np.testing.assert_allclose(x.grad.numpy(), c.grad.numpy(), atol=1e-12)


def test_scatter_add_second_derivative():
    index = ag.tensor(IDX2)
    assert ag.gradgradcheck(
        lambda x, s: ag.scatter_add(x, 0, index, s) ** 2, [leaf(3, 3), leaf(2, 3)]
    )


def test_negative_fill_index_counts_from_the_end_and_larger_src_is_read_in_part():
    x = leaf(2, 3)
    np.testing.assert_array_equal(
        ag.index_fill(x, 1, ag.tensor([-1]), 7.0).numpy()[:, 2], [7.0, 7.0]
    )
    assert ag.gradcheck(lambda x: ag.index_fill(x, 1, ag.tensor([-1]), 7.0), [x])
    src = leaf(2, 4)  # only its first (2, 3) block is read; the rest gets gradient 0
    ag.scatter_add(leaf(3, 3), 0, ag.tensor(IDX2), src).sum().backward()
    np.testing.assert_array_equal(src.grad.numpy()[:, 3], [0.0, 0.0])
    np.testing.assert_array_equal(src.grad.numpy()[:, :3], np.ones((2, 3)))


def test_scatter_reduce_ties_share_the_gradient():
    x = ag.tensor([1.0, 5.0], dtype=np.float64, requires_grad=True)
    s = ag.tensor([5.0, 5.0], dtype=np.float64, requires_grad=True)
    y = ag.scatter_reduce(x, 0, ag.tensor([1, 1]), s, "amax")
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1 / 3])
    np.testing.assert_allclose(s.grad.numpy(), [1 / 3, 1 / 3])


def test_integer_scatter_reduce_mean_floors_as_torch():
    x = ag.tensor([0, 0])
    out = ag.scatter_reduce(x, 0, ag.tensor([0, 0, 1]), ag.tensor([1, 2, 5]), "mean")
    np.testing.assert_array_equal(out.numpy(), [1, 2])
    assert out.dtype == np.int64


IN_PLACE = [
    ("scatter_add_", (0, ag.tensor([[1, 1, 0]]), "src")),
    ("index_add_", (0, ag.tensor([1]), "src")),
    ("index_copy_", (0, ag.tensor([2]), "src")),
    ("index_fill_", (1, ag.tensor([0, 2]), "value")),
    ("masked_scatter_", (ag.tensor([[True], [False], [False]]), "src")),
    ("put_", (ag.tensor([0, 4, 5]), "flat")),
    ("index_put_", ((ag.tensor([1, 1, 2]), ag.tensor([0, 0, 2])), "flat", True)),
]


def _arguments(args, src):
    return [
        src if a == "src" else src.sum() if a == "value" else src.reshape(-1) if a == "flat" else a
        for a in args
    ]


@pytest.mark.parametrize("method, args", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_in_place_moves_history_and_matches_out_of_place(method, args):
    x, src = leaf(3, 3), leaf(1, 3)
    expected = (
        getattr(x, method[:-1])(*_arguments(args, src))
        if method != "put_"
        else ag.put(x, *_arguments(args, src), accumulate=False)
    )

    def in_place(x, src):
        y = x * 1
        out = getattr(y, method)(*_arguments(args, src))
        assert out is y
        return y

    np.testing.assert_allclose(in_place(x, src).numpy(), expected.numpy())
    assert ag.gradcheck(in_place, [x, src])


def test_in_place_on_plain_tensor_writes_its_memory():
    buf = ag.zeros(4)
    buf.index_add_(0, ag.tensor([1, 1, 3]), ag.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(buf.numpy(), [0, 3, 0, 3])
    assert buf.grad_fn is None and buf._version > 0


def test_in_place_refuses_a_leaf_that_requires_grad_and_a_stale_saved_value():
    x = leaf(3)
    with pytest.raises(RuntimeError, match="index_add_"):
        x.index_add_(0, ag.tensor([0]), ag.tensor([1.0], dtype=np.float64))
    y = x * 1
    z = y * y  # saves y
    y.index_fill_(0, ag.tensor([0]), 0.0)
    with pytest.raises(RuntimeError):
        z.sum().backward()


def test_overwriting_a_position_twice_is_refused_with_a_gradient_only():
    x = ag.zeros(3, dtype=np.float64)
    src = ag.tensor([1.0, 2.0], dtype=np.float64)
    np.testing.assert_array_equal(ag.index_copy(x, 0, ag.tensor([1, 1]), src).numpy(), [0, 2, 0])
    with pytest.raises(RuntimeError, match="index_copy: the index names a position more than once"):
        ag.index_copy(x, 0, ag.tensor([1, 1]), src.requires_grad_())
    with pytest.raises(RuntimeError, match="more than once"):
        ag.put(x, ag.tensor([0, 0]), src)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: ag.scatter_add(ag.zeros(3), 0, ag.tensor([3]), ag.ones(1)),
            IndexError,
            "scatter_add: index 3 is out of bounds for dimension 0 with size 3",
        ),
        (
            lambda: ag.scatter_add(ag.zeros(3), 0, ag.tensor([-1]), ag.ones(1)),
            IndexError,
            "index -1 is out of bounds",
        ),
        (
            lambda: ag.scatter_add(ag.zeros((2, 2)), 0, ag.tensor([0]), ag.ones(1)),
            ValueError,
            r"index of shape \(1,\) must have as many dimensions as self of shape \(2, 2\)",
        ),
        (
            lambda: ag.scatter_add(ag.zeros(3), 0, ag.tensor([0.5]), ag.ones(1)),
            TypeError,
            "must be an integer tensor",
        ),
        (
            lambda: ag.index_add(ag.zeros((3, 2)), 0, ag.tensor([0]), ag.ones((2, 2))),
            ValueError,
            r"index_add: source of shape \(2, 2\) must have self's shape \(3, 2\)",
        ),
        (
            lambda: ag.index_add(ag.zeros(3), 1, ag.tensor([0]), ag.ones(1)),
            IndexError,
            "index_add: dim 1 is out of range",
        ),
        (
            lambda: ag.masked_scatter(ag.zeros(3), ag.tensor([True, True, False]), ag.ones(1)),
            ValueError,
            "masked_scatter: source of shape \\(1,\\) has 1 elements, but the mask",
        ),
        (
            lambda: ag.masked_scatter(ag.zeros(3), ag.tensor([1, 0, 1]), ag.ones(3)),
            TypeError,
            "mask must be a bool tensor",
        ),
        (
            lambda: ag.scatter_reduce(ag.zeros(3), 0, ag.tensor([0]), ag.ones(1), "max"),
            ValueError,
            "reduce must be one of",
        ),
        (
            lambda: ag.put(ag.zeros(3), ag.tensor([0, 1]), ag.ones(3), accumulate=False),
            ValueError,
            "put: source has 3 elements",
        ),
        (
            lambda: ag.index_add(
                ag.zeros(3), 0, ag.tensor([0]), ag.ones(1), alpha=ag.tensor(2.0, requires_grad=True)
            ),
            RuntimeError,
            "index_add: not differentiable with respect to argument 'alpha'",
        ),
    ],
)
def test_bad_input_errors_name_the_op_and_shapes(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_put_has_numpys_meaning_and_pytorchs_in_converted_code():
    x = ag.zeros(5, dtype=np.float64)
    assert x.put([0, 2], ag.tensor([1.0, 2.0], dtype=np.float64)) is None  # np.put: in place
    x.put([-1, 7], [9.0], mode="wrap")  # values repeated, indices wrapped, as NumPy
    expected = np.zeros(5)
    expected.put([0, 2], [1.0, 2.0])
    np.put(expected, [-1, 7], [9.0], mode="wrap")
    np.testing.assert_array_equal(x.numpy(), expected)
    with ag.pytorch_meanings(True):
        y = x.put(ag.tensor([1]), ag.tensor([5.0], dtype=np.float64))
    assert y.tolist()[1] == 5.0 and x.tolist()[1] == 0.0  # PyTorch's: a new tensor
    src = leaf(2)
    buf = ag.zeros(4, dtype=np.float64)
    ag.put(buf, [3, 0], src)  # a value that requires grad: buf gets the history
    buf.sum().backward()
    np.testing.assert_array_equal(src.grad.numpy(), [1.0, 1.0])
    with pytest.raises(TypeError, match="put: x must be a Tensor"):
        ag.put(np.zeros(3), [0], [1.0])


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce_is_torchs(reduce):
    torch = pytest.importorskip("torch")
    x, src = leaf(3, 3), leaf(2, 3)
    t, tsrc = (torch.tensor(a.numpy(), requires_grad=True) for a in (x, src))
    ours = (x * 1).scatter_(0, ag.tensor(IDX2), src, reduce=reduce)
    with torch.no_grad():  # (PyTorch has no derivative for scatter_ with reduce=)
        values = (t * 1).scatter_(0, torch.tensor(IDX2), tsrc, reduce=reduce)
    np.testing.assert_allclose(ours.numpy(), values.numpy())
    mode = {"add": "sum", "multiply": "prod"}[reduce]  # whose derivative it is
    theirs = t.scatter_reduce(0, torch.tensor(IDX2), tsrc, mode)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())
    np.testing.assert_allclose(src.grad.numpy(), tsrc.grad.numpy())
    plain = x.detach().scatter(1, ag.tensor([[0], [0], [2]]), 2.0, reduce=reduce)
    expected = t.detach().scatter(1, torch.tensor([[0], [0], [2]]), 2.0, reduce=reduce)
    np.testing.assert_allclose(plain.numpy(), expected.numpy())
    with pytest.raises(ValueError, match="scatter_: reduce must be 'add' or 'multiply'"):
        x.detach().scatter_(0, ag.tensor(IDX2), src.detach(), reduce="max")


@pytest.mark.parametrize("name, ours, theirs, shapes", CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_pass_gradgradcheck(name, ours, theirs, shapes):
    # (squared: the second derivative of a linear op alone is 0 everywhere)
    assert ag.gradgradcheck(lambda *xs: ours(*xs) ** 2, [leaf(*s) for s in shapes])
