"""nn.TransformerDecoderLayer and nn.TransformerDecoder: structure, gradients in float64, and
(when torch is installed) PyTorch's outputs and gradients from the same state_dict."""

import functools
import itertools

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F

# torch warns about its own speed paths (nested tensors, masks of two types): not about results
pytestmark = pytest.mark.filterwarnings(
    "ignore:enable_nested_tensor:UserWarning", "ignore:Support for mismatched:UserWarning"
)

CAUSAL = np.triu(np.ones((5, 5), bool), k=1)


def test_layer_keys_and_decoder_copies():
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    attention = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    assert list(layer.state_dict()) == [
        *(f"self_attn.{k}" for k in attention),
        *(f"multihead_attn.{k}" for k in attention),
        "linear1.weight",
        "linear1.bias",
        "linear2.weight",
        "linear2.bias",
        *(f"norm{i}.{k}" for i in (1, 2, 3) for k in ("weight", "bias")),
    ]
    decoder = nn.TransformerDecoder(layer, 3, norm=nn.LayerNorm(8))
    keys = list(decoder.state_dict())
    assert keys[0] == "layers.0.self_attn.in_proj_weight" and keys[-1] == "norm.bias"
    assert len(keys) == 3 * 18 + 2
    first, second = decoder.layers[0], decoder.layers[1]
    assert first is not layer and first.multihead_attn is not second.multihead_attn
    np.testing.assert_array_equal(first.linear1.weight.data, second.linear1.weight.data)
    no_bias = nn.TransformerDecoderLayer(8, 2, 16, bias=False)
    assert all("bias" not in k for k in no_bias.state_dict())
    assert nn.TransformerDecoderLayer(4, 2, 8).activation is F.relu
    assert nn.TransformerDecoderLayer(4, 2, 8, activation="gelu").activation is F.gelu
    with pytest.raises(ValueError, match="TransformerDecoderLayer: activation"):
        nn.TransformerDecoderLayer(4, 2, 8, activation="tanh")
    with pytest.raises(TypeError, match="TransformerDecoder: decoder_layer"):
        nn.TransformerDecoder("layer", 2)
    with pytest.raises(ValueError, match="TransformerDecoder: num_layers"):
        nn.TransformerDecoder(layer, -1)


def test_dropout_only_in_training():
    autograd.manual_seed(0)
    layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.3, batch_first=True)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 8)).astype(np.float32)
    memory = rng.standard_normal((2, 5, 8)).astype(np.float32)
    assert not np.allclose(layer(x, memory).data, layer(x, memory).data)
    layer.eval()
    np.testing.assert_array_equal(layer(x, memory).data, layer(x, memory).data)


def test_output_depends_on_memory_only_through_unmasked_keys():
    autograd.manual_seed(1)
    layer = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, dtype=np.float64)
    rng = np.random.default_rng(2)
    tgt, memory = rng.standard_normal((3, 1, 4)), rng.standard_normal((5, 1, 4))
    padding = np.array([[False, False, False, True, True]])
    changed = memory.copy()
    changed[3:] += 10.0  # only the padded memory positions move
    out = layer(tgt, memory, memory_key_padding_mask=padding).data
    np.testing.assert_allclose(layer(tgt, changed, memory_key_padding_mask=padding).data, out)
    assert not np.allclose(layer(tgt, changed).data, layer(tgt, memory).data)


@pytest.mark.parametrize("norm_first", [False, True])
def test_layer_gradcheck(norm_first):
    autograd.manual_seed(0)
    layer = nn.TransformerDecoderLayer(
        4, 2, 6, dropout=0.0, activation="gelu", norm_first=norm_first, dtype=np.float64
    )
    for p in layer.parameters():  # LayerNorm starts at (1, 0): make every parameter matter
        p.data += np.random.default_rng(p.size).normal(0, 0.3, p.shape)
    rng = np.random.default_rng(1)
    tgt = autograd.Tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    memory = autograd.Tensor(rng.standard_normal((4, 2, 4)), requires_grad=True)
    masks = dict(
        tgt_mask=CAUSAL[:3, :3],
        tgt_key_padding_mask=np.array([[False, False, True], [False, False, False]]),
        memory_mask=np.where(CAUSAL[:3, :4], -1.5, 0.0),
        memory_key_padding_mask=np.array([[False, False, False, True], [False] * 4]),
    )
    # The attention to memory and the block after it (self_attn is the encoder's, checked
    # there; every parameter's gradient is compared with PyTorch's below).
    params = [*layer.multihead_attn.parameters(), *layer.norm2.parameters(), layer.linear1.weight]
    # gradcheck perturbs each input in place, parameters included, and calls the layer again.
    assert autograd.gradcheck(lambda t, m, *_: layer(t, m, **masks), [tgt, memory, *params])


