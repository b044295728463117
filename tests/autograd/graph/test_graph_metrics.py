"""The DejaVu Sans widths the drawings reserve: the table against the font file itself."""

from __future__ import annotations

import pytest

from autograd.graph.metrics import UNITS_PER_EM, advance, text_width


def test_table_matches_the_dejavu_font_matplotlib_ships():
    font_manager = pytest.importorskip("matplotlib.font_manager")
    ttlib = pytest.importorskip("fontTools.ttLib")
    for bold in (False, True):
        path = font_manager.findfont(
            font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"),
            fallback_to_default=False,
        )
        font = ttlib.TTFont(path)
        assert font["head"].unitsPerEm == UNITS_PER_EM
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        chars = [chr(c) for c in range(32, 127)] + list("∂→×·…—−Σ\u00a0")
        for char in chars:
            assert advance(char, bold=bold) == metrics[cmap[ord(char)]][0], (char, bold)


def test_widths_add_up_and_unknown_characters_count_a_full_em():
    assert text_width("", 10) == 0
    assert text_width("ab", 10) == pytest.approx(text_width("a", 10) + text_width("b", 10))
    assert text_width("W", 10, bold=True) > text_width("W", 10)
    assert text_width("中", 12) == 12  # not in the table: as wide as the font size
