"""nn.TransformerEncoderLayer and nn.TransformerEncoder: structure, gradients in float64, and
(when torch is installed) PyTorch's outputs and gradients from the same state_dict, both ways."""

import functools
import itertools

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F

CAUSAL = np.triu(np.ones((5, 5), bool), k=1)


def test_layer_keys_and_encoder_copies():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight",
        "self_attn.in_proj_bias",
        "self_attn.out_proj.weight",
        "self_attn.out_proj.bias",
        "linear1.weight",
        "linear1.bias",
        "linear2.weight",
        "linear2.bias",
        "norm1.weight",
        "norm1.bias",
        "norm2.weight",
        "norm2.bias",
    ]
    encoder = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(8))
    keys = list(encoder.state_dict())
    assert keys[0] == "layers.0.self_attn.in_proj_weight" and keys[-1] == "norm.bias"
    assert len(keys) == 3 * 12 + 2
    first, second = encoder.layers[0], encoder.layers[1]
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    np.testing.assert_array_equal(first.linear1.weight.data, layer.linear1.weight.data)
    with autograd.no_grad():
        first.linear1.weight.data[...] = 0
    assert np.abs(second.linear1.weight.data).sum() > 0
    no_bias = nn.TransformerEncoderLayer(8, 2, 16, bias=False)
    assert all("bias" not in k for k in no_bias.state_dict())


def test_activation_choices():
    assert nn.TransformerEncoderLayer(4, 2, 8).activation is F.relu
    assert nn.TransformerEncoderLayer(4, 2, 8, activation="gelu").activation is F.gelu
    gelu = nn.GELU()
    layer = nn.TransformerEncoderLayer(4, 2, 8, activation=gelu)
    assert layer.activation is gelu and "activation" in dict(layer.named_children())
    with pytest.raises(ValueError, match="relu"):
        nn.TransformerEncoderLayer(4, 2, 8, activation="swish")


def test_dropout_only_in_training():
    autograd.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True)
    x = np.random.default_rng(0).standard_normal((2, 5, 8)).astype(np.float32)
    assert not np.allclose(layer(x).data, layer(x).data)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)


def test_is_causal_without_a_mask_is_an_error():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 1)
    with pytest.raises(RuntimeError, match="attn_mask"):
        encoder(np.zeros((3, 1, 4), np.float32), is_causal=True)


@pytest.mark.parametrize("norm_first", [False, True])
def test_layer_gradcheck(norm_first):
    autograd.manual_seed(0)
    layer = nn.TransformerEncoderLayer(
        4, 2, 6, dropout=0.0, activation="gelu", norm_first=norm_first, dtype=np.float64
    )
    for p in layer.parameters():  # LayerNorm starts at (1, 0): make every parameter matter
        p.data += np.random.default_rng(p.size).normal(0, 0.3, p.shape)
    x = autograd.Tensor(np.random.default_rng(1).standard_normal((3, 2, 4)), requires_grad=True)
    mask = CAUSAL[:3, :3]
    padding = np.array([[False, False, True], [False, False, False]])
    params = list(layer.parameters())
    # gradcheck perturbs each input in place, parameters included, and calls the layer again.
    assert autograd.gradcheck(
        lambda x, *_: layer(x, src_mask=mask, src_key_padding_mask=padding), [x, *params]
    )


# ------------------------------------------------------------------ against PyTorch


def torch_layer(torch, activation, **options):
    if activation == "gelu_tanh":
        activation = functools.partial(torch.nn.functional.gelu, approximate="tanh")
    return torch.nn.TransformerEncoderLayer(activation=activation, **options)


def our_layer(activation, **options):
    if activation == "gelu_tanh":
        activation = functools.partial(F.gelu, approximate="tanh")
    return nn.TransformerEncoderLayer(activation=activation, **options)


def mask_cases(N, S):
    padding = np.zeros((N, S), bool)
    padding[0, 3:] = True
    return {
        "none": {},
        "bool causal": {"mask": CAUSAL[:S, :S], "is_causal": True},
        "float causal": {"mask": np.where(CAUSAL[:S, :S], -np.inf, 0.0)},
        "padding": {"mask": CAUSAL[:S, :S], "src_key_padding_mask": padding},
    }


@pytest.mark.parametrize(
    ("batch_first", "norm_first", "activation", "bias"),
    [
        (False, False, "relu", True),
        (True, False, "gelu", True),
        (False, True, "gelu", False),
        (True, True, "relu", True),
        (True, True, "gelu_tanh", True),
    ],
)
def test_encoder_matches_torch(batch_first, norm_first, activation, bias):
    torch = pytest.importorskip("torch")
    E, H, FF, N, S = 8, 2, 16, 3, 5
    torch.manual_seed(0)
    options = dict(
        d_model=E, nhead=H, dim_feedforward=FF, dropout=0.0, batch_first=batch_first,
        norm_first=norm_first, bias=bias, layer_norm_eps=1e-6,
    )  # fmt: skip
    theirs = torch.nn.TransformerEncoder(
        torch_layer(torch, activation, dtype=torch.float64, **options),
        2,
        norm=torch.nn.LayerNorm(E, dtype=torch.float64),
        enable_nested_tensor=False,
    )
    ours = nn.TransformerEncoder(
        our_layer(activation, dtype=np.float64, **options),
        2,
        norm=nn.LayerNorm(E, dtype=np.float64),
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    rng = np.random.default_rng(1)
    x = rng.standard_normal((N, S, E) if batch_first else (S, N, E))
    for (name, masks), training in itertools.product(mask_cases(N, S).items(), (True, False)):
        ours.train(training)
        theirs.train(training)
        a = autograd.Tensor(x.copy(), requires_grad=True)
        b = torch.tensor(x.copy(), requires_grad=True)
        t_masks = {k: torch.tensor(m) if isinstance(m, np.ndarray) else m for k, m in masks.items()}
        out, t_out = ours(a, **masks), theirs(b, **t_masks)
        np.testing.assert_allclose(
            out.data, t_out.detach().numpy(), rtol=1e-11, atol=1e-12, err_msg=name
        )
        g = rng.standard_normal(out.shape)
        (out * g).sum().backward()
        (t_out * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-11, err_msg=name)
        for (key, p), (_, t_p) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(
                p.grad, t_p.grad.numpy(), rtol=1e-10, atol=1e-11, err_msg=f"{name}: {key}"
            )
        ours.zero_grad()
        theirs.zero_grad()
        if not training:  # PyTorch's inference fast path (no grad, eval) computes the same
            with torch.no_grad():
                fast = theirs(torch.tensor(x), **t_masks).numpy()
            real = ~np.isnan(fast)  # (its nested-tensor path may leave padded rows unset)
            np.testing.assert_allclose(out.data[real], fast[real], rtol=1e-11, atol=1e-12)


def test_state_dict_from_ours_runs_the_same_in_torch():
    torch = pytest.importorskip("torch")
    autograd.manual_seed(5)
    ours = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 4, 12, dropout=0.0, batch_first=True, dtype=np.float64), 2
    )
    theirs = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(
            8, 4, 12, dropout=0.0, batch_first=True, dtype=torch.float64
        ),
        2,
        enable_nested_tensor=False,
    )
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 5, 8))
    out = ours(x, mask=CAUSAL)
    t_out = theirs(torch.tensor(x), mask=torch.tensor(CAUSAL))
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-11, atol=1e-12)
