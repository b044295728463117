"""``nn.Transformer``: the encoder-decoder of "Attention Is All You Need", with PyTorch's
signature, parameter names and initialisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..module import Module
from .normalization import LayerNorm
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .transformer_decoder import TransformerDecoder, TransformerDecoderLayer


class Transformer(Module):
    """An encoder stack and a decoder stack, each closed by a LayerNorm::

        memory = encoder(src)             = encoder.norm(encoder layers(src))
        out    = decoder(tgt, memory)     = decoder.norm(decoder layers(tgt, memory))

    ``encoder`` is a ``TransformerEncoder`` of ``num_encoder_layers`` copies of a
    ``TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
    layer_norm_eps, batch_first, norm_first, bias)`` with ``norm=LayerNorm(d_model)``;
    ``decoder`` the same with ``TransformerDecoderLayer``. ``custom_encoder`` /
    ``custom_decoder`` replace either (any module with the same call signature). Then, as
    PyTorch does, every parameter with more than one axis is re-initialised with
    ``init.xavier_uniform_`` (the custom ones too); LayerNorms start at (1, 0), biases at 0
    (attention) or at Linear's default. The state_dict keys are PyTorch's
    (``encoder.layers.0.self_attn.in_proj_weight``, ..., ``decoder.norm.bias``).

    ``forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
    src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None,
    src_is_causal=None, tgt_is_causal=None, memory_is_causal=False)``: ``src`` is (S, N, E),
    ``tgt`` (T, N, E) (or (N, S, E), (N, T, E) with ``batch_first=True``, or unbatched (S, E),
    (T, E)); the output has ``tgt``'s shape. Masks: ``src_mask`` (S, S), ``tgt_mask`` (T, T),
    ``memory_mask`` (T, S) (or with N * nhead in front), the padding masks (N, S), (N, T),
    (N, S); a bool True means "may not attend", a float is added to the scores.
    ``Transformer.generate_square_subsequent_mask(T)`` makes the usual ``tgt_mask``.

    The results are PyTorch's (its training path). One known difference: PyTorch's inference
    fast path (``eval()``, ``no_grad``, ``batch_first=True`` and a ``src_key_padding_mask``)
    returns zeros at the encoder's padded positions, which the decoder then reads unless
    ``memory_key_padding_mask`` hides them too; here those positions keep their computed values.
    Passing ``memory_key_padding_mask`` (as PyTorch's tutorials do) makes both agree.
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[autograd.Tensor], autograd.Tensor] = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "Transformer")
        dtype = floating_dtype(dtype, "Transformer")
        layer_options = (
            d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
            norm_first, bias,
        )  # fmt: skip
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(*layer_options, dtype=dtype),
                num_encoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype),
            )
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(*layer_options, dtype=dtype),
                num_decoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype),
            )
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def _reset_parameters(self) -> None:
        """Xavier-uniform on every parameter of more than one axis, as PyTorch."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(
        self,
        src: Any,
        tgt: Any,
        src_mask: Any = None,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        src_key_padding_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> autograd.Tensor:
        src_shape, tgt_shape = tuple(np.shape(src)), tuple(np.shape(tgt))
        batch_axis = 0 if self.batch_first else 1
        if len(src_shape) == 3 and (
            len(tgt_shape) != 3 or src_shape[batch_axis] != tgt_shape[batch_axis]
        ):
            raise RuntimeError(
                f"Transformer: src {src_shape} and tgt {tgt_shape} must hold the same batch "
                f"(axis {batch_axis}{' with batch_first' if self.batch_first else ''})"
            )
        if src_shape[-1:] != (self.d_model,) or tgt_shape[-1:] != (self.d_model,):
            raise RuntimeError(
                f"Transformer: the feature number of src {src_shape} and tgt {tgt_shape} must "
                f"equal d_model = {self.d_model}"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(
        sz: int, device: Any = None, dtype: Any = None
    ) -> autograd.Tensor:
        """The causal mask for ``sz`` positions, a float (sz, sz) Tensor: 0 on and below the
        diagonal, -inf above it (position i may attend to positions j <= i)::

            mask[i, j] = 0 if j <= i else -inf

        ``dtype`` defaults to the default dtype (float32); ``device`` must be the CPU."""
        check_device(device, "Transformer.generate_square_subsequent_mask")
        if isinstance(sz, bool) or not isinstance(sz, int | np.integer) or sz < 0:
            raise ValueError(
                f"Transformer.generate_square_subsequent_mask: sz must be a non-negative int, "
                f"got {sz!r}"
            )
        dtype = floating_dtype(
            dtype, "Transformer.generate_square_subsequent_mask", autograd.get_default_dtype()
        )
        mask = np.triu(np.full((int(sz), int(sz)), -np.inf, dtype=dtype), k=1)
        return autograd.Tensor(mask)
