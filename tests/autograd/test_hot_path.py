"""The engine's fast paths give the same answers as the general ones.

Each test pins one shortcut taken for speed (see benchmarks/README.md): the broadcast fold, the
lazy identification of saved arrays under create_graph, the ops rewritten without NumPy's Python
wrappers, work skipped under no_grad, and the acyclic graph that keeps Python's cyclic GC idle.
"""

import gc

import numpy as np
import pytest

import autograd as ag

rng = np.random.default_rng(7)


def f64(*shape):
    return ag.Tensor(rng.standard_normal(shape), requires_grad=True)


def test_bias_gradient_is_the_column_sum_and_keeps_float32():
    x = ag.Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    b = ag.Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    g = np.array([[1, 2, 3], [10, 20, 30]], dtype=np.float32)
    (x + b).backward(g)
    assert b.grad.dtype == np.float32
    np.testing.assert_array_equal(b.grad, [11, 22, 33])


# ----- saved arrays are identified only when create_graph asks ---------------------------------
def test_second_derivative_through_saved_interior_result_and_leaf():
    # y = (x^2)^2 * x = x^5: Mul saves x^2 (an interior result) and x (a leaf's own data).
    x = ag.Tensor(np.array([1.5, -2.0]), requires_grad=True)
    sq = x * x
    y = (sq * sq * x).sum()
    (dy,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_allclose(dy.data, 5 * x.data**4)
    (d2y,) = ag.grad(dy.sum(), x)
    np.testing.assert_allclose(d2y.data, 20 * x.data**3)


def test_second_derivative_through_a_saved_zero_d_result():
    # exp of a 0-d tensor: NumPy returns a scalar; the node must save (and reconnect) an array.
    x = ag.Tensor(np.array(0.7), requires_grad=True)
    (dy,) = ag.grad(x.exp(), x, create_graph=True)
    (d2y,) = ag.grad(dy, x)
    np.testing.assert_allclose(d2y.data, np.exp(0.7))


def test_saved_constant_stays_a_constant_under_create_graph():
    # relu's backward multiplies by sign(relu(x)), a 0/1 constant: so
    # d2/dx2 relu(x) * x^2 = 2 relu'(x).
    x = ag.Tensor(np.array([-1.0, 2.0]), requires_grad=True)
    (dy,) = ag.grad((x.relu() * x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(dy.data, [0.0, 4.0])
    (d2y,) = ag.grad(dy.sum(), x)
    np.testing.assert_array_equal(d2y.data, [0.0, 2.0])


# ----- ops rewritten for speed -----------------------------------------------------------------
@pytest.mark.parametrize("axes", [None, (2, 0, 1), (-1, 0, 1), (1, -1, 0)])
def test_transpose_forward_and_gradient(axes):
    x = f64(2, 3, 4)
    args = () if axes is None else axes
    y = x.transpose(*args)
    np.testing.assert_array_equal(y.data, np.transpose(x.data, axes))
    weights = rng.standard_normal(y.shape)
    assert ag.gradcheck(lambda t: (t.transpose(*args) * weights).sum(), [x])


@pytest.mark.parametrize("axes", [(0, 0, 1), (0, 3, 1), ((0, 1),)])
def test_transpose_rejects_non_permutations(axes):
    with pytest.raises(ValueError, match=r"transpose: axes .* are not a permutation of the 3"):
        f64(2, 3, 4).transpose(*axes)


def test_transpose_of_two_separate_axes_exchanges_them_as_in_pytorch():
    x = f64(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose(0, 2).data, np.swapaxes(x.data, 0, 2))


@pytest.mark.parametrize("lo, hi", [(-0.5, 0.5), (0.0, None), (None, 0.25), (1.0, -1.0)])
def test_clip_matches_numpy_and_passes_the_gradient_inside(lo, hi):
    data = np.array([-2.0, -0.5, 0.1, 0.25, 0.9, np.nan])
    x = ag.Tensor(data, requires_grad=True)
    y = x.clip(lo, hi)
    np.testing.assert_array_equal(y.data, np.clip(data, lo, hi))
    y.backward(np.ones(6))
    inside = np.ones(6, dtype=bool)
    with np.errstate(invalid="ignore"):
        if lo is not None:
            inside &= data >= lo
        if hi is not None:
            inside &= data <= hi
    np.testing.assert_array_equal(x.grad, inside.astype(float))


def test_sigmoid_keeps_relative_precision_in_both_tails():
    data = np.array([-700.0, -40.0, -5.0, 0.0, 5.0, 40.0, 700.0])
    y = ag.Tensor(data).sigmoid().data
    exact = np.array([1 / (1 + np.exp(-np.longdouble(v))) for v in data])
    np.testing.assert_allclose(y, exact.astype(float), rtol=1e-15)
    y32 = ag.Tensor(data.astype(np.float32)).sigmoid().data
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, exact.astype(np.float32), rtol=1.2e-7)


def test_mean_keeps_numpys_result_dtypes():
    np.testing.assert_allclose(ag.Tensor(np.arange(5, dtype=np.float32)).mean().item(), 2.0)
    ints = ag.Tensor(np.array([1, 2, 4]))
    assert ints.mean().dtype == np.float64 and ints.mean().item() == pytest.approx(7 / 3)
    halves = ag.Tensor(np.full(100_000, 0.1, dtype=np.float16))
    assert halves.mean().dtype == np.float16
    assert halves.mean().item() == pytest.approx(0.1, rel=1e-3)  # a float16 sum overflows


def test_mean_over_axes_gradient():
    x = f64(3, 4, 2)
    y = x.mean(axis=(0, 2))
    np.testing.assert_allclose(y.data, x.data.mean(axis=(0, 2)))
    assert ag.gradcheck(lambda t: (t.mean(axis=(0, 2)) * np.arange(4.0)).sum(), [x])


# ----- no_grad skips what only backward needs --------------------------------------------------
def test_max_and_relu_under_no_grad_give_the_same_values_and_no_graph():
    x = f64(3, 4)
    with ag.no_grad():
        m, r = x.max(axis=1), x.relu()
    assert m.grad_fn is None and r.grad_fn is None
    np.testing.assert_array_equal(m.data, x.data.max(axis=1))
    np.testing.assert_array_equal(r.data, np.maximum(x.data, 0))


def test_masks_are_skipped_under_no_grad_with_the_same_values():
    x, y = f64(3, 4), f64(3, 4)
    cond = x.data > 0
    ops = {
        "abs": (lambda: x.abs(), np.abs(x.data)),
        "clip": (lambda: x.clip(-0.5, 0.5), np.clip(x.data, -0.5, 0.5)),
        "maximum": (lambda: ag.maximum(x, y), np.maximum(x.data, y.data)),
        "minimum": (lambda: ag.minimum(x, y), np.minimum(x.data, y.data)),
        "where": (lambda: ag.where(cond, x, y), np.where(cond, x.data, y.data)),
    }
    for name, (op, expected) in ops.items():
        with ag.no_grad():
            out = op()
        assert out.grad_fn is None, name
        np.testing.assert_array_equal(out.data, expected, err_msg=name)
        assert op().grad_fn is not None, name


def test_where_sends_the_gradient_to_b_only_where_cond_is_false():
    b = f64(4)
    a = ag.Tensor(np.ones(4))  # a constant: only b's side of the mask is needed
    ag.where(np.array([True, False, False, True]), a, b).backward(np.arange(1.0, 5.0))
    np.testing.assert_array_equal(b.grad, [0.0, 2.0, 3.0, 0.0])


def test_max_splits_the_gradient_between_ties_when_recorded():
    x = ag.Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]), requires_grad=True)
    x.max(axis=1, keepdims=True).backward(np.array([[6.0], [1.0]]))
    np.testing.assert_array_equal(x.grad, [[0, 3, 3], [1, 0, 0]])


