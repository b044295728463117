"""``nn.parallel``: PyTorch's multi-device wrappers, for programs that wrap their model
whatever the hardware. backproplab runs on one CPU, so ``DataParallel`` runs the model it wraps
as it is -- the result is the same, and ``state_dict`` keys start with ``module.`` as in
PyTorch. ``DistributedDataParallel`` needs a process group, which cannot exist here: it raises.
"""

from __future__ import annotations

from typing import Any

from .module import Module


class DataParallel(Module):
    """``model(x)`` through a wrapper (``.module`` is the model): one device, nothing split."""

    def __init__(
        self, module: Module, device_ids: Any = None, output_device: Any = None, **options: Any
    ) -> None:
        super().__init__()
        self.module = module

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)


class DistributedDataParallel(Module):
    """Refused: backproplab trains in one process (use the model itself)."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            "DistributedDataParallel: backproplab trains in one process on the CPU; use the "
            "model itself (drop the wrapper and the process-group setup)"
        )
