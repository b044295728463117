"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward``.

The attention itself, softmax(q k^T * scale + bias) v with its dropout, is one fused op,
``AttentionFunction``, whose backward is written out (two products forward, four backward, and
softmax's backward in between); around it, ``multi_head_attention_forward`` composes recorded
ops (linear projections, reshapes into heads). When the attention weights are asked for
(``need_weights=True``) they are computed by the composition, which yields them. Either way the
gradients can be differentiated again. Masks are turned into an additive bias first: a float
mask is added to the scores as it is, and a bool mask becomes 0 where a query may look and -inf
where it may not. The two functions read a bool mask the opposite ways round, as PyTorch's do:

* ``scaled_dot_product_attention``: True means "may attend";
* ``multi_head_attention_forward`` (and ``nn.MultiheadAttention``): True means "masked out",
  both in ``attn_mask`` and in ``key_padding_mask``.

A query whose every key is masked has no weights to normalise. ``scaled_dot_product_attention``
gives it weights of 0 (so an output of 0), as PyTorch does; ``multi_head_attention_forward``
with ``need_weights=True`` gives NaN, as PyTorch's does on that path.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd.ops.rows import sum_along

from .activation import SoftmaxFunction, softmax
from .checks import as_tensor, check_floating, refuse_grad
from .linear import dropout, dropout_mask, linear


def _bias(fn: str, name: str, mask: Any, dtype: np.dtype, true_blocks: bool) -> Any:
    """``mask`` as an additive bias in ``dtype``: an ndarray, or a Tensor when a float mask
    requires grad (a learned bias). ``true_blocks`` says which way a bool mask reads."""
    if mask is None:
        return None
    if isinstance(mask, autograd.Tensor) and mask.requires_grad:
        check_floating(fn, name, mask)
        return mask if mask.dtype == dtype else mask.astype(dtype)
    array = np.asarray(mask._data if isinstance(mask, autograd.Tensor) else mask)
    if array.dtype == np.bool_:
        blocked = array if true_blocks else ~array
        return np.where(blocked, -np.inf, 0.0).astype(dtype)
    if array.dtype.kind != "f":
        raise TypeError(f"{fn}: {name} must be bool or floating point, got dtype {array.dtype}")
    return array.astype(dtype, copy=False)


def _add(a: Any, b: Any) -> Any:
    """a + b where either may be None (no bias)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _data(x: Any) -> np.ndarray:
    return x._data if isinstance(x, autograd.Tensor) else x


class AttentionFunction(autograd.Function):
    """Scaled dot-product attention over the last two axes, one op::

        S = (q * scale) k^T + bias,   P = softmax(S)   (over the keys: the last axis)
        out = (P * keep) v

    ``keep`` is a constant factor of the weights (0 for a query that may see no key; the
    dropout mask divided by 1 - p), ``bias`` an optional input added to the scores (a mask, or
    a learned bias). Backward, with G = dL/dout and W = P * keep:

        dL/dv = W^T G,   dL/dP = (G v^T) * keep
        dL/dS = P * (dL/dP - sum_keys(dL/dP * P))      (softmax's backward)
        dL/dq = dL/dS k * scale,   dL/dk = dL/dS^T q * scale,   dL/dbias = dL/dS
    """

    name = "attention"

    @staticmethod
    def forward(
        ctx: Any,
        q: np.ndarray,
        k: np.ndarray,
        v: np.ndarray,
        *bias: np.ndarray,
        scale: float = 1.0,
        keep: np.ndarray | None = None,
    ) -> np.ndarray:
        p = _weights(q, k, bias, scale)
        ctx.scale, ctx.keep = scale, keep
        ctx.save_for_backward(q, k, v, p, *bias)
        return (p if keep is None else p * keep) @ v

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple[Any, ...]:
        q, k, v, p, *bias = ctx.saved_tensors
        scale, keep = ctx.scale, ctx.keep
        if any(isinstance(a, autograd.Tensor) for a in (q, k, *bias)):
            # Differentiating the backward itself (create_graph): P from recorded ops on the
            # inputs, so that it is connected to the graph (the saved array is a constant).
            p = _weights(q, k, bias, scale)
        needs = ctx.needs_input_grad
        grad_v = None
        if needs[2]:
            grad_v = np.swapaxes(p if keep is None else p * keep, -1, -2) @ grad
        if not (needs[0] or needs[1] or True in needs[3:]):
            return (None, None, grad_v, *(None for _ in bias))
        grad_p = grad @ np.swapaxes(v, -1, -2)
        if keep is not None:
            grad_p = grad_p * keep
        grad_s = p * (grad_p - sum_along(grad_p * p, -1))
        grad_q = (grad_s @ k) * scale if needs[0] else None
        grad_k = (np.swapaxes(grad_s, -1, -2) @ q) * scale if needs[1] else None
        return (grad_q, grad_k, grad_v, *(grad_s for _ in bias))


def _weights(q: Any, k: Any, bias: Any, scale: float) -> Any:
    """P = softmax((q * scale) k^T + bias) over the keys (arrays, or Tensors under create_graph)."""
    scores = (q * scale) @ np.swapaxes(k, -1, -2)
    if bias:
        scores = scores + bias[0]
    if isinstance(scores, autograd.Tensor):
        return SoftmaxFunction.apply(scores, axis=-1)
    return SoftmaxFunction.compute(scores, axis=-1)


def _attend(
    q: autograd.Tensor,
    k: autograd.Tensor,
    v: autograd.Tensor,
    bias: Any,
    dropout_p: float,
    scale: float,
    need_weights: bool = False,
) -> tuple[autograd.Tensor, autograd.Tensor | None]:
    """out = dropout(softmax(q k^T * scale + bias)) v over the last two axes; returns
    (out, weights), the weights only if ``need_weights``.

    Without weights, queries whose keys are all masked (-inf everywhere in their row of
    ``bias``) get weights of 0 and an output of 0 (``scaled_dot_product_attention``), and the
    whole is one op (``AttentionFunction``). With weights, such a query's weights and output
    are NaN (``multi_head_attention_forward`` with ``need_weights=True``, as PyTorch's)."""
    if need_weights:
        scores = (q * scale) @ k.swapaxes(-1, -2)
        if bias is not None:
            scores = scores + bias
        with np.errstate(invalid="ignore"):  # the NaN of an empty row is the documented result
            weights = softmax(scores, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p, training=True)
        return weights @ v, weights
    keep = None
    if bias is not None:
        empty = np.all(np.isneginf(_data(bias)), axis=-1, keepdims=True)
        if empty.any():
            # Such a row's softmax would be 0/0: give it a harmless bias and zero it after.
            where = autograd.where if isinstance(bias, autograd.Tensor) else np.where
            bias = where(empty, 0.0, bias)
            keep = (~empty).astype(q.dtype)
    if dropout_p > 0.0:
        shape = np.broadcast_shapes(
            q.shape[:-1] + (k.shape[-2],), k.shape[:-2] + (1, 1), np.shape(_data(bias))
        )
        keep = dropout_mask(shape, dropout_p, q.dtype) * (1 if keep is None else keep)
    biases = () if bias is None else (bias,)
    return AttentionFunction.apply(q, k, v, *biases, scale=scale, keep=keep), None


def _check_qkv(fn: str, query: Any, key: Any, value: Any) -> tuple[autograd.Tensor, ...]:
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    for name, x in (("query", q), ("key", k), ("value", v)):
        check_floating(fn, name, x)
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(
            f"{fn}: query, key and value must have one dtype, got {q.dtype}, {k.dtype}, {v.dtype}"
        )
    return q, k, v


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> autograd.Tensor:
    """Attention of queries (..., L, E) over keys (..., S, E) and values (..., S, Ev)::

        weights = softmax(q k^T * scale + bias)      scale = 1/sqrt(E) unless given
        out = dropout(weights, dropout_p) @ v        shape (..., L, Ev)

    ``attn_mask`` broadcasts to (..., L, S): a bool mask's True means the query *may* attend to
    that key (False adds -inf); a float mask is added to the scores. ``is_causal=True`` lets
    query i see keys j <= i only (the upper-left triangle when L != S); it cannot be combined
    with ``attn_mask``. A query with no key left gets an output of 0. Dropout is applied
    whenever ``dropout_p > 0`` (pass 0 in evaluation, as in PyTorch). ``enable_gqa=True``
    shares each key/value head among query.shape[-3] / key.shape[-3] query heads. One fused op
    (``AttentionFunction``), a learned float mask included.
    """
    fn = "scaled_dot_product_attention"
    q, k, v = _check_qkv(fn, query, key, value)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(
            f"{fn}: query, key and value need at least 2 axes (..., L, E), got shapes "
            f"{q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"{fn}: query (..., L, E) {q.shape}, key (..., S, E) {k.shape} and value "
            f"(..., S, Ev) {v.shape} do not fit"
        )
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{fn}: dropout_p must be between 0 and 1, got {dropout_p}")
    refuse_grad(fn, "dropout_p", dropout_p)  # the mask is a draw: no derivative
    refuse_grad(fn, "scale", scale)  # an option of AttentionFunction
    if enable_gqa and k.ndim >= 3 and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:
        groups, rest = divmod(q.shape[-3], k.shape[-3])
        if rest or k.shape[-3] != v.shape[-3]:
            raise ValueError(
                f"{fn}: enable_gqa needs query heads ({q.shape[-3]}) to be a multiple of key "
                f"heads ({k.shape[-3]}) and as many value heads as key heads ({v.shape[-3]})"
            )
        k = k.repeat(groups, axis=-3)  # NumPy's repeat: each head `groups` times in a row
        v = v.repeat(groups, axis=-3)
    L, S = q.shape[-2], k.shape[-2]
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{fn}: give attn_mask or is_causal=True, not both")
        bias = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(q.dtype)
    else:
        bias = _bias(fn, "attn_mask", attn_mask, q.dtype, true_blocks=False)
    if bias is not None and not _broadcasts(np.shape(_data(bias)), q.shape[:-2] + (L, S)):
        raise ValueError(
            f"{fn}: attn_mask of shape {np.shape(_data(bias))} does not broadcast to the "
            f"weights' shape {q.shape[:-2] + (L, S)}"
        )
    # (With E = 0 every score is 0 whatever the factor: PyTorch then weighs the keys equally.)
    default = 1.0 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0
    factor = default if scale is None else float(scale)
    out, _ = _attend(q, k, v, bias, float(dropout_p), factor)
    return out


def _broadcasts(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def multi_head_attention_forward(
    query: Any,
    key: Any,
    value: Any,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Any,
    in_proj_bias: Any,
    bias_k: Any,
    bias_v: Any,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Any,
    out_proj_bias: Any,
    training: bool = True,
    key_padding_mask: Any = None,
    need_weights: bool = True,
    attn_mask: Any = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Any = None,
    k_proj_weight: Any = None,
    v_proj_weight: Any = None,
    static_k: Any = None,
    static_v: Any = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
    *,
    batch_first: bool = False,
) -> tuple[autograd.Tensor, autograd.Tensor | None]:
    """Multi-head attention, PyTorch's functional form (``nn.MultiheadAttention`` calls it).

    Inputs are (L, N, E) query and (S, N, E_k), (S, N, E_v) key and value (sequence first; or
    unbatched (L, E), ...; ``batch_first=True``, a backproplab addition, takes (N, L, E)).
    With E = num_heads * D and [W_q; W_k; W_v] = ``in_proj_weight`` (3E, E) (or the three
    ``*_proj_weight`` with ``use_separate_proj_weight``)::

        q = query W_q^T + b_q,  k = key W_k^T + b_k,  v = value W_v^T + b_v
        head_h = softmax(q_h k_h^T / sqrt(D) + bias) v_h     (q_h: the h-th slice of D columns)
        out = concat(head_1, ..., head_H) W_o^T + b_o

    ``bias_k``/``bias_v`` (1, 1, E) append one learned key and value; ``add_zero_attn`` appends
    a key and value of zeros; ``static_k``/``static_v`` (N * num_heads, S, D) replace the
    projected keys/values. ``attn_mask`` is (L, S) or (N * num_heads, L, S), ``key_padding_mask``
    (N, S); in both a bool True masks out and floats are added. Dropout (``dropout_p``, when
    ``training``) acts on the attention weights. Returns ``(out, weights)``: weights are
    (N, L, S) averaged over heads (``average_attn_weights``) or (N, num_heads, L, S), and
    None unless ``need_weights``. ``is_causal`` is a hint that ``attn_mask`` is causal, which
    PyTorch may use to skip reading the mask; here the mask is always read, and a hint without
    a mask is an error (as in PyTorch).
    """
    fn = "multi_head_attention_forward"
    q_in, k_in, v_in = _check_qkv(fn, query, key, value)
    batched = q_in.ndim == 3
    if q_in.ndim not in (2, 3) or k_in.ndim != q_in.ndim or v_in.ndim != q_in.ndim:
        raise ValueError(
            f"{fn}: query, key and value must all be 3-D (batched) or all 2-D (unbatched), got "
            f"shapes {q_in.shape}, {k_in.shape}, {v_in.shape}"
        )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            f"{fn}: is_causal=True is a hint that attn_mask is the causal mask; pass the mask "
            "too (e.g. np.triu(np.ones((L, L), bool), k=1))"
        )
    # Work batch first: (N, L, E).
    if not batched:
        q_in, k_in, v_in = q_in[None], k_in[None], v_in[None]
    elif not batch_first:
        q_in, k_in, v_in = q_in.swapaxes(0, 1), k_in.swapaxes(0, 1), v_in.swapaxes(0, 1)
    N, L, E = q_in.shape
    S = k_in.shape[1]
    if embed_dim_to_check != E:
        raise ValueError(f"{fn}: query has embedding size {E}, expected {embed_dim_to_check}")
    if E % num_heads:
        raise ValueError(f"{fn}: embed_dim {E} is not divisible by num_heads {num_heads}")
    if k_in.shape[0] != N or v_in.shape[:2] != (N, S):
        raise ValueError(
            f"{fn}: key and value must hold the query's batch and one sequence length, got "
            f"shapes {tuple(key.shape)} and {tuple(value.shape)} for query {tuple(query.shape)}"
        )
    H, D = num_heads, E // num_heads
    dtype = q_in.dtype

    # Projections: three linear ops on slices of the packed weight (the slices' backward
    # writes into a small (3E, E) gradient; slicing the (N, L, 3E) activations would cost more).
    if use_separate_proj_weight:
        proj = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        w = as_tensor(in_proj_weight)
        proj = (w[:E], w[E : 2 * E], w[2 * E :])
    biases: tuple[Any, ...] = (None, None, None)
    if in_proj_bias is not None:
        b = as_tensor(in_proj_bias)
        biases = (b[:E], b[E : 2 * E], b[2 * E :])
    q = linear(q_in, proj[0], biases[0])
    k = None if static_k is not None else linear(k_in, proj[1], biases[1])
    v = None if static_v is not None else linear(v_in, proj[2], biases[2])

    attn_bias = _bias(fn, "attn_mask", attn_mask, dtype, true_blocks=True)
    if attn_bias is not None:
        shape = np.shape(_data(attn_bias))
        if shape == (L, S):
            pass
        elif shape == (N * H, L, S):
            attn_bias = attn_bias.reshape(N, H, L, S)
        else:
            raise ValueError(
                f"{fn}: attn_mask must be (L, S) = {(L, S)} or (N * num_heads, L, S) = "
                f"{(N * H, L, S)}, got {shape}"
            )
    pad_bias = _bias(fn, "key_padding_mask", key_padding_mask, dtype, true_blocks=True)
    if pad_bias is not None:
        shape = np.shape(_data(pad_bias))
        if shape != ((N, S) if batched else (S,)):
            want = (N, S) if batched else (S,)
            raise ValueError(f"{fn}: key_padding_mask must be {want}, got {shape}")
        pad_bias = pad_bias.reshape(N, 1, 1, S)

    if bias_k is not None or bias_v is not None:
        if bias_k is None or bias_v is None or static_k is not None or static_v is not None:
            raise ValueError(f"{fn}: bias_k and bias_v come together, and not with static_k/v")
        extra_k = autograd.broadcast_to(as_tensor(bias_k).reshape(1, 1, E), (N, 1, E))
        extra_v = autograd.broadcast_to(as_tensor(bias_v).reshape(1, 1, E), (N, 1, E))
        k = autograd.concatenate([k, extra_k], axis=1)
        v = autograd.concatenate([v, extra_v], axis=1)
        attn_bias, pad_bias = _one_more_key(attn_bias), _one_more_key(pad_bias)

    q = q.reshape(N, L, H, D).swapaxes(1, 2)  # (N, H, L, D)
    k = _heads(fn, "static_k", static_k, N, H, D) if k is None else _split(k, N, H, D)
    v = _heads(fn, "static_v", static_v, N, H, D) if v is None else _split(v, N, H, D)
    if add_zero_attn:
        zeros = np.zeros((N, H, 1, D), dtype=dtype)
        k = autograd.concatenate([k, zeros], axis=2)
        v = autograd.concatenate([v, zeros], axis=2)
        attn_bias, pad_bias = _one_more_key(attn_bias), _one_more_key(pad_bias)
    if k.shape[2] != v.shape[2]:
        raise ValueError(f"{fn}: {k.shape[2]} keys but {v.shape[2]} values")

    refuse_grad(fn, "dropout_p", dropout_p)  # the mask is a draw: no derivative
    p = float(dropout_p) if training else 0.0
    bias = _add(attn_bias, pad_bias)
    heads, probs = _attend(q, k, v, bias, p, 1.0 / math.sqrt(D), need_weights)
    out = linear(heads.swapaxes(1, 2).reshape(N, L, E), out_proj_weight, out_proj_bias)
    if not batched:
        out = out[0]
    elif not batch_first:
        out = out.swapaxes(0, 1)
    if not need_weights:
        return out, None
    assert probs is not None  # computed whenever the weights are asked for
    if average_attn_weights:
        probs = probs.mean(axis=1)
    return out, (probs if batched else probs[0])


def _split(x: autograd.Tensor, N: int, H: int, D: int) -> autograd.Tensor:
    """(N, S, H * D) -> (N, H, S, D)."""
    return x.reshape(N, x.shape[1], H, D).swapaxes(1, 2)  # (not -1: N or S may be 0)


def _heads(fn: str, name: str, x: Any, N: int, H: int, D: int) -> autograd.Tensor:
    """A static key or value given as (N * H, S, D), as (N, H, S, D)."""
    x = as_tensor(x)
    if x.ndim != 3 or x.shape[0] != N * H or x.shape[2] != D:
        raise ValueError(f"{fn}: {name} must be (N * num_heads, S, head_dim), got {x.shape}")
    return x.reshape(N, H, x.shape[1], D)


def _one_more_key(bias: Any) -> Any:
    """A bias with one more key column (of 0: the appended key may be attended to)."""
    if bias is None:
        return None
    zeros = np.zeros(np.shape(_data(bias))[:-1] + (1,), dtype=_data(bias).dtype)
    if isinstance(bias, autograd.Tensor):
        return autograd.concatenate([bias, zeros], axis=-1)
    return np.concatenate([bias, zeros], axis=-1)
