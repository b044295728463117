"""Short, deterministic text for arrays: what a graph node or a trace table shows of a value.

A teacher wants to read numbers, not dumps: a scalar is printed with four significant digits, a
small array (up to ``SMALL`` elements, ``SMALL_INT`` for integers such as a batch of class labels)
in full, and anything bigger as ``min / mean / max`` with ``SUMMARY_DIGITS`` significant digits
(a glance at the spread, not a value to check by hand). NaN and Inf are counted rather than hidden
inside the statistics.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SMALL = 6  # arrays with at most this many elements are printed in full
SMALL_INT = 10  # integer (and bool) arrays: their elements print short
SUMMARY_DIGITS = 2  # significant digits of min / mean / max


def format_number(value: Any, digits: int = 4) -> str:
    """One number with ``digits`` significant digits (``-0`` printed as ``0``, booleans as
    ``True``, integers in full)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = float(value)
    if number == 0.0:
        return "0"  # no "-0": the sign of zero only confuses a reader
    return f"{number:.{digits}g}"


def format_summary(value: Any) -> str:
    """A number of a min / mean / max summary: ``SUMMARY_DIGITS`` significant digits, or one
    more when that writes it exactly (a dropout mask's 1/(1-0.2) reads 1.25, not a misleading
    1.2)."""
    short = format_number(value, SUMMARY_DIGITS)
    if isinstance(value, (bool, np.bool_, int, np.integer)) or float(short) == float(value):
        return short
    longer = format_number(value, SUMMARY_DIGITS + 1)
    return longer if float(longer) == float(value) else short


def format_array(array: Any) -> str:
    """A one-line description of ``array``: the value, the small array, or min/mean/max.

    ``format_array(2.0) == "2"``, ``format_array([1, 2]) == "[1, 2]"``, and for 1000 elements
    ``"min -3.1 mean 0.02 max 2.9"``, with ``"; 3 NaN/Inf"`` appended when some are not finite.
    """
    array = np.asarray(array)
    if array.size == 0:
        return "[] (empty)"
    if array.size == 1:
        return format_number(array.reshape(()).item())
    if array.size <= (SMALL_INT if array.dtype.kind in "iub" else SMALL):
        return _small(array)
    return _summary(array)


def _small(array: np.ndarray) -> str:
    text = np.array2string(
        array,
        separator=", ",
        max_line_width=10**6,
        formatter={"all": format_number},
    )
    return " ".join(text.split())  # 2-D arrays print one row per line: keep one line


def _summary(array: np.ndarray) -> str:
    if array.dtype.kind == "b":
        return f"{int(array.sum())} True of {array.size}"
    finite = np.isfinite(array) if array.dtype.kind in "fc" else None
    values = array if finite is None else array[finite]
    bad = 0 if finite is None else array.size - values.size
    if values.size == 0:
        return f"all {array.size} NaN/Inf"
    as_float = values.astype(np.float64)
    low, mean, high = (format_summary(v) for v in (as_float.min(), as_float.mean(), as_float.max()))
    text = f"min {low} mean {mean} max {high}"
    return f"{text}; {bad} NaN/Inf" if bad else text


def has_nonfinite(array: Any) -> bool:
    """True when ``array`` (None counts as finite) contains a NaN or an infinity."""
    if array is None:
        return False
    array = np.asarray(array)
    return array.dtype.kind in "fc" and not bool(np.isfinite(array).all())


def format_shape(shape: tuple[int, ...]) -> str:
    """``(3, 4)`` for a shape, ``()`` for a scalar (as NumPy writes it)."""
    return str(tuple(int(n) for n in shape))


_HTML_SPECIAL = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def escape_html(text: str) -> str:
    """``text`` safe inside HTML and Graphviz's HTML-like labels (as ``html.escape``, whose
    module costs ``import autograd`` a millisecond and a half for five replacements)."""
    for character, entity in _HTML_SPECIAL:  # "&" first: the entities themselves contain it
        text = text.replace(character, entity)
    return text
