"""nn.Transformer: PyTorch's signature, keys and initialisation, the causal mask, and (when
torch is installed) outputs and gradients equal to PyTorch's from the same state_dict."""

import inspect
import math

import numpy as np
import pytest

import autograd
import nn

# torch warns about its own speed paths (nested tensors, masks of two types): not about results
pytestmark = pytest.mark.filterwarnings(
    "ignore:enable_nested_tensor:UserWarning", "ignore:Support for mismatched:UserWarning"
)


def small(**options):
    defaults = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
                    dim_feedforward=12, dropout=0.0)  # fmt: skip
    return nn.Transformer(**{**defaults, **options})


def test_structure_keys_and_final_norms():
    model = small()
    keys = list(model.state_dict())
    assert keys[0] == "encoder.layers.0.self_attn.in_proj_weight"
    assert "encoder.norm.weight" in keys and keys[-1] == "decoder.norm.bias"
    assert "decoder.layers.0.multihead_attn.in_proj_weight" in keys
    assert len(keys) == 2 * 12 + 2 + 18 + 2
    assert isinstance(model.encoder, nn.TransformerEncoder) and len(model.encoder.layers) == 2
    assert isinstance(model.decoder, nn.TransformerDecoder) and len(model.decoder.layers) == 1
    assert model.encoder.norm.eps == 1e-5 and model.decoder.norm.normalized_shape == (8,)
    no_bias = small(bias=False, layer_norm_eps=1e-3)
    assert all("bias" not in k for k in no_bias.state_dict())
    assert no_bias.decoder.layers[0].norm3.eps == 1e-3 and no_bias.encoder.norm.eps == 1e-3


def test_xavier_uniform_on_every_matrix_and_layers_start_different():
    autograd.manual_seed(0)
    model = small(d_model=16, dim_feedforward=32)
    for name, p in model.named_parameters():
        if p.ndim > 1:
            fan_out, fan_in = p.shape
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            assert np.abs(p.data).max() <= bound, name
            assert np.abs(p.data).max() > 0.8 * bound, name  # uniform over the whole range
            assert abs(p.data.std() - bound / math.sqrt(3)) < 0.2 * bound, name
        elif "norm" in name:
            assert np.all(p.data == (1.0 if name.endswith("weight") else 0.0)), name
    # After the copies, re-initialising gives each layer its own weights (as PyTorch).
    first, second = model.encoder.layers[0], model.encoder.layers[1]
    assert not np.allclose(first.linear1.weight.data, second.linear1.weight.data)


def test_signature_defaults_are_pytorchs():
    params = inspect.signature(nn.Transformer).parameters
    assert {k: p.default for k, p in params.items() if k != "activation"} == {
        "d_model": 512, "nhead": 8, "num_encoder_layers": 6, "num_decoder_layers": 6,
        "dim_feedforward": 2048, "dropout": 0.1, "custom_encoder": None,
        "custom_decoder": None, "layer_norm_eps": 1e-5, "batch_first": False,
        "norm_first": False, "bias": True, "device": None, "dtype": None,
    }  # fmt: skip
    forward = inspect.signature(nn.Transformer.forward).parameters
    assert list(forward)[1:] == [
        "src", "tgt", "src_mask", "tgt_mask", "memory_mask", "src_key_padding_mask",
        "tgt_key_padding_mask", "memory_key_padding_mask", "src_is_causal", "tgt_is_causal",
        "memory_is_causal",
    ]  # fmt: skip


def test_generate_square_subsequent_mask():
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert isinstance(mask, autograd.Tensor) and mask.dtype == np.float32
    expected = np.array([[0.0 if j <= i else -np.inf for j in range(4)] for i in range(4)])
    np.testing.assert_array_equal(mask.data, expected)
    assert small().generate_square_subsequent_mask(2, dtype=np.float64).dtype == np.float64
    assert nn.Transformer.generate_square_subsequent_mask(0).shape == (0, 0)
    with pytest.raises(ValueError, match="generate_square_subsequent_mask: sz"):
        nn.Transformer.generate_square_subsequent_mask(2.5)


def test_custom_encoder_and_decoder():
    encoder = nn.Linear(8, 8)
    model = nn.Transformer(d_model=8, nhead=2, num_decoder_layers=1, dim_feedforward=4,
                           custom_encoder=_Plain(encoder))  # fmt: skip
    assert list(model.state_dict())[:2] == ["encoder.layer.weight", "encoder.layer.bias"]
    bound = math.sqrt(6.0 / 16)  # re-initialised by Xavier, as PyTorch does
    assert np.abs(encoder.weight.data).max() <= bound
    src, tgt = np.ones((3, 2, 8), np.float32), np.ones((4, 2, 8), np.float32)
    assert model(src, tgt).shape == (4, 2, 8)
    decoder = _Plain(nn.Linear(8, 8))
    only = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, dim_feedforward=4,
                          custom_decoder=decoder)  # fmt: skip
    assert only.decoder is decoder and only(src, tgt).shape == (4, 2, 8)


