"""The fuzzer's ``nn.functional`` ops: every function the package exports (``COVERAGE`` maps
each to the table entry that exercises it)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F

from .graph import TF, DoesNotFitError, compare, op

# ----- nn.functional -----------------------------------------------------------------------------


def _axis_kw(g, axis):
    return {"dim": axis} if g.flag() else {"axis": axis}


@op("softmax", "nn.functional")
def _softmax(g, x):
    axis = g.axis(len(x.shape))
    which = g.pick(["softmax", "log_softmax"])
    spelled = _axis_kw(g, axis)
    return (
        (lambda: getattr(F, which)(x.ours, **spelled)),
        (lambda: getattr(TF, which)(x.theirs, dim=axis)),
        f"{which}({spelled})",
    )


@op("distance", "nn.functional")
def _distance(g, x):
    which = g.pick(["normalize", "cosine_similarity", "pairwise_distance", "pad"])
    # (vectors: a 0-d input has no axis to normalise; PyTorch treats it as one, backproplab raises)
    ours = x.ours if x.ours.ndim else x.ours.reshape(1)
    theirs = x.theirs if x.theirs.ndim else x.theirs.reshape(1)
    if which == "normalize":
        return (lambda: F.normalize(ours, dim=-1)), (lambda: TF.normalize(theirs, dim=-1)), which
    if which == "pad":
        return (
            (lambda: F.pad(ours, (1, 2), value=0.5)),
            (lambda: TF.pad(theirs, (1, 2), value=0.5)),
            which,
        )
    extra = {"dim": -1} if which == "cosine_similarity" else {}
    return (
        (lambda: getattr(F, which)(ours, ours * 0.5 + 1.0, **extra)),
        (lambda: getattr(TF, which)(theirs, theirs * 0.5 + 1.0, **extra)),
        which,
    )


# PyTorch's other activations (nn/functional/activation.py), called with their defaults.
MORE = [
    "elu", "selu", "celu", "silu", "mish", "softplus", "hardtanh", "relu6", "logsigmoid",
    "softsign", "hardsigmoid", "hardswish", "softmin",
]  # fmt: skip


@op("activations", "nn.functional")
def _activations(g, x):
    which = g.pick(["relu", "leaky_relu", "gelu", "gelu_tanh", "sigmoid", "tanh", "erf", *MORE])
    if which == "softmin":
        return (
            (lambda: F.softmin(x.ours, dim=-1)),
            (lambda: TF.softmin(x.theirs, dim=-1)),
            "softmin(dim=-1)",
        )
    if which == "leaky_relu":
        slope = g.pick([0.01, 0.2])
        return (
            (lambda: F.leaky_relu(x.ours, slope)),
            (lambda: TF.leaky_relu(x.theirs, slope)),
            f"leaky_relu({slope})",
        )
    if which == "gelu_tanh":
        return (
            (lambda: F.gelu(x.ours, approximate="tanh")),
            (lambda: TF.gelu(x.theirs, approximate="tanh")),
            "gelu(tanh)",
        )
    if which == "erf":
        return (lambda: F.erf(x.ours)), (lambda: torch.erf(x.theirs)), "erf"
    theirs = getattr(TF, which, None) or getattr(torch, which)
    return (lambda: getattr(F, which)(x.ours)), (lambda: theirs(x.theirs)), which


@op("dropout", "nn.functional")
def _dropout(g, x):
    p, training = g.pick([(0.0, True), (0.5, False), (1.0, True)])
    return (
        (lambda: F.dropout(x.ours, p, training=training)),
        (lambda: TF.dropout(x.theirs, p, training=training)),
        f"dropout({p}, training={training})",
    )


@op("linear", "nn.functional")
def _linear(g, x):
    if not x.shape:
        raise DoesNotFitError
    out = g.draw(st.integers(0, 3))
    w = g.leaf((out, x.shape[-1]))
    b = g.leaf((out,)) if g.flag() else None
    return (
        (lambda: F.linear(x.ours, w.ours, None if b is None else b.ours)),
        (lambda: TF.linear(x.theirs, w.theirs, None if b is None else b.theirs)),
        f"linear({w.label}, {b and b.label})",
    )


@op("embedding", "nn.functional")
def _embedding(g, x):
    if len(x.shape) != 2 or x.shape[0] == 0:  # the table (V, D): x, or a fresh leaf
        x = g.leaf((g.draw(st.integers(1, 3)), g.draw(st.integers(0, 3))))
    data, index = g.const_int(g.shape(g.draw(st.integers(0, 2))), x.shape[0])
    return (
        (lambda: F.embedding(data, x.ours)),
        (lambda: TF.embedding(index, x.theirs)),
        f"embedding({x.label})",
    )


@op("embedding_bag", "nn.functional")
def _embedding_bag(g, x):
    if len(x.shape) != 2 or 0 in x.shape:  # the table (V, D): x, or a fresh leaf
        x = g.leaf((g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3))))
    bags = (g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3)))  # (B, bag size), no offsets
    data, index = g.const_int(bags, x.shape[0])
    mode = g.draw(st.sampled_from(["sum", "mean", "max"]))
    return (
        (lambda: F.embedding_bag(data, x.ours, mode=mode)),
        (lambda: TF.embedding_bag(index, x.theirs, mode=mode)),
        f"embedding_bag({x.label}, mode={mode!r})",
    )


@op("one_hot", "nn.functional")
def _one_hot(g, x):
    if not x.shape or x.shape[-1] == 0:
        raise DoesNotFitError
    data, index = g.const_int(x.shape[:-1], x.shape[-1])
    classes = x.shape[-1]
    return (
        (lambda: x.ours * F.one_hot(ag.tensor(data), classes).astype(np.float64)),
        (lambda: x.theirs * TF.one_hot(index, classes).double()),
        "* one_hot",
    )


def _as_image(g, x):
    """x as (N, C, H, W): x itself if 4-D, else a fresh image leaf."""
    if len(x.shape) == 4:
        return x
    return g.leaf((g.draw(st.integers(0, 2)), g.draw(st.integers(1, 2)), 3, 3))


@op("conv2d", "nn.functional")
def _conv2d(g, x):
    x = _as_image(g, x)
    n, c, h, w = x.shape
    if c == 0:
        raise DoesNotFitError
    k = g.draw(st.integers(1, 2))
    stride, padding = g.draw(st.integers(1, 2)), g.draw(st.integers(0, 1))
    if h + 2 * padding < k or w + 2 * padding < k:
        raise DoesNotFitError
    weight = g.leaf((g.draw(st.integers(1, 2)), c, k, k))
    bias = g.leaf((weight.shape[0],)) if g.flag() else None
    return (
        (lambda: F.conv2d(x.ours, weight.ours, bias and bias.ours, stride=stride, padding=padding)),
        (
            lambda: TF.conv2d(
                x.theirs, weight.theirs, bias and bias.theirs, stride=stride, padding=padding
            )
        ),
        f"conv2d({x.label}, {weight.label}, stride={stride}, padding={padding})",
    )


@op("conv_transpose2d", "nn.functional")
def _conv_transpose2d(g, x):
    x = _as_image(g, x)
    c = x.shape[1]
    if c == 0:
        raise DoesNotFitError
    k, stride = g.draw(st.integers(1, 2)), g.draw(st.integers(1, 2))
    padding = g.draw(st.integers(0, (k - 1) // 1))
    output_padding = g.draw(st.integers(0, stride - 1))
    h, w = x.shape[2:]
    if min(h, w) == 0 or (min(h, w) - 1) * stride - 2 * padding + k + output_padding <= 0:
        raise DoesNotFitError
    weight = g.leaf((c, g.draw(st.integers(1, 2)), k, k))  # (in, out, kH, kW)
    bias = g.leaf((weight.shape[1],)) if g.flag() else None
    options = dict(stride=stride, padding=padding, output_padding=output_padding)
    return (
        (lambda: F.conv_transpose2d(x.ours, weight.ours, bias and bias.ours, **options)),
        (lambda: TF.conv_transpose2d(x.theirs, weight.theirs, bias and bias.theirs, **options)),
        f"conv_transpose2d({x.label}, {weight.label}, {options})",
    )


@op("max_pool2d", "nn.functional")
def _max_pool2d(g, x):
    x = _as_image(g, x)
    h, w = x.shape[2:]
    k = g.draw(st.integers(1, 2))
    padding = g.draw(st.integers(0, k // 2))
    # (dilation only without padding: a dilated window can lie wholly in the padding, and
    # PyTorch's max_pool2d backward then writes out of bounds and crashes the process)
    dilation = 1 if padding else g.draw(st.integers(1, 2))
    options = dict(padding=padding, dilation=dilation, ceil_mode=g.flag())
    span = options["dilation"] * (k - 1) + 1
    if h + 2 * padding < span or w + 2 * padding < span:
        raise DoesNotFitError
    return (
        (lambda: F.max_pool2d(x.ours, k, **options)),
        (lambda: TF.max_pool2d(x.theirs, k, **options)),
        f"max_pool2d({x.label}, {k}, {options})",
    )


@op("avg_pool2d", "nn.functional")
def _avg_pool2d(g, x):
    x = _as_image(g, x)
    h, w = x.shape[2:]
    k = g.draw(st.integers(1, 2))
    padding = g.draw(st.integers(0, k // 2))
    ceil_mode, count_include_pad = g.flag(), g.flag()
    if h + 2 * padding < k or w + 2 * padding < k:
        raise DoesNotFitError
    options = dict(padding=padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    return (
        (lambda: F.avg_pool2d(x.ours, k, **options)),
        (lambda: TF.avg_pool2d(x.theirs, k, **options)),
        f"avg_pool2d({x.label}, {k}, {options})",
    )


@op("adaptive_avg_pool2d", "nn.functional")
def _adaptive_avg_pool2d(g, x):
    x = _as_image(g, x)
    if 0 in x.shape[1:]:  # (PyTorch's backward refuses empty channels)
        raise DoesNotFitError
    size = (g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3)))
    return (
        (lambda: F.adaptive_avg_pool2d(x.ours, size)),
        (lambda: TF.adaptive_avg_pool2d(x.theirs, size)),
        f"adaptive_avg_pool2d({x.label}, {size})",
    )


@op("dropout2d", "nn.functional")
def _dropout2d(g, x):
    x = _as_image(g, x)
    p, training = g.pick([(0.0, True), (0.5, False), (1.0, True)])  # deterministic settings
    return (
        (lambda: F.dropout2d(x.ours, p, training=training)),
        (lambda: TF.dropout2d(x.theirs, p, training=training)),
        f"dropout2d({x.label}, {p}, training={training})",
    )


@op("layer_norm", "nn.functional")
def _layer_norm(g, x):
    if not x.shape:
        raise DoesNotFitError
    count = g.draw(st.integers(1, min(2, len(x.shape))))
    shape = x.shape[len(x.shape) - count :]
    weight = g.leaf(shape) if g.flag() else None
    bias = g.leaf(shape) if g.flag() else None
    return (
        (lambda: F.layer_norm(x.ours, shape, weight and weight.ours, bias and bias.ours)),
        (lambda: TF.layer_norm(x.theirs, shape, weight and weight.theirs, bias and bias.theirs)),
        f"layer_norm({shape})",
    )


@op("rms_norm", "nn.functional")
def _rms_norm(g, x):
    if not x.shape or 0 in x.shape[-1:]:
        raise DoesNotFitError
    count = g.draw(st.integers(1, min(2, len(x.shape))))
    shape = x.shape[len(x.shape) - count :]
    if 0 in shape:
        raise DoesNotFitError
    weight = g.leaf(shape) if g.flag() else None
    eps = g.pick([None, 1e-3])
    return (
        (lambda: F.rms_norm(x.ours, shape, weight and weight.ours, eps)),
        (lambda: TF.rms_norm(x.theirs, shape, weight and weight.theirs, eps)),
        f"rms_norm({shape}, eps={eps})",
    )


@op("channel_norm", "nn.functional")
def _channel_norm(g, x):
    """group_norm, instance_norm and local_response_norm of an (N, C, L...) input."""
    if len(x.shape) < 3 or 0 in x.shape or math.prod(x.shape[2:]) == 1:
        raise DoesNotFitError
    c = x.shape[1]
    which = g.pick(["group_norm", "instance_norm", "local_response_norm"])
    if which == "local_response_norm":
        size = g.draw(st.integers(1, 4))
        return (
            (lambda: F.local_response_norm(x.ours, size, alpha=0.5, k=1.5)),
            (lambda: TF.local_response_norm(x.theirs, size, alpha=0.5, k=1.5)),
            f"local_response_norm({size})",
        )
    bias = g.leaf((c,)) if g.flag() else None
    # (PyTorch 2.13's group_norm crashes differentiating a bias without a weight under
    # create_graph, "shape '[0]' is invalid": the fuzzer gives a bias a weight.)
    weight = g.leaf((c,)) if bias is not None or g.flag() else None
    w_ours, b_ours = weight and weight.ours, bias and bias.ours
    w_theirs, b_theirs = weight and weight.theirs, bias and bias.theirs
    if which == "group_norm":
        groups = g.pick([d for d in range(1, c + 1) if c % d == 0])
        return (
            (lambda: F.group_norm(x.ours, groups, w_ours, b_ours, eps=1e-3)),
            (lambda: TF.group_norm(x.theirs, groups, w_theirs, b_theirs, eps=1e-3)),
            f"group_norm({groups})",
        )
    return (
        (lambda: F.instance_norm(x.ours, weight=w_ours, bias=b_ours, eps=1e-3)),
        (lambda: TF.instance_norm(x.theirs, weight=w_theirs, bias=b_theirs, eps=1e-3)),
        "instance_norm",
    )


@op("bilinear", "nn.functional")
def _bilinear(g, x):
    if not x.shape:
        raise DoesNotFitError
    out, in2 = g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3))
    x2 = g.leaf(x.shape[:-1] + (in2,))
    w = g.leaf((out, x.shape[-1], in2))
    b = g.leaf((out,)) if g.flag() else None
    return (
        (lambda: F.bilinear(x.ours, x2.ours, w.ours, b and b.ours)),
        (lambda: TF.bilinear(x.theirs, x2.theirs, w.theirs, b and b.theirs)),
        f"bilinear(out={out}, in2={in2})",
    )


@op("gates", "nn.functional")
def _gates(g, x):
    """glu (halves of an even axis) and threshold."""
    if g.flag():
        return (
            (lambda: F.threshold(x.ours, 0.1, -0.5)),
            (lambda: TF.threshold(x.theirs, 0.1, -0.5)),
            "threshold(0.1, -0.5)",
        )
    axes = [a for a in range(len(x.shape)) if x.shape[a] % 2 == 0 and x.shape[a]]
    if not axes:
        raise DoesNotFitError
    axis = g.pick(axes)
    return (lambda: F.glu(x.ours, axis)), (lambda: TF.glu(x.theirs, axis)), f"glu({axis})"


@op("dropout_variants", "nn.functional")
def _dropout_variants(g, x):
    ranks = {"dropout1d": (2, 3), "dropout3d": (4, 5), "alpha_dropout": None}
    ranks["feature_alpha_dropout"] = (2, 3, 4, 5)
    which = g.pick(sorted(ranks))
    if ranks[which] is not None and len(x.shape) not in ranks[which]:
        raise DoesNotFitError
    p, training = g.pick([(0.0, True), (0.5, False), (1.0, True)])  # deterministic settings
    return (
        (lambda: getattr(F, which)(x.ours, p, training)),
        (lambda: getattr(TF, which)(x.theirs, p, training)),
        f"{which}({p}, training={training})",
    )


@op("batch_norm", "nn.functional")
def _batch_norm(g, x):
    if len(x.shape) < 2 or math.prod(x.shape) // max(x.shape[1], 1) <= 1:
        raise DoesNotFitError
    c = x.shape[1]
    weight = g.leaf((c,)) if g.flag() else None
    bias = g.leaf((c,)) if g.flag() else None
    training = g.flag()
    stats = g.values((c,)), g.values((c,), "positive")
    ours_stats = [s.copy() for s in stats]
    theirs_stats = [torch.tensor(s) for s in stats]

    def ours():
        return F.batch_norm(
            x.ours, *ours_stats, weight and weight.ours, bias and bias.ours, training=training
        )

    def theirs():
        out = TF.batch_norm(
            x.theirs, *theirs_stats, weight and weight.theirs, bias and bias.theirs,
            training=training,
        )  # fmt: skip
        for ours_stat, theirs_stat in zip(ours_stats, theirs_stats):  # the updated statistics
            compare("batch_norm running statistic", ours_stat, theirs_stat.numpy())
        return out

    return ours, theirs, f"batch_norm(training={training})"


def _classes(g, x):
    if len(x.shape) < 1 or len(x.shape) > 3 or x.shape[-1 if len(x.shape) == 1 else 1] == 0:
        raise DoesNotFitError
    return x.shape[0] if len(x.shape) == 1 else x.shape[1]


@op("cross_entropy", "nn.functional")
def _cross_entropy(g, x):
    classes = _classes(g, x)
    sample = () if len(x.shape) == 1 else (x.shape[0], *x.shape[2:])
    reduction = g.pick(["mean", "sum", "none"])
    kwargs: dict[str, Any] = {"reduction": reduction}
    if g.flag():
        kwargs["label_smoothing"] = g.pick([0.1, 0.5])
    weight = g.values((classes,), "positive") if g.flag() else None
    if g.flag():  # probabilities: a softmax of a leaf, so the target requires grad
        t = g.leaf(x.shape)
        axis = 0 if len(x.shape) == 1 else 1
        ours_target, theirs_target = F.softmax(t.ours, dim=axis), TF.softmax(t.theirs, dim=axis)
        if weight is not None and g.flag():
            w = g.leaf((classes,), "positive")
            kwargs_ours = {**kwargs, "weight": w.ours}
            kwargs_theirs = {**kwargs, "weight": w.theirs}
        else:
            kwargs_ours = {**kwargs, "weight": weight}
            kwargs_theirs = {**kwargs, "weight": None if weight is None else torch.tensor(weight)}
        return (
            (lambda: F.cross_entropy(x.ours, ours_target, **kwargs_ours)),
            (lambda: TF.cross_entropy(x.theirs, theirs_target, **kwargs_theirs)),
            f"cross_entropy(probabilities {t.label}, {kwargs})",
        )
    data, index = g.const_int(sample, classes)
    if g.flag() and data.size:
        data.reshape(-1)[0] = -100  # an ignored position
        index = torch.tensor(data)
    return (
        (lambda: F.cross_entropy(x.ours, data, weight=weight, **kwargs)),
        (
            lambda: TF.cross_entropy(
                x.theirs, index, weight=None if weight is None else torch.tensor(weight), **kwargs
            )
        ),
        f"cross_entropy(indices, weight={weight is not None}, {kwargs})",
    )


@op("nll_loss", "nn.functional")
def _nll_loss(g, x):
    if len(x.shape) != 2 or x.shape[1] == 0:
        raise DoesNotFitError
    data, index = g.const_int((x.shape[0],), x.shape[1])
    weight = g.values((x.shape[1],), "positive") if g.flag() else None
    reduction = g.pick(["mean", "sum", "none"])
    axis = 1
    return (
        (
            lambda: F.nll_loss(
                F.log_softmax(x.ours, dim=axis), data, weight=weight, reduction=reduction
            )
        ),
        (
            lambda: TF.nll_loss(
                TF.log_softmax(x.theirs, dim=axis),
                index,
                weight=None if weight is None else torch.tensor(weight),
                reduction=reduction,
            )
        ),
        f"nll_loss(log_softmax, weight={weight is not None}, {reduction})",
    )


@op("bce", "nn.functional")
def _bce(g, x):
    target = g.leaf(x.shape, "unit", grad=g.flag())
    weight = g.values(x.shape, "positive") if g.flag() else None
    reduction = g.pick(["mean", "sum", "none"])
    if g.flag():
        return (
            (lambda: F.binary_cross_entropy(x.ours.sigmoid(), target.ours, weight, reduction)),
            (
                lambda: TF.binary_cross_entropy(
                    x.theirs.sigmoid(),
                    target.theirs,
                    None if weight is None else torch.tensor(weight),
                    reduction=reduction,
                )
            ),
            f"binary_cross_entropy(sigmoid, {target.label}, {reduction})",
        )
    pos = g.values(x.shape[-1:], "positive") if g.flag() and x.shape else None
    return (
        (
            lambda: F.binary_cross_entropy_with_logits(
                x.ours, target.ours, weight, reduction=reduction, pos_weight=pos
            )
        ),
        (
            lambda: TF.binary_cross_entropy_with_logits(
                x.theirs,
                target.theirs,
                None if weight is None else torch.tensor(weight),
                reduction=reduction,
                pos_weight=None if pos is None else torch.tensor(pos),
            )
        ),
        f"bce_with_logits({target.label}, pos_weight={pos is not None}, {reduction})",
    )


@op("regression_losses", "nn.functional")
def _regression(g, x):
    y = g.leaf(x.shape) if g.flag() else x
    reduction = g.pick(["mean", "sum", "none"])
    which = g.pick(["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss"])
    extra = {}
    if which == "huber_loss":
        extra = {"delta": g.pick([0.5, 1.0])}
    elif which == "smooth_l1_loss":
        extra = {"beta": g.pick([0.0, 0.5, 1.0])}
    return (
        (lambda: getattr(F, which)(x.ours, y.ours, reduction=reduction, **extra)),
        (lambda: getattr(TF, which)(x.theirs, y.theirs, reduction=reduction, **extra)),
        f"{which}({y.label}, {reduction}, {extra})",
    )


@op("attention", "nn.functional")
def _attention(g, x):
    if len(x.shape) != 3:  # queries (N, L, E): x itself if it is 3-D, else a fresh leaf
        x = g.leaf(g.shape(3))
    n, length, e = x.shape
    s = g.draw(st.integers(0, 3))
    k = g.leaf((n, s, e))
    v = g.leaf((n, s, g.draw(st.integers(0, 3))))
    mask_kind = g.pick([None, "bool", "float", "causal"])
    ours_kw: dict[str, Any] = {}
    theirs_kw: dict[str, Any] = {}
    if mask_kind == "bool":
        mask = g.values((length, s)) > -0.5
        ours_kw["attn_mask"], theirs_kw["attn_mask"] = mask, torch.tensor(mask)
    elif mask_kind == "float":
        m = g.leaf((length, s))
        ours_kw["attn_mask"], theirs_kw["attn_mask"] = m.ours, m.theirs
    elif mask_kind == "causal":
        ours_kw["is_causal"] = theirs_kw["is_causal"] = True
    if g.flag():
        ours_kw["scale"] = theirs_kw["scale"] = 0.5
    return (
        (lambda: F.scaled_dot_product_attention(x.ours, k.ours, v.ours, **ours_kw)),
        (lambda: TF.scaled_dot_product_attention(x.theirs, k.theirs, v.theirs, **theirs_kw)),
        f"attention({k.label}, {v.label}, mask={mask_kind})",
    )


@op("multi_head_attention", "nn.functional")
def _multi_head_attention(g, x):
    if len(x.shape) != 3 or x.shape[2] not in (2, 4):  # (L, N, E), E divisible by the heads
        x = g.leaf((g.draw(st.integers(0, 3)), g.draw(st.integers(0, 2)), g.pick([2, 4])))
    length, n, e = x.shape  # sequence first, PyTorch's default layout
    heads = g.pick([1, 2])
    w_in, b_in = g.leaf((3 * e, e)), g.leaf((3 * e,))
    w_out, b_out = g.leaf((e, e)), g.leaf((e,))
    s = g.draw(st.integers(0, 3))
    kv = g.leaf((s, n, e))
    need = g.flag()
    pad = g.values((n, s)) > 0.8 if g.flag() else None

    def run(lib, q, kv_, wi, bi, wo, bo, mask):
        fn = F.multi_head_attention_forward if lib == "ours" else TF.multi_head_attention_forward
        return fn(
            q, kv_, kv_, e, heads, wi, bi, None, None, False, 0.0, wo, bo,
            training=False, key_padding_mask=mask, need_weights=need,
        )  # fmt: skip

    torch_pad = None if pad is None else torch.tensor(pad)
    return (
        lambda: run("ours", x.ours, kv.ours, w_in.ours, b_in.ours, w_out.ours, b_out.ours, pad)[0],
        lambda: run(
            "theirs", x.theirs, kv.theirs, w_in.theirs, b_in.theirs, w_out.theirs, b_out.theirs,
            torch_pad,
        )[0],
        f"multi_head_attention({kv.label}, heads={heads}, padding={pad is not None})",
    )  # fmt: skip


def _as_signal(g, x):
    """x as (N, C, L): x itself if 3-D, else a fresh signal leaf."""
    if len(x.shape) == 3 and x.shape[1] and x.shape[2]:
        return x
    return g.leaf((g.draw(st.integers(0, 2)), g.draw(st.integers(1, 2)), g.draw(st.integers(2, 5))))


@op("conv1d", "nn.functional")
def _conv1d(g, x):
    x = _as_signal(g, x)
    c, length = x.shape[1:]
    groups = g.pick([1, c])
    k, dilation = g.draw(st.integers(1, 3)), g.draw(st.integers(1, 2))
    padding = g.pick([0, 1, "same", "valid"])
    stride = 1 if padding == "same" else g.draw(st.integers(1, 2))
    padded = length + 2 * (padding if isinstance(padding, int) else 0)
    if padding != "same" and padded < dilation * (k - 1) + 1:
        raise DoesNotFitError
    weight = g.leaf((groups * g.draw(st.integers(1, 2)), c // groups, k))
    bias = g.leaf((weight.shape[0],)) if g.flag() else None
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return (
        (lambda: F.conv1d(x.ours, weight.ours, bias and bias.ours, **options)),
        (lambda: TF.conv1d(x.theirs, weight.theirs, bias and bias.theirs, **options)),
        f"conv1d({x.label}, {weight.label}, {options})",
    )


@op("conv_transpose1d", "nn.functional")
def _conv_transpose1d(g, x):
    x = _as_signal(g, x)
    k, stride, dilation = (g.draw(st.integers(1, 2)) for _ in range(3))
    options = dict(stride=stride, dilation=dilation, output_padding=stride - 1)
    weight = g.leaf((x.shape[1], g.draw(st.integers(1, 2)), k))
    return (
        (lambda: F.conv_transpose1d(x.ours, weight.ours, **options)),
        (lambda: TF.conv_transpose1d(x.theirs, weight.theirs, **options)),
        f"conv_transpose1d({x.label}, {weight.label}, {options})",
    )


@op("pool1d", "nn.functional")
def _pool1d(g, x):
    x = _as_signal(g, x)
    which = g.pick(["max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d"])
    if which.startswith("adaptive"):
        args: tuple = (g.draw(st.integers(1, 4)),)
        options: dict = {}
    else:
        k = g.draw(st.integers(1, 3))
        args = (k,)
        options = dict(stride=g.draw(st.integers(1, 2)), padding=g.draw(st.integers(0, k // 2)))
        options["ceil_mode"] = g.flag()
        if x.shape[2] + 2 * options["padding"] < k:
            raise DoesNotFitError
    return (
        (lambda: getattr(F, which)(x.ours, *args, **options)),
        (lambda: getattr(TF, which)(x.theirs, *args, **options)),
        f"{which}({x.label}, {args}, {options})",
    )


@op("adaptive_max_pool2d", "nn.functional")
def _adaptive_max_pool2d(g, x):
    x = _as_image(g, x)
    if 0 in x.shape[1:]:
        raise DoesNotFitError
    size = (g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3)))
    return (
        (lambda: F.adaptive_max_pool2d(x.ours, size)),
        (lambda: TF.adaptive_max_pool2d(x.theirs, size)),
        f"adaptive_max_pool2d({x.label}, {size})",
    )


@op("interpolate", "nn.functional")
def _interpolate(g, x):
    x = _as_image(g, x)
    if 0 in x.shape[1:]:  # (PyTorch refuses empty channels; backproplab returns an empty result)
        raise DoesNotFitError
    mode = g.pick(["nearest", "nearest-exact", "bilinear", "bicubic", "area"])
    options: dict = {"mode": mode}
    if g.flag():  # (integer factors: a size-keeping factor such as 1.1 is PyTorch's oddity)
        options["scale_factor"] = (g.draw(st.integers(1, 3)), g.draw(st.integers(1, 2)))
    else:
        options["size"] = (g.draw(st.integers(1, 5)), g.draw(st.integers(1, 5)))
    if mode in ("bilinear", "bicubic"):
        options["align_corners"] = g.flag()
    return (
        (lambda: F.interpolate(x.ours, **options)),
        (lambda: TF.interpolate(x.theirs, **options)),
        f"interpolate({x.label}, {options})",
    )


@op("pixel_shuffle", "nn.functional")
def _pixel_shuffle(g, x):
    x = _as_image(g, x)
    if 0 in x.shape[1:]:  # (PyTorch's backward crashes on an empty image)
        raise DoesNotFitError
    r = g.draw(st.integers(1, 2))
    which = g.pick(["pixel_shuffle", "pixel_unshuffle"])
    bad = x.shape[1] % (r * r) if which == "pixel_shuffle" else x.shape[2] % r or x.shape[3] % r
    if bad:
        raise DoesNotFitError
    return (
        (lambda: getattr(F, which)(x.ours, r)),
        (lambda: getattr(TF, which)(x.theirs, r)),
        f"{which}({x.label}, {r})",
    )


@op("fold", "nn.functional")
def _fold(g, x):
    x = _as_image(g, x)
    if 0 in x.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise DoesNotFitError
    h, w = x.shape[2:]
    options = dict(kernel_size=g.draw(st.integers(1, 2)), padding=g.draw(st.integers(0, 1)))
    options["stride"] = g.draw(st.integers(1, 2))
    if min(h, w) + 2 * options["padding"] < options["kernel_size"]:
        raise DoesNotFitError
    # unfold, then fold back: (N, C, H, W) -> (N, C k k, L) -> (N, C, H, W)
    return (
        (lambda: F.fold(F.unfold(x.ours, **options), (h, w), **options)),
        (lambda: TF.fold(TF.unfold(x.theirs, **options), (h, w), **options)),
        f"fold(unfold({x.label}, {options}), {(h, w)})",
    )


@op("grid_sample", "nn.functional")
def _grid_sample(g, x):
    x = _as_image(g, x)
    if 0 in x.shape:
        raise DoesNotFitError
    n = x.shape[0]
    # (not the rounded values leaves may get: a point exactly on a pixel is a kink, where the
    # two libraries' roundings pick different one-sided derivatives)
    theta = g.leaf((n, 2, 3), kind="unit")
    size = (n, x.shape[1], g.draw(st.integers(1, 3)), g.draw(st.integers(1, 3)))
    options = dict(padding_mode=g.pick(["zeros", "border"]), align_corners=g.flag())
    # (bilinear: 'nearest' has no gradient with respect to the points, PyTorch's is zeros)
    return (
        (
            lambda: F.grid_sample(
                x.ours, F.affine_grid(theta.ours, size, options["align_corners"]), **options
            )
        ),
        (
            lambda: TF.grid_sample(
                x.theirs, TF.affine_grid(theta.theirs, size, options["align_corners"]), **options
            )
        ),
        f"grid_sample({x.label}, affine_grid({theta.label}, {size}), {options})",
    )


@op("volume", "nn.functional")
def _volume(g, x):
    """conv3d or a 3-D pooling on a fresh (N, C, D, H, W) leaf (the table's nodes are 0-4-D)."""
    x = g.leaf((g.draw(st.integers(1, 2)), g.draw(st.integers(1, 2)), 3, 2, 3))
    if g.flag():
        k, padding = g.draw(st.integers(1, 2)), g.draw(st.integers(0, 1))
        weight = g.leaf((g.draw(st.integers(1, 2)), x.shape[1], k, k, k))
        options = dict(stride=g.draw(st.integers(1, 2)), padding=padding)
        return (
            (lambda: F.conv3d(x.ours, weight.ours, **options)),
            (lambda: TF.conv3d(x.theirs, weight.theirs, **options)),
            f"conv3d({x.label}, {weight.label}, {options})",
        )
    which = g.pick(["max_pool3d", "avg_pool3d", "adaptive_avg_pool3d"])
    if which == "adaptive_avg_pool3d":
        args: tuple = ((g.draw(st.integers(1, 3)), 1, g.draw(st.integers(1, 2))),)
        options: dict = {}
    else:
        args, options = (2,), dict(stride=g.draw(st.integers(1, 2)), ceil_mode=g.flag())
    return (
        (lambda: getattr(F, which)(x.ours, *args, **options)),
        (lambda: getattr(TF, which)(x.theirs, *args, **options)),
        f"{which}({x.label}, {args}, {options})",
    )


@op("likelihood_losses", "nn.functional")
def _likelihood(g, x):
    which = g.pick(["kl_div", "poisson_nll_loss", "gaussian_nll_loss"])
    reduction = g.pick(["mean", "sum", "none"] + (["batchmean"] if which == "kl_div" else []))
    if which == "kl_div":
        log_target = g.flag()
        t = g.leaf(x.shape, "normal" if log_target else "unit", grad=g.flag())
        kw = {"reduction": reduction, "log_target": log_target}
        return (
            (lambda: F.kl_div(x.ours, t.ours, **kw)),
            (lambda: TF.kl_div(x.theirs, t.theirs, **kw)),
            f"kl_div({t.label}, {kw})",
        )
    if which == "poisson_nll_loss":
        t = g.leaf(x.shape, "positive", grad=g.flag())
        log_input, full = g.flag(), g.flag()
        kw = {"log_input": log_input, "full": full, "reduction": reduction}
        return (  # (exp: a rate must be positive when it is not a log-rate)
            (lambda: F.poisson_nll_loss(x.ours if log_input else x.ours.exp(), t.ours, **kw)),
            (
                lambda: TF.poisson_nll_loss(
                    x.theirs if log_input else x.theirs.exp(), t.theirs, **kw
                )
            ),
            f"poisson_nll_loss({t.label}, {kw})",
        )
    y = g.leaf(x.shape)
    per_sample = bool(x.shape) and g.flag()
    var = g.leaf(x.shape[:-1] if per_sample else x.shape, "positive", grad=g.flag())
    kw = {"full": g.flag(), "reduction": reduction}
    return (
        (lambda: F.gaussian_nll_loss(x.ours, y.ours, var.ours, **kw)),
        (lambda: TF.gaussian_nll_loss(x.theirs, y.theirs, var.theirs, **kw)),
        f"gaussian_nll_loss({y.label}, var {var.label}, {kw})",
    )


def _signs(g, shape):
    data = np.where(g.values(shape) > 0, 1.0, -1.0)
    return data, torch.tensor(data)


@op("margin_losses", "nn.functional")
def _margin(g, x):
    which = g.pick(
        [
            "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
            "multilabel_soft_margin_loss", "cosine_embedding_loss", "triplet_margin_loss",
            "triplet_margin_with_distance_loss",
        ]
    )  # fmt: skip
    if not np.isfinite(x.ours.numpy()).all():
        # A known divergence of clamp (autograd/ops/piecewise.py): its backward multiplies the
        # gradient by its mask, so a NaN gradient reaching a clamped element stays NaN where
        # PyTorch's select gives 0; these hinges are clamps, and NaN inputs make NaN gradients.
        raise DoesNotFitError
    kw: dict[str, Any] = {"reduction": g.pick(["mean", "sum", "none"])}
    if which in ("margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss"):
        data, labels = _signs(g, x.shape)
        if which == "soft_margin_loss":
            # Documented divergence: PyTorch's log(1 + exp(-y x)) overflows to inf beyond 709.
            if x.ours.numpy().size and np.abs(x.ours.numpy()).max() > 700:
                raise DoesNotFitError
            return (
                (lambda: F.soft_margin_loss(x.ours, data, **kw)),
                (lambda: TF.soft_margin_loss(x.theirs, labels, **kw)),
                f"soft_margin_loss({kw})",
            )
        kw["margin"] = g.pick([0.0, 0.5, 1.0])
        if which == "hinge_embedding_loss":
            return (
                (lambda: F.hinge_embedding_loss(x.ours, data, **kw)),
                (lambda: TF.hinge_embedding_loss(x.theirs, labels, **kw)),
                f"hinge_embedding_loss({kw})",
            )
        other = g.leaf(x.shape)
        return (
            (lambda: F.margin_ranking_loss(x.ours, other.ours, data, **kw)),
            (lambda: TF.margin_ranking_loss(x.theirs, other.theirs, labels, **kw)),
            f"margin_ranking_loss({other.label}, {kw})",
        )
    if which == "multilabel_soft_margin_loss":
        if not x.shape or x.shape[-1] == 0:
            raise DoesNotFitError
        t = g.leaf(x.shape, "unit", grad=g.flag())
        w = g.leaf(x.shape[-1:], "positive") if g.flag() else None
        return (
            (
                lambda: F.multilabel_soft_margin_loss(
                    x.ours, t.ours, None if w is None else w.ours, **kw
                )
            ),
            (
                lambda: TF.multilabel_soft_margin_loss(
                    x.theirs, t.theirs, None if w is None else w.theirs, **kw
                )
            ),
            f"multilabel_soft_margin_loss({t.label}, weight={w is not None}, {kw})",
        )
    if which == "cosine_embedding_loss":
        if len(x.shape) not in (1, 2):
            raise DoesNotFitError
        other = g.leaf(x.shape)
        data, labels = _signs(g, x.shape[:-1])
        kw["margin"] = g.pick([0.0, -0.5, 0.5])
        return (
            (lambda: F.cosine_embedding_loss(x.ours, other.ours, data, **kw)),
            (lambda: TF.cosine_embedding_loss(x.theirs, other.theirs, labels, **kw)),
            f"cosine_embedding_loss({other.label}, {kw})",
        )
    if not x.shape:
        raise DoesNotFitError
    positive, negative = g.leaf(x.shape), g.leaf(x.shape)
    kw.update(margin=g.pick([0.5, 1.0]), swap=g.flag())
    if which == "triplet_margin_loss":
        kw["p"] = g.pick([1.0, 2.0, 3.0])
    return (
        (lambda: getattr(F, which)(x.ours, positive.ours, negative.ours, **kw)),
        (lambda: getattr(TF, which)(x.theirs, positive.theirs, negative.theirs, **kw)),
        f"{which}({positive.label}, {negative.label}, {kw})",
    )


@op("multi_class_margin_losses", "nn.functional")
def _multi_class_margin(g, x):
    if len(x.shape) not in (1, 2) or 0 in x.shape:  # (PyTorch's 'mean' of no samples is garbage)
        raise DoesNotFitError
    classes = x.shape[-1]
    reduction = g.pick(["mean", "sum", "none"])
    if g.flag():
        data, index = g.const_int(x.shape[:-1], classes)
        p, margin = g.pick([1, 2]), g.pick([0.5, 1.0])
        w = g.values((classes,), "positive") if g.flag() else None
        tw = None if w is None else torch.tensor(w)
        return (
            (lambda: F.multi_margin_loss(x.ours, data, p, margin, w, reduction=reduction)),
            (lambda: TF.multi_margin_loss(x.theirs, index, p, margin, tw, reduction=reduction)),
            f"multi_margin_loss(p={p}, margin={margin}, weight={w is not None}, {reduction})",
        )
    data, _ = g.const_int(x.shape, classes + 1)
    data = data - 1  # class indices and -1s, which end each list
    return (
        (lambda: F.multilabel_margin_loss(x.ours, data, reduction=reduction)),
        (lambda: TF.multilabel_margin_loss(x.theirs, torch.tensor(data), reduction=reduction)),
        f"multilabel_margin_loss({data.tolist()}, {reduction})",
    )


@op("ctc_loss", "nn.functional")
def _ctc(g, x):
    if len(x.shape) != 3 or x.shape[0] == 0 or x.shape[1] == 0 or x.shape[2] < 2:
        x = g.leaf((g.draw(st.integers(1, 4)), g.draw(st.integers(1, 2)), g.pick([2, 3])))
    steps, n, classes = x.shape
    blank = g.pick([0, classes - 1])
    longest = g.draw(st.integers(0, 3))
    labels = g.const_int((n, longest), classes - 1)[0]
    labels = labels + (labels >= blank)  # any class but the blank
    lengths = g.const_int((n,), longest + 1)[0]
    inputs = g.const_int((n,), steps + 1)[0]
    kw = {"blank": blank, "reduction": g.pick(["mean", "sum", "none"]), "zero_infinity": g.flag()}
    args = (labels, inputs, lengths)
    targs = tuple(torch.tensor(a) for a in args)
    return (  # through log_softmax, as PyTorch's gradient assumes (ctc.py's docstring)
        (lambda: F.ctc_loss(F.log_softmax(x.ours, dim=2), *args, **kw)),
        (lambda: TF.ctc_loss(x.theirs.log_softmax(2), *targs, **kw)),
        f"ctc_loss({args}, {kw})",
    )


# Every function nn.functional exports, and the op names that exercise it.
COVERAGE = {
    "softmax": "softmax",
    "log_softmax": "softmax",
    "relu": "activations",
    "leaky_relu": "activations",
    "gelu": "activations",
    "sigmoid": "activations",
    "tanh": "activations",
    "erf": "activations",
    **{name: "activations" for name in MORE},
    "normalize": "distance",
    "pad": "distance",
    "cosine_similarity": "distance",
    "pairwise_distance": "distance",
    "dropout": "dropout",
    "linear": "linear",
    "embedding": "embedding",
    "embedding_bag": "embedding_bag",
    "one_hot": "one_hot",
    "conv2d": "conv2d",
    "conv_transpose2d": "conv_transpose2d",
    "max_pool2d": "max_pool2d",
    "avg_pool2d": "avg_pool2d",
    "adaptive_avg_pool2d": "adaptive_avg_pool2d",
    "conv1d": "conv1d",
    "conv_transpose1d": "conv_transpose1d",
    "max_pool1d": "pool1d",
    "avg_pool1d": "pool1d",
    "adaptive_avg_pool1d": "pool1d",
    "adaptive_max_pool1d": "pool1d",
    "adaptive_max_pool2d": "adaptive_max_pool2d",
    "interpolate": "interpolate",
    "pixel_shuffle": "pixel_shuffle",
    "pixel_unshuffle": "pixel_shuffle",
    "unfold": "fold",
    "fold": "fold",
    "grid_sample": "grid_sample",
    "conv3d": "volume",
    "max_pool3d": "volume",
    "avg_pool3d": "volume",
    "adaptive_avg_pool3d": "volume",
    "affine_grid": "grid_sample",
    "dropout2d": "dropout2d",
    "layer_norm": "layer_norm",
    "rms_norm": "rms_norm",
    "group_norm": "channel_norm",
    "instance_norm": "channel_norm",
    "local_response_norm": "channel_norm",
    "bilinear": "bilinear",
    "glu": "gates",
    "threshold": "gates",
    "dropout1d": "dropout_variants",
    "dropout3d": "dropout_variants",
    "alpha_dropout": "dropout_variants",
    "feature_alpha_dropout": "dropout_variants",
    "batch_norm": "batch_norm",
    "cross_entropy": "cross_entropy",
    "nll_loss": "nll_loss",
    "binary_cross_entropy": "bce",
    "binary_cross_entropy_with_logits": "bce",
    "mse_loss": "regression_losses",
    "l1_loss": "regression_losses",
    "huber_loss": "regression_losses",
    "smooth_l1_loss": "regression_losses",
    "kl_div": "likelihood_losses",
    "poisson_nll_loss": "likelihood_losses",
    "gaussian_nll_loss": "likelihood_losses",
    **{
        name: "margin_losses"
        for name in (
            "margin_ranking_loss",
            "hinge_embedding_loss",
            "soft_margin_loss",
            "multilabel_soft_margin_loss",
            "cosine_embedding_loss",
            "triplet_margin_loss",
            "triplet_margin_with_distance_loss",
        )
    },  # fmt: skip
    "multi_margin_loss": "multi_class_margin_losses",
    "multilabel_margin_loss": "multi_class_margin_losses",
    "ctc_loss": "ctc_loss",
    "scaled_dot_product_attention": "attention",
    "multi_head_attention_forward": "multi_head_attention",
}

# Documented divergences: backproplab raises a clear error where PyTorch returns NaN with a
# warning (a variance with no degrees of freedom; batch_norm in training on one value per
# channel or none).
