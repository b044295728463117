"""NumPy functions on Tensors: recorded with a correct derivative, or refused. No third outcome.

The walk below applies every ufunc NumPy has, and every array function an op declares (from the
registry), to Tensors that require grad, and sorts each into one of the allowed outcomes:

* recorded: a Tensor with a grad_fn, whose first and second derivatives pass gradcheck;
* refused: TypeError naming the function;
* no gradient by nature: a result without floating-point values (or one of the few
  piecewise-constant floating functions), whose central differences are zero here.
"""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.numpy_protocol import PIECEWISE_CONSTANT
from autograd.registry import NUMPY

UFUNCS = sorted({u for u in vars(np).values() if isinstance(u, np.ufunc)}, key=lambda u: u.__name__)

# Each input's range keeps the ufunc inside its domain and away from kinks and jumps.
DOMAINS = {"arccosh": (1.2, 2.0)}
# Generalized ufuncs whose core dimensions need matrices.
SHAPES = {"matvec": [(3, 3), (3,)], "vecmat": [(3,), (3, 3)]}
# np.invert (``~``) is bitwise, for bool and integer tensors: on floating ones NumPy refuses.
BITWISE = {"invert", "bitwise_and", "bitwise_or", "bitwise_xor"}


def requires_grad(values):
    return ag.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def ufunc_inputs(ufunc):
    low, high = DOMAINS.get(ufunc.__name__, (0.2, 0.8))
    rng = np.random.default_rng(len(ufunc.__name__))
    # Distinct values per input: ties would sit on the kink of maximum, fmin, copysign, ...
    shapes = SHAPES.get(ufunc.__name__, [(3,)] * ufunc.nin)
    inputs = [requires_grad(rng.uniform(low, high, s) + 0.05 * i) for i, s in enumerate(shapes)]
    if ufunc is np.ldexp:  # x * 2^n: n is an integer array
        inputs[1] = ag.tensor(np.array([1, -2, 3]))
    return inputs


def is_zero_derivative(fn, inputs, eps=1e-6):
    """Central differences of ``fn`` at ``inputs`` are all zero (piecewise constant here)."""
    base = [x.data.copy() for x in inputs]
    for k in range(len(inputs)):
        for j in range(base[k].size):
            for step in (eps, -eps):
                moved = [b.copy() for b in base]
                moved[k].reshape(-1)[j] += step
                plain = fn(*[ag.Tensor(m) for m in moved])
                reference = fn(*[ag.Tensor(b) for b in base])
                if not np.array_equal(np.asarray(plain), np.asarray(reference)):
                    return False
    return True


def classify(fn, inputs, name):
    """Apply ``fn`` and check the outcome; return which of the three it was."""
    try:
        result = fn(*inputs)
    except TypeError as error:
        assert name.split(".")[-1] in str(error), f"{name}: TypeError does not name it: {error}"
        return "refused"
    if isinstance(result, ag.Tensor) and result.requires_grad:
        assert result.grad_fn is not None or any(result is x for x in inputs)  # (np.positive)
        assert ag.gradcheck(fn, inputs), name
        assert ag.gradgradcheck(fn, inputs), name
        return "recorded"
    floating = np.asarray(result).dtype.kind in "fc"
    assert not floating or name.split(".")[-1] in {f.__name__ for f in PIECEWISE_CONSTANT}, (
        f"{name} returned floating values without recording them: {result!r}"
    )
    assert is_zero_derivative(fn, inputs), f"{name}: claimed gradient-free but it moves"
    return "no gradient"


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
def test_every_ufunc_is_recorded_or_refused(ufunc):
    outcome = classify(ufunc, ufunc_inputs(ufunc), f"np.{ufunc.__name__}")
    if ufunc in NUMPY and ufunc.__name__ not in BITWISE:  # an op declares it: it is recorded
        plain = ufunc(*[x.numpy() for x in ufunc_inputs(ufunc)])  # (bool results have no gradient)
        boolean = np.asarray(plain[0] if isinstance(plain, tuple) else plain).dtype.kind == "b"
        assert outcome == ("no gradient" if boolean else "recorded")


def matrix(shape=(3, 4), seed=0):
    return requires_grad(np.random.default_rng(seed).uniform(-1.0, 1.0, shape))


