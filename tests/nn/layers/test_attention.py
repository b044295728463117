"""nn/layers/attention.py: nn.MultiheadAttention: parameters and init as PyTorch's, masks,
layouts, dropout, errors, gradients, and PyTorch's numbers where torch is installed."""

import itertools

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def leaf(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return autograd.Tensor(data, requires_grad=True)


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


def test_mha_dropout_same_draw_with_and_without_weights():
    m = nn.MultiheadAttention(4, 2, dropout=0.3, batch_first=True, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((2, 5, 4))
    autograd.manual_seed(11)
    composed, _ = m(x, x, x, need_weights=True)
    autograd.manual_seed(11)
    fused, _ = m(x, x, x, need_weights=False)
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-13)


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
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2, 6))
    out, w = ours(x, x, x)
    t_out, t_w = theirs(*[torch.tensor(x)] * 3)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(w.data, t_w.detach().numpy(), rtol=1e-12, atol=1e-13)
