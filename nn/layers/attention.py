"""``MultiheadAttention``: several attention heads side by side, with PyTorch's parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter
from .linear import Linear


class MultiheadAttention(Module):
    """Multi-head attention with PyTorch's signature, parameters and state_dict keys.

    With E = ``embed_dim`` = ``num_heads`` * D, queries Q (L, E), keys K (S, kdim) and
    values V (S, vdim) per sequence, and h-th slices of D rows of each projection::

        q_h = Q W_q,h^T + b_q,h     k_h = K W_k,h^T + b_k,h     v_h = V W_v,h^T + b_v,h
        head_h = softmax(q_h k_h^T / sqrt(D) + mask) v_h
        out = concat(head_1, ..., head_H) W_o^T + b_o

    Parameters: ``in_proj_weight`` (3E, E), the rows of W_q, W_k and W_v stacked (or, when
    ``kdim`` or ``vdim`` differ from E, separate ``q_proj_weight`` (E, E), ``k_proj_weight``
    (E, kdim), ``v_proj_weight`` (E, vdim)), ``in_proj_bias`` (3E,) and ``out_proj``, a
    ``Linear(E, E)``; ``bias=False`` drops every bias. ``add_bias_kv`` adds a learned key and
    value ``bias_k``, ``bias_v`` (1, 1, E) to every sequence; ``add_zero_attn`` a key and value
    of zeros. Initialisation as PyTorch: Xavier-uniform projections, zero biases.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` takes (L, N, E) inputs, or (N, L, E) with
    ``batch_first=True``, or unbatched (L, E). In ``attn_mask`` ((L, S) or
    (N * num_heads, L, S)) and ``key_padding_mask`` ((N, S)) a bool True means "may not
    attend" and a float is added to the scores. Returns ``(output, weights)``; the weights
    are averaged over heads, (N, L, S), unless ``average_attn_weights=False``
    ((N, num_heads, L, S)), and None when ``need_weights=False``. ``dropout`` acts on the
    attention weights in training mode. See ``F.multi_head_attention_forward``.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "MultiheadAttention")
        dtype = floating_dtype(dtype, "MultiheadAttention")
        self.embed_dim = check_size("MultiheadAttention", "embed_dim", embed_dim)
        self.num_heads = check_size("MultiheadAttention", "num_heads", num_heads)
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads "
                f"({num_heads})"
            )
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout must be between 0 and 1, got {dropout}")
        self.kdim = embed_dim if kdim is None else check_size("MultiheadAttention", "kdim", kdim)
        self.vdim = embed_dim if vdim is None else check_size("MultiheadAttention", "vdim", vdim)
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        self.add_zero_attn = add_zero_attn
        E = embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * E, E), dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((E, E), dtype=dtype))
            self.k_proj_weight = Parameter(np.empty((E, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(np.empty((E, self.vdim), dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * E, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(E, E, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k: Parameter | None = Parameter(np.empty((1, 1, E), dtype=dtype))
            self.bias_v: Parameter | None = Parameter(np.empty((1, 1, E), dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections, zero biases, Xavier-normal ``bias_k``/``bias_v``
        (``out_proj.weight`` keeps Linear's initialisation), as PyTorch."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[autograd.Tensor, autograd.Tensor | None]:
        return F.multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
            batch_first=self.batch_first,
        )

    def extra_repr(self) -> str:
        text = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if not self._qkv_same_embed_dim:
            text += f", kdim={self.kdim}, vdim={self.vdim}"
        return text + (", batch_first=True" if self.batch_first else "")
