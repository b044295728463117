"""The dropout variants beside plain ``dropout`` (linear.py) and ``dropout2d`` (pooling.py):
channel dropout of 1-D and 3-D feature maps (``dropout1d``, ``dropout3d``) and the alpha
dropouts that keep a SELU network's mean 0 and variance 1 (``alpha_dropout``,
``feature_alpha_dropout``).

Every mask is drawn from the library generator (``autograd.manual_seed``), never PyTorch's, so
the masks differ from PyTorch's draws; their distribution and the scaling are PyTorch's. The
result is x times a constant mask (plus a constant), so the gradient is the mask's factor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd.graph.origins import name_array

from .checks import as_tensor, check_floating, refuse_grad
from .inplace import write_in_place
from .linear import dropout_mask

# SELU's negative saturation value, -scale * alpha: what alpha dropout sets dropped units to.
SELU_SATURATION = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def _check_p(fn: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{fn}: p must be between 0 and 1, got {p}")
    refuse_grad(fn, "p", p)  # the mask is a draw: no derivative with respect to p


def _mask_shape(fn: str, x: autograd.Tensor, spatial: int | None) -> tuple[int, ...]:
    """One draw per channel: x's shape with the ``spatial`` trailing axes set to 1, for an
    (N, C, *spatial) or unbatched (C, *spatial) input; ``spatial=None``: (N, C, 1, ...)."""
    if spatial is None:
        if x.ndim < 2:
            raise ValueError(f"{fn}: input must be (N, C, ...), got shape {x.shape}")
        return x.shape[:2] + (1,) * (x.ndim - 2)
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(
            f"{fn}: input must be (N, C{', L' * spatial}) or (C{', L' * spatial}) -- "
            f"{spatial + 1} or {spatial + 2} dimensions -- got shape {x.shape}"
        )
    return x.shape[: x.ndim - spatial] + (1,) * spatial


def _channel_dropout(
    fn: str, x: Any, p: float, training: bool, inplace: bool, spatial: int
) -> autograd.Tensor:
    if inplace and training and p != 0.0:
        return write_in_place(
            as_tensor(x), lambda old: _channel_dropout(fn, old, p, True, False, spatial), fn + "_"
        )
    _check_p(fn, p)
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    check_floating(fn, "input", x)
    return x * dropout_mask(_mask_shape(fn, x, spatial), p, x.dtype)


def dropout1d(
    input: Any, p: float = 0.5, training: bool = True, inplace: bool = False
) -> autograd.Tensor:
    """Channel dropout of an (N, C, L) or (C, L) input: in training each channel of each
    sample (a whole length-L signal) is zeroed with probability ``p`` and the others scaled by
    1 / (1 - p); in evaluation y = x."""
    return _channel_dropout("dropout1d", input, p, training, inplace, 1)


def dropout3d(
    input: Any, p: float = 0.5, training: bool = True, inplace: bool = False
) -> autograd.Tensor:
    """Channel dropout of an (N, C, D, H, W) or (C, D, H, W) input: in training each channel of
    each sample (a whole volume) is zeroed with probability ``p`` and the others scaled by
    1 / (1 - p); in evaluation y = x."""
    return _channel_dropout("dropout3d", input, p, training, inplace, 3)


def _alpha_dropout(
    fn: str, x: Any, p: float, training: bool, inplace: bool, per_channel: bool
) -> autograd.Tensor:
    if inplace and training and p != 0.0:
        return write_in_place(
            as_tensor(x),
            lambda old: _alpha_dropout(fn, old, p, True, False, per_channel),
            fn + "_",
        )
    _check_p(fn, p)
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    check_floating(fn, "input", x)
    shape = _mask_shape(fn, x, None) if per_channel else x.shape
    if p == 1.0:  # every unit dropped: PyTorch returns zeros
        return x * np.zeros(shape, dtype=x.dtype)
    keep = autograd.get_generator().random(shape, dtype=np.float32) >= p
    a = 1.0 / math.sqrt((SELU_SATURATION**2 * p + 1.0) * (1.0 - p))
    scale = (keep * a).astype(x.dtype)
    shift = (a * SELU_SATURATION * ((1.0 - keep) - p)).astype(x.dtype)
    if x.requires_grad and autograd.is_grad_enabled():  # drawings name the mask
        name_array(scale, f"{fn} mask")
    return x * scale + shift


def alpha_dropout(
    input: Any, p: float = 0.5, training: bool = False, inplace: bool = False
) -> autograd.Tensor:
    """Alpha dropout (for SELU networks): in training each element is dropped with
    probability ``p`` and set to SELU's saturation value a' = -scale * alpha = -1.7581, then an
    affine map restores mean 0 and variance 1 for standardised inputs::

        y = A * (x * m + a' * (1 - m)) + B,   m ~ Bernoulli(1 - p),
        A = ((1 - p) * (1 + p * a'^2)) ^ -1/2,   B = -A * a' * p

    (p = 1 gives zeros). Note PyTorch's default ``training=False`` here: the functional form is
    the identity unless asked; ``nn.AlphaDropout`` passes the module's mode.
    """
    return _alpha_dropout("alpha_dropout", input, p, training, inplace, False)


def feature_alpha_dropout(
    input: Any, p: float = 0.5, training: bool = False, inplace: bool = False
) -> autograd.Tensor:
    """Alpha dropout (see ``alpha_dropout``) of whole channels of an (N, C, ...) input: one
    draw per channel of each sample. The functional default is ``training=False``, as
    PyTorch's."""
    return _alpha_dropout("feature_alpha_dropout", input, p, training, inplace, True)
