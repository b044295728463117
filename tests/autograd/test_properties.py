"""Property tests: random shapes and values, results equal NumPy and gradients check out."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
values = st.floats(-3, 3, allow_nan=False, width=64)


def leaf(array):
    return ag.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


@settings(max_examples=40, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4), st.data())
def test_broadcasting_binary_ops_match_numpy_and_gradcheck(shapes_pair, data):
    a_shape, b_shape = shapes_pair.input_shapes
    a = leaf(data.draw(hnp.arrays(np.float64, a_shape, elements=values)))
    b = leaf(data.draw(hnp.arrays(np.float64, b_shape, elements=st.floats(0.5, 3))))
    np.testing.assert_allclose((a * b + a / b).data, a.data * b.data + a.data / b.data)
    assert ag.gradcheck(lambda x, y: x * y - x / y + y, [a, b])


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, shapes, elements=values), st.data())
def test_reductions_over_random_axes(array, data):
    axis = data.draw(st.none() | st.integers(-array.ndim, array.ndim - 1)) if array.ndim else None
    keepdims = data.draw(st.booleans())
    x = leaf(array)
    for name in ["sum", "mean", "logsumexp"]:
        result = getattr(x, name)(axis=axis, keepdims=keepdims)
        assert result.shape == np.sum(array, axis=axis, keepdims=keepdims).shape
        assert ag.gradcheck(lambda t, n=name: getattr(t, n)(axis=axis, keepdims=keepdims), [x])


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, shapes, elements=values))
def test_sum_of_gradients_of_sum_is_size(array):
    x = leaf(array)
    x.sum().backward()
    assert x.grad.sum() == x.size


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=6))
def test_logsumexp_is_stable_and_exact(items):
    x = np.array(items)
    result = leaf(x).logsumexp().item()
    m = x.max()
    assert np.isfinite(result)
    assert np.isclose(result, m + np.log(np.sum(np.exp(x - m))))
