"""Every nn.functional argument that can be a Tensor is recorded or refused, never dropped.

An argument that requires grad must either receive its true gradient (checked against central
differences) or make the call raise "not differentiable with respect to argument ..." as
PyTorch does; a silently constant argument would leave its ``.grad`` None with no warning.
Options read as numbers (``eps``, ``negative_slope``, ``label_smoothing``, a dropout ``p``)
are refused too; ``test_every_argument_of_every_functional_function_is_audited`` checks every
parameter of every function.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F

RNG = np.random.default_rng(0)


def _t(*shape, low=None, high=None):
    if low is None:
        return autograd.tensor(RNG.standard_normal(shape))
    return autograd.tensor(RNG.uniform(low, high, shape))


X = _t(3, 4)
PROBS = _t(3, 4, low=0.1, high=0.9)
IMG = _t(2, 2, 5, 5)
LABELS = autograd.tensor([0, 3, 1])
SEQ = _t(2, 3, 4)  # (N, L, E) with batch_first
W24, B2, B4, G4, K3, B3 = _t(2, 4), _t(2), _t(4), _t(4), _t(3, 2, 3, 3), _t(3)
KT = _t(2, 3, 2, 2)  # a transposed convolution's weight: (C_in, C_out, kh, kw)
SIG, K1, KT1 = _t(2, 2, 6), _t(3, 2, 2), _t(2, 3, 2)  # (N, C, L), conv1d's and its transpose's
GRID = _t(2, 3, 2, 2, low=-0.9, high=0.9)  # grid_sample's points (N, Ho, Wo, 2)
VOL, K3D = _t(1, 2, 3, 3, 3), _t(3, 2, 2, 2, 2)  # conv3d's input (N, C, D, H, W) and weight
POS = _t(4, low=1, high=2)
BIAS_KV = _t(1, 1, 4)
MHA = dict(
    in_proj_weight=_t(12, 4),
    in_proj_bias=_t(12),
    out_proj_weight=_t(4, 4),
    out_proj_bias=_t(4),
)


def _mha(**changed):
    args = {**MHA, **changed}
    q = changed.pop("query", SEQ)
    out, _ = F.multi_head_attention_forward(
        q,
        SEQ,
        SEQ,
        4,
        2,
        args["in_proj_weight"],
        args["in_proj_bias"],
        changed.get("bias_k"),
        changed.get("bias_v"),
        False,
        changed.get("dropout_p", 0.0),
        args["out_proj_weight"],
        args["out_proj_bias"],
        attn_mask=changed.get("attn_mask"),
        key_padding_mask=changed.get("key_padding_mask"),
        need_weights=False,
        use_separate_proj_weight="q_proj_weight" in changed,
        q_proj_weight=changed.get("q_proj_weight"),
        k_proj_weight=changed.get("k_proj_weight", SEPARATE),
        v_proj_weight=changed.get("v_proj_weight", SEPARATE),
        static_k=changed.get("static_k"),
        batch_first=True,
    )
    return out


SIGNS = autograd.tensor(np.array([[1.0, -1, 1, -1], [-1, -1, 1, 1], [1, 1, -1, 1]]))
LISTED = autograd.tensor(np.array([[0, 2, -1, 1], [3, -1, 0, 0], [1, 0, 3, 2]]))
SEPARATE = _t(4, 4)
_BI_W = _t(2, 4, 4)  # a bilinear weight (out, in1, in2)
W42 = _t(4, 2)
STATIC_K = _t(4, 3, 2)  # (N * heads, S, head_dim)


# (function, argument, value, call): ``call(value)`` passes ``value`` as that argument.
RECORDED = [
    ("softmax", "x", X, lambda a: F.softmax(a, dim=1)),
    ("log_softmax", "x", X, lambda a: F.log_softmax(a, axis=0)),
    ("relu", "x", X, F.relu),
    ("leaky_relu", "x", X, F.leaky_relu),
    ("normalize", "x", X, F.normalize),
    ("pad", "x", X, lambda a: F.pad(a, (1, 2))),
    ("cosine_similarity", "x1", X, lambda a: F.cosine_similarity(a, X + 1.0)),
    ("cosine_similarity", "x2", X, lambda a: F.cosine_similarity(X + 1.0, a)),
    ("pairwise_distance", "x1", X, lambda a: F.pairwise_distance(a, X + 1.0)),
    ("pairwise_distance", "x2", X, lambda a: F.pairwise_distance(X + 1.0, a)),
    *[
        (name, "x", X, getattr(F, name))
        for name in (
            "elu",
            "selu",
            "celu",
            "silu",
            "mish",
            "softplus",
            "hardtanh",
            "relu6",
            "logsigmoid",
            "softsign",
            "hardsigmoid",
            "hardswish",
            "softmin",
        )
    ],
    ("gelu", "x", X, F.gelu),
    ("sigmoid", "x", X, F.sigmoid),
    ("tanh", "x", X, F.tanh),
    ("erf", "x", X, F.erf),
    ("dropout", "x", X, lambda a: F.dropout(a, 0.5, training=False)),
    ("linear", "x", X, lambda a: F.linear(a, W24, B2)),
    ("linear", "weight", _t(2, 4), lambda a: F.linear(X, a, B2)),
    ("linear", "bias", _t(2), lambda a: F.linear(X, W24, a)),
    ("embedding", "weight", _t(4, 2), lambda a: F.embedding(LABELS, a)),
    ("embedding_bag", "weight", _t(4, 2), lambda a: F.embedding_bag(LABELS, a, [0, 2])),
    (
        "embedding_bag",
        "per_sample_weights",
        _t(3),
        lambda a: F.embedding_bag(LABELS, W42, [0, 1], mode="sum", per_sample_weights=a),
    ),
    ("conv2d", "x", IMG, lambda a: F.conv2d(a, K3, B3)),
    ("conv2d", "weight", _t(3, 2, 3, 3), lambda a: F.conv2d(IMG, a, B3)),
    ("conv2d", "bias", _t(3), lambda a: F.conv2d(IMG, K3, a)),
    ("conv_transpose2d", "x", IMG, lambda a: F.conv_transpose2d(a, KT, B3, stride=2)),
    ("conv_transpose2d", "weight", _t(2, 3, 2, 2), lambda a: F.conv_transpose2d(IMG, a, B3)),
    ("conv_transpose2d", "bias", _t(3), lambda a: F.conv_transpose2d(IMG, KT, a, stride=2)),
    ("max_pool2d", "x", IMG, lambda a: F.max_pool2d(a, 2)),
    ("avg_pool2d", "x", IMG, lambda a: F.avg_pool2d(a, 2)),
    ("adaptive_avg_pool2d", "x", IMG, lambda a: F.adaptive_avg_pool2d(a, (2, 3))),
    ("conv1d", "x", SIG, lambda a: F.conv1d(a, K1, B3, padding="same")),
    ("conv1d", "weight", _t(4, 1, 2), lambda a: F.conv1d(SIG, a, B4, groups=2)),
    ("conv1d", "bias", _t(3), lambda a: F.conv1d(SIG, K1, a, dilation=2)),
    ("conv_transpose1d", "x", SIG, lambda a: F.conv_transpose1d(a, KT1, stride=2)),
    ("conv_transpose1d", "weight", _t(2, 3, 2), lambda a: F.conv_transpose1d(SIG, a, B3)),
    ("conv_transpose1d", "bias", _t(3), lambda a: F.conv_transpose1d(SIG, KT1, a, stride=2)),
    ("max_pool1d", "x", SIG, lambda a: F.max_pool1d(a, 2, ceil_mode=True)),
    ("avg_pool1d", "x", SIG, lambda a: F.avg_pool1d(a, 2, padding=1)),
    ("adaptive_avg_pool1d", "x", SIG, lambda a: F.adaptive_avg_pool1d(a, 3)),
    ("adaptive_max_pool1d", "x", SIG, lambda a: F.adaptive_max_pool1d(a, 3)),
    ("adaptive_max_pool2d", "x", IMG, lambda a: F.adaptive_max_pool2d(a, (2, 3))),
    ("interpolate", "x", IMG, lambda a: F.interpolate(a, scale_factor=1.5, mode="bilinear")),
    (
        "pixel_shuffle",
        "x",
        IMG,
        lambda a: F.pixel_shuffle(a[:, None].repeat(2, axis=1).reshape(2, 1, 4, 5, 5), 2),
    ),
    ("pixel_unshuffle", "x", IMG, lambda a: F.pixel_unshuffle(a[:, :, :4, :4], 2)),
    ("unfold", "x", IMG, lambda a: F.unfold(a, 2, stride=2)),
    ("grid_sample", "x", IMG, lambda a: F.grid_sample(a, GRID)),
    ("conv3d", "x", VOL, lambda a: F.conv3d(a, K3D, B3, padding=1)),
    ("conv3d", "weight", _t(3, 2, 2, 1, 2), lambda a: F.conv3d(VOL, a, B3, stride=2)),
    ("conv3d", "bias", _t(3), lambda a: F.conv3d(VOL, K3D, a)),
    ("max_pool3d", "x", VOL, lambda a: F.max_pool3d(a, 2, ceil_mode=True)),
    ("avg_pool3d", "x", VOL, lambda a: F.avg_pool3d(a, 2, ceil_mode=True)),
    ("adaptive_avg_pool3d", "x", VOL, lambda a: F.adaptive_avg_pool3d(a, (2, 1, 2))),
    ("grid_sample", "grid", GRID, lambda a: F.grid_sample(IMG, a, padding_mode="border")),
    ("affine_grid", "theta", _t(2, 2, 3), lambda a: F.affine_grid(a, (2, 1, 3, 2))),
    ("fold", "x", _t(2, 8, 4), lambda a: F.fold(a, (3, 3), 2)),
    ("dropout2d", "x", IMG, lambda a: F.dropout2d(a, 0.5, training=False)),
    ("layer_norm", "input", X, lambda a: F.layer_norm(a, 4, G4, B4)),
    ("layer_norm", "weight", _t(4), lambda a: F.layer_norm(X, 4, a, B4)),
    ("layer_norm", "bias", _t(4), lambda a: F.layer_norm(X, 4, G4, a)),
    ("batch_norm", "input", X, lambda a: F.batch_norm(a, None, None, training=True)),
    ("batch_norm", "weight", _t(4), lambda a: F.batch_norm(X, None, None, a, training=True)),
    ("batch_norm", "bias", _t(4), lambda a: F.batch_norm(X, None, None, None, a, training=True)),
    ("cross_entropy", "input", X, lambda a: F.cross_entropy(a, LABELS)),
    ("cross_entropy", "target (probabilities)", PROBS, lambda a: F.cross_entropy(X, a)),
    (
        "cross_entropy",
        "weight (probabilities)",
        _t(4, low=0.5, high=2),
        lambda a: F.cross_entropy(X, PROBS, weight=a, label_smoothing=0.1),
    ),
    ("nll_loss", "input", X, lambda a: F.nll_loss(a, LABELS)),
    ("binary_cross_entropy", "input", PROBS, lambda a: F.binary_cross_entropy(a, PROBS)),
    ("binary_cross_entropy", "target", PROBS, lambda a: F.binary_cross_entropy(PROBS, a)),
    (
        "binary_cross_entropy_with_logits",
        "input",
        X,
        lambda a: F.binary_cross_entropy_with_logits(a, PROBS),
    ),
    (
        "binary_cross_entropy_with_logits",
        "target",
        PROBS,
        lambda a: F.binary_cross_entropy_with_logits(X, a, pos_weight=POS),
    ),
    ("mse_loss", "input", X, lambda a: F.mse_loss(a, PROBS)),
    ("mse_loss", "target", PROBS, lambda a: F.mse_loss(X, a)),
    ("l1_loss", "input", X, lambda a: F.l1_loss(a, PROBS)),
    ("l1_loss", "target", PROBS, lambda a: F.l1_loss(X, a)),
    ("huber_loss", "input", X, lambda a: F.huber_loss(a, PROBS, delta=0.5)),
    ("smooth_l1_loss", "input", X, lambda a: F.smooth_l1_loss(a, PROBS, beta=0.5)),
    ("huber_loss", "target", PROBS, lambda a: F.huber_loss(X, a, delta=0.5)),
    ("smooth_l1_loss", "target", PROBS, lambda a: F.smooth_l1_loss(X, a, beta=0.5)),
    (
        "scaled_dot_product_attention",
        "query",
        SEQ,
        lambda a: F.scaled_dot_product_attention(a, SEQ, SEQ),
    ),
    (
        "scaled_dot_product_attention",
        "key",
        SEQ,
        lambda a: F.scaled_dot_product_attention(SEQ, a, SEQ),
    ),
    (
        "scaled_dot_product_attention",
        "value",
        SEQ,
        lambda a: F.scaled_dot_product_attention(SEQ, SEQ, a),
    ),
    (
        "scaled_dot_product_attention",
        "attn_mask (float)",
        _t(3, 3),
        lambda a: F.scaled_dot_product_attention(SEQ, SEQ, SEQ, attn_mask=a),
    ),
    ("multi_head_attention_forward", "query", SEQ, lambda a: _mha(query=a)),
    (
        "multi_head_attention_forward",
        "in_proj_weight",
        MHA["in_proj_weight"],
        lambda a: _mha(in_proj_weight=a),
    ),
    (
        "multi_head_attention_forward",
        "in_proj_bias",
        MHA["in_proj_bias"],
        lambda a: _mha(in_proj_bias=a),
    ),
    (
        "multi_head_attention_forward",
        "out_proj_weight",
        MHA["out_proj_weight"],
        lambda a: _mha(out_proj_weight=a),
    ),
    (
        "multi_head_attention_forward",
        "out_proj_bias",
        MHA["out_proj_bias"],
        lambda a: _mha(out_proj_bias=a),
    ),
    (
        "multi_head_attention_forward",
        "bias_k",
        _t(1, 1, 4),
        lambda a: _mha(bias_k=a, bias_v=BIAS_KV),
    ),
    (
        "multi_head_attention_forward",
        "bias_v",
        _t(1, 1, 4),
        lambda a: _mha(bias_k=BIAS_KV, bias_v=a),
    ),
    (
        "multi_head_attention_forward",
        "attn_mask (float)",
        _t(3, 3),
        lambda a: _mha(attn_mask=a),
    ),
    (
        "multi_head_attention_forward",
        "key_padding_mask (float)",
        _t(2, 3),
        lambda a: _mha(key_padding_mask=a),
    ),
    (
        "multi_head_attention_forward",
        "q_proj_weight (separate projections)",
        _t(4, 4),
        lambda a: _mha(q_proj_weight=a),
    ),
    ("multi_head_attention_forward", "static_k", STATIC_K, lambda a: _mha(static_k=a)),
    (
        "batch_norm",
        "eps",
        _t(low=0.1, high=0.5),
        lambda a: F.batch_norm(X, None, None, training=True, eps=a),
    ),
    ("group_norm", "input", IMG, lambda a: F.group_norm(a, 2, B2, B2)),
    ("group_norm", "weight", _t(2), lambda a: F.group_norm(IMG, 1, a, B2)),
    ("group_norm", "bias", _t(2), lambda a: F.group_norm(IMG, 2, B2, a)),
    ("instance_norm", "input", IMG, lambda a: F.instance_norm(a, weight=B2, bias=B2)),
    ("instance_norm", "weight", _t(2), lambda a: F.instance_norm(IMG, weight=a)),
    ("instance_norm", "bias", _t(2), lambda a: F.instance_norm(IMG, bias=a)),
    ("rms_norm", "input", X, lambda a: F.rms_norm(a, 4, G4)),
    ("rms_norm", "weight", _t(4), lambda a: F.rms_norm(X, 4, a)),
    ("local_response_norm", "input", IMG, lambda a: F.local_response_norm(a, 2, 0.5)),
    ("glu", "x", X, F.glu),
    ("threshold", "x", X, lambda a: F.threshold(a, 0.1, -1.0)),
    ("bilinear", "input1", X, lambda a: F.bilinear(a, X, _BI_W, B2)),
    ("bilinear", "input2", X, lambda a: F.bilinear(X, a, _BI_W, B2)),
    ("bilinear", "weight", _t(2, 4, 4), lambda a: F.bilinear(X, X, a, B2)),
    ("bilinear", "bias", _t(2), lambda a: F.bilinear(X, X, _BI_W, a)),
    ("alpha_dropout", "input", X, lambda a: F.alpha_dropout(a, 0.5)),  # eval: the identity
    ("feature_alpha_dropout", "input", IMG, lambda a: F.feature_alpha_dropout(a, 0.5)),
    ("dropout1d", "input", SEQ, lambda a: F.dropout1d(a, 0.5, training=False)),
    ("dropout3d", "input", IMG, lambda a: F.dropout3d(a, 0.5, training=False)),
    ("huber_loss", "delta", _t(low=0.5, high=1), lambda a: F.huber_loss(X, PROBS, delta=a)),
    ("kl_div", "input", X, lambda a: F.kl_div(a, PROBS, reduction="batchmean")),
    ("kl_div", "target", PROBS, lambda a: F.kl_div(X, a, reduction="sum")),
    ("poisson_nll_loss", "input", X, lambda a: F.poisson_nll_loss(a, PROBS * 3, full=True)),
    ("poisson_nll_loss", "target", PROBS, lambda a: F.poisson_nll_loss(X, a * 3, full=True)),
    ("gaussian_nll_loss", "input", X, lambda a: F.gaussian_nll_loss(a, PROBS, PROBS)),
    ("gaussian_nll_loss", "target", X, lambda a: F.gaussian_nll_loss(PROBS, a, PROBS)),
    ("gaussian_nll_loss", "var", PROBS, lambda a: F.gaussian_nll_loss(X, PROBS, a)),
    ("margin_ranking_loss", "input1", X, lambda a: F.margin_ranking_loss(a, PROBS, SIGNS)),
    ("margin_ranking_loss", "input2", X, lambda a: F.margin_ranking_loss(PROBS, a, SIGNS)),
    ("margin_ranking_loss", "target", SIGNS, lambda a: F.margin_ranking_loss(X, PROBS, a)),
    ("hinge_embedding_loss", "input", X, lambda a: F.hinge_embedding_loss(a, SIGNS)),
    ("cosine_embedding_loss", "input1", X, lambda a: F.cosine_embedding_loss(a, PROBS, B3 * 0 - 1)),
    (
        "cosine_embedding_loss",
        "input2",
        X,
        lambda a: F.cosine_embedding_loss(PROBS, a, SIGNS[:, 0]),
    ),
    ("triplet_margin_loss", "anchor", X, lambda a: F.triplet_margin_loss(a, PROBS, -X)),
    ("triplet_margin_loss", "positive", X, lambda a: F.triplet_margin_loss(PROBS, a, -X)),
    ("triplet_margin_loss", "negative", X, lambda a: F.triplet_margin_loss(PROBS, -X, a)),
    ("soft_margin_loss", "input", X, lambda a: F.soft_margin_loss(a, SIGNS)),
    *[
        (
            "triplet_margin_with_distance_loss",
            name,
            X,
            lambda a, i=i: F.triplet_margin_with_distance_loss(
                *[a if j == i else v for j, v in enumerate((PROBS, -X, X * 2))], swap=True
            ),
        )
        for i, name in enumerate(("anchor", "positive", "negative"))
    ],
    ("multilabel_soft_margin_loss", "input", X, lambda a: F.multilabel_soft_margin_loss(a, PROBS)),
    ("multilabel_soft_margin_loss", "target", PROBS, lambda a: F.multilabel_soft_margin_loss(X, a)),
    (
        "multilabel_soft_margin_loss",
        "weight",
        POS,
        lambda a: F.multilabel_soft_margin_loss(X, PROBS, weight=a),
    ),
    ("multi_margin_loss", "input", X, lambda a: F.multi_margin_loss(a, LABELS, p=2)),
    ("multilabel_margin_loss", "input", X, lambda a: F.multilabel_margin_loss(a, LISTED)),
    (
        "ctc_loss",
        "log_probs",
        _t(3, 2, 4),
        lambda a: F.ctc_loss(a, np.array([[1], [2]]), [3, 2], [1, 1]),
    ),
    ("smooth_l1_loss", "beta", _t(low=0.5, high=1), lambda a: F.smooth_l1_loss(X, PROBS, beta=a)),
]

REFUSED = [
    ("cross_entropy", "weight", _t(4), lambda a: F.cross_entropy(X, LABELS, weight=a)),
    ("nll_loss", "weight", _t(4), lambda a: F.nll_loss(X, LABELS, weight=a)),
    (
        "binary_cross_entropy",
        "weight",
        _t(3, 4),
        lambda a: F.binary_cross_entropy(PROBS, PROBS, weight=a),
    ),
    (
        "binary_cross_entropy_with_logits",
        "weight",
        _t(4),
        lambda a: F.binary_cross_entropy_with_logits(X, PROBS, weight=a),
    ),
    (
        "binary_cross_entropy_with_logits",
        "pos_weight",
        _t(4),
        lambda a: F.binary_cross_entropy_with_logits(X, PROBS, pos_weight=a),
    ),
    (
        "batch_norm",
        "running_mean",
        _t(4),
        lambda a: F.batch_norm(X, a, POS, training=True),
    ),
    (
        "batch_norm",
        "running_var",
        _t(4, low=1, high=2),
        lambda a: F.batch_norm(X, B4, a, training=False),
    ),
    # Options read as numbers (PyTorch's are Python floats); a dropout mask is a draw.
    (
        "batch_norm",
        "momentum",
        _t(),
        lambda a: F.batch_norm(X, B4 * 0, POS, training=True, momentum=a),
    ),
    ("layer_norm", "eps", _t(), lambda a: F.layer_norm(X, 4, eps=a * 0 + 1e-5)),
    ("leaky_relu", "negative_slope", _t(), lambda a: F.leaky_relu(X, a)),
    ("normalize", "eps", _t(), lambda a: F.normalize(X, eps=a)),
    ("pad", "value", _t(), lambda a: F.pad(X, (1, 1), value=a)),
    ("normalize", "p", autograd.tensor(2.0), lambda a: F.normalize(X, p=a)),
    ("pairwise_distance", "p", autograd.tensor(1.0), lambda a: F.pairwise_distance(X, X, p=a)),
    ("cosine_similarity", "eps", _t(), lambda a: F.cosine_similarity(X, X, eps=a)),
    ("pairwise_distance", "eps", _t(), lambda a: F.pairwise_distance(X, X + 1.0, eps=a)),
    ("elu", "alpha", _t(), lambda a: F.elu(X, a)),
    ("celu", "alpha", _t(), lambda a: F.celu(X, a)),
    ("softplus", "beta", _t(), lambda a: F.softplus(X, a)),
    ("softplus", "threshold", _t(), lambda a: F.softplus(X, 1.0, a)),
    ("hardtanh", "min_val", autograd.tensor(-2.0), lambda a: F.hardtanh(X, a)),
    ("hardtanh", "max_val", autograd.tensor(2.0), lambda a: F.hardtanh(X, -1.0, a)),
    (
        "cross_entropy",
        "label_smoothing",
        _t(),
        lambda a: F.cross_entropy(X, LABELS, label_smoothing=a * 0 + 0.1),
    ),
    ("dropout", "p", _t(), lambda a: F.dropout(X, a * 0 + 0.5)),
    ("dropout1d", "p", _t(), lambda a: F.dropout1d(SEQ, a * 0 + 0.5)),
    ("dropout3d", "p", _t(), lambda a: F.dropout3d(IMG, a * 0 + 0.5)),
    ("alpha_dropout", "p", _t(), lambda a: F.alpha_dropout(X, a * 0 + 0.5, True)),
    ("feature_alpha_dropout", "p", _t(), lambda a: F.feature_alpha_dropout(X, a * 0 + 0.5, True)),
    ("group_norm", "eps", _t(), lambda a: F.group_norm(IMG, 2, eps=a * 0 + 1e-5)),
    ("instance_norm", "eps", _t(), lambda a: F.instance_norm(IMG, eps=a * 0 + 1e-5)),
    (
        "instance_norm",
        "momentum",
        _t(),
        lambda a: F.instance_norm(IMG, B2 * 0, POS[:2], momentum=a),
    ),
    ("instance_norm", "running_mean", _t(2), lambda a: F.instance_norm(IMG, a, POS[:2])),
    (
        "instance_norm",
        "running_var",
        _t(2, low=1, high=2),
        lambda a: F.instance_norm(IMG, B2, a, use_input_stats=False),
    ),
    ("rms_norm", "eps", _t(), lambda a: F.rms_norm(X, 4, eps=a * 0 + 1e-5)),
    ("local_response_norm", "alpha", _t(), lambda a: F.local_response_norm(IMG, 2, a)),
    ("local_response_norm", "beta", _t(), lambda a: F.local_response_norm(IMG, 2, beta=a)),
    ("local_response_norm", "k", _t(), lambda a: F.local_response_norm(IMG, 2, k=a * 0 + 1)),
    ("threshold", "threshold", _t(), lambda a: F.threshold(X, a, 0.0)),
    ("threshold", "value", _t(), lambda a: F.threshold(X, 0.0, a)),
    ("dropout2d", "p", _t(), lambda a: F.dropout2d(IMG, a * 0 + 0.5)),
    ("interpolate", "scale_factor", _t(), lambda a: F.interpolate(IMG, scale_factor=a * 0 + 2)),
    (
        "scaled_dot_product_attention",
        "scale",
        _t(),
        lambda a: F.scaled_dot_product_attention(SEQ, SEQ, SEQ, scale=a),
    ),
    (
        "scaled_dot_product_attention",
        "dropout_p",
        _t(),
        lambda a: F.scaled_dot_product_attention(SEQ, SEQ, SEQ, dropout_p=a * 0),
    ),
    ("multi_head_attention_forward", "dropout_p", _t(), lambda a: _mha(dropout_p=a * 0)),
    # the new losses: labels, class weights PyTorch does not differentiate, numeric options
    (
        "poisson_nll_loss",
        "eps",
        _t(),
        lambda a: F.poisson_nll_loss(PROBS, X, False, eps=a * 0 + 1e-8),
    ),
    ("gaussian_nll_loss", "eps", _t(), lambda a: F.gaussian_nll_loss(X, PROBS, PROBS, eps=a)),
    ("margin_ranking_loss", "margin", _t(), lambda a: F.margin_ranking_loss(X, X, SIGNS, a)),
    ("hinge_embedding_loss", "target", SIGNS, lambda a: F.hinge_embedding_loss(X, a)),
    ("hinge_embedding_loss", "margin", _t(), lambda a: F.hinge_embedding_loss(X, SIGNS, a)),
    ("cosine_embedding_loss", "target", B3, lambda a: F.cosine_embedding_loss(X, X, a)),
    ("cosine_embedding_loss", "margin", _t(), lambda a: F.cosine_embedding_loss(X, X, B3, a)),
    ("triplet_margin_loss", "margin", POS[0], lambda a: F.triplet_margin_loss(X, X, X, a)),
    ("triplet_margin_loss", "p", POS[0], lambda a: F.triplet_margin_loss(X, X, X, p=a)),
    ("triplet_margin_loss", "eps", _t(), lambda a: F.triplet_margin_loss(X, X, X, eps=a)),
    ("soft_margin_loss", "target", SIGNS, lambda a: F.soft_margin_loss(X, a)),
    ("multi_margin_loss", "weight", POS, lambda a: F.multi_margin_loss(X, LABELS, weight=a)),
    ("multi_margin_loss", "margin", _t(), lambda a: F.multi_margin_loss(X, LABELS, margin=a)),
    ("multi_margin_loss", "p", POS[0], lambda a: F.multi_margin_loss(X, LABELS, p=a * 0 + 1)),
    (
        "triplet_margin_with_distance_loss",
        "margin",
        POS[0],
        lambda a: F.triplet_margin_with_distance_loss(X, X, X, margin=a),
    ),
    ("embedding_bag", "norm_type", _t(), lambda a: F.embedding_bag(LABELS, W42, [0], norm_type=a)),
    (
        "embedding_bag",
        "max_norm",
        _t(),
        lambda a: F.embedding_bag(LABELS, _t(4, 2), [0], max_norm=a),
    ),
    ("embedding", "max_norm", _t(), lambda a: F.embedding(LABELS, _t(4, 2), max_norm=a)),
    ("embedding", "norm_type", _t(), lambda a: F.embedding(LABELS, _t(4, 2), norm_type=a)),
]


def _leaf(value):
    return autograd.tensor(value.data.copy(), requires_grad=True)


@pytest.mark.parametrize(
    "name, argument, value, call", RECORDED, ids=[f"{c[0]}-{c[1]}" for c in RECORDED]
)
def test_tensor_argument_requiring_grad_gets_its_true_gradient(name, argument, value, call):
    leaf = _leaf(value)
    out = call(leaf)
    out.sum().backward()
    assert leaf.grad is not None, f"{name}: {argument} was dropped from the graph"
    assert autograd.gradcheck(call, [_leaf(value)])


@pytest.mark.parametrize(
    "name, argument, value, call", REFUSED, ids=[f"{c[0]}-{c[1]}" for c in REFUSED]
)
def test_tensor_argument_that_is_not_differentiated_refuses_grad(name, argument, value, call):
    bare = argument.split()[0]
    with pytest.raises(RuntimeError, match=f"{name}: not differentiable .* '{bare}'"):
        call(_leaf(value))
    call(value)  # the same value as a constant works


def test_every_functional_function_is_audited():
    audited = {case[0] for case in RECORDED + REFUSED} | {"one_hot"}  # one_hot: integers only
    public = {n for n in dir(F) if not n.startswith("_") and callable(getattr(F, n))}
    public = {n for n in public if getattr(F, n).__module__.startswith("nn.functional")}
    assert public - audited == set()


# Parameters that name structure or take integers, bools or strings: no Tensor value there can
# carry a gradient (integer tensors cannot require grad).
STRUCTURAL = {
    "axis", "dim", "dtype", "reduction", "training", "stride", "padding", "kernel_size",
    "ceil_mode", "count_include_pad", "divisor_override", "output_size", "normalized_shape",
    "ignore_index", "indices", "padding_idx", "num_classes", "approximate", "is_causal",
    "enable_gqa", "need_weights", "average_attn_weights", "use_separate_proj_weight",
    "batch_first", "add_zero_attn", "embed_dim_to_check", "num_heads", "output_padding",
    "groups", "dilation", "inplace", "keepdim", "keepdims", "pad", "mode", "num_groups",
    "size", "use_input_stats", "return_indices", "align_corners", "recompute_scale_factor",
    "antialias", "upscale_factor", "downscale_factor", "padding_mode",
    "size_average", "reduce", "log_target", "log_input", "full", "swap", "blank",
    "zero_infinity",
}  # fmt: skip
# Arguments audited by a case under another label, or integer-only.
ALSO = {
    ("nll_loss", "target"): "class indices (integers)",
    ("cross_entropy", "target"): "class indices, or probabilities (recorded above)",
    ("multi_head_attention_forward", "key"): "recorded as query is (the same projections)",
    ("multi_head_attention_forward", "value"): "recorded as query is (the same projections)",
    ("multi_head_attention_forward", "k_proj_weight"): "recorded as q_proj_weight is",
    ("multi_head_attention_forward", "v_proj_weight"): "recorded as q_proj_weight is",
    ("multi_head_attention_forward", "static_v"): "recorded as static_k is",
    ("multi_margin_loss", "target"): "class indices (integers)",
    ("multilabel_margin_loss", "target"): "class indices (integers)",
    ("ctc_loss", "targets"): "class indices (integers)",
    ("triplet_margin_with_distance_loss", "distance_function"): "a function",
    ("ctc_loss", "input_lengths"): "integers",
    ("ctc_loss", "target_lengths"): "integers",
    ("embedding_bag", "input"): "indices (integers)",
    ("embedding_bag", "offsets"): "bag starts (integers)",
    ("embedding", "scale_grad_by_freq"): "a bool",
    ("embedding", "sparse"): "a bool (the gradient is dense either way)",
    ("embedding_bag", "scale_grad_by_freq"): "a bool",
    ("embedding_bag", "sparse"): "a bool (the gradient is dense either way)",
    ("embedding_bag", "include_last_offset"): "a bool",
}


def test_every_argument_of_every_functional_function_is_audited():
    import inspect

    audited = {(case[0], case[1].split()[0]) for case in RECORDED + REFUSED} | set(ALSO)
    missing = []
    for name in dir(F):
        function = getattr(F, name)
        if name.startswith("_") or not callable(function) or name == "one_hot":
            continue
        if not getattr(function, "__module__", "").startswith("nn.functional"):
            continue
        for parameter in inspect.signature(function).parameters:
            if parameter not in STRUCTURAL and (name, parameter) not in audited:
                missing.append((name, parameter))
    assert missing == []


@pytest.mark.parametrize(
    "make, call, name, argument",
    [
        (
            lambda w: nn.CrossEntropyLoss(weight=w),
            lambda m: m(X, LABELS),
            "cross_entropy",
            "weight",
        ),
        (lambda w: nn.NLLLoss(weight=w), lambda m: m(X, LABELS), "nll_loss", "weight"),
        (
            lambda w: nn.BCELoss(weight=w),
            lambda m: m(PROBS, PROBS),
            "binary_cross_entropy",
            "weight",
        ),
        (
            lambda w: nn.BCEWithLogitsLoss(pos_weight=w),
            lambda m: m(X, PROBS),
            "binary_cross_entropy_with_logits",
            "pos_weight",
        ),
        (lambda w: nn.LeakyReLU(w), lambda m: m(X), "leaky_relu", "negative_slope"),
        (
            lambda w: nn.MultiMarginLoss(weight=w),
            lambda m: m(X, LABELS),
            "multi_margin_loss",
            "weight",
        ),
    ],
)
def test_layers_given_a_tensor_that_requires_grad_refuse_it_where_functional_does(
    make, call, name, argument
):
    # The layers hold these as buffers or options and call nn.functional, which refuses them.
    with pytest.raises(RuntimeError, match=f"{name}: not differentiable .* '{argument}'"):
        call(make(_leaf(_t(4, low=0.5, high=1.5) if argument != "negative_slope" else _t())))


def test_batch_norm_layer_refuses_running_stats_that_require_grad():
    layer = nn.BatchNorm1d(4)
    layer.running_mean = _leaf(_t(4))
    with pytest.raises(RuntimeError, match="batch_norm: not differentiable .* 'running_mean'"):
        layer(X)
