"""PyTorch's ``set_grad_enabled(mode)``: grad mode (autograd/grad_mode.py) switched by a value,
as training loops write it (``with torch.set_grad_enabled(phase == "train"):``)."""

from __future__ import annotations

import numpy as np

from .thread_state import LOCAL


class set_grad_enabled:  # noqa: N801 - PyTorch's name, used like a function
    """Turn recording on (``mode=True``) or off at once, in this thread; used as a context
    manager, the previous mode comes back at the end of the block."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {mode!r}")
        state = LOCAL.state
        self._previous = state.grad_enabled
        state.grad_enabled = bool(mode)  # at once, as in PyTorch (not only inside a block)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        LOCAL.state.grad_enabled = self._previous
