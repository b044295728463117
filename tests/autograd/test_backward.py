"""The backward pass: accumulation, graph reuse, freeing, retain_grad, grad(), no_grad."""

import gc
import weakref

import numpy as np
import pytest

import autograd as ag


def leaf(values, dtype=np.float64):
    return ag.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def test_node_reused_many_times_hand_derived():
    a = leaf([1.0, -2.0, 3.0])
    b = a + a
    c = b * b + b
    c.sum().backward()
    # c = 4a^2 + 2a  =>  dc/da = 8a + 2
    np.testing.assert_allclose(a.grad, 8 * a.data + 2)


def test_scalar_expression_hand_derived():
    x, y = leaf(3.0), leaf(-4.0)
    z = (x * y + x.exp()) / y
    z.backward()
    # z = x + e^x / y
    assert x.grad == pytest.approx(1 + np.exp(3.0) / -4.0)
    assert y.grad == pytest.approx(-np.exp(3.0) / 16.0)


def test_gradients_accumulate_across_backward_calls():
    w = leaf([1.0, 2.0])
    for _ in range(3):
        (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, 3 * 2 * w.data)


def test_leaf_grads_do_not_alias_each_other():
    # a + b hands the same incoming gradient to both leaves; in-place changes must stay local.
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad *= 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_user_grad_is_not_adopted_as_leaf_grad():
    a = leaf([1.0, 2.0])
    seed = np.array([1.0, 1.0])
    (a + 0).backward(seed)
    a.grad += 1
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_grad_keeps_leaf_dtype_and_shape():
    w = ag.Tensor(np.ones((3, 1), dtype=np.float32), requires_grad=True)
    x = ag.Tensor(np.ones((2, 3, 4)))  # float64 constant
    (w * x).sum().backward()
    assert w.grad.dtype == np.float32 and w.grad.shape == (3, 1)
    np.testing.assert_array_equal(w.grad, np.full((3, 1), 8.0))


def test_long_chain_backpropagates_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_second_backward_says_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 4 * x.data)


def test_backward_frees_saved_arrays_but_keeps_structure():
    x = leaf(np.ones(1000))
    h = x.exp()
    h_data = weakref.ref(h._data)
    node = h.grad_fn
    loss = (h * 2).sum()
    del h
    gc.collect()
    assert h_data() is not None  # the exp node saved its result for backward
    loss.backward()
    gc.collect()
    assert h_data() is None  # freed by backward: nobody holds the intermediate any more
    assert loss.grad_fn.inputs[0].inputs[0] is node  # the graph can still be walked
    assert node.inputs[0] is x


def test_training_loop_keeps_only_parameters_and_grads():
    w = leaf(np.ones((50, 50)))
    refs = []
    for _ in range(3):
        x = ag.Tensor(np.ones((8, 50)))
        hidden = (x @ w).tanh()
        refs.append(weakref.ref(hidden._data))
        loss = (hidden * hidden).mean()
        del hidden
        loss.backward()
    gc.collect()
    assert all(ref() is None for ref in refs)


def test_non_scalar_backward_needs_grad_and_says_scalar():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 6.0])


def test_backward_grad_shape_mismatch():
    x = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.Tensor([1.0]).sum().backward()


def test_retain_grad_keeps_interior_gradient():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)
    assert (x * 3).grad is None


def test_interior_tensors_have_no_grad_by_default():
    x = leaf([1.0])
    h = x * 2
    h.sum().backward()
    assert h.grad is None and not h.is_leaf and x.is_leaf


def test_only_needed_gradients_are_computed():
    calls = []

    class Probe(ag.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad):
            calls.append(ctx.needs_input_grad)
            return (grad if ctx.needs_input_grad[0] else None), None

    data = ag.Tensor(np.ones(3))
    w = leaf(np.ones(3))
    Probe.apply(w, data).sum().backward()
    assert calls == [(True, False)]


def test_no_grad_and_enable_grad():
    x = leaf([1.0])
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = x * 2
        with ag.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def evaluate():
        return x * 2

    assert not evaluate().requires_grad


