"""Tensor construction, dtype rules, attributes, NumPy interoperability."""

import numpy as np
import pytest

import autograd as ag


def test_dtype_rules():
    assert ag.Tensor(1.5).dtype == np.float32
    assert ag.Tensor([1, 2]).dtype == np.int64  # Python ints: int64, as NumPy and PyTorch
    assert ag.Tensor(3).dtype == np.int64
    assert ag.Tensor([1, 2.5]).dtype == np.float32
    assert ag.tensor(True).dtype == np.bool_
    assert ag.Tensor(np.array([1.0])).dtype == np.float64
    assert ag.Tensor(np.array([1, 2])).dtype == np.int64
    assert ag.Tensor([True, False]).dtype == np.bool_
    assert ag.Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert (ag.Tensor(np.ones(2, np.float32)) * 2.5).dtype == np.float32


def test_attributes_and_conversions():
    t = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.name == "w"
    assert t.is_leaf and t.grad_fn is None and t.grad is None
    assert t.numpy() is t._data
    assert ag.Tensor(3.0).item() == 3.0
    assert len(t) == 2 and [row.shape for row in t] == [(3,), (3,)]
    d = t.detach()
    assert d._data is t._data and not d.requires_grad
    with pytest.raises(ValueError, match="one-element"):
        t.item()


def test_tensor_copies_but_Tensor_shares():
    array = np.ones(3)
    assert ag.Tensor(array)._data is array
    assert ag.tensor(array)._data is not array


def test_repr_is_readable():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<mul>)"
    assert "dtype=float64" in repr(ag.Tensor(np.ones(1)))


def test_tensors_hash_by_identity_and_compare_elementwise():
    a, b = ag.Tensor([1.0, 2.0]), ag.Tensor([1.0, 3.0])
    assert len({a, b, a}) == 2
    np.testing.assert_array_equal((a == b).data, [True, False])
    np.testing.assert_array_equal((a != b).data, [False, True])
    np.testing.assert_array_equal((a < b).data, [False, True])
    np.testing.assert_array_equal((a >= 2).data, [False, True])
    np.testing.assert_array_equal((~(a > 1)).data, [True, False])


def test_constructors_and_seed():
    assert ag.zeros(2, 3).shape == (2, 3) and ag.ones((4,)).data.sum() == 4
    assert ag.zeros_like(ag.Tensor(np.ones(2))).dtype == np.float64
    assert ag.ones_like(np.ones((1, 2), np.float32)).shape == (1, 2)
    assert ag.arange(5).dtype == np.int64 and ag.arange(0.0, 1.0, 0.25).dtype == np.float32
    ag.manual_seed(7)
    first = ag.randn(3).data.copy(), ag.rand(2).data.copy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(ag.randn(3).data, first[0])
    np.testing.assert_array_equal(ag.rand(2).data, first[1])
    assert ag.randn(2, dtype=np.float64, requires_grad=True).requires_grad


def test_numpy_functions_dispatch_to_recorded_ops():
    x = ag.Tensor(np.array([0.5, 1.0]), requires_grad=True)
    y = np.exp(x) * np.ones(2) + np.sum(x)
    assert isinstance(y, ag.Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.exp(x.data) + 2)


def test_other_numpy_functions_see_plain_arrays():
    x = ag.Tensor(np.array([1.0, np.nan]))
    np.testing.assert_array_equal(np.isnan(x), [False, True])
    assert np.allclose(ag.Tensor([1.0, 2.0]), [1.0, 2.0])
    assert np.asarray(x) is x._data


def test_np_array_copies_as_for_an_ndarray():
    x = ag.Tensor(np.array([1.0, 2.0]))
    copied = np.array(x)  # NumPy 2 asks for a copy here; it must not alias x
    copied[0] = 5.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        with pytest.raises(ValueError, match="needs a copy"):
            np.asarray(x, dtype=np.float32, copy=False)


def test_comparison_with_an_ndarray_on_the_left_gives_a_bool_tensor():
    result = np.array([1.0, 3.0]) < ag.Tensor([2.0, 2.0])
    assert isinstance(result, ag.Tensor) and not result.requires_grad
    np.testing.assert_array_equal(result.data, [True, False])


def test_custom_function_with_saved_tensors_and_options():
    class Scale(ag.Function):
        """y = k x;  dy/dx = k."""

        @staticmethod
        def forward(ctx, x, k=1.0):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k

    x = ag.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = Scale.apply(x, k=3.0)
    assert y.grad_fn.fn.name == "scale"
    assert ag.gradcheck(lambda t: Scale.apply(t, k=3.0), [x])
    assert ag.gradgradcheck(lambda t: Scale.apply(t * t, k=3.0), [x])


def test_grad_assignment_converts_tensors_and_arrays_to_the_tensors_dtype():
    # Issue 13, item 6: a Tensor assigned to .grad failed later inside opt.step().
    import optim

    p = ag.tensor([1.0, 2.0], requires_grad=True)
    p.grad = ag.ones_like(p)
    assert type(p.grad.numpy()) is np.ndarray and p.grad.dtype == np.float32
    optim.SGD([p], lr=0.5).step()
    np.testing.assert_allclose(p.data, [0.5, 1.5])
    p.grad = np.array([1, 2])  # integers become the parameter's dtype
    assert p.grad.dtype == np.float32
    p.grad = None
    assert p.grad is None


def test_grad_assignment_of_the_wrong_shape_names_both_shapes():
    p = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(3,\), got shape \(\)"):
        p.grad = 0.0
    with pytest.raises(ValueError, match=r"shape \(3,\), got shape \(2,\)"):
        p.grad = np.zeros(2)
    assert p.grad is None  # nothing half-done


def test_zero_grad_after_an_assigned_gradient():
    import nn

    model = nn.Linear(2, 1)
    for p in model.parameters():
        p.grad = np.ones(p.shape)
    model.zero_grad(set_to_none=False)
    assert all(not p.grad.any() for p in model.parameters())


def test_data_is_a_tensor_sharing_memory_without_history():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    y = p * 3
    for t in (p, y):
        d = t.data
        assert type(d) is ag.Tensor and not d.requires_grad and d.grad_fn is None
        assert np.shares_memory(d.numpy(), t.numpy())
    assert y.data.norm().item() == pytest.approx(np.hypot(3.0, 6.0))


def test_writes_through_data_change_the_tensor_and_count_as_changes():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    version = p._version
    p.data.add_(ag.tensor([10.0, 20.0]))  # PyTorch's idiom: no no_grad() needed
    np.testing.assert_array_equal(p.numpy(), [11.0, 22.0])
    p.data[0] = 0.0
    p.data -= 0.5 * ag.tensor([2.0, 2.0])
    np.testing.assert_array_equal(p.numpy(), [-1.0, 21.0])
    assert p._version == version + 3
    ag.manual_seed(0)
    p.data.normal_()
    assert p._version == version + 4 and p.numpy()[1] != 21.0


def test_a_write_through_data_before_backward_raises_instead_of_a_wrong_gradient():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()  # saved w
    w.data.mul_(2.0)  # PyTorch would silently use the new w in backward
    with pytest.raises(RuntimeError, match="modified|changed"):
        loss.backward()


def test_assigning_data_replaces_the_memory():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    other = ag.tensor([5.0, 6.0, 7.0])
    p.data = other
    assert np.shares_memory(p.numpy(), other.numpy()) and p.shape == (3,) and p.requires_grad
    p.data = np.zeros(2, np.float32)
    assert p.dtype == np.float32 and p.shape == (2,)
    with pytest.raises(ValueError, match="data: .*needs floats, got int64"):
        p.data = np.arange(2)
