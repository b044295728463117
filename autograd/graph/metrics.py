"""How wide a line of text is, measured with the widest font a browser may draw it in.

Graphviz sizes every box for the font it knows (Helvetica, or Arial's metrics in graphviz-pure),
but the SVG is drawn by the viewer's browser, which substitutes what it has: Helvetica on macOS,
Arial on Windows, Liberation Sans or DejaVu Sans on Linux. DejaVu Sans is the widest of these
(about 15 % wider than Helvetica; bold names more), so the drawing reserves room for text as
DejaVu Sans sets it, and every substitute then fits.

The advance widths below are DejaVu Sans's (regular and bold, printable ASCII, in units of
1/2048 em; the same font matplotlib ships, which tests/autograd/graph checks them against).
Kerning is ignored: it only ever tightens a line. A character not in the table counts as a full
em, wider than any DejaVu glyph we draw.
"""

from __future__ import annotations

UNITS_PER_EM = 2048
_FIRST = 32  # the table starts at " "

# fmt: off
_REGULAR = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
)
_BOLD = (
    713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
    1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188,
    2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741,
    1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024,
    1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407,
    1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716,
)
# fmt: on
# The few other characters the drawings use: (regular, bold).
_OTHER = {
    "\u00a0": (651, 713),  # no-break space (Graphviz writes repeated spaces as these)
    "∂": (1059, 1114),
    "→": (1716, 1716),
    "×": (1716, 1716),
    "·": (651, 778),
    "…": (2048, 2048),
    "—": (2048, 2048),
    "−": (1716, 1716),
    "Σ": (1294, 1399),
}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in points of ``text`` set in DejaVu Sans (bold if asked) at ``size`` points."""
    table = _BOLD if bold else _REGULAR
    units = 0
    for char in text:
        code = ord(char) - _FIRST
        if 0 <= code < len(table):
            units += table[code]
        elif char in _OTHER:
            units += _OTHER[char][bold]
        else:
            units += UNITS_PER_EM
    return units * size / UNITS_PER_EM


def advance(char: str, *, bold: bool = False) -> int | None:
    """The table's advance width of ``char`` in font units (None: not in the table)."""
    code = ord(char) - _FIRST
    table = _BOLD if bold else _REGULAR
    if 0 <= code < len(table):
        return table[code]
    other = _OTHER.get(char)
    return None if other is None else other[bold]