# A sample call of every array function an op declares (``numpy=`` in autograd/ops), by name;
# test_every_declared_array_function_has_a_sample fails for a new one until it has a line here.
FUNCTIONS = {
    "all": (lambda x: np.all(x > 0, axis=0), [matrix()]),
    "allclose": (lambda a, b: np.allclose(a, b), [matrix(), matrix((3, 4), 1)]),
    "array_equal": (lambda a, b: np.array_equal(a, b), [matrix(), matrix((3, 4), 1)]),
    "diag": (lambda x: np.diag(x, 1), [matrix()]),
    "isclose": (lambda a, b: np.isclose(a, b), [matrix(), matrix((3, 4), 1)]),
    "argsort": (lambda x: np.argsort(x), [matrix()]),
    "nonzero": (lambda x: np.nonzero(x.data > 0), [matrix()]),
    "tril": (lambda x: np.tril(x), [matrix()]),
    "triu": (lambda x: np.triu(x, 1), [matrix()]),
    "any": (lambda x: np.any(x > 0, axis=1), [matrix()]),
    "amax": (lambda x: np.amax(x, axis=1), [matrix()]),
    "amin": (lambda x: np.amin(x, axis=0), [matrix()]),
    "max": (lambda x: np.max(x, axis=1), [matrix()]),
    "min": (lambda x: np.min(x), [matrix()]),
    "argmax": (lambda x: np.argmax(x, axis=1), [matrix()]),
    "argmin": (lambda x: np.argmin(x), [matrix()]),
    "astype": (lambda x: np.astype(x, np.float64), [matrix()]),
    "atleast_1d": (lambda x: np.atleast_1d(x), [matrix(())]),
    "atleast_2d": (lambda x: np.atleast_2d(x), [matrix((3,))]),
    "atleast_3d": (lambda x: np.atleast_3d(x), [matrix()]),
    "broadcast_to": (lambda x: np.broadcast_to(x, (2, 3, 4)), [matrix()]),
    "clip": (lambda x: np.clip(x, -0.5, 0.5), [matrix()]),
    "concatenate": (lambda a, b: np.concatenate([a, b], axis=1), [matrix(), matrix((3, 2), 1)]),
    "stack": (lambda a, b: np.stack([a, b], axis=1), [matrix(), matrix((3, 4), 1)]),
    "copy": (lambda x: np.copy(x), [matrix()]),
    "cumprod": (lambda x: np.cumprod(x, axis=0), [matrix()]),
    "cumsum": (lambda x: np.cumsum(x, axis=1), [matrix()]),
    "diagonal": (lambda x: np.diagonal(x), [matrix()]),
    "diff": (lambda x: np.diff(x, axis=1), [matrix()]),
    "dot": (lambda a, b: np.dot(a, b), [matrix(), matrix((4, 2), 1)]),
    "einsum": (lambda a, b: np.einsum("ij,jk->ik", a, b), [matrix(), matrix((4, 2), 1)]),
    "expand_dims": (lambda x: np.expand_dims(x, 1), [matrix()]),
    "flip": (lambda x: np.flip(x, 0), [matrix()]),
    "mean": (lambda x: np.mean(x, axis=0), [matrix()]),
    "moveaxis": (lambda x: np.moveaxis(x, 0, -1), [matrix((2, 3, 4))]),
    "norm": (lambda x: np.linalg.norm(x), [matrix()]),
    "outer": (lambda a, b: np.outer(a, b), [matrix((3,)), matrix((4,), 1)]),
    "pad": (lambda x: np.pad(x, ((1, 0), (0, 2))), [matrix()]),
    "prod": (lambda x: np.prod(x, axis=0), [matrix()]),
    "ravel": (lambda x: np.ravel(x), [matrix()]),
    "repeat": (lambda x: np.repeat(x, 2, axis=0), [matrix()]),
    "reshape": (lambda x: np.reshape(x, (4, 3)), [matrix()]),
    "roll": (lambda x: np.roll(x, 1, axis=1), [matrix()]),
    "sort": (lambda x: np.sort(x, axis=1), [matrix()]),
    "squeeze": (lambda x: np.squeeze(x), [matrix((3, 1, 4))]),
    "std": (lambda x: np.std(x, axis=1), [matrix()]),
    "sum": (lambda x: np.sum(x, axis=0), [matrix()]),
    "swapaxes": (lambda x: np.swapaxes(x, 0, 1), [matrix()]),
    "take": (lambda x: np.take(x, [0, 2, 2], axis=1), [matrix()]),
    "take_along_axis": (
        lambda x: np.take_along_axis(x, np.array([[0, 1], [2, 2], [3, 0]]), axis=1),
        [matrix()],
    ),
    "tensordot": (lambda a, b: np.tensordot(a, b, axes=1), [matrix(), matrix((4, 2), 1)]),
    "tile": (lambda x: np.tile(x, (2, 1)), [matrix()]),
    "trace": (lambda x: np.trace(x), [matrix()]),
    "transpose": (lambda x: np.transpose(x), [matrix()]),
    "var": (lambda x: np.var(x, axis=1), [matrix()]),
    "where": (lambda a, b: np.where(a.data > 0, a, b), [matrix(), matrix((3, 4), 1)]),
    "sinc": (lambda x: np.sinc(x), [matrix()]),
    "nan_to_num": (lambda x: np.nan_to_num(x), [matrix()]),
    "inv": (lambda x: np.linalg.inv(x + 3 * np.eye(3)), [matrix((3, 3))]),
    "det": (lambda x: np.linalg.det(x), [matrix((2, 3, 3))]),
    "slogdet": (lambda x: np.linalg.slogdet(x)[1], [matrix((3, 3))]),
    "solve": (lambda a, b: np.linalg.solve(a + 3 * np.eye(3), b), [matrix((3, 3)), matrix((3,))]),
    "cholesky": (lambda x: np.linalg.cholesky(x @ x.T + np.eye(3)), [matrix((3, 3))]),
    "qr": (lambda x: np.linalg.qr(x).R, [matrix((4, 3))]),
    "eigh": (lambda x: np.linalg.eigh(x + x.T).eigenvalues, [matrix((3, 3))]),
    "svd": (lambda x: np.linalg.svd(x, full_matrices=False).S, [matrix((3, 4))]),
    "svdvals": (lambda x: np.linalg.svdvals(x), [matrix((3, 4))]),
    "eigvalsh": (lambda x: np.linalg.eigvalsh(x + x.T), [matrix((3, 3))]),
    "matrix_power": (lambda x: np.linalg.matrix_power(x, 3), [matrix((3, 3))]),
    "bincount": (lambda w: np.bincount(np.array([0, 2, 2, 1]), weights=w), [matrix((4,))]),
    "count_nonzero": (lambda x: np.count_nonzero(x, axis=1), [matrix()]),
    "isin": (lambda x: np.isin(x, [5.0]), [matrix()]),
    "kron": (lambda a, b: np.kron(a, b), [matrix((2, 3)), matrix((2, 2), 1)]),
    "median": (lambda x: np.median(x, axis=1), [matrix()]),
    "nanmedian": (lambda x: np.nanmedian(x), [matrix()]),
    "quantile": (lambda x: np.quantile(x, [0.2, 0.7], axis=0), [matrix()]),
    "nanquantile": (lambda x: np.nanquantile(x, 0.4, method="lower"), [matrix()]),
    "rot90": (lambda x: np.rot90(x, 1, (0, 1)), [matrix()]),
    "searchsorted": (lambda x: np.searchsorted(np.array([-2.0, 2.0]), x), [matrix()]),
    "trapezoid": (lambda y: np.trapezoid(y, axis=0), [matrix()]),
}
NO_GRADIENT = {
    "all",
    "any",
    "argmax",
    "argmin",
    "allclose",
    "isclose",
    "argsort",
    "nonzero",
    "array_equal",
    "count_nonzero",
    "isin",
    "searchsorted",
}
DECLARED = sorted({f.__name__ for f in NUMPY if not isinstance(f, np.ufunc)})