class _Plain(nn.Module):
    """A stand-in encoder/decoder: one Linear, masks ignored."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x, memory=None, **masks):
        return self.layer(x)


def test_bad_shapes_are_named():
    model = small()
    with pytest.raises(RuntimeError, match=r"Transformer: src \(3, 2, 8\) and tgt \(4, 3, 8\)"):
        model(np.zeros((3, 2, 8), np.float32), np.zeros((4, 3, 8), np.float32))
    with pytest.raises(RuntimeError, match="d_model = 8"):
        model(np.zeros((3, 2, 6), np.float32), np.zeros((4, 2, 6), np.float32))


def test_gradcheck_through_encoder_and_decoder():
    autograd.manual_seed(3)
    model = small(d_model=4, num_encoder_layers=1, dim_feedforward=6, dtype=np.float64)
    rng = np.random.default_rng(0)
    src = autograd.Tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    tgt = autograd.Tensor(rng.standard_normal((2, 2, 4)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=np.float64)
    padding = np.array([[False, False, True], [False, False, False]])
    picked = [model.encoder.layers[0].self_attn.in_proj_weight, model.encoder.norm.weight]
    assert autograd.gradcheck(
        lambda s, t, *_: model(s, t, tgt_mask=mask, memory_key_padding_mask=padding),
        [src, tgt, *picked],
    )


# ------------------------------------------------------------------ against PyTorch


@pytest.mark.parametrize(
    ("batch_first", "norm_first", "activation"),
    [(False, False, "relu"), (True, True, "gelu"), (True, False, "gelu")],
)
def test_matches_torch(batch_first, norm_first, activation):
    torch = pytest.importorskip("torch")
    E, N, S, T = 8, 3, 5, 4
    torch.manual_seed(0)
    options = dict(d_model=E, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                   dim_feedforward=12, dropout=0.0, activation=activation,
                   batch_first=batch_first, norm_first=norm_first)  # fmt: skip
    theirs = torch.nn.Transformer(dtype=torch.float64, **options)
    ours = nn.Transformer(dtype=np.float64, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: t.detach().numpy() for k, t in theirs.state_dict().items()})
    rng = np.random.default_rng(1)
    shape = (lambda L: (N, L, E)) if batch_first else (lambda L: (L, N, E))
    src, tgt = rng.standard_normal(shape(S)), rng.standard_normal(shape(T))
    src_pad, tgt_pad = np.zeros((N, S), bool), np.zeros((N, T), bool)
    src_pad[0, 3:] = True
    tgt_pad[2, 2:] = True
    masks = dict(
        src_mask=np.zeros((S, S), bool),
        tgt_mask=nn.Transformer.generate_square_subsequent_mask(T, dtype=np.float64).numpy(),
        memory_mask=rng.standard_normal((T, S)),
        src_key_padding_mask=src_pad,
        tgt_key_padding_mask=tgt_pad,
        memory_key_padding_mask=src_pad,
    )
    t_masks = {k: torch.tensor(v) for k, v in masks.items()}
    np.testing.assert_array_equal(
        masks["tgt_mask"], theirs.generate_square_subsequent_mask(T, dtype=torch.float64)
    )
    for training in (True, False):
        ours.train(training)
        theirs.train(training)
        a, b = (autograd.Tensor(v.copy(), requires_grad=True) for v in (src, tgt))
        ta, tb = (torch.tensor(v.copy(), requires_grad=True) for v in (src, tgt))
        out, t_out = ours(a, b, **masks), theirs(ta, tb, **t_masks)
        np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-11, atol=1e-12)
        g = rng.standard_normal(out.shape)
        (out * g).sum().backward()
        (t_out * torch.tensor(g)).sum().backward()
        for mine, their in ((a, ta), (b, tb)):
            np.testing.assert_allclose(mine.grad, their.grad.numpy(), rtol=1e-10, atol=1e-11)
        for (key, p), (_, t_p) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(
                p.grad, t_p.grad.numpy(), rtol=1e-10, atol=1e-11, err_msg=key
            )
        ours.zero_grad()
        theirs.zero_grad()


def test_float32_state_dict_both_ways_and_unbatched():
    torch = pytest.importorskip("torch")
    autograd.manual_seed(4)
    ours = small()
    theirs = torch.nn.Transformer(8, 2, 2, 1, 12, dropout=0.0)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(2)
    src = rng.standard_normal((5, 8)).astype(np.float32)
    tgt = rng.standard_normal((3, 8)).astype(np.float32)
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    out = ours(src, tgt, tgt_mask=mask, tgt_is_causal=True)
    t_out = theirs(
        torch.tensor(src),
        torch.tensor(tgt),
        tgt_mask=torch.tensor(mask.numpy()),
        tgt_is_causal=True,
    )
    assert out.shape == (3, 8) and out.dtype == np.float32
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-5, atol=1e-5)
