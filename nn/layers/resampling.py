"""Resampling layers: ``Upsample`` and its two fixed-mode forms, and the pixel shuffles (the
functions are in nn/functional/resampling.py). No parameters; reprs as PyTorch prints them."""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..module import Module


class Upsample(Module):
    """Resample (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs to ``size`` or by
    ``scale_factor`` with ``F.interpolate`` (``mode`` 'nearest', 'nearest-exact', 'linear',
    'bilinear', 'bicubic', 'trilinear' or 'area'; ``align_corners`` for the interpolating
    modes).

    Examples:
        >>> import autograd, nn
        >>> up = nn.Upsample(scale_factor=2, mode="bilinear")
        >>> up
        Upsample(scale_factor=2.0, mode='bilinear')
        >>> up(autograd.zeros(1, 3, 4, 5)).shape
        (1, 3, 8, 10)
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple | list):  # stored as floats, as PyTorch does
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = None if scale_factor is None else float(scale_factor)
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.interpolate(
            x,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode='nearest')`` for (N, C, H, W) inputs."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode='bilinear', align_corners=True)`` for (N, C, H, W)
    inputs (the corner pixels' centres stay where they are)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r) with r = ``upscale_factor`` (``F.pixel_shuffle``)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.pixel_shuffle(x, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W) with r = ``downscale_factor``
    (``F.pixel_unshuffle``, the inverse of PixelShuffle)."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.pixel_unshuffle(x, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
