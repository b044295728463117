"""``nn.functional``: the stateless form of every layer and loss (``from nn import functional
as F``). Tensor-op arguments are spelled either way, NumPy's ``axis=`` or PyTorch's ``dim=``
(one of the two per call); everything else follows PyTorch."""

from .activation import (
    celu,
    elu,
    erf,
    gelu,
    glu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softsign,
    tanh,
    threshold,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .channel_norm import group_norm, instance_norm, local_response_norm
from .conv import conv2d, conv_transpose2d, max_pool2d
from .distance import cosine_similarity, normalize, pairwise_distance
from .dropout import alpha_dropout, dropout1d, dropout3d, feature_alpha_dropout
from .linear import bilinear, dropout, embedding, linear, one_hot
from .loss import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, nll_loss
from .normalization import batch_norm, layer_norm, rms_norm
from .padding import pad
from .pooling import adaptive_avg_pool2d, avg_pool2d, dropout2d
from .regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss

__all__ = [
    "alpha_dropout",
    "bilinear",
    "dropout1d",
    "dropout3d",
    "feature_alpha_dropout",
    "glu",
    "group_norm",
    "instance_norm",
    "local_response_norm",
    "rms_norm",
    "threshold",
    "pad",
    "cosine_similarity",
    "normalize",
    "pairwise_distance",
    "celu",
    "elu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "logsigmoid",
    "mish",
    "relu6",
    "selu",
    "silu",
    "softmin",
    "softplus",
    "softsign",
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "dropout2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "embedding",
    "erf",
    "gelu",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "multi_head_attention_forward",
    "nll_loss",
    "one_hot",
    "relu",
    "scaled_dot_product_attention",
    "sigmoid",
    "smooth_l1_loss",
    "softmax",
    "tanh",
]
