"""F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention:
finite-difference gradients in float64, masks, errors, and (when torch is installed) the same
outputs and gradients as PyTorch's, given the same weights."""

import itertools

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


# ------------------------------------------------------------- scaled_dot_product_attention


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


# ------------------------------------------------------- the fused op (AttentionFunction)


def test_sdpa_and_mha_without_weights_are_one_attention_node():
    q = leaf(2, 3, 4)
    assert F.scaled_dot_product_attention(q, q, q, is_causal=True).grad_fn.fn is AttentionFunction
    m = nn.MultiheadAttention(4, 2, batch_first=True, dtype=np.float64)
    out, _ = m(q, q, q, need_weights=False)
    assert any(node.fn is AttentionFunction for node in graph_nodes(out))
    out, _ = m(q, q, q)  # the weights are returned: the composition, which yields them
    assert not any(node.fn is AttentionFunction for node in graph_nodes(out))


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


def test_mha_dropout_same_draw_with_and_without_weights():
    m = nn.MultiheadAttention(4, 2, dropout=0.3, batch_first=True, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((2, 5, 4))
    autograd.manual_seed(11)
    composed, _ = m(x, x, x, need_weights=True)
    autograd.manual_seed(11)
    fused, _ = m(x, x, x, need_weights=False)
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-13)


# ----------------------------------------------------------------------- MultiheadAttention


def test_mha_parameters_layout_and_init():
    autograd.manual_seed(0)
    m = nn.MultiheadAttention(8, 2)
    assert list(m.state_dict()) == [
        "in_proj_weight",
        "in_proj_bias",
        "out_proj.weight",
        "out_proj.bias",
    ]
    assert m.in_proj_weight.shape == (24, 8) and m.in_proj_bias.shape == (24,)
    assert m.in_proj_weight.dtype == np.float32
    bound = np.sqrt(6 / (8 + 24))  # Xavier-uniform over fan_in 8, fan_out 24
    assert np.abs(m.in_proj_weight.data).max() <= bound
    assert np.abs(m.in_proj_weight.data).max() > 0.9 * bound
    np.testing.assert_array_equal(m.in_proj_bias.data, 0)
    np.testing.assert_array_equal(m.out_proj.bias.data, 0)
    separate = nn.MultiheadAttention(8, 2, bias=False, add_bias_kv=True, kdim=3, vdim=5)
    assert {k: v.shape for k, v in separate.state_dict().items()} == {
        "q_proj_weight": (8, 8),
        "k_proj_weight": (8, 3),
        "v_proj_weight": (8, 5),
        "bias_k": (1, 1, 8),
        "bias_v": (1, 1, 8),
        "out_proj.weight": (8, 8),
    }
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(6, 4)


def test_mha_masks_read_true_as_may_not_attend():
    autograd.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, batch_first=True, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    causal = np.triu(np.ones((3, 3), bool), k=1)
    _, w = m(x, x, x, attn_mask=causal)
    np.testing.assert_array_equal(w.data[:, causal], 0)
    np.testing.assert_allclose(w.data.sum(-1), 1, rtol=1e-14)
    padding = np.array([[False, False, True], [False, False, False]])
    _, w = m(x, x, x, key_padding_mask=padding, average_attn_weights=False)
    assert w.shape == (2, 2, 3, 3)
    np.testing.assert_array_equal(w.data[0, :, :, 2], 0)
    assert (w.data[1] > 0).all()
    float_mask = np.where(causal, -np.inf, 0.0)
    out_bool, _ = m(x, x, x, attn_mask=causal)
    out_float, none = m(x, x, x, attn_mask=float_mask, need_weights=False)
    assert none is None
    np.testing.assert_allclose(out_bool.data, out_float.data, rtol=1e-14)


def test_mha_unbatched_input_and_sequence_first_layout():
    autograd.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((3, 2, 4))  # (L, N, E)
    out, w = m(x, x, x)
    assert out.shape == (3, 2, 4) and w.shape == (2, 3, 3)
    one, w1 = m(x[:, 1], x[:, 1], x[:, 1])
    assert one.shape == (3, 4) and w1.shape == (3, 3)
    np.testing.assert_allclose(one.data, out.data[:, 1], rtol=1e-13)
    np.testing.assert_allclose(w1.data, w.data[1], rtol=1e-13)


def test_mha_dropout_acts_on_the_weights_in_training_only():
    autograd.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, dropout=0.5, batch_first=True, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((2, 5, 4))
    _, w = m(x, x, x, average_attn_weights=False)
    assert (w.data == 0).any()  # the returned weights are the dropped-out ones, as PyTorch
    m.eval()
    _, w = m(x, x, x, average_attn_weights=False)
    assert (w.data > 0).all()


def test_mha_is_causal_needs_the_mask():
    m = nn.MultiheadAttention(4, 2)
    x = np.zeros((3, 1, 4), np.float32)
    with pytest.raises(RuntimeError, match="attn_mask"):
        m(x, x, x, is_causal=True)


