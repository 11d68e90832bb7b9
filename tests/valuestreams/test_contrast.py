"""Contrast of what the editor and the pages draw, computed from the real colours.

Text needs 4.5:1 (WCAG 1.4.3); the parts of a graphic a person must see, such as a
card's edge against its lane or the "+" of an empty cell, need 3:1 (WCAG 1.4.11).
The colours are read from the stylesheets and the layout's style module, so a later
change of either is checked again.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from valuestreams.layout.style import (
    CARD_BORDER,
    CARD_FILL,
    INK_MUTED,
    WHITE,
    contrast_ratio,
    lane_colors,
    mix,
)
from valuestreams.management.commands.load_demo import DEPARTMENTS

CSS = Path(__file__).resolve().parents[2] / "static" / "css"
#: Department colours: the demo's, and a coarse sweep over all colours a user may pick.
COLOURS = [d["color"] for d in DEPARTMENTS] + [
    "#{:02X}{:02X}{:02X}".format(*rgb) for rgb in itertools.product(range(0, 256, 51), repeat=3)
]
TINTS = sorted({lane_colors(color)[1] for color in COLOURS})


def _css_value(path: Path, pattern: str) -> str:
    match = re.search(pattern, path.read_text(encoding="utf-8"))
    assert match, f"{pattern} not found in {path.name}"
    return match.group(1)


def test_muted_text_reads_at_4_5_to_1_on_the_page_and_on_cards() -> None:
    muted = _css_value(CSS / "crosswalk.css", r"--muted:\s*(#[0-9a-fA-F]{6})")
    page = _css_value(CSS / "crosswalk.css", r"--bg:\s*(#[0-9a-fA-F]{6})")
    for background in (page, WHITE, "#F3FAF6"):
        assert contrast_ratio(muted, background) >= 4.5, background


def test_a_card_edge_stands_out_from_every_lane_tint() -> None:
    assert contrast_ratio(CARD_BORDER, CARD_FILL) >= 3.0
    weakest = min(TINTS, key=lambda tint: contrast_ratio(CARD_BORDER, tint))
    assert contrast_ratio(CARD_BORDER, weakest) >= 3.0, weakest


def test_the_add_button_keeps_3_to_1_at_its_resting_opacity() -> None:
    opacity = float(_css_value(CSS / "editor.css", r"\.cw-add\s*\{\s*opacity:\s*([0-9.]+)"))
    for tint in [*TINTS, WHITE]:
        # The "+" and its ring (INK_MUTED) over the white disc, all at that opacity.
        ring = mix(tint, INK_MUTED, opacity)
        disc = mix(tint, WHITE, opacity)
        assert contrast_ratio(ring, tint) >= 3.0, tint
        assert contrast_ratio(ring, disc) >= 3.0, tint
