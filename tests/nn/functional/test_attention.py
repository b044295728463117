"""nn/functional/attention.py: scaled_dot_product_attention and the fused attention op: masks,
causal attention, dropout, grouped queries, first to third derivatives, errors."""

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F
from nn.functional.attention import AttentionFunction


def leaf(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return autograd.Tensor(data, requires_grad=True)


def reference_attention(q, k, v, bias):
    """softmax(q k^T / sqrt(E) + bias) v in plain NumPy."""
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]) + bias
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    return (w / w.sum(axis=-1, keepdims=True)) @ v


def graph_nodes(t):
    seen, stack = [], [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.append(node)
            stack.extend(link for link in node.inputs if type(link) is type(node))
    return seen


def fixed_keep(shape, p, seed):
    """A dropout mask divided by 1 - p, with a query that sees nothing (its row is 0)."""
    keep = (np.random.default_rng(seed).random(shape) >= p) / (1 - p)
    keep[..., 1, :] = 0.0
    return keep


def test_sdpa_bool_mask_true_means_may_attend_and_float_mask_is_added():
    q, k, v = (np.random.default_rng(i).standard_normal((2, 3, 4, 5)) for i in range(3))
    allowed = np.random.default_rng(4).random((4, 4)) < 0.6
    allowed[:, 0] = True
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    np.testing.assert_allclose(
        out.data, reference_attention(q, k, v, np.where(allowed, 0, -np.inf)), rtol=1e-13
    )
    bias = np.random.default_rng(5).standard_normal((3, 4, 4))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    np.testing.assert_allclose(out.data, reference_attention(q, k, v, bias), rtol=1e-13)


def test_sdpa_causal_is_the_upper_left_triangle_and_scale_is_used():
    q = np.random.default_rng(0).standard_normal((2, 3, 5))
    kv = np.random.default_rng(1).standard_normal((2, 4, 5))
    out = F.scaled_dot_product_attention(q, kv, kv, is_causal=True, scale=0.3)
    bias = np.where(np.tri(3, 4, dtype=bool), 0, -np.inf)
    expected = reference_attention(q * 0.3 * np.sqrt(5), kv, kv, bias)
    np.testing.assert_allclose(out.data, expected, rtol=1e-13)


def test_sdpa_query_with_every_key_masked_gets_zero_output_and_gradient():
    q, k, v = leaf(1, 3, 2), leaf(1, 3, 2, seed=1), leaf(1, 3, 2, seed=2)
    allowed = np.array([[True, False, True], [False, False, False], [True, True, True]])
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    np.testing.assert_array_equal(out.data[0, 1], 0.0)
    assert np.isfinite(out.data).all()
    out.sum().backward()
    np.testing.assert_array_equal(q.grad[0, 1], 0.0)
    assert np.isfinite(k.grad).all() and np.isfinite(v.grad).all()


def test_sdpa_gradcheck_with_masks_and_a_learned_float_bias():
    q, k, v = leaf(2, 3, 4), leaf(2, 5, 4, seed=1), leaf(2, 5, 3, seed=2)
    allowed = np.random.default_rng(3).random((3, 5)) < 0.7
    allowed[:, 0] = True
    assert autograd.gradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=allowed), [q, k, v]
    )
    bias = leaf(3, 5, seed=4)
    assert autograd.gradcheck(
        lambda q, k, v, b: F.scaled_dot_product_attention(q, k, v, attn_mask=b), [q, k, v, bias]
    )
    q2, kv = leaf(1, 2, 3, seed=5), leaf(1, 3, 3, seed=6)
    assert autograd.gradgradcheck(
        lambda q, kv: F.scaled_dot_product_attention(q, kv, kv, is_causal=True), [q2, kv]
    )


def test_sdpa_grouped_query_attention_shares_key_heads():
    q = np.random.default_rng(0).standard_normal((1, 4, 3, 2))
    k, v = (np.random.default_rng(i).standard_normal((1, 2, 3, 2)) for i in (1, 2))
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    expected = reference_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1), 0.0)
    np.testing.assert_allclose(out.data, expected, rtol=1e-13)


def test_sdpa_dropout_uses_the_library_generator():
    q = np.random.default_rng(0).standard_normal((2, 6, 4))
    autograd.manual_seed(1)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5).data
    autograd.manual_seed(1)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5).data
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, F.scaled_dot_product_attention(q, q, q).data)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, q, q, dropout_p=1.0).data, 0)


def test_sdpa_errors_name_the_problem():
    q = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), bool), is_causal=True)
    with pytest.raises(ValueError, match="do not fit"):
        F.scaled_dot_product_attention(q, np.zeros((2, 3, 5)), q)
    with pytest.raises(ValueError, match="does not broadcast"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((4, 3), bool))
    with pytest.raises(TypeError, match="bool or floating"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), int))
    with pytest.raises(TypeError, match="one dtype"):
        F.scaled_dot_product_attention(q, q.astype(np.float32), q)


def test_sdpa_and_mha_without_weights_are_one_attention_node():
    q = leaf(2, 3, 4)
    assert F.scaled_dot_product_attention(q, q, q, is_causal=True).grad_fn.fn is AttentionFunction
    m = nn.MultiheadAttention(4, 2, batch_first=True, dtype=np.float64)
    out, _ = m(q, q, q, need_weights=False)
    assert any(node.fn is AttentionFunction for node in graph_nodes(out))
    out, _ = m(q, q, q)  # the weights are returned: the composition, which yields them
    assert not any(node.fn is AttentionFunction for node in graph_nodes(out))


