"""``TransformerEncoderLayer`` and ``TransformerEncoder``, with PyTorch's signatures and keys."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import autograd

from .. import functional as F
from ..containers import ModuleList
from ..devices import check_device, floating_dtype
from ..module import Module
from .attention import MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm

_ACTIVATIONS: dict[str, Callable[[autograd.Tensor], autograd.Tensor]] = {
    "relu": F.relu,
    "gelu": F.gelu,
}


def resolve_activation(
    owner: str, activation: str | Callable[[autograd.Tensor], autograd.Tensor]
) -> Callable[[autograd.Tensor], autograd.Tensor]:
    """The feed-forward activation of a transformer layer: "relu" -> ``F.relu``, "gelu" ->
    ``F.gelu`` (exact), a callable (a module too) as given; anything else names ``owner``."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"{owner}: activation should be 'relu' or 'gelu' (or a callable), not "
                f"{activation!r}"
            )
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(
            f"{owner}: activation must be 'relu', 'gelu' or a callable, got "
            f"{type(activation).__name__}"
        )
    return activation


def clones(owner: str, name: str, layer: Module, num_layers: int) -> ModuleList:
    """``num_layers`` deep copies of ``layer`` (each with its own weights, all starting equal),
    as a ModuleList; a bad ``layer`` or ``num_layers`` names ``owner``."""
    if not isinstance(layer, Module):
        raise TypeError(f"{owner}: {name} must be an nn.Module, got {type(layer).__name__}")
    if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 0:
        raise ValueError(f"{owner}: num_layers must be a non-negative int, got {num_layers!r}")
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class TransformerEncoderLayer(Module):
    """One transformer encoder block: self-attention, then a position-wise feed-forward
    network, each wrapped in a residual connection and a LayerNorm::

        norm_first=False (post-norm, the original transformer):
            x = norm1(x + dropout1(self_attn(x, x, x)))
            x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))
        norm_first=True (pre-norm, as GPT-2):
            x = x + dropout1(self_attn(norm1(x), ...))
            x = x + dropout2(linear2(dropout(activation(linear1(norm2(x))))))

    ``self_attn`` is a ``MultiheadAttention(d_model, nhead, dropout)``; ``linear1`` maps
    d_model -> ``dim_feedforward`` and ``linear2`` back. ``activation`` is "relu", "gelu"
    (exact) or any callable (a module is registered as a sub-module). ``bias=False`` drops
    the biases of the linear layers, the attention and the LayerNorms. Inputs are (S, N, E),
    or (N, S, E) with ``batch_first=True``, or unbatched (S, E). ``forward(src,
    src_mask=None, src_key_padding_mask=None, is_causal=False)``: the masks are
    MultiheadAttention's (a bool True means "may not attend"); ``is_causal`` is a hint that
    ``src_mask`` is causal (the mask is always read).
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
        check_device(device, "TransformerEncoderLayer")
        dtype = floating_dtype(dtype, "TransformerEncoderLayer")
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = resolve_activation("TransformerEncoderLayer", activation)

    def forward(
        self,
        src: Any,
        src_mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool = False,
    ) -> autograd.Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

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

    def _ff_block(self, x: Any) -> autograd.Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` (deep copies: each has its own
    weights, ``layers.0...``, ``layers.1...``), then ``norm`` if given::

        x = layers[num_layers - 1](... layers[0](src) ...);  out = norm(x)

    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)`` passes the masks
    to every layer. ``enable_nested_tensor`` and ``mask_check`` are PyTorch's speed options
    and are accepted and ignored (padded positions are computed like the others).
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = clones("TransformerEncoder", "encoder_layer", encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(
        self,
        src: Any,
        mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool | None = None,
    ) -> autograd.Tensor:
        x = src
        for layer in self.layers:
            x = layer(
                x,
                src_mask=mask,
                src_key_padding_mask=src_key_padding_mask,
                is_causal=bool(is_causal),
            )
        return x if self.norm is None else self.norm(x)