# ------------------------------------------------------------------ against PyTorch


def mask_cases(N, T, S):
    padding_t, padding_s = np.zeros((N, T), bool), np.zeros((N, S), bool)
    padding_t[0, 3:] = True
    padding_s[-1, 4:] = True
    float_causal = np.where(CAUSAL[:T, :T], -np.inf, 0.0)
    return {
        "none": {},
        "bool causal": {"tgt_mask": CAUSAL[:T, :T], "tgt_is_causal": True},
        "float causal": {"tgt_mask": float_causal},
        "all": {
            "tgt_mask": float_causal,
            "memory_mask": np.random.default_rng(3).standard_normal((T, S)),
            "tgt_key_padding_mask": padding_t,
            "memory_key_padding_mask": padding_s,
        },
    }


@pytest.mark.parametrize(
    ("batch_first", "norm_first", "activation", "bias"),
    [
        (False, False, "relu", True),
        (True, False, "gelu", True),
        (False, True, "gelu", False),
        (True, True, "gelu_tanh", True),
    ],
)
def test_decoder_matches_torch(batch_first, norm_first, activation, bias):
    torch = pytest.importorskip("torch")
    E, H, FF, N, T, S = 8, 2, 16, 3, 4, 6
    torch.manual_seed(0)
    options = dict(
        d_model=E, nhead=H, dim_feedforward=FF, dropout=0.0, batch_first=batch_first,
        norm_first=norm_first, bias=bias, layer_norm_eps=1e-6,
    )  # fmt: skip
    t_act, o_act = activation, activation
    if activation == "gelu_tanh":
        t_act = functools.partial(torch.nn.functional.gelu, approximate="tanh")
        o_act = functools.partial(F.gelu, approximate="tanh")
    theirs = torch.nn.TransformerDecoder(
        torch.nn.TransformerDecoderLayer(activation=t_act, dtype=torch.float64, **options),
        2,
        norm=torch.nn.LayerNorm(E, dtype=torch.float64),
    )
    ours = nn.TransformerDecoder(
        nn.TransformerDecoderLayer(activation=o_act, dtype=np.float64, **options),
        2,
        norm=nn.LayerNorm(E, dtype=np.float64),
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    rng = np.random.default_rng(1)
    shape = (lambda L: (N, L, E)) if batch_first else (lambda L: (L, N, E))
    tgt, memory = rng.standard_normal(shape(T)), rng.standard_normal(shape(S))
    for (name, masks), training in itertools.product(mask_cases(N, T, S).items(), (True, False)):
        ours.train(training)
        theirs.train(training)
        a, m = (autograd.Tensor(v.copy(), requires_grad=True) for v in (tgt, memory))
        b, tm = (torch.tensor(v.copy(), requires_grad=True) for v in (tgt, memory))
        t_masks = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        out, t_out = ours(a, m, **masks), theirs(b, tm, **t_masks)
        np.testing.assert_allclose(
            out.data, t_out.detach().numpy(), rtol=1e-11, atol=1e-12, err_msg=name
        )
        g = rng.standard_normal(out.shape)
        (out * g).sum().backward()
        (t_out * torch.tensor(g)).sum().backward()
        for mine, their in ((a, b), (m, tm)):
            np.testing.assert_allclose(mine.grad, their.grad.numpy(), rtol=1e-10, atol=1e-11)
        for (key, p), (_, t_p) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(
                p.grad, t_p.grad.numpy(), rtol=1e-10, atol=1e-11, err_msg=f"{name}: {key}"
            )
        ours.zero_grad()
        theirs.zero_grad()


def test_unbatched_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(2)
    theirs = torch.nn.TransformerDecoderLayer(8, 4, 12, dropout=0.0, dtype=torch.float64)
    ours = nn.TransformerDecoderLayer(8, 4, 12, dropout=0.0, dtype=np.float64)
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    rng = np.random.default_rng(4)
    tgt, memory = rng.standard_normal((5, 8)), rng.standard_normal((3, 8))
    padding = np.array([False, False, True])
    out = ours(tgt, memory, tgt_mask=CAUSAL, memory_key_padding_mask=padding)
    t_out = theirs(
        torch.tensor(tgt),
        torch.tensor(memory),
        tgt_mask=torch.tensor(CAUSAL),
        memory_key_padding_mask=torch.tensor(padding),
    )
    assert out.shape == (5, 8)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-11, atol=1e-12)
