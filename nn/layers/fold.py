"""``Unfold`` and ``Fold``: sliding blocks to columns and back (``F.unfold`` / ``F.fold``).
No parameters; the reprs are PyTorch's."""

from __future__ import annotations

from typing import Any

import autograd

from .. import functional as F
from ..module import Module


class Unfold(Module):
    """(N, C, H, W) -> (N, C * kh * kw, L): every sliding block of the input as a column (L
    blocks), the im2col step of a convolution."""

    def __init__(
        self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.unfold(x, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
            f"stride={self.stride}"
        )


class Fold(Module):
    """(N, C * kh * kw, L) -> (N, C, *output_size): every column added back onto its block
    (overlaps sum), the adjoint of ``Unfold``."""

    def __init__(
        self,
        output_size: Any,
        kernel_size: Any,
        dilation: Any = 1,
        padding: Any = 0,
        stride: Any = 1,
    ) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.fold(
            x, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )
