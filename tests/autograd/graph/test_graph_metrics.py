"""The widths the drawings reserve: per character, the widest of DejaVu Sans, Serif and Sans Mono,
checked against the font files themselves."""

from __future__ import annotations

import pytest

from autograd.graph.metrics import UNITS_PER_EM, advance, text_width


def test_table_is_the_widest_of_dejavu_sans_serif_and_mono():
    font_manager = pytest.importorskip("matplotlib.font_manager")
    ttlib = pytest.importorskip("fontTools.ttLib")
    chars = [chr(c) for c in range(32, 127)] + list("∂→×·…—−Σ\u00a0")
    for bold in (False, True):
        widest = dict.fromkeys(chars, 0)
        for family in ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"):
            path = font_manager.findfont(
                font_manager.FontProperties(family=family, weight="bold" if bold else "normal"),
                fallback_to_default=False,
            )
            font = ttlib.TTFont(path)
            assert font["head"].unitsPerEm == UNITS_PER_EM
            cmap, metrics = font.getBestCmap(), font["hmtx"]
            for char in chars:
                widest[char] = max(widest[char], metrics[cmap[ord(char)]][0])
        for char in chars:
            assert advance(char, bold=bold) == widest[char], (char, bold)


def test_widths_add_up_and_unknown_characters_count_a_full_em():
    assert text_width("", 10) == 0
    assert text_width("ab", 10) == pytest.approx(text_width("a", 10) + text_width("b", 10))
    assert text_width("W", 10, bold=True) > text_width("W", 10)
    assert text_width("中", 12) == 12  # not in the table: as wide as the font size