def test_mha_shape_errors():
    m = nn.MultiheadAttention(4, 2)
    x = np.zeros((3, 2, 4), np.float32)
    with pytest.raises(ValueError, match="embedding size 5"):
        m(np.zeros((3, 2, 5), np.float32), x, x)
    with pytest.raises(ValueError, match="attn_mask must be"):
        m(x, x, x, attn_mask=np.zeros((3, 4), bool))
    with pytest.raises(ValueError, match="key_padding_mask must be"):
        m(x, x, x, key_padding_mask=np.zeros((3, 3), bool))


def test_mha_gradcheck_through_the_functional_form():
    E, H = 4, 2
    q, k, v = leaf(3, 2, E), leaf(4, 2, E, seed=1), leaf(4, 2, E, seed=2)
    params = [leaf(3 * E, E, seed=3), leaf(3 * E, seed=4), leaf(E, E, seed=5), leaf(E, seed=6)]
    mask = np.array([[False, True, False, False]] * 3)
    padding = np.array([[False, False, False, True], [False, False, False, False]])

    def attention(q, k, v, w_in, b_in, w_out, b_out):
        out, weights = F.multi_head_attention_forward(
            q, k, v, E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out,
            attn_mask=mask, key_padding_mask=padding,
        )  # fmt: skip
        return out, weights

    assert autograd.gradcheck(attention, [q, k, v, *params])


# ------------------------------------------------------------------ against PyTorch

torch_cases = [
    {},
    {"bias": False},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"kdim": 3, "vdim": 5},
]


def masks_for(rng, N, H, L, S, kind):
    blocked = rng.random((L, S)) < 0.3
    blocked[:, 0] = False  # every query keeps a key
    padding = rng.random((N, S)) < 0.3
    padding[:, 0] = False
    return {
        "none": {},
        "bool": {"attn_mask": blocked, "key_padding_mask": padding},
        "float": {
            "attn_mask": rng.standard_normal((N * H, L, S)),
            "key_padding_mask": np.where(padding, -np.inf, 0.0),
        },
    }[kind]


@pytest.mark.parametrize("options", torch_cases, ids=lambda o: ",".join(o) or "default")
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_matches_torch(options, batch_first):
    torch = pytest.importorskip("torch")
    E, H, N, L, S = 8, 2, 3, 4, 5
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(
        E, H, batch_first=batch_first, dtype=torch.float64, **options
    )
    ours = nn.MultiheadAttention(E, H, batch_first=batch_first, dtype=np.float64, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    rng = np.random.default_rng(1)

    def layout(n, length, dim):
        return (n, length, dim) if batch_first else (length, n, dim)

    inputs = [
        rng.standard_normal(layout(N, L, E)),
        rng.standard_normal(layout(N, S, ours.kdim)),
        rng.standard_normal(layout(N, S, ours.vdim)),
    ]
    for kind, need_weights, average in itertools.product(
        ("none", "bool", "float"), (True, False), (True, False)
    ):
        if not need_weights and not average:
            continue
        masks = masks_for(rng, N, H, L, S, kind)
        a = [autograd.Tensor(x.copy(), requires_grad=True) for x in inputs]
        b = [torch.tensor(x.copy(), requires_grad=True) for x in inputs]
        out, w = ours(*a, need_weights=need_weights, average_attn_weights=average, **masks)
        t_out, t_w = theirs(
            *b,
            need_weights=need_weights,
            average_attn_weights=average,
            **{name: torch.tensor(m) for name, m in masks.items()},
        )
        np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
        if need_weights:
            np.testing.assert_allclose(w.data, t_w.detach().numpy(), rtol=1e-12, atol=1e-13)
        else:
            assert w is None and t_w is None
        g = rng.standard_normal(out.shape)
        (out * g).sum().backward()
        (t_out * torch.tensor(g)).sum().backward()
        for x, t in zip(a, b):
            np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-11, atol=1e-12)
        for (name, p), (t_name, t_p) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == t_name
            np.testing.assert_allclose(p.grad, t_p.grad.numpy(), rtol=1e-11, atol=1e-12)
        ours.zero_grad()
        theirs.zero_grad()


def test_mha_fully_masked_query_nan_with_weights_zero_without_as_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(4, 2, batch_first=True, dtype=torch.float64)
    ours = nn.MultiheadAttention(4, 2, batch_first=True, dtype=np.float64)
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((1, 3, 4))
    mask = np.array([[False, True, True], [True, True, True], [False, False, True]])
    for need_weights in (True, False):
        out, _ = ours(x, x, x, attn_mask=mask, need_weights=need_weights)
        t_out, _ = theirs(*[torch.tensor(x)] * 3, attn_mask=torch.tensor(mask),
                          need_weights=need_weights)  # fmt: skip
        np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
        assert np.isnan(out.data[0, 1]).all() == need_weights


def test_mha_state_dict_moves_both_ways():
    torch = pytest.importorskip("torch")
    autograd.manual_seed(3)
    ours = nn.MultiheadAttention(6, 3, add_bias_kv=True, dtype=np.float64)
    theirs = torch.nn.MultiheadAttention(6, 3, add_bias_kv=True, dtype=torch.float64)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2, 6))
    out, w = ours(x, x, x)
    t_out, t_w = theirs(*[torch.tensor(x)] * 3)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(w.data, t_w.detach().numpy(), rtol=1e-12, atol=1e-13)


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
