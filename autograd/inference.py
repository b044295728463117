"""PyTorch's ``inference_mode``, as backproplab can honour it: ``no_grad`` for evaluation.

PyTorch also stops counting versions inside it and refuses its results in a later graph; here
they are ordinary tensors without history, as under ``no_grad``, which only lets them be used in
more places. ``inference_mode(False)`` records, as PyTorch's."""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from .grad_mode import _GradMode

F = TypeVar("F")


class inference_mode(_GradMode):  # noqa: N801 - PyTorch's name
    """``no_grad`` (``mode=True``) or recording (``mode=False``), as a context manager or a
    decorator, with or without parentheses (``@inference_mode()``, ``@inference_mode``)."""

    def __new__(cls, mode: Any = True) -> Any:
        self = object.__new__(cls)
        if callable(mode):  # ``@inference_mode`` without parentheses
            cls.__init__(self)
            return self(mode)
        return self

    def __init__(self, mode: bool = True) -> None:
        self.enabled = not mode

    def __call__(self, func: F) -> F:
        mode = not self.enabled

        @functools.wraps(func)  # type: ignore[arg-type]
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return func(*args, **kwargs)  # type: ignore[operator]

        return cast(F, wrapper)
