"""The library's dtype rules (``as_array``), and dtype names as PyTorch code spells them
(``autograd.float32``, ``autograd.long``, ...): each is the NumPy dtype of the same meaning, so it
works wherever a NumPy dtype does."""

from __future__ import annotations

from typing import Any

import numpy as np


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray following the library's dtype rules.

    Python floats (and lists with a float) become float32, Python ints int64, bools bool (where
    NumPy and PyTorch agree); arrays keep their dtype (NumPy's arrays and scalars, Tensors,
    anything with ``__array__``); ``dtype`` overrides all of these.
    """
    try:
        array = np.asarray(data, dtype=dtype)
    except ValueError as error:
        if "inhomogeneous" not in str(error):
            raise
        found = _ragged(data) or "the nested lists are ragged (rows of different lengths)"
        raise ValueError(f"Tensor: {found}") from None
    if dtype is None and not hasattr(data, "__array__"):
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64, copy=False)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor: cannot hold data of type {type(data).__name__} (dtype {array.dtype}); "
            "use numbers, lists of numbers or numeric NumPy arrays"
        )
    return array


def _ragged(data: Any, where: str = "data") -> str:
    """Say where nested lists stop being rectangular (for the error NumPy calls an
    "inhomogeneous shape"); "" if no two sibling rows differ in length."""
    if isinstance(data, (list, tuple)):
        lengths = [len(row) if isinstance(row, (list, tuple)) else None for row in data]
        if len(set(lengths)) > 1:
            described = ", ".join("a number" if n is None else f"{n}" for n in lengths[:6])
            more = ", ..." if len(lengths) > 6 else ""
            return (
                f"the nested lists are ragged: the rows of {where} have lengths {described}"
                f"{more}; every row must have the same length (pad them, or make one Tensor "
                "per row)"
            )
        for i, row in enumerate(data):
            if isinstance(row, (list, tuple)):
                found = _ragged(row, f"{where}[{i}]")
                if found:
                    return found
    return ""


float16 = half = np.dtype(np.float16)
float32 = float = np.dtype(np.float32)  # noqa: A001 - PyTorch's name: float is float32
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)  # noqa: A001 - PyTorch's name: int is int32
int64 = long = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)  # noqa: A001 - PyTorch's name


class Unavailable:
    """A PyTorch dtype NumPy lacks. The name exists, so scaffolding that only names it runs
    (nanoGPT's ``{'bfloat16': torch.bfloat16, ...}[dtype]`` table, a disabled ``autocast``);
    using it as a dtype -- ``zeros(2, dtype=bfloat16)``, ``t.to(bfloat16)`` -- raises a
    TypeError saying what to use instead (NumPy reads a dtype-like object's ``.dtype``)."""

    def __init__(self, name: str, hint: str) -> None:
        self.name = name
        self.hint = hint

    def __repr__(self) -> str:
        return f"autograd.{self.name}"

    @property
    def dtype(self) -> np.dtype:
        """Raises: there is no such dtype here."""
        raise TypeError(f"backproplab has no {self.name} (NumPy lacks it): {self.hint}")


bfloat16 = Unavailable("bfloat16", "use float32, or float16 to save memory")

# The limits of a dtype (``finfo(float32).eps``, ``.max``, ``.tiny``; ``iinfo(int64).max``): NumPy's
# own, which take these dtypes and have PyTorch's attribute names.
finfo = np.finfo
iinfo = np.iinfo

# PyTorch's memory formats that a tensor here always has (``zeros_like(p,
# memory_format=preserve_format)`` in optimizers written by hand); the names are the values.
preserve_format = "preserve_format"
contiguous_format = "contiguous_format"

__all__ = [
    "bfloat16", "bool", "double", "float", "float16", "float32", "float64", "half", "int", "int8",
    "int16", "int32", "int64", "long", "short", "uint8", "preserve_format", "contiguous_format",
    "finfo", "iinfo",
]  # fmt: skip