def test_every_declared_array_function_has_a_sample():
    assert set(DECLARED) - set(FUNCTIONS) == set()


@pytest.mark.parametrize("name", DECLARED)
def test_every_declared_array_function_is_recorded(name):
    fn, inputs = FUNCTIONS[name]
    expected = "no gradient" if name in NO_GRADIENT else "recorded"
    assert classify(fn, inputs, f"np.{name}") == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda t: np.fft.fft(t),
        lambda t: np.histogram(t),
        lambda t: np.unique(t),
        lambda t: np.nancumsum(t),
        lambda t: np.exp(t, out=np.empty(3)),
        lambda t: np.add.reduce(t),
        lambda t: np.add.at(t, [0], 1.0),
        # piecewise constant in their first argument, but carrying another's values (NumPy
        # hands over a call only when a dispatched argument is a Tensor: np.full_like's is the
        # first, np.heaviside's all)
        lambda t: np.full_like(ag.zeros(3), t[0]),
        lambda t: np.full_like(ag.zeros(3), fill_value=t[0]),
        lambda t: np.heaviside(np.array([0.0, 1.0, -1.0]), t),
    ],
)
def test_functions_without_a_derivative_are_refused(call):
    t = requires_grad([0.1, 0.2, 0.3])
    before = t.data.copy()
    with pytest.raises(TypeError, match="np"):
        call(t)
    np.testing.assert_array_equal(t.data, before)  # nothing half-done


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda t: np.sum(t, where=t.data > 0.15),
            r"np.sum .* \['where'\].* autograd.sum\(x, axis",
        ),
        (
            lambda t: np.cumsum(t, dtype=np.float32),
            r"\['dtype'\].* autograd.cumsum\(x, axis=None\)",
        ),
        (lambda t: np.max(t, initial=0.0), r"np.max .* \['initial'\]"),
        (lambda t: np.exp(t, where=True), r"np.exp .* \['where'\].* autograd.exp\(x\)"),
        (lambda t: np.add(t, 1.0, casting="unsafe"), r"\['casting'\].* autograd.add\(a, b\)"),
    ],
)
def test_numpy_options_the_recorded_op_lacks_are_named(call, message):
    # A recorded NumPy function given an option its op does not take says which option and
    # what the op takes, rather than Python's "unexpected keyword argument".
    with pytest.raises(TypeError, match=message + ".*np.asarray"):
        call(requires_grad([0.1, 0.2, 0.3]))


