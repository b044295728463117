"""How wide a line of text is, measured with the widest font a browser may draw it in.

Graphviz sizes every box for the font it knows (Helvetica, or Arial's metrics in graphviz-pure),
but the SVG is drawn by the viewer's browser, which substitutes what it has: Helvetica on macOS,
Arial on Windows, Liberation Sans or DejaVu on Linux -- and a page's own CSS (a notebook theme,
a reader's settings) may force a serif or a monospace face. So the drawing reserves, for every
character, the widest advance among DejaVu Sans, DejaVu Serif and DejaVu Sans Mono (each wider
than its Helvetica, Times and Courier counterparts); every substitute then fits.

The advance widths below are those maxima (regular and bold, printable ASCII, in units of
1/2048 em; the fonts matplotlib ships, which tests/autograd/graph checks them against).
Kerning is ignored: it only ever tightens a line. A character not in the table counts as a full
em, wider than any DejaVu glyph we draw.
"""

from __future__ import annotations

UNITS_PER_EM = 2048
_FIRST = 32  # the table starts at " "

# fmt: off
_REGULAR = (
    1233, 1233, 1233, 1716, 1303, 1946, 1823, 1233, 1233, 1233, 1233, 1716, 1233, 1233, 1233, 1233,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1233, 1233, 1716, 1716, 1716, 1233,
    2048, 1479, 1505, 1567, 1642, 1495, 1421, 1636, 1786, 1233, 1233, 1530, 1360, 2097, 1792, 1679,
    1378, 1679, 1542, 1403, 1366, 1726, 1479, 2105, 1458, 1352, 1423, 1233, 1233, 1233, 1716, 1233,
    1233, 1255, 1311, 1233, 1311, 1260, 1233, 1311, 1319, 1233, 1233, 1241, 1233, 1995, 1319, 1253,
    1311, 1311, 1233, 1233, 1233, 1319, 1233, 1753, 1233, 1233, 1233, 1303, 1233, 1303, 1716,
)
_BOLD = (
    1233, 1233, 1233, 1716, 1425, 2052, 1849, 1233, 1233, 1233, 1233, 1716, 1233, 1233, 1233, 1233,
    1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1233, 1233, 1716, 1716, 1716, 1233,
    2048, 1589, 1731, 1630, 1776, 1561, 1454, 1749, 1935, 1233, 1233, 1780, 1440, 2267, 1872, 1784,
    1540, 1784, 1702, 1479, 1524, 1786, 1589, 2300, 1589, 1483, 1495, 1233, 1233, 1233, 1716, 1233,
    1233, 1382, 1466, 1247, 1466, 1389, 1233, 1466, 1489, 1233, 1233, 1419, 1233, 2167, 1489, 1407,
    1466, 1466, 1233, 1233, 1233, 1489, 1335, 1892, 1321, 1335, 1233, 1458, 1233, 1458, 1716,
)
# fmt: on
# The few other characters the drawings use: (regular, bold).
_OTHER = {
    "\u00a0": (1233, 1233),  # no-break space (Graphviz writes repeated spaces as these)
    "∂": (1233, 1233),
    "→": (1716, 1716),
    "×": (1716, 1716),
    "·": (1233, 1233),
    "…": (2048, 2048),
    "—": (2048, 2048),
    "−": (1716, 1716),
    "Σ": (1448, 1448),
}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in points of ``text`` at ``size`` points in the widest of DejaVu Sans, Serif and
    Sans Mono for each character (bold if asked)."""
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
