"""Wrong and correct solutions to the exercises, written the way students write them, and NOT
taken from the checker's catalogue: the checker must reject every wrong one with a message that
names its mistake, and accept every correct one however it is written. One module per exercise.

``WRONG[exercise_id]`` is a list of ``(code, pattern)``: ``pattern`` is a regular expression that
a message naming the mistake matches (what broke, where). ``RIGHT[exercise_id]`` is a list of
correct solutions written differently from the reference. Each function's globals are its
exercise module's, as a notebook's are the notebook's: the helpers a student wrote earlier in the
notebook (``unbroadcast``, ``topological_order``, ``log_softmax``, ``batches``, ``cosine_lr``) are
defined, correctly and with the signatures students give them, in the module whose solutions call
them. Importing the package registers every exercise's solutions, in exercise order.
"""

from __future__ import annotations

from . import ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09, ex10, ex11, ex12, ex13  # noqa: F401
from .common import RIGHT, WRONG

__all__ = ["RIGHT", "WRONG"]
