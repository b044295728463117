"""Small helpers shared by nn.functional: argument checks and the ``reduction=`` step."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import autograd
from autograd.arguments import refuse_grad  # noqa: F401 - nn.functional's refusals use it

REDUCTIONS = ("mean", "sum", "none")


def as_tensor(x: Any, dtype: Any = None) -> autograd.Tensor:
    """``x`` itself if it is a Tensor, else a new Tensor (optionally of ``dtype``)."""
    if isinstance(x, autograd.Tensor):
        return x
    return autograd.Tensor(x, dtype=dtype)


def resolve_spelling(
    fn: str, numpy_name: str, numpy_value: Any, torch_name: str, torch_value: Any, default: Any
) -> Any:
    """The value of one argument that NumPy and PyTorch spell differently (``axis`` / ``dim``,
    ``keepdims`` / ``keepdim``): whichever spelling was given (not None), else ``default``.

    Both spellings given at once is a TypeError naming ``fn`` and both names, e.g.
    ``resolve_spelling("softmax", "axis", axis, "dim", dim, -1)``.
    """
    if torch_value is None:
        return default if numpy_value is None else numpy_value
    if numpy_value is not None:
        raise TypeError(
            f"{fn}: got both {numpy_name}= (NumPy's name) and {torch_name}= (PyTorch's); give one"
        )
    return torch_value


def check_size(owner: str, name: str, value: Any, allow_zero: bool = False) -> int:
    """``int(value)`` for a layer size (features, channels, ...): an int (Python or NumPy, not
    bool) that is >= 1, or >= 0 with ``allow_zero``; anything else is a ValueError."""
    minimum = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{owner}: {name} must be a {kind} int, got {value!r}")
    return int(value)


def check_reduction(fn: str, reduction: str) -> None:
    """Raise a ValueError naming ``fn`` unless ``reduction`` is 'mean', 'sum' or 'none'."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def legacy_reduction(fn: str, size_average: Any, reduce: Any, reduction: str) -> str:
    """The ``reduction`` PyTorch's deprecated ``size_average=`` / ``reduce=`` arguments stand for
    when either is given (with PyTorch's warning): ``reduce=False`` is 'none', else
    ``size_average=False`` is 'sum', else 'mean'. Neither given: ``reduction`` itself."""
    if size_average is None and reduce is None:
        return reduction
    keep = reduce is None or bool(reduce)
    average = size_average is None or bool(size_average)
    chosen = ("mean" if average else "sum") if keep else "none"
    warnings.warn(
        f"{fn}: size_average and reduce are deprecated (as in PyTorch); use "
        f"reduction={chosen!r} instead",
        UserWarning,
        stacklevel=3,
    )
    return chosen


def reduce(loss: autograd.Tensor, reduction: str) -> autograd.Tensor:
    """Apply an already checked ``reduction`` to elementwise losses."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def check_same_shape(fn: str, input: autograd.Tensor, target: autograd.Tensor) -> None:
    """Losses compare element by element: silently broadcasting (N, 1) against (N,) would
    give an (N, N) loss, so a shape mismatch is an error."""
    if input.shape != target.shape:
        raise ValueError(
            f"{fn}: input shape {input.shape} and target shape {target.shape} "
            "differ; they must be equal"
        )


def check_floating(fn: str, name: str, x: autograd.Tensor) -> None:
    """Raise a TypeError unless ``x`` holds floating-point values."""
    if x.dtype.kind != "f":
        raise TypeError(f"{fn}: {name} must be floating point, got dtype {x.dtype}")


def target_like(x: autograd.Tensor, target: Any) -> autograd.Tensor:
    """A target given as a plain array or number is taken in the input's dtype (a float64
    NumPy target must not silently turn a float32 model's loss into float64)."""
    if isinstance(target, autograd.Tensor):
        return target
    return autograd.Tensor(np.asarray(target), dtype=x.dtype)


def float_like(x: autograd.Tensor, value: Any) -> autograd.Tensor:
    """``value`` as a floating Tensor for arithmetic with ``x``: a floating Tensor as it is (its
    graph kept), an integer or bool Tensor or anything else in ``x``'s dtype (PyTorch's labels
    such as ``torch.ones(n, dtype=torch.long)`` are integers)."""
    if isinstance(value, autograd.Tensor):
        return value if value._data.dtype.kind == "f" else value.astype(x.dtype)
    return autograd.Tensor(np.asarray(value), dtype=x.dtype)


def loss_pair(
    fn: str, input: Any, target: Any, reduction: str
) -> tuple[autograd.Tensor, autograd.Tensor]:
    """Check the arguments of an elementwise loss ``fn``: a known ``reduction``, a floating
    input, and a target of the same shape (a non-Tensor target takes the input's dtype).
    Returns both as Tensors."""
    # Runs on every step of a regression model, so it reads the arrays directly rather than through
    # the checks above and Tensor properties (docs/guides/speed.md).
    if reduction not in REDUCTIONS:
        check_reduction(fn, reduction)
    x = input if isinstance(input, autograd.Tensor) else autograd.Tensor(input)
    data = x._data
    if data.dtype.kind != "f":
        check_floating(fn, "input", x)
    y = target if isinstance(target, autograd.Tensor) else target_like(x, target)
    if y._data.shape != data.shape:
        check_same_shape(fn, x, y)
    return x, y
