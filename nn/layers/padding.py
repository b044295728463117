"""Padding layers: ``ZeroPad1d/2d/3d``, ``ConstantPad1d/2d/3d``, ``ReflectionPad1d/2d/3d``,
``ReplicationPad1d/2d/3d`` and ``CircularPad1d/2d/3d``, each ``F.pad`` over the last 1, 2 or 3
axes with a fixed mode. ``padding`` is an int (the same on every side) or PyTorch's tuple
(left, right[, top, bottom[, front, back]]), last axis first."""

from __future__ import annotations

import autograd

from .. import functional as F
from ..module import Module


class _Pad(Module):
    """``F.pad(x, padding, mode)`` over the last ``_axes`` axes."""

    _axes: int = 1
    _mode: str = "constant"

    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__()
        cls, n = type(self).__name__, 2 * self._axes
        if isinstance(padding, int) and not isinstance(padding, bool):
            padding = (padding,) * n
        elif not (
            isinstance(padding, tuple | list)
            and len(padding) == n
            and all(isinstance(p, int) and not isinstance(p, bool) for p in padding)
        ):
            raise ValueError(
                f"{cls}: padding must be an int or a tuple of {n} ints, got {padding!r}"
            )
        self.padding = tuple(padding)

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        k = self._axes
        if x.ndim not in (k + 1, k + 2):  # PyTorch's copying pads take (C, *) or (N, C, *)
            raise ValueError(
                f"{type(self).__name__}: expected a {k + 1}-D (unbatched) or {k + 2}-D input, "
                f"got shape {x.shape}"
            )
        return F.pad(x, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding: int | tuple[int, ...], value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, x: autograd.Tensor) -> autograd.Tensor:
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_ConstantPad):
    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPad):
    """Pad the last axis with zeros; ``padding`` an int or (left, right)."""

    _axes = 1


class ZeroPad2d(_ZeroPad):
    """Pad the last two axes with zeros; ``padding`` an int or (left, right, top, bottom)."""

    _axes = 2


class ZeroPad3d(_ZeroPad):
    """Pad the last three axes with zeros; ``padding`` an int or
    (left, right, top, bottom, front, back)."""

    _axes = 3


class ConstantPad1d(_ConstantPad):
    """Pad the last axis with ``value``; ``padding`` an int or (left, right)."""

    _axes = 1


class ConstantPad2d(_ConstantPad):
    """Pad the last two axes with ``value``; ``padding`` an int or (left, right, top, bottom)."""

    _axes = 2


class ConstantPad3d(_ConstantPad):
    """Pad the last three axes with ``value``; ``padding`` an int or
    (left, right, top, bottom, front, back)."""

    _axes = 3


class ReflectionPad1d(_Pad):
    """Pad the last axis with its mirror image, the edge not repeated ((1, 2, 3) padded by 2:
    (3, 2, 1, 2, 3, 2, 1)); each pad must be smaller than the axis."""

    _axes, _mode = 1, "reflect"


class ReflectionPad2d(_Pad):
    """Pad the last two axes with their mirror images, the edges not repeated (as
    ``ReflectionPad1d``); ``padding`` an int or (left, right, top, bottom)."""

    _axes, _mode = 2, "reflect"


class ReflectionPad3d(_Pad):
    """Pad the last three axes with their mirror images (as ``ReflectionPad1d``)."""

    _axes, _mode = 3, "reflect"


class ReplicationPad1d(_Pad):
    """Pad the last axis by repeating its edge values ((1, 2, 3) padded by 2:
    (1, 1, 1, 2, 3, 3, 3))."""

    _axes, _mode = 1, "replicate"


class ReplicationPad2d(_Pad):
    """Pad the last two axes by repeating their edge values; ``padding`` an int or
    (left, right, top, bottom)."""

    _axes, _mode = 2, "replicate"


class ReplicationPad3d(_Pad):
    """Pad the last three axes by repeating their edge values."""

    _axes, _mode = 3, "replicate"


class CircularPad1d(_Pad):
    """Pad the last axis by wrapping around ((1, 2, 3) padded by 2: (2, 3, 1, 2, 3, 1, 2));
    each pad at most the axis size."""

    _axes, _mode = 1, "circular"


class CircularPad2d(_Pad):
    """Pad the last two axes by wrapping around (as ``CircularPad1d``)."""

    _axes, _mode = 2, "circular"


class CircularPad3d(_Pad):
    """Pad the last three axes by wrapping around (as ``CircularPad1d``)."""

    _axes, _mode = 3, "circular"
