"""The legend under the diagram: each kind of connector, and hotspots when there are any."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .geometry import LegendItem
from .options import LayoutOptions
from .shapes import Badge, Circle, Line, Point, Rect, TextLine
from .style import (
    ARROWHEADS,
    BOUNDARY_MARKERS,
    CARD_FILL,
    CONNECTOR_STROKES,
    HOTSPOT_BADGE,
    INK,
    LEGEND_BADGE_OUTLINE,
    LEGEND_HOTSPOT_STROKE,
    WHITE,
)
from .text import measure_text

__all__ = ["legend"]


def legend(y: float, with_hotspot: bool, o: LayoutOptions) -> tuple[LegendItem, ...]:
    """The legend's entries in one row from the left margin, each symbol before its text."""
    entries = [
        ("handoff", _("Handoff within a department")),
        ("cross", _("Handoff across departments")),
        ("rework", _("Rework: work sent back")),
    ]
    if with_hotspot:
        entries.append(("hotspot", _("Hotspot")))
    items: list[LegendItem] = []
    x = o.margin
    middle = y + o.legend_height / 2
    for kind, label in entries:
        symbol = 30.0 if kind == "hotspot" else 44.0
        text = TextLine(label, x + symbol + 8, middle + 4.5, o.text_size, 400, INK, role="legend")
        items.append(_legend_item(kind, label, x, middle, symbol, text))
        x += symbol + 8 + measure_text(label, o.text_size) + 28
    return tuple(items)


def _legend_item(
    kind: str, label: str, x: float, y: float, symbol: float, text: TextLine
) -> LegendItem:
    """A legend entry whose symbol is drawn exactly like the thing it explains."""
    if kind == "hotspot":
        outline = Rect(x + 2, y - 9, symbol - 8, 18, 4.0, CARD_FILL, stroke=LEGEND_HOTSPOT_STROKE)
        center = Point(x + symbol - 6, y - 9)
        badge = Badge(
            Circle(center, 7.0, HOTSPOT_BADGE, LEGEND_BADGE_OUTLINE),
            TextLine("!", center.x, y - 5.5, 10, 700, WHITE, "middle", "badge"),
        )
        return LegendItem(kind, label, x, y, symbol, text, outline=outline, badge=badge)
    cross = kind == "cross"
    return LegendItem(
        kind,
        label,
        x,
        y,
        symbol,
        text,
        line=Line(Point(x, y), Point(x + symbol, y), CONNECTOR_STROKES[kind]),
        arrowhead=ARROWHEADS[kind],
        marks=(Point(x + symbol / 2 - 4, y),) if cross else (),
        boundary_marker=BOUNDARY_MARKERS[kind] if cross else None,
    )
