"""Sampling an image at arbitrary points: ``affine_grid`` makes the points of an affine
transform, ``grid_sample`` reads the image there (PyTorch's spatial transformer pair).

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
    """The sampling points of 2-D affine transforms: for theta (N, 2, 3) and size (N, C, H, W),
    grid[n, i, j] = theta[n] @ (x_j, y_i, 1), with x_j, y_i the normalised coordinates of the
    output's pixel centres. Shape (N, H, W, 2), the last axis (x, y), for ``grid_sample``."""
    fn = "affine_grid"
    theta = as_tensor(theta)
    check_floating(fn, "theta", theta)
    size = tuple(int(s) for s in size)
    if len(size) != 4 or theta.ndim != 3 or theta.shape != (size[0], 2, 3):
        raise ValueError(
            f"{fn}: theta of shape {theta.shape} does not fit size {size} (need theta (N, 2, 3) "
            "and a 4-D size (N, C, H, W) with the same N; 3-D grids are not implemented)"
        )
    if min(size) < 1:
        raise ValueError(f"{fn}: size must be positive, got {size} (as in PyTorch)")
    n, _, h, w = size
    corners = bool(align_corners)
    xs, ys = _base(w, corners, theta.dtype), _base(h, corners, theta.dtype)
    points = np.stack(
        [np.broadcast_to(xs, (h, w)), np.broadcast_to(ys[:, None], (h, w)), np.ones((h, w))],
        axis=-1,
    ).astype(theta.dtype)
    grid = points.reshape(1, h * w, 3) @ theta.transpose(0, 2, 1)  # (N, H*W, 2)
    return grid.reshape(n, h, w, 2)


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
    coordinates, for input (N, C, H, W) and grid (N, Ho, Wo, 2); output (N, C, Ho, Wo).
    ``mode`` 'bilinear' weights the four surrounding pixels by (1 - dx)(1 - dy), dx (1 - dy),
    ... (dx, dy: the point's offsets from the top-left one); 'nearest' reads the nearest pixel
    (ties to even). ``padding_mode`` 'zeros' reads 0 outside the image; 'border' clamps the
    point into the image first.

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
    if x.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != x.shape[0]:
        raise ValueError(
            f"grid_sample: input of shape {x.shape} and grid of shape {grid.shape} do not fit "
            "(need input (N, C, H, W) and grid (N, Ho, Wo, 2) with the same N; 3-D sampling is "
            "not implemented)"
        )
    n, _, h, w = x.shape
    corners = bool(align_corners)
    px = _pixels(grid[..., 0], w, corners)
    py = _pixels(grid[..., 1], h, corners)
    if padding_mode == "border":
        px, py = _clamp(px, w - 1), _clamp(py, h - 1)
    batch = np.arange(n).reshape(n, 1, 1)

    def read(rows: np.ndarray, cols: np.ndarray) -> tuple[Any, np.ndarray]:
        """x at integer pixels (N, Ho, Wo, C), and where they lie inside the image."""
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        values = x[batch, :, rows.clip(0, h - 1), cols.clip(0, w - 1)]
        return values, inside[..., None].astype(x.dtype)

    if mode == "nearest":
        rows, cols = (np.rint(p.numpy()).astype(np.int64) for p in (py, px))
        values, inside = read(rows, cols)
        return permute_contiguous(values * inside, (0, 3, 1, 2))
    top, left = (np.floor(p.numpy()).astype(np.int64) for p in (py, px))
    dy, dx = (py - top)[..., None], (px - left)[..., None]  # recorded: d out / d grid
    out = 0
    for rows, wy in ((top, 1 - dy), (top + 1, dy)):
        for cols, wx in ((left, 1 - dx), (left + 1, dx)):
            values, inside = read(rows, cols)
            out = out + values * (wy * wx * inside)
    return permute_contiguous(out, (0, 3, 1, 2))
