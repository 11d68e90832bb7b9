"""Colours and styles: every colour, width, dash, head and mark a renderer draws.

Change the look of the diagram here; every renderer (screen, SVG, PowerPoint)
follows, because renderers only translate the geometry the layout builds from
these values. Text colours meet WCAG AA (≥ 4.5:1) on white and on the lane
tints, which are at most 12 % of the department colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from .shapes import (
    Arrowhead,
    Badge,
    BoundaryMarker,
    Circle,
    Face,
    Interaction,
    Point,
    Rect,
    Stroke,
    TextLine,
)

INK = "#1D2939"  # titles and headers
INK_MUTED = "#475467"  # key numbers and details
CARD_FILL = "#FFFFFF"
CARD_BORDER = "#767F8D"  # card edges ≥ 3:1 against white and every lane tint (WCAG 1.4.11)
STAGE_FILL = "#EEF1F6"
HANDOFF_COLOR = "#6B7585"  # same department: quiet grey, still 4.6:1 on white
CROSS_COLOR = "#1D3557"  # across departments: dark navy, thick, with boundary marks
REWORK_COLOR = "#B42318"  # sent back: dark red, dashed, open arrowhead
HOTSPOT_COLOR = "#D9480F"  # outline of hotspot steps, together with a "!" badge
HOTSPOT_BADGE = "#C2410C"  # badge fill behind a white "!" (5.2:1)
SELECTED_COLOR = "#1971C2"
CURVE_COLOR = "#0B7285"
POSITIVE_FILL = "#EBFBEE"
NEGATIVE_FILL = "#FFF1F0"
DEFAULT_LANE_COLOR = "#4C78A8"

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def mix(color: str, other: str, amount: float) -> str:
    """``color`` moved ``amount`` (0..1) of the way towards ``other``."""
    a, b = _rgb(color), _rgb(other)
    return _hex(x + (y - x) * amount for x, y in zip(a, b, strict=True))


def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else float(((s + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(color: str, background: str, ratio: float = 4.5) -> str:
    """``color`` darkened just enough to be readable text on ``background``."""
    amount = 0.0
    candidate = color
    while contrast_ratio(candidate, background) < ratio and amount < 1:
        amount += 0.05
        candidate = mix(color, "#000000", amount)
    return candidate


WHITE = "#FFFFFF"
BAND_FILL = "#F8F9FB"  # background of the ladder and the emotion curve
BAND_BORDER = "#E4E7EC"
TOTALS_BORDER = "#D0D5DD"
DIVIDER_COLOR = "#667085"
SHADOW_COLOR = "#101828"

#: The kinds of handoff a connector is drawn as: "handoff" (same department),
#: "cross" (across departments), "rework" and "rework-cross".
ConnectorKind = Literal["handoff", "cross", "rework", "rework-cross"]

_JOIN_ROUND: Literal["round"] = "round"
CONNECTOR_STROKES: dict[str, Stroke] = {
    # Colour never carries meaning alone: cross-department is thicker (and gets
    # boundary marks and a bigger head), rework is dashed with an open head.
    "handoff": Stroke(HANDOFF_COLOR, 1.75, join=_JOIN_ROUND),
    "cross": Stroke(CROSS_COLOR, 3.0, join=_JOIN_ROUND),
    "rework": Stroke(REWORK_COLOR, 2.25, (7.0, 5.0), join=_JOIN_ROUND),
    "rework-cross": Stroke(REWORK_COLOR, 3.0, (7.0, 5.0), join=_JOIN_ROUND),
}
ARROWHEADS: dict[str, Arrowhead] = {
    "handoff": Arrowhead("triangle", 10.0, 8.0, HANDOFF_COLOR, overshoot=0.5),
    "cross": Arrowhead("triangle", 14.0, 12.6, CROSS_COLOR, overshoot=0.7),
    "rework": Arrowhead("open", 10.4, 10.4, REWORK_COLOR, line_width=2.34),
}
ARROWHEADS["rework-cross"] = ARROWHEADS["rework"]
_MARK_OUTLINE = Stroke(WHITE, 1.5)
BOUNDARY_MARKERS: dict[str, BoundaryMarker] = {
    kind: BoundaryMarker("diamond", 6.5, stroke.color, _MARK_OUTLINE)
    for kind, stroke in CONNECTOR_STROKES.items()
}
CONNECTOR_CORNER_RADIUS = 6.0
LABEL_STROKES: dict[str, Stroke] = {
    kind: Stroke(stroke.color, 0.75) for kind, stroke in CONNECTOR_STROKES.items()
}

CARD_RADIUS = 8.0
CARD_STROKE = Stroke(CARD_BORDER, 1.0)
HOTSPOT_STROKE = Stroke(HOTSPOT_COLOR, 3.5)
SELECTION_STROKE = Stroke(SELECTED_COLOR, 3.0)
BADGE_OUTLINE = Stroke(WHITE, 2.0)
FACE_OUTLINE = Stroke(INK_MUTED, 1.3)
MOUTH_STROKE = Stroke(INK, 1.3, cap="round")
FACE_FILLS = {1: "#D3F9D8", 0: "#F1F3F5", -1: "#FFE3E3"}  # by the emotion's sign

LANE_BORDER = Stroke(WHITE, 3.0)
DIVIDER_STROKE = Stroke(DIVIDER_COLOR, 1.0, (2.0, 5.0), opacity=0.28)
ADD_CIRCLE_STROKE = Stroke(INK_MUTED, 1.5, (3.0, 2.0))
ADD_PLUS_STROKE = Stroke(INK_MUTED, 2.0, cap="round")

BAND_STROKE = Stroke(BAND_BORDER, 1.0)
TOTALS_STROKE = Stroke(TOTALS_BORDER, 1.0)
WAVE_STROKE = Stroke(INK_MUTED, 1.5, join=_JOIN_ROUND)
PROCESS_RUNG_STROKE = Stroke(CURVE_COLOR, 5.0, cap="round")
ZERO_LINE_STROKE = Stroke(INK_MUTED, 1.0, (4.0, 4.0))
CURVE_STROKE = Stroke(CURVE_COLOR, 3.0, cap="round", join=_JOIN_ROUND)
CURVE_DOT_STROKE = Stroke(CURVE_COLOR, 3.0)
LEGEND_HOTSPOT_STROKE = Stroke(HOTSPOT_COLOR, 3.0)
LEGEND_BADGE_OUTLINE = Stroke(WHITE, 1.5)

#: Distance between parallel connector runs in a gutter, a corridor or on a card
#: side: far enough apart to aim at with a pointer.
TRACK_SPACING = 10.0
#: A connector's click area is no wider than the distance to its neighbours, so the
#: area under the pointer always belongs to the line drawn there.
INTERACTION = Interaction(hit_width=TRACK_SPACING)


FACE_RADIUS = 7.0


def ring(box: Rect, pad: float, radius: float, stroke: Stroke | None) -> Rect:
    """An unfilled outline ``pad`` px outside ``box``: hotspot, selection, focus."""
    return Rect(
        box.x - pad,
        box.y - pad,
        box.width + 2 * pad,
        box.height + 2 * pad,
        radius,
        None,
        stroke=stroke,
    )


def hotspot_badge(center: Point) -> Badge:
    """The hotspot badge: a white "!" on a dark orange disc (5.2:1)."""
    circle = Circle(center, 11.0, HOTSPOT_BADGE, BADGE_OUTLINE)
    mark = TextLine("!", center.x, center.y + 5.5, 15, 700, WHITE, "middle", "hotspot-badge")
    return Badge(circle, mark)


def emotion_face(center: Point, emotion: int) -> Face:
    """A face whose mouth curves with ``emotion`` (−2…+2): shape, not colour, carries it."""
    cx, cy = center.x, center.y
    fill = FACE_FILLS[(emotion > 0) - (emotion < 0)]
    mouth_y = cy + 2.6 - (0.8 if emotion < 0 else 0)
    control = mouth_y + emotion * 1.6
    return Face(
        head=Circle(center, FACE_RADIUS, fill, FACE_OUTLINE),
        eyes=(
            Circle(Point(cx - 2.4, cy - 1.8), 0.95, INK),
            Circle(Point(cx + 2.4, cy - 1.8), 0.95, INK),
        ),
        mouth=(Point(cx - 3.4, mouth_y), Point(cx, control), Point(cx + 3.4, mouth_y)),
        mouth_stroke=MOUTH_STROKE,
    )


def connector_kind(cross_department: bool, rework: bool) -> ConnectorKind:
    """How a handoff is drawn: rework wins over cross-department for colour and dash."""
    if rework:
        return "rework-cross" if cross_department else "rework"
    return "cross" if cross_department else "handoff"


def lane_colors(color: str) -> tuple[str, str, str, str]:
    """A department's colours: (stripe, band tint, header fill, readable accent text).

    A colour that is not ``#RRGGBB`` falls back to the default lane colour.
    """
    stripe = (color if HEX_COLOR.match(color or "") else DEFAULT_LANE_COLOR).upper()
    header_fill = mix(stripe, WHITE, 0.8)
    return stripe, mix(stripe, WHITE, 0.9), header_fill, readable_on(stripe, header_fill)
