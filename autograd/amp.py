"""``autograd.amp`` (and ``autograd.cuda.amp``): PyTorch's mixed precision, as a CPU float32
engine can honour it.

* ``autocast(device_type="cuda", ...)`` is what PyTorch itself does without a GPU: it disables
  itself, so the block runs in full precision -- a no-op here too. ``enabled=False`` is a no-op
  for any device. ``autocast("cpu")`` left enabled would run matrix products in bfloat16 in
  PyTorch, which backproplab does not have: it raises, saying to pass ``enabled=False``.
* ``GradScaler`` scales the loss to keep float16 gradients from underflowing. Without float16
  there is nothing to scale: ``scale(loss)`` is the loss, ``step(optimizer)`` is
  ``optimizer.step()``, ``update()`` does nothing (PyTorch's scaler for "cuda" without a GPU
  disables itself the same way). A scaler enabled for the CPU would skip steps whose gradients
  overflow, which this one cannot copy: it raises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class autocast:  # noqa: N801 - PyTorch's name
    """A context manager and decorator that changes nothing (see the module docstring)."""

    def __init__(
        self,
        device_type: str = "cuda",
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: Any = None,
    ) -> None:
        if enabled and str(device_type).startswith("cpu"):
            raise RuntimeError(
                "autocast: backproplab computes in the dtypes you give it (no bfloat16); pass "
                "enabled=False, or drop the autocast block"
            )
        self.device_type = device_type
        self.enabled = False

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return run


class GradScaler:
    """A loss scaler with nothing to scale (see the module docstring)."""

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        enabled: bool = True,
        **options: Any,
    ) -> None:
        if enabled and str(device).startswith("cpu"):
            raise RuntimeError(
                "GradScaler: there is no float16 training to scale here; pass enabled=False or "
                "drop the scaler (loss.backward(); optimizer.step())"
            )
        self._enabled = False

    def is_enabled(self) -> bool:
        """False: the scaler does nothing."""
        return self._enabled

    def scale(self, outputs: Any) -> Any:
        """The loss as it is."""
        return outputs

    def unscale_(self, optimizer: Any) -> None:
        """Nothing to undo."""

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """``optimizer.step(*args, **kwargs)``."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale: Any = None) -> None:
        """Nothing to update."""

    def get_scale(self) -> float:
        """1.0: the loss is not scaled."""
        return 1.0

    def state_dict(self) -> dict[str, Any]:
        """Empty, as PyTorch's disabled scaler's."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Nothing to load."""
