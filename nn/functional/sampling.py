"""Sampling an image (or a volume) at arbitrary points: ``affine_grid`` makes the points of an
affine transform, ``grid_sample`` reads the image there (PyTorch's spatial transformer pair).

Points are in normalised coordinates: -1 and 1 are the left and right (top and bottom) edges of
the image, the outer edges of its corner pixels, or the centres of the corner pixels with
``align_corners=True``. Both functions are compositions of recorded ops: the gradient reaches
the image (each output's gradient is added onto the pixels it read, times their weights) and the
points (how the bilinear weights move with them), so a spatial transformer learns its
transform."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating
from .contiguous import permute_contiguous


def _base(size: int, align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """The normalised coordinates of ``size`` pixel centres: -1 .. 1 (align_corners), else
    the same squeezed by (size - 1) / size."""
    points = np.linspace(-1.0, 1.0, size) if size > 1 else np.zeros(size)
    if not align_corners:
        points = points * (size - 1) / size
    return points.astype(dtype)


def affine_grid(theta: Any, size: Any, align_corners: bool | None = None) -> autograd.Tensor:
    """The sampling points of affine transforms. 2-D: for theta (N, 2, 3) and size
    (N, C, H, W), grid[n, i, j] = theta[n] @ (x_j, y_i, 1), shape (N, H, W, 2); 3-D: theta
    (N, 3, 4), size (N, C, D, H, W), grid[n, d, i, j] = theta[n] @ (x_j, y_i, z_d, 1), shape
    (N, D, H, W, 3). x, y, z are the normalised coordinates of the output's pixel centres; the
    last axis is (x, y[, z]), as ``grid_sample`` reads it."""
    fn = "affine_grid"
    theta = as_tensor(theta)
    check_floating(fn, "theta", theta)
    size = tuple(int(s) for s in size)
    dims = len(size) - 2
    if dims not in (2, 3) or theta.ndim != 3 or theta.shape != (size[0], dims, dims + 1):
        raise ValueError(
            f"{fn}: theta of shape {theta.shape} does not fit size {size} (need theta (N, 2, 3) "
            "with a size (N, C, H, W), or theta (N, 3, 4) with a size (N, C, D, H, W))"
        )
    if min(size) < 1:
        raise ValueError(f"{fn}: size must be positive, got {size} (as in PyTorch)")
    spatial = size[2:]
    corners = bool(align_corners)
    # Coordinates per spatial axis, broadcast over the output: x runs along the last axis.
    axes = np.meshgrid(*(_base(n, corners, theta.dtype) for n in spatial), indexing="ij")
    points = np.stack([*axes[::-1], np.ones(spatial)], axis=-1).astype(theta.dtype)
    cells = int(np.prod(spatial))
    grid = points.reshape(1, cells, dims + 1) @ theta.transpose(0, 2, 1)  # (N, cells, dims)
    return grid.reshape(size[0], *spatial, dims)


def _pixels(coordinate: Any, size: int, align_corners: bool) -> Any:
    """Normalised coordinates -> pixel coordinates (0 is the first pixel's centre)."""
    if align_corners:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def _clamp(p: Any, high: int) -> Any:
    """p clamped into [0, high]; its gradient passes only strictly inside (PyTorch's choice at
    the bounds, where clamping has no derivative)."""
    values = p.numpy()
    inside = (values > 0) & (values < high)
    return autograd.where(inside, p, np.clip(values, 0, high))


def grid_sample(
    x: Any,
    grid: Any,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> autograd.Tensor:
    """out[n, c, i, j] = x[n, c] read at the point grid[n, i, j] = (x, y) in normalised
    coordinates, for input (N, C, H, W) and grid (N, Ho, Wo, 2); output (N, C, Ho, Wo). For
    volumes, input (N, C, D, H, W), grid (N, Do, Ho, Wo, 3) of points (x, y, z). ``mode``
    'bilinear' (trilinear on volumes) weights the surrounding pixels by products of
    (1 - dx) or dx, ... (dx: the point's offset from the pixel before it along x); 'nearest'
    reads the nearest pixel (ties to even). ``padding_mode`` 'zeros' reads 0 outside the
    image; 'border' clamps the point into the image first.

    Examples:
        >>> import autograd, nn.functional as F
        >>> image = autograd.tensor([[[[1.0, 2.0], [3.0, 5.0]]]])
        >>> zoom = autograd.tensor([[[0.5, 0.0, 0.0], [0.0, 0.5, 0.0]]])  # points at +-0.5
        >>> grid = F.affine_grid(zoom, (1, 1, 2, 2), align_corners=True)
        >>> F.grid_sample(image, grid, align_corners=True).tolist()  # 1/4 of the way in
        [[[[1.8125, 2.4375], [2.9375, 3.8125]]]]
    """
    fn = "grid_sample"
    x, grid = as_tensor(x), as_tensor(grid)
    check_floating(fn, "input", x)
    check_floating(fn, "grid", grid)
    if mode not in ("bilinear", "nearest"):
        raise NotImplementedError(
            f"grid_sample: mode={mode!r} is not implemented; the modes are 'bilinear' and 'nearest'"
        )
    if padding_mode not in ("zeros", "border"):
        raise NotImplementedError(
            f"grid_sample: padding_mode={padding_mode!r} is not implemented; the padding modes "
            "are 'zeros' and 'border'"
        )
    dims = x.ndim - 2
    if (
        dims not in (2, 3)
        or grid.ndim != x.ndim
        or grid.shape[-1] != dims
        or grid.shape[0] != x.shape[0]
    ):
        raise ValueError(
            f"grid_sample: input of shape {x.shape} and grid of shape {grid.shape} do not fit "
            "(need input (N, C, H, W) and grid (N, Ho, Wo, 2), or input (N, C, D, H, W) and "
            "grid (N, Do, Ho, Wo, 3), with the same N)"
        )
    sizes = x.shape[2:]
    corners = bool(align_corners)
    # The pixel coordinate along each spatial axis: the grid's last entry (x) is the last axis.
    places = [_pixels(grid[..., dims - 1 - a], sizes[a], corners) for a in range(dims)]
    if padding_mode == "border":
        places = [_clamp(p, n - 1) for p, n in zip(places, sizes)]
    batch = np.arange(x.shape[0]).reshape((-1,) + (1,) * dims)

    def read(index: list[np.ndarray]) -> tuple[Any, np.ndarray]:
        """x at integer pixels (N, *out, C), and where they lie inside the image."""
        inside = np.ones(index[0].shape, dtype=bool)
        for i, n in zip(index, sizes):
            inside &= (i >= 0) & (i < n)
        clipped = tuple(i.clip(0, n - 1) for i, n in zip(index, sizes))
        where = (batch, slice(None), *clipped)
        values = x[where]
        return values, inside[..., None].astype(x.dtype)

    to_channels_first = (0, dims + 1, *range(1, dims + 1))
    if mode == "nearest":
        values, inside = read([np.rint(p.numpy()).astype(np.int64) for p in places])
        return permute_contiguous(values * inside, to_channels_first)
    before = [np.floor(p.numpy()).astype(np.int64) for p in places]
    offsets = [(p - b)[..., None] for p, b in zip(places, before)]  # recorded: d out / d grid
    out: Any = 0
    for corner in np.ndindex(*(2,) * dims):  # the 2 ** dims surrounding pixels
        values, inside = read([b + c for b, c in zip(before, corner)])
        weight = inside
        for c, offset in zip(corner, offsets):
            weight = weight * (offset if c else 1 - offset)
        out = out + values * weight
    return permute_contiguous(out, to_channels_first)
