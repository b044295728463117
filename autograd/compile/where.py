"""Where a capture is in the source: the user's line a warning names, and the library's line.

A graph break is reported at the innermost frame outside backproplab and NumPy (the user's
line, with its code), and, when there is one, at the innermost backproplab frame outside this
package (the op or layer that did what the capture could not follow).
"""

from __future__ import annotations

import os
import sys
from types import FrameType

import numpy as np

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = tuple(os.path.join(_ROOT, part) + os.sep for part in ("autograd", "nn", "optim"))
_NUMPY_DIR = os.path.dirname(np.__file__) + os.sep


def library_line() -> str:
    """``path:line`` of the innermost frame in backproplab outside autograd.compile, if any."""
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if path.startswith(LIBRARY) and not path.startswith(here):
            return f"{os.path.relpath(path, _ROOT)}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


def user_line() -> str:
    """``file:line: code`` of the innermost frame outside backproplab and NumPy: the user's line
    that a warning should name."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        path = os.path.abspath(name)
        generated = name.startswith("<autograd")  # (an op's generated function, a program)
        if not generated and not path.startswith(LIBRARY) and not path.startswith(_NUMPY_DIR):
            import linecache

            text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
            short = os.path.basename(frame.f_code.co_filename)
            return f"{short}:{frame.f_lineno}: {text}" if text else f"{short}:{frame.f_lineno}"
        frame = frame.f_back
    return "inside the library"


__all__ = ["LIBRARY", "library_line", "user_line"]