# ----- backward's shortcuts --------------------------------------------------------------------
class _Pair(ag.Function):
    """y = a + 2 b, with a backward that returns a list (allowed, normalised by the engine)."""

    @staticmethod
    def forward(ctx, a, b):
        return a + 2 * b

    @staticmethod
    def backward(ctx, grad):
        return [grad, 2 * grad]


class _Short(ag.Function):
    """A broken op: one gradient for two inputs."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_backward_may_return_a_list_but_not_too_few_gradients():
    a, b = f64(3), f64(3)
    _Pair.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones(3))
    np.testing.assert_array_equal(b.grad, np.full(3, 2.0))
    with pytest.raises(RuntimeError, match="backward of '_short' returned 1 gradients for 2"):
        _Short.apply(a, b).sum().backward()


def test_root_gradient_given_as_list_or_other_dtype_tensor():
    x = ag.Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * 3).backward([1, 10])
    np.testing.assert_array_equal(x.grad, [3, 30])
    assert x.grad.dtype == np.float32
    x.grad = None
    (x * 3).backward(ag.Tensor(np.array([2.0, 1.0])))  # float64 seed for a float32 output
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [6, 3])


def test_a_training_step_leaves_no_reference_cycles():
    # The graph is acyclic by design, so reference counting frees it: the cyclic GC finds
    # nothing. (A cycle per step makes the GC the dominant cost of small models.)
    w, b = f64(4, 3), f64(3)
    x = ag.Tensor(rng.standard_normal((5, 4)))
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(5):
            w.grad = b.grad = None
            h = (x @ w + b).tanh()
            loss = (h * h).mean() + h.max(axis=1).sum() + h.transpose()[0].sigmoid().sum()
            loss.backward()
        del h, loss
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()
