"""Changing an image's resolution: ``interpolate`` (nearest, linear, bilinear, bicubic,
trilinear, area) and the pixel shuffles (channels <-> space, PyTorch's sub-pixel convolution
layout).

``interpolate`` works one spatial axis at a time: every output position reads one input
position (nearest), two neighbours weighted by its distance to them (linear) or four (cubic).
Those are recorded indexing and arithmetic, so the gradient is exact: each output's gradient
goes back to the input positions it read, times their weights. Bilinear, bicubic and trilinear
interpolation are 1-D interpolation along each axis in turn (their weights are products of
per-axis ones). The index rules are PyTorch's, to the rounding: see ``nearest_sources``,
``linear_sources`` and ``cubic_sources``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, refuse_grad
from .contiguous import permute_contiguous
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
from .volume import adaptive_avg_pool3d

# The interpolating modes and the spatial axes each needs.
LINEAR = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution parameter


def nearest_sources(length: int, out: int, scale: float | None, exact: bool = False) -> np.ndarray:
    """PyTorch's nearest-neighbour source of each output position i: floor(i * r) with
    r = 1 / scale_factor when one was given, else length / out, computed in float32 as
    PyTorch's CPU kernel does (``exact``: floor((i + 0.5) r), 'nearest-exact'); at most
    length - 1."""
    if scale is not None and scale > 0:
        ratio = np.float32(1.0 / scale)
    else:
        ratio = np.float32(length) / np.float32(out)
    i = np.arange(out)
    if exact:
        where = np.floor(((i + 0.5) * np.float64(ratio)).astype(np.float32))
    else:
        where = np.floor(i.astype(np.float32) * ratio)
    return np.minimum(where.astype(np.int64), length - 1)


def linear_sources(
    length: int, out: int, scale: float | None, align_corners: bool, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PyTorch's linear interpolation along one axis: output i reads x[i0] (1 - w) + x[i1] w
    at the source coordinate s = i r (align_corners: r = (length - 1) / (out - 1), the corner
    pixels' centres align) or s = max((i + 0.5) r - 0.5, 0) (r = 1 / scale_factor or
    length / out: the pixels' areas align); i0 = floor(s), i1 = min(i0 + 1, length - 1),
    w = s - i0. Computed in the input's dtype, as PyTorch does."""
    if align_corners:
        ratio = dtype.type((length - 1) / (out - 1)) if out > 1 else dtype.type(0)
        where = ratio * np.arange(out, dtype=dtype)
    else:
        if scale is not None and scale > 0:
            ratio = dtype.type(1.0 / scale)
        else:
            ratio = dtype.type(length) / dtype.type(out)
        where = np.maximum(ratio * (np.arange(out, dtype=dtype) + dtype.type(0.5)) - 0.5, 0)
    where = where.astype(dtype)
    low = np.minimum(np.floor(where).astype(np.int64), length - 1)
    weight = np.clip(where - low, 0, 1).astype(dtype)
    high = low + (low < length - 1)
    return low, high, weight


