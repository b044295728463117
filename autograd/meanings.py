"""Which meaning a Tensor method with two meanings has: NumPy's (the default) or PyTorch's.

A few names mean one thing on an ndarray and another on a torch.Tensor: ``x.std()`` divides by
n in NumPy and by n - 1 in PyTorch; ``x.max(1)`` is the maxima in NumPy and (maxima, indices) in
PyTorch; ``x.repeat(2)`` repeats each element in NumPy and tiles the whole tensor in PyTorch.
A call spelled only one library's way (``ddof=``, ``axis=``; ``dim=``, ``correction=``) always
means that library's. A call that fits both (``x.std()``, ``x.max(1)``) means NumPy's, unless
the thread has switched to PyTorch's meanings::

    autograd.pytorch_meanings(True)          # from here on, in this thread
    with autograd.pytorch_meanings(True):    # inside the block only
        ...

``python -m backproplab port`` puts the first line into every program it converts. The switch
is per thread, like grad mode, and reaches Tensor methods and ``autograd.*`` functions only:
``np.std(t)`` and every NumPy array keep NumPy's meaning, and so does any call that names a
NumPy keyword (``x.max(axis=1)``), which is how the library's own code is written.

``CONFLICTS`` lists the ops the switch affects (the README's table of names with two meanings
shows the same rows); each op declares its PyTorch form with ``@op(torch=...)``.
"""

from __future__ import annotations

import threading
from typing import Any

# op name -> (the call, NumPy's meaning, PyTorch's meaning): the ops whose call spelled the same
# way in both libraries switches meaning with ``pytorch_meanings``.
CONFLICTS: dict[str, tuple[str, str, str]] = {
    "max": ("`x.max(1)`, `autograd.max(x, 1)`", "the maxima", "(values, indices)"),
    "min": ("`x.min(1)`, `autograd.min(x, 1)`", "the minima", "(values, indices)"),
    "std": ("`x.std()`, `x.std(0)`", "ddof 0 (biased)", "correction 1 (unbiased)"),
    "var": ("`x.var()`, `x.var(0)`", "ddof 0 (biased)", "correction 1 (unbiased)"),
    "repeat": ("`x.repeat(2, 1)`", "each element repeated (`np.repeat`)", "tiled (`np.tile`)"),
    "equal": ("`autograd.equal(a, b)`", "elementwise `==`", "one bool: same shape and values"),
    "nonzero": (
        "`x.nonzero()`, `autograd.nonzero(x)`",
        "a tuple of index arrays",
        "rows (n, ndim)",
    ),
    "sort": ("`autograd.sort(x)`, `autograd.sort(x, 0)`", "the sorted values", "(values, indices)"),
    "median": (
        "`autograd.median(x)`, `autograd.nanmedian(x)`",
        "the mean of the two middle values",
        "the lower middle value; (values, indices) along a dim",
    ),
    "nanmedian": (
        "`autograd.nanmedian(x)`",
        "the mean of the two middle values",
        "the lower middle value; (values, indices) along a dim",
    ),
    "put": (
        "`x.put(index, source)`, `autograd.put(x, index, source)`",
        "written into x in place (`np.put`), returns None",
        "a new tensor (x unchanged)",
    ),
    "cross": (
        "`autograd.cross(a, b)`, `a.cross(b)`",
        "along the last axis (`np.cross`)",
        "along the first dimension of length 3",
    ),
    "norm": (
        "`autograd.norm(x, 1)`",
        "a matrix norm for 2-D x (`np.linalg.norm`)",
        "the p-norm of all elements",
    ),
}

# Keywords that only NumPy's spelling of these ops uses: a call naming one keeps NumPy's meaning.
NUMPY_KEYWORDS = frozenset({"axis", "keepdims", "ddof", "repeats", "kind", "order", "ord"})


class _Meanings(threading.local):
    pytorch = False  # a class attribute: every new thread starts with NumPy's meanings


MEANINGS = _Meanings()


class pytorch_meanings:  # noqa: N801 - used like a function, as torch.set_grad_enabled
    """Switch this thread's two-meaning Tensor methods (``CONFLICTS``) to PyTorch's meaning
    (``enabled=True``) or back to NumPy's. Takes effect at once; used as a context manager, the
    previous setting comes back at the end of the block."""

    def __init__(self, enabled: bool = True) -> None:
        self.previous = MEANINGS.pytorch
        MEANINGS.pytorch = bool(enabled)

    def __enter__(self) -> pytorch_meanings:
        return self

    def __exit__(self, *exc: Any) -> None:
        MEANINGS.pytorch = self.previous


def is_pytorch_meanings() -> bool:
    """True when this thread's two-meaning Tensor methods take PyTorch's meaning."""
    return MEANINGS.pytorch