def test_grad_modes_decorate_with_or_without_parentheses_and_inference_mode_is_no_grad():
    x = leaf([1.0])

    @ag.no_grad  # PyTorch 2 takes the bare decorator too
    def evaluate(y):
        return x * y

    @ag.enable_grad
    def train():
        return x * 2

    @ag.inference_mode
    def infer():
        return x * 2

    assert evaluate.__name__ == "evaluate" and not evaluate(2).requires_grad
    with ag.no_grad():
        assert train().requires_grad
    assert not infer().requires_grad
    assert not ag.inference_mode()(lambda: x * 2)().requires_grad
    with ag.inference_mode():
        assert not ag.is_grad_enabled()
        with ag.inference_mode(False):  # mode=False records, as in PyTorch
            assert (x * 2).requires_grad
    assert ag.is_grad_enabled()


def test_grad_returns_tensors_and_leaves_grad_alone():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    gx, gy = ag.grad((x * y).sum(), [x, y])
    np.testing.assert_array_equal(gx.data, y.data)
    np.testing.assert_array_equal(gy.data, x.data)
    assert x.grad is None and y.grad is None


def test_grad_with_interior_input_and_grad_outputs():
    x = leaf([1.0, 2.0])
    h = x * x
    out = h * 3
    (gh,) = ag.grad(out, h, grad_outputs=np.array([1.0, 2.0]))
    np.testing.assert_array_equal(gh.data, [3.0, 6.0])


def test_grad_unused_input():
    x, y = leaf(1.0), leaf(2.0)
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad(x * 2, [x, y])
    gx, gy = ag.grad(x * 2, [x, y], allow_unused=True)
    assert gx.item() == 2.0 and gy is None


def test_multiple_outputs_sum_their_gradients():
    x = leaf(2.0)
    (g,) = ag.grad([x * x, x * 3], x)
    assert g.item() == 7.0


def test_integer_tensor_results_are_not_recorded():
    x = leaf([1.5, 2.5])
    assert not x.argmax().requires_grad
    assert not (x > 2).requires_grad
    assert (x > 2).dtype == np.bool_


def test_zero_dimensional_leaf_used_twice_gets_an_ndarray_grad():
    a = ag.Tensor(2.0, requires_grad=True)
    (a * a + a).backward()
    assert type(a.grad.numpy()) is np.ndarray and a.grad.shape == () and a.grad == 5.0


def test_in_place_update_of_a_parameter_under_no_grad():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    same = w
    with ag.no_grad():
        w -= 0.25 * w.grad  # the PyTorch idiom: updates w itself, which stays a leaf
        w *= ag.Tensor(np.array([2.0, 2.0]))
    assert w is same and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.data, [1.0, 2.0])


def test_in_place_update_is_refused_where_the_graph_needs_the_value():
    w = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1
    h = w * 2
    with pytest.raises(RuntimeError, match="in-place"), ag.no_grad():
        h /= 2
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    counts = ag.Tensor(np.zeros(2))
    counts += 1  # a tensor outside any graph updates freely
    np.testing.assert_array_equal(counts.data, [1.0, 1.0])


def test_retained_zero_dimensional_grad_stays_an_array_across_backward_calls():
    x = leaf(1.5)
    y = x * 3
    y.retain_grad()
    z = y * 2
    z.backward(retain_graph=True)
    z.backward()
    assert type(y.grad.numpy()) is np.ndarray and y.grad == 4.0


def test_every_user_is_done_before_a_shared_result_backpropagates():
    # Backward visits nodes in reverse creation order: h is used by ops created both before
    # and after an unrelated branch, and must still receive all three contributions first.
    x = leaf(2.0)
    h = x * x  # h = x^2
    u = h * 3
    other = x.exp()
    v = h * other
    w = u + v + h  # w = 3x^2 + x^2 e^x + x^2
    w.backward()
    expected = 6 * 2.0 + (2 * 2.0 + 2.0**2) * np.exp(2.0) + 2 * 2.0
    assert x.grad == pytest.approx(expected)


