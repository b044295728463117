"""Devices, as PyTorch code names them. backproplab runs on the CPU: ``"cpu"`` (or None, or
anything whose ``str`` is ``"cpu"``) is accepted and changes nothing; any other device raises."""

from __future__ import annotations

from typing import Any


def check_device(device: Any, where: str) -> None:
    """Accept ``device`` if it means the CPU; otherwise raise ValueError naming ``where``."""
    if device is None:
        return
    name = str(device)
    if name != "cpu" and not name.startswith("cpu:"):
        raise ValueError(f"{where}: backproplab runs on the CPU (got device {name!r})")


def device(kind: Any = "cpu", index: int | None = None) -> str:
    """PyTorch's ``torch.device("cpu")``: the name ``"cpu"``, after checking it is the CPU (a
    plain string works wherever a device is accepted)."""
    name = str(kind) if index is None else f"{kind}:{index}"
    check_device(name, "device")
    return "cpu"