@pytest.mark.parametrize("bias", ["none", "mask", "learned"])
@pytest.mark.parametrize("keep", [False, True])
def test_attention_function_first_and_second_derivatives(bias, keep):
    q, k, v = leaf(2, 3, 4), leaf(2, 5, 4, seed=1), leaf(2, 5, 3, seed=2)
    options = {"scale": 0.6, "keep": fixed_keep((2, 3, 5), 0.3, 3) if keep else None}
    inputs = [q, k, v]
    if bias == "mask":
        inputs.append(np.where(np.random.default_rng(4).random((3, 5)) < 0.3, -np.inf, 0.0))
    elif bias == "learned":
        inputs.append(leaf(3, 5, seed=5))  # broadcast over the batch: summed back by the engine

    def fn(*args):
        return AttentionFunction.apply(*args, **options)

    assert autograd.gradcheck(fn, inputs)
    assert autograd.gradgradcheck(fn, inputs)


def test_attention_function_third_derivative():
    q, kv = leaf(1, 2, 3), leaf(1, 3, 3, seed=1)
    bias = leaf(2, 3, seed=2)
    assert autograd.gradgradcheck(
        lambda q, kv, b: AttentionFunction.apply(q, kv, kv, b, scale=0.5), [q, kv, bias], order=3
    )


def test_attention_function_by_hand():
    # One query, two keys with scores 0 and log 3 (scale 1): weights 1/4, 3/4.
    q = autograd.Tensor(np.array([[1.0, 0.0]]), requires_grad=True)
    k = autograd.Tensor(np.array([[0.0, 5.0], [np.log(3.0), 0.0]]), requires_grad=True)
    v = autograd.Tensor(np.array([[4.0], [8.0]]), requires_grad=True)
    out = AttentionFunction.apply(q, k, v, scale=1.0)
    np.testing.assert_allclose(out.data, [[7.0]], rtol=1e-15)
    out.backward(np.ones((1, 1)))
    np.testing.assert_allclose(v.grad, [[0.25], [0.75]], rtol=1e-15)
    # dL/dS = P * (dP - sum(dP P)) with dP = v^T = (4, 8): (1/4 (4 - 7), 3/4 (8 - 7))
    ds = np.array([[-0.75, 0.75]])
    np.testing.assert_allclose(q.grad, ds @ k.data, rtol=1e-15)
    np.testing.assert_allclose(k.grad, ds.T @ q.data, rtol=1e-15)


def test_sdpa_learned_bias_with_a_row_of_minus_inf_gets_zero_there():
    q, k, v = leaf(2, 3, 4), leaf(2, 5, 4, seed=1), leaf(2, 5, 3, seed=2)
    bias = leaf(3, 5, seed=3)
    bias.data[1] = -np.inf  # query 1 may see no key: output 0, no gradient through that row
    fn = lambda q, k, v, b: F.scaled_dot_product_attention(q, k, v, attn_mask=b)  # noqa: E731
    out = fn(q, k, v, bias)
    np.testing.assert_array_equal(out.data[:, 1], 0.0)
    assert autograd.gradcheck(fn, [q, k, v, bias])
    assert autograd.gradgradcheck(fn, [q, k, v, bias])
    out.sum().backward()
    np.testing.assert_array_equal(bias.grad[1], 0.0)
    np.testing.assert_array_equal(q.grad[:, 1], 0.0)


def test_sdpa_dropout_draws_the_mask_as_f_dropout_does():
    q, k, v = (np.random.default_rng(i).standard_normal((2, 3, 4)) for i in range(3))
    autograd.manual_seed(7)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4, is_causal=True)
    autograd.manual_seed(7)
    keep = autograd.get_generator().random((2, 3, 3), dtype=np.float32) >= 0.4
    bias = np.where(np.tri(3, dtype=bool), 0.0, -np.inf)
    s = q @ np.swapaxes(k, -1, -2) / 2.0 + bias
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True) * keep / 0.6
    np.testing.assert_allclose(out.data, w @ v, rtol=1e-13)


def test_sdpa_matches_torch_with_gradients():
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    rng = np.random.default_rng(0)
    shapes = [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)]  # q, k, v: L=4, S=6, Ev=7
    allowed = rng.random((4, 6)) < 0.6
    allowed[1] = False  # a query that may look nowhere: 0, as PyTorch
    cases = [
        {},
        {"attn_mask": allowed},
        {"attn_mask": rng.standard_normal((3, 4, 6))},
        {"is_causal": True},
        {"scale": 0.7},
    ]
    for options in cases:
        data = [rng.standard_normal(s) for s in shapes]
        a = [autograd.Tensor(x.copy(), requires_grad=True) for x in data]
        b = [torch.tensor(x.copy(), requires_grad=True) for x in data]
        t_options = {
            k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()
        }
        out = F.scaled_dot_product_attention(*a, **options)
        t_out = TF.scaled_dot_product_attention(*b, **t_options)
        np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
        g = rng.standard_normal(out.shape)
        (out * g).sum().backward()
        (t_out * torch.tensor(g)).sum().backward()
        for x, t in zip(a, b):
            np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-11, atol=1e-12)
