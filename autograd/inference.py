"""PyTorch's ``inference_mode``, as backproplab can honour it: ``no_grad`` for evaluation.

PyTorch also stops counting versions inside it and refuses its results in a later graph; here
they are ordinary tensors without history, as under ``no_grad``, which only lets them be used in
more places. ``inference_mode(False)`` records, as PyTorch's."""

from __future__ import annotations

from .thread_state import Switch


class inference_mode(Switch):
    """``no_grad`` (``mode=True``) or recording (``mode=False``), as a context manager or a
    decorator, with or without parentheses (``@inference_mode()``, ``@inference_mode``)."""

    setting = "grad_enabled"

    def __init__(self, mode: bool = True) -> None:
        self.value = not mode