def test_a_branch_that_receives_no_gradient_is_skipped():
    class FirstOnly(ag.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad, None  # no gradient flows to b

    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    FirstOnly.apply(x * 2, y.exp()).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    assert y.grad is None


def test_an_unrecorded_op_keeps_nothing_alive():
    # Options an unrecorded forward sets on its ctx (here getitem's index array) must not
    # outlive the call.
    class Index(np.ndarray):
        pass

    x = ag.Tensor(np.arange(6.0))
    index = np.array([0, 2]).view(Index)
    alive = weakref.ref(index)
    x[index]
    del index
    gc.collect()
    assert alive() is None


def test_backward_takes_pytorchs_keywords_gradient_and_retain_graph():
    a = ag.tensor([2.0, 3.0], requires_grad=True)
    b = ag.tensor([6.0, 4.0], requires_grad=True)
    q = 3 * a**3 - b**2  # the official autograd tutorial's example
    q.backward(gradient=ag.tensor([1.0, 1.0]), retain_graph=None)
    np.testing.assert_allclose(a.grad.numpy(), 9 * a.numpy() ** 2)
    np.testing.assert_allclose(b.grad.numpy(), -2 * b.numpy())


def test_backward_with_inputs_fills_only_those_and_accumulates():
    a = ag.tensor(1.5, requires_grad=True, dtype=np.float64)
    b = ag.tensor(2.0, requires_grad=True, dtype=np.float64)
    h = a * b  # an interior tensor may be an input too
    loss = h * h
    loss.backward(inputs=[a, h], retain_graph=True)
    assert b.grad is None
    assert a.grad.item() == pytest.approx(2 * h.item() * b.item())
    assert h.grad.item() == pytest.approx(2 * h.item())
    loss.backward(inputs=a)
    assert a.grad.item() == pytest.approx(4 * h.item() * b.item())
    with pytest.raises(RuntimeError, match="inputs= was given but is empty"):
        (a * 2).backward(inputs=[])


def test_backward_with_inputs_counts_a_retained_input_once():
    # retain_grad() gives h its gradient inside the loop; inputs=[h] must not add it again.
    a = ag.tensor(1.5, requires_grad=True, dtype=np.float64)
    h = a * 2
    h.retain_grad()
    (h * h).backward(inputs=[h], retain_graph=True)
    assert h.grad.item() == pytest.approx(2 * h.item())
    (h * h).backward(inputs=[a, h])  # a second call accumulates, once
    assert h.grad.item() == pytest.approx(4 * h.item())
    assert a.grad.item() == pytest.approx(4 * h.item())


def test_a_leaf_that_stopped_requiring_grad_gets_no_grad():
    # As PyTorch: the total would hold only the paths recorded while it required grad.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    x.requires_grad_(False)
    (y * x).sum().backward()
    assert x.grad is None


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True, dtype=np.float64)
    y = (x**3).sum()
    y.backward(create_graph=True)
    g = x.grad
    assert g.grad_fn is not None and not g.is_leaf
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    x.grad = None
    g.sum().backward()  # d/dx sum(3 x^2) = 6 x
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.numpy())
    # Two create_graph backward calls accumulate into a recorded sum.
    x.grad = None
    (x**2).sum().backward(create_graph=True)
    (x**2).sum().backward(create_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), 4 * x.numpy())
    assert x.grad.grad_fn is not None


def test_backward_keywords_match_torch():
    torch = pytest.importorskip("torch")
    values = np.array([0.3, -0.7, 1.1])
    x, tx = ag.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    (ag.sin(x) * x).sum().backward(create_graph=True)
    (torch.sin(tx) * tx).sum().backward(create_graph=True)
    gx, tgx = x.grad, tx.grad
    np.testing.assert_allclose(gx.numpy(), tgx.detach().numpy(), rtol=1e-12)
    x.grad, tx.grad = None, None
    (gx**2).sum().backward(inputs=[x])
    (tgx**2).sum().backward(inputs=[tx])
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
