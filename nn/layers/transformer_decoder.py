"""``TransformerDecoderLayer`` and ``TransformerDecoder``, with PyTorch's signatures and keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd

from .. import functional as F
from ..devices import check_device, floating_dtype
from ..module import Module
from .attention import MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm
from .transformer import clones, resolve_activation


class TransformerDecoderLayer(Module):
    """One transformer decoder block: masked self-attention over the target, attention from
    the target to the encoder's output (``memory``), then a position-wise feed-forward network,
    each wrapped in a residual connection and a LayerNorm::

        norm_first=False (post-norm, the original transformer):
            x = norm1(x + dropout1(self_attn(x, x, x)))
            x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
            x = norm3(x + dropout3(linear2(dropout(activation(linear1(x))))))
        norm_first=True (pre-norm):
            x = x + dropout1(self_attn(norm1(x), ...))
            x = x + dropout2(multihead_attn(norm2(x), memory, memory))
            x = x + dropout3(linear2(dropout(activation(linear1(norm3(x))))))

    ``self_attn`` and ``multihead_attn`` are ``MultiheadAttention(d_model, nhead, dropout)``;
    ``linear1`` maps d_model -> ``dim_feedforward`` and ``linear2`` back. ``activation`` is
    "relu", "gelu" (exact) or any callable (a module is registered as a sub-module).
    ``bias=False`` drops the biases of the linear layers, the attentions and the LayerNorms.
    ``tgt`` is (T, N, E) and ``memory`` (S, N, E), or (N, T, E) and (N, S, E) with
    ``batch_first=True``, or unbatched (T, E) and (S, E); the output has ``tgt``'s shape.

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)``: ``tgt_mask``
    (T, T) and ``tgt_key_padding_mask`` (N, T) act in the self-attention, ``memory_mask``
    (T, S) and ``memory_key_padding_mask`` (N, S) in the attention to memory; a bool True
    means "may not attend", a float is added to the scores. The ``*_is_causal`` flags are
    hints that the matching mask is causal (the mask is always read).
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[autograd.Tensor], autograd.Tensor] = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "TransformerDecoderLayer")
        dtype = floating_dtype(dtype, "TransformerDecoderLayer")
        attention = dict(dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, **attention)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attention)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = resolve_activation("TransformerDecoderLayer", activation)

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> autograd.Tensor:
        x = tgt
        self_masks = (tgt_mask, tgt_key_padding_mask, bool(tgt_is_causal))
        memory_masks = (memory_mask, memory_key_padding_mask, bool(memory_is_causal))
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), *self_masks)
            x = x + self._mha_block(self.norm2(x), memory, *memory_masks)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, *self_masks))
        x = self.norm2(x + self._mha_block(x, memory, *memory_masks))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: Any, mask: Any, padding: Any, is_causal: bool) -> autograd.Tensor:
        out, _ = self.self_attn(
            x,
            x,
            x,
            attn_mask=mask,
            key_padding_mask=padding,
            need_weights=False,
            is_causal=is_causal,
        )
        return self.dropout1(out)

    def _mha_block(
        self, x: Any, memory: Any, mask: Any, padding: Any, is_causal: bool
    ) -> autograd.Tensor:
        out, _ = self.multihead_attn(
            x,
            memory,
            memory,
            attn_mask=mask,
            key_padding_mask=padding,
            need_weights=False,
            is_causal=is_causal,
        )
        return self.dropout2(out)

    def _ff_block(self, x: Any) -> autograd.Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer`` (deep copies: each has its own
    weights, ``layers.0...``, ``layers.1...``), each reading the same ``memory``, then
    ``norm`` if given::

        x = layers[num_layers - 1](... layers[0](tgt, memory) ..., memory);  out = norm(x)

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)`` passes the
    masks to every layer (see ``TransformerDecoderLayer``).
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = clones("TransformerDecoder", "decoder_layer", decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> autograd.Tensor:
        x = tgt
        for layer in self.layers:
            x = layer(
                x,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=bool(tgt_is_causal),
                memory_is_causal=bool(memory_is_causal),
            )
        return x if self.norm is None else self.norm(x)