def test_options_the_recorded_op_takes_still_pass_through():
    t = requires_grad([[0.1, 0.2], [0.3, 0.4]])
    total = np.sum(t, axis=0, keepdims=True)
    assert total.shape == (1, 2) and total.requires_grad


@pytest.mark.parametrize(
    "write",
    [
        lambda c: np.multiply(c, 2, out=c),
        lambda c: np.add(c, 1, out=(c,)),
        lambda c: np.floor(c, out=c),
        lambda c: np.clip(c, 0, 1, out=c),
        lambda c: np.cumsum(c, out=c),
        lambda c: np.copyto(c, np.array([9.0, 9.0])),
        lambda c: np.put(c, [0], [8.0]),
        lambda c: np.place(c, np.array([True, False]), [8.0]),
    ],
)
def test_a_numpy_write_into_a_saved_tensor_makes_backward_raise(write):
    # c holds no gradient but Mul saved its values: NumPy writing into it (out=, copyto, put)
    # must count as an in-place change, or backward would silently use the new values.
    w = requires_grad([1.0, 2.0])
    c = ag.tensor(np.array([3.0, 4.0]))
    y = (w * c).sum()
    write(c)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_a_numpy_write_into_a_tensor_the_graph_tracks_is_refused_unless_no_grad():
    w = requires_grad([1.0, 2.0])
    for write in (lambda t: np.copyto(t, np.zeros(2)), lambda t: np.floor(t * 1, out=t)):
        with pytest.raises(TypeError, match="requires grad, behind the graph's back"):
            write(w)
    with pytest.raises(TypeError, match="has a recorded history"):
        np.copyto(w * 2, np.zeros(2))
    loss = (w * w).sum()
    with ag.no_grad():  # an update, as an optimizer's: allowed, and counted
        np.subtract(w, 0.5, out=w)
        np.copyto(w, w.numpy() * 2)
        assert np.median(w) == 2.0  # nothing is recorded under no_grad: NumPy's own result
    np.testing.assert_array_equal(w.numpy(), [1.0, 3.0])
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_positional_arguments_keep_numpys_meaning():
    # NumPy's third positional argument of sum/mean is dtype, of argsort kind: they must not
    # land on the op's third parameter (keepdims; argsort's PyTorch-style `descending`).
    data = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    t = requires_grad(data)
    np.testing.assert_array_equal(np.argsort(t, 1, "stable"), np.argsort(data, 1, "stable"))
    np.testing.assert_array_equal(np.argsort(t, axis=0), np.argsort(data, axis=0))
    for call in (
        lambda x: np.mean(x, 1, None, None, True),
        lambda x: np.std(x, 0, None, None, 1),
        lambda x: np.max(x, 0, None, True),
        lambda x: np.cumsum(x, 1, None),
        lambda x: np.take(x, [0, 5], 1, None, "clip"),
        lambda x: np.tril(x, 1),
        lambda x: np.trace(x, 0, 0, 1, None),
        lambda x: np.pad(x, 1, "constant", constant_values=2.0),
    ):
        ours = call(t)
        assert ours.requires_grad
        np.testing.assert_array_equal(ours.numpy(), call(data))
    np.testing.assert_array_equal(np.sum(ag.tensor(data), 0, np.float32), data.sum(0))
    with pytest.raises(TypeError, match=r"np.sum .* \['dtype'\]"):
        np.sum(t, 0, np.float32)  # (the dtype it asks for is not recorded)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: np.isnan(t),
        lambda t: np.argsort(t),
        lambda t: np.allclose(t, t),
        lambda t: np.shape(t),
        lambda t: np.argmax(t),
        lambda t: np.sign(t),
        lambda t: np.floor(t),
        lambda t: np.round(t, 1),
        lambda t: np.zeros_like(t),
        lambda t: np.full_like(t, 2.0),
        lambda t: np.heaviside(t, 0.5),
        lambda t: np.count_nonzero(t),
        lambda t: t > 0.15,
        lambda t: np.where(t > 0.15),  # (the one-argument form: indices, as np.nonzero)
        lambda t: np.argsort(t, kind="stable"),
    ],
)
def test_results_without_a_gradient_still_work(call):
    t = requires_grad([0.1, 0.2, 0.3])
    result = call(t)
    assert not (isinstance(result, ag.Tensor) and result.requires_grad)