def cubic_sources(
    length: int, out: int, scale: float | None, align_corners: bool, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's bicubic interpolation along one axis: output i reads the four inputs around
    the source coordinate s (as in ``linear_sources`` but not clamped at 0), x[f - 1 .. f + 2]
    with f = floor(s) (indices clamped to the input), weighted by Keys' cubic convolution with
    a = -0.75 at distances t + 1, t, 1 - t, 2 - t (t = s - f). Returns the (out, 4) indices
    and weights."""
    if align_corners:
        ratio = dtype.type((length - 1) / (out - 1)) if out > 1 else dtype.type(0)
        where = ratio * np.arange(out, dtype=dtype)
    else:
        if scale is not None and scale > 0:
            ratio = dtype.type(1.0 / scale)
        else:
            ratio = dtype.type(length) / dtype.type(out)
        where = ratio * (np.arange(out, dtype=dtype) + dtype.type(0.5)) - dtype.type(0.5)
    floor = np.floor(where)
    t = (where - floor).astype(dtype)
    a = dtype.type(CUBIC_A)

    def near(x: np.ndarray) -> np.ndarray:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: np.ndarray) -> np.ndarray:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], axis=-1).astype(dtype)
    index = np.clip(floor.astype(np.int64)[:, None] + np.arange(-1, 3), 0, length - 1)
    return index, weights


def _along(x: autograd.Tensor, axis: int, index: np.ndarray) -> autograd.Tensor:
    """x[..., index, ...] with ``index`` on ``axis`` (recorded indexing)."""
    return x[(slice(None),) * axis + (index,)]


def _output_sizes(
    spatial: tuple, size: Any, scale_factor: Any, recompute: Any
) -> tuple[tuple[int, ...], tuple]:
    """PyTorch's output sizes, and the scales its kernels read: floor(in * scale_factor) and
    the scale factors themselves (unless recompute_scale_factor=True, or ``size`` was given:
    then the kernels use in / out)."""
    dims = len(spatial)
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, tuple | list) else (size,) * dims
        if len(sizes) != dims or not all(
            isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes
        ):
            raise ValueError(
                f"interpolate: size must be an int or {dims} ints for an input with {dims} "
                f"spatial axes {spatial}, got {size!r}"
            )
        return tuple(int(s) for s in sizes), (None,) * dims
    if scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    factors = (
        tuple(scale_factor) if isinstance(scale_factor, tuple | list) else (scale_factor,) * dims
    )
    for f in factors:  # a factor is read as a number: no gradient flows into it
        refuse_grad("interpolate", "scale_factor", f)
    factors = tuple(
        float(f) if isinstance(f, autograd.Tensor) and f.ndim == 0 else f for f in factors
    )
    if len(factors) != dims or not all(isinstance(f, int | float) for f in factors):
        raise ValueError(
            f"interpolate: scale_factor must be a number or {dims} numbers for an input with "
            f"{dims} spatial axes {spatial}, got {scale_factor!r}"
        )
    sizes = tuple(math.floor(float(n) * float(f)) for n, f in zip(spatial, factors))
    scales = (None,) * dims if recompute else tuple(float(f) for f in factors)
    return sizes, scales


def interpolate(
    x: Any,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> autograd.Tensor:
    """Resample (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs to ``size`` or to
    floor(in * ``scale_factor``) along each spatial axis. ``mode``:

    - 'nearest': out[i] = x[floor(i r)], r = 1 / scale_factor (or in / out); PyTorch's rule.
    - 'nearest-exact': out[i] = x[floor((i + 0.5) r)] (pixel centres; as PIL and OpenCV).
    - 'linear' (3-D input), 'bilinear' (4-D), 'trilinear' (5-D): out[i] = x[i0] (1 - w) +
      x[i0 + 1] w at the source coordinate s = (i + 0.5) r - 0.5 (clamped at 0), or
      s = i (in - 1) / (out - 1) with ``align_corners=True``; one axis after another.
    - 'bicubic' (4-D): the four neighbours along each axis weighted by Keys' cubic
      convolution (a = -0.75), as PyTorch; the result can overshoot the input's range.
    - 'area': adaptive average pooling to the output size.

    ``antialias=True`` is not implemented (a NotImplementedError says so).

    Examples:
        >>> import autograd, nn.functional as F
        >>> x = autograd.tensor([[[0.0, 10.0]]])
        >>> F.interpolate(x, scale_factor=2).tolist()
        [[[0.0, 0.0, 10.0, 10.0]]]
        >>> F.interpolate(x, scale_factor=2, mode="linear").tolist()
        [[[0.0, 2.5, 7.5, 10.0]]]
        >>> F.interpolate(x, size=3, mode="linear", align_corners=True).tolist()
        [[[0.0, 5.0, 10.0]]]
    """
    fn = "interpolate"
    x = as_tensor(x)
    if mode not in ("nearest", "nearest-exact"):  # (nearest copies: integer images work too)
        check_floating(fn, "input", x)
    dims = x.ndim - 2
    if dims not in (1, 2, 3):
        raise ValueError(
            f"interpolate: expects an (N, C, L), (N, C, H, W) or (N, C, D, H, W) input, got "
            f"shape {x.shape}"
        )
    if antialias:
        raise NotImplementedError(
            "interpolate: antialias=True is not implemented in backproplab; the modes are "
            f"{MODES} without antialiasing"
        )
    if mode not in MODES:
        raise ValueError(f"interpolate: mode must be one of {MODES}, got {mode!r}")
    if mode in LINEAR and LINEAR[mode] != dims:
        raise ValueError(
            f"interpolate: got a {x.ndim}-D input of shape {x.shape}, but mode {mode!r} needs "
            f"{LINEAR[mode] + 2}-D input"
        )
    if mode not in LINEAR and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners can only be set with the interpolating modes 'linear', "
            f"'bilinear', 'bicubic' and 'trilinear', not {mode!r}"
        )
    sizes, scales = _output_sizes(x.shape[2:], size, scale_factor, recompute_scale_factor)
    if min(sizes) < 1 or 0 in x.shape[2:]:
        raise ValueError(
            f"interpolate: input sizes {x.shape[2:]} and output sizes {sizes} must be greater "
            "than 0"
        )
    if mode == "area":  # adaptive average pooling to the output size
        pools = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}
        return pools[dims](x, sizes)
    out = x
    for axis, (length, n, scale) in enumerate(zip(x.shape[2:], sizes, scales), start=2):
        copies = mode in ("linear", "bilinear", "trilinear") or (mode == "nearest" and dims == 2)
        if n == length and (scale is None or copies):
            continue  # PyTorch copies an axis that keeps its size, with these exceptions:
        # 'bicubic', 'nearest-exact', and 'nearest' on 3-D and 5-D inputs, still shift the
        # sources when a scale_factor such as 1.1 keeps the size (PyTorch's forward does; its
        # 'nearest' backward then copies the gradient, which is not the derivative: ours is).
        if mode == "bicubic":
            index, weights = cubic_sources(length, n, scale, bool(align_corners), x.dtype)
            shape = (n,) + (1,) * (out.ndim - axis - 1)
            terms = [
                _along(out, axis, index[:, k]) * weights[:, k].reshape(shape) for k in range(4)
            ]
            out = terms[0] + terms[1] + terms[2] + terms[3]
        elif mode in LINEAR:
            low, high, w = linear_sources(length, n, scale, bool(align_corners), x.dtype)
            shape = (n,) + (1,) * (out.ndim - axis - 1)
            w = w.reshape(shape)
            out = _along(out, axis, low) * (1 - w) + _along(out, axis, high) * w
        else:
            out = _along(out, axis, nearest_sources(length, n, scale, mode == "nearest-exact"))
    return out


def pixel_shuffle(x: Any, upscale_factor: int) -> autograd.Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[..., c, i r + a, j r + b] =
    x[..., c r^2 + a r + b, i, j] with r = ``upscale_factor`` (the sub-pixel convolution).

    Examples:
        >>> import autograd, nn.functional as F
        >>> F.pixel_shuffle(autograd.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    x = as_tensor(x)
    r = _factor("pixel_shuffle", "upscale_factor", upscale_factor)
    if x.ndim < 3 or x.shape[-3] % (r * r):
        raise ValueError(
            f"pixel_shuffle: input of shape {x.shape} needs (*, C * {r * r}, H, W): channels "
            f"divisible by upscale_factor ** 2 = {r * r}"
        )
    *batch, c, h, w = x.shape
    k = len(batch)
    blocks = x.reshape(*batch, c // (r * r), r, r, h, w)
    axes = (*range(k), k, k + 3, k + 1, k + 4, k + 2)  # (*, C, H, r, W, r)
    return permute_contiguous(blocks, axes).reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(x: Any, downscale_factor: int) -> autograd.Tensor:
    """The inverse of ``pixel_shuffle``: (*, C, H r, W r) -> (*, C r^2, H, W), out[..., c r^2 +
    a r + b, i, j] = x[..., c, i r + a, j r + b] with r = ``downscale_factor``."""
    x = as_tensor(x)
    r = _factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    if x.ndim < 3 or x.shape[-2] % r or x.shape[-1] % r:
        raise ValueError(
            f"pixel_unshuffle: input of shape {x.shape} needs (*, C, H, W) with H and W "
            f"divisible by downscale_factor = {r}"
        )
    *batch, c, h, w = x.shape
    k = len(batch)
    blocks = x.reshape(*batch, c, h // r, r, w // r, r)
    axes = (*range(k), k, k + 2, k + 4, k + 1, k + 3)  # (*, C, r, r, H, W)
    return permute_contiguous(blocks, axes).reshape(*batch, c * r * r, h // r, w // r)


def _factor(fn: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{fn}: {name} must be a positive int, got {value!r}")
    return int(value)
