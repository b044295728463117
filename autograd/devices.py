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


class Device(str):
    """The CPU as PyTorch's ``torch.device`` describes it: the string ``"cpu"`` (so it compares,
    prints and is accepted as one) with PyTorch's attributes ``type`` (``"cpu"``) and ``index``
    (None), which scripts read (``if device.type == "cuda":``)."""

    __slots__ = ()

    @property
    def type(self) -> str:
        """The kind of device: ``"cpu"``."""
        return "cpu"

    @property
    def index(self) -> None:  # type: ignore[override]  # PyTorch's device.index, not str.index
        """The device's number: None (there is one CPU device)."""
        return None


CPU = Device("cpu")


def device(kind: Any = "cpu", index: int | None = None) -> Device:
    """PyTorch's ``torch.device("cpu")``: the CPU device (a ``str`` equal to ``"cpu"``, with
    ``.type`` and ``.index``), after checking it is the CPU."""
    name = str(kind) if index is None else f"{kind}:{index}"
    check_device(name, "device")
    return CPU