def test_a_numpy_penalty_reaches_the_weights():
    # Issue 13, item 1: np.square(w) computed on .data; the loss included the penalty, the
    # gradient did not.
    ag.manual_seed(0)
    m = nn.Linear(3, 1)
    x, y = ag.randn(8, 3), ag.randn(8, 1)
    loss = F.mse_loss(m(x), y) + 10 * np.square(m.weight).sum()
    loss.backward()
    with_penalty = m.weight.grad.copy()
    m.zero_grad()
    F.mse_loss(m(x), y).backward()
    np.testing.assert_allclose(with_penalty - m.weight.grad, 20 * m.weight.data, rtol=1e-5)


class Softplus(ag.Function):
    """y = log(1 + e^x);  dy/dx = sigmoid(x), written with np.log1p as the README invites."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(np.exp(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.exp(x - np.log1p(np.exp(x)))


def test_a_backward_written_with_numpy_is_differentiated_again():
    # Issue 13, item 2: np.log1p in a backward was a constant under create_graph: 0.574.
    x = ag.tensor(0.3, dtype=np.float64, requires_grad=True)
    (first,) = ag.grad(Softplus.apply(x), x, create_graph=True)
    (second,) = ag.grad(first, x)
    s = 1 / (1 + np.exp(-0.3))
    assert first.item() == pytest.approx(s)
    assert second.item() == pytest.approx(s * (1 - s))  # 0.2445


def test_a_backward_using_an_unrecorded_numpy_function_is_refused_under_create_graph():
    class Clean(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * np.nancumsum(x)

    x = ag.tensor([0.5], dtype=np.float64, requires_grad=True)
    (first,) = ag.grad(Clean.apply(x).sum(), x)  # plain arrays: fine
    assert first.item() == pytest.approx(1.0)
    with pytest.raises(TypeError, match="np.nancumsum has no recorded derivative"):
        ag.grad(Clean.apply(x).sum(), x, create_graph=True)
