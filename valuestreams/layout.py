"""Map -> geometry: the one layout every renderer draws.

`layout_map` turns a `MapData` (plus an optional analysis `Overlay`) into a
`Geometry`: lane bands, stage columns, step boxes with their wrapped text,
orthogonal connector routes for handoffs, the band under the lanes (the
lead-time ladder of a value stream or the emotion curve of a journey) and the
legend. The screen SVG, the SVG/PNG/PDF export and the PowerPoint export all draw
this same geometry, so what the workshop saw is what lands on the slide.

The function is pure and deterministic: no database, no request, no randomness,
no dependence on installed fonts (text is measured with a fixed table of
sans-serif advance widths). Everything is in px in one coordinate space with the
origin at the top left.

Scaling: every step is placed once; every connector is routed locally from its two
boxes and the cells between them, never against all other connectors. Sharing of
gutters and box sides is resolved afterwards with sorted sweeps, so the whole
layout is O(n log n) in steps plus handoffs.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext as _

from .analysis.engine import analyze
from .units import format_minutes

if TYPE_CHECKING:  # only for types: the layout never touches models or the database
    from .analysis.results import MapAnalysis
    from .mapdata import HandoffData, LaneData, MapData, StepData

__all__ = [
    "FONT_FAMILY",
    "AddButton",
    "Arrowhead",
    "Badge",
    "BoundaryMarker",
    "BoxGeometry",
    "CellGeometry",
    "Circle",
    "ColumnGeometry",
    "ConnectorGeometry",
    "CurvePoint",
    "EmotionCurve",
    "Face",
    "Geometry",
    "Interaction",
    "LabelBox",
    "LadderGeometry",
    "LadderRung",
    "LadderTotals",
    "LaneGeometry",
    "LayoutOptions",
    "LegendItem",
    "Line",
    "Overlay",
    "Point",
    "Rect",
    "Stroke",
    "TextLine",
    "connector_kind",
    "layout_map",
    "measure_text",
    "wrap_text",
]

#: The font stack every renderer uses; the width table below approximates it.
FONT_FAMILY = "Inter, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"

# Colours shared by all renderers (hex). Text colours meet WCAG AA (≥ 4.5:1) on
# white and on the lane tints, which are at most 12 % of the department colour.
INK = "#1D2939"  # titles and headers
INK_MUTED = "#475467"  # key numbers and details
CARD_FILL = "#FFFFFF"
CARD_BORDER = "#C9CFD8"
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

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# ---------------------------------------------------------------------------
# Text measurement
# ---------------------------------------------------------------------------


def _widths(numbers: str) -> tuple[int, ...]:
    return tuple(int(w) for w in numbers.split())


# Advance widths in thousandths of an em for ASCII 32..126: the larger of DejaVu
# Sans and Liberation Sans, the widest of the font stack's fallbacks, so text that
# fits here fits in every font the SVG may end up with (Inter is narrower).
_REGULAR = _widths(
    """
    318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337
    636 636 636 636 636 636 636 636 636 636 337 337 838 838 838 556
    1015 684 686 722 770 667 611 778 752 295 500 667 557 863 748 787
    667 787 722 667 611 732 684 989 685 667 685 390 337 390 838 556
    500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612
    635 635 411 521 392 634 592 818 592 592 525 636 337 636 838
"""
)
_BOLD = _widths(
    """
    348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365
    696 696 696 696 696 696 696 696 696 696 400 400 838 838 838 611
    1000 774 762 734 830 683 683 821 837 372 556 775 637 995 837 850
    733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 556
    500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687
    716 716 493 595 478 712 652 924 645 652 582 712 365 712 838
"""
)
_SPECIAL = {"·": 318, "…": 1000, "−": 838, "–": 500, "—": 1000, "€": 636, "×": 838}
_ELLIPSIS = "…"


def _char_width(char: str, table: tuple[int, ...]) -> int:
    """Width of one character in thousandths of an em."""
    code = ord(char)
    if 32 <= code < 127:
        return table[code - 32]
    if char in _SPECIAL:
        return _SPECIAL[char]
    if unicodedata.combining(char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000
    # Accented Latin letters (é, ü, ß→s) are about as wide as their base letter.
    base = unicodedata.normalize("NFD", char)[:1]
    if base and 32 <= ord(base) < 127:
        return table[ord(base) - 32]
    return 650


# Per-character widths, filled as characters are met: measuring is the hot loop of
# a big layout, and a dict lookup is much cheaper than the rules above.
_CACHE: tuple[dict[str, int], dict[str, int]] = ({}, {})


def _units(text: str, bold: bool) -> int:
    """Width of ``text`` in thousandths of an em."""
    cache = _CACHE[1 if bold else 0]
    total = 0
    for char in text:
        width = cache.get(char)
        if width is None:
            width = cache[char] = _char_width(char, _BOLD if bold else _REGULAR)
        total += width
    return total


def measure_text(text: str, size: float, *, bold: bool = False) -> float:
    """Approximate rendered width in px of ``text`` at font ``size`` px.

    Deterministic and font-independent on purpose: layout must not change with the
    machine it runs on. Slightly generous, so wrapped text never spills a box.
    """
    return _units(text, bold) * size / 1000.0


def _truncate(text: str, width: float, size: float, bold: bool) -> str:
    """Cut ``text`` so that it plus an ellipsis fits ``width``."""
    text = text.rstrip()
    while text and measure_text(text + _ELLIPSIS, size, bold=bold) > width:
        text = text[:-1].rstrip()
    return text + _ELLIPSIS


def wrap_text(
    text: str,
    width: float,
    size: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
) -> tuple[str, ...]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` px.

    Words longer than a line are broken between characters. With ``max_lines``,
    the last kept line ends in an ellipsis when text was cut. Returns no lines for
    blank text.
    """
    # Widths add up (no kerning in the model), so each word is measured once.
    limit = width * 1000.0 / size if size > 0 else 0.0
    space = _units(" ", bold)
    lines: list[str] = []
    line = ""
    line_units = 0
    for word in text.split():
        word_units = _units(word, bold)
        if line and line_units + space + word_units <= limit:
            line = f"{line} {word}"
            line_units += space + word_units
            continue
        if line:
            lines.append(line)
        # A word wider than the line: break it where it overflows.
        while word_units > limit and len(word) > 1:
            cut = 0
            used = 0
            while cut < len(word) - 1:
                char_units = _units(word[cut], bold)
                if cut and used + char_units > limit:
                    break
                used += char_units
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
            word_units = _units(word, bold)
        line, line_units = word, word_units
        if max_lines is not None and len(lines) > max_lines:
            break  # enough to know it will be cut; keeps huge titles cheap
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _truncate(kept[-1], width, size, bold)
        return tuple(kept)
    return tuple(lines)


# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def _mix(color: str, other: str, amount: float) -> str:
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


def _readable_on(color: str, background: str, ratio: float = 4.5) -> str:
    """``color`` darkened just enough to be readable text on ``background``."""
    amount = 0.0
    candidate = color
    while contrast_ratio(candidate, background) < ratio and amount < 1:
        amount += 0.05
        candidate = _mix(color, "#000000", amount)
    return candidate


# ---------------------------------------------------------------------------
# Input and output types
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LadderTotals:
    """Totals printed at the end of the lead-time ladder; times in minutes.

    ``activity_ratio`` is a fraction (0.05 = 5 %). A ``None`` field is computed
    from the ladder's own steps instead.
    """

    lead_time_minutes: float | None = None
    process_time_minutes: float | None = None
    activity_ratio: float | None = None


@dataclass(frozen=True, slots=True)
class Overlay:
    """Analysis results drawn on top of the map; build it with `from_analysis`.

    ``hotspots`` maps a step id to the reasons it is a hotspot, in words;
    ``critical_path`` lists step ids in order along the analysis's critical path
    (the steps of the lead-time ladder); ``totals`` are the ladder's totals (None:
    unknown); ``selected_step_id`` marks the step the editor has selected.
    """

    hotspots: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    critical_path: tuple[int, ...] = ()
    totals: LadderTotals | None = None
    selected_step_id: int | None = None

    @classmethod
    def from_analysis(
        cls, analysis: MapAnalysis, *, selected_step_id: int | None = None, hotspots: bool = True
    ) -> Overlay:
        """What the analysis adds to the drawing: its critical path and totals for the
        ladder, and (with ``hotspots``) the marked hotspots with their reasons."""
        m = analysis.metrics
        return cls(
            hotspots=(
                {s.id: tuple(str(r) for r in s.reasons) for s in analysis.marked_hotspots}
                if hotspots
                else {}
            ),
            critical_path=analysis.critical_path,
            totals=LadderTotals(m.lead_time_minutes, m.process_time_minutes, m.activity_ratio),
            selected_step_id=selected_step_id,
        )


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """Sizes of the layout in px; the defaults are tuned for a projector."""

    margin: float = 24
    lane_header_width: float = 184
    stage_header_height: float = 50
    header_gap: float = 10
    box_width: float = 216
    #: Half of the gutter between two columns; vertical connector runs live there.
    cell_pad_x: float = 24
    cell_pad_top: float = 26
    box_gap: float = 22
    #: Strip below the boxes of every lane where back edges (rework) are routed.
    corridor_height: float = 34
    min_box_height: float = 58
    title_size: float = 14
    title_line_height: float = 18
    text_size: float = 13
    text_line_height: float = 17
    max_title_lines: int = 3
    header_size: float = 15
    show_band: bool = True
    show_legend: bool = True
    ladder_height: float = 118
    curve_height: float = 168
    totals_width: float = 214
    band_gap: float = 22
    legend_height: float = 26


@dataclass(frozen=True, slots=True)
class Point:
    """A point in px."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Stroke:
    """How a line or an outline is drawn.

    ``width`` in px; ``dash`` alternates drawn and gap lengths in px (empty: solid);
    ``cap`` and ``join`` as in SVG/PowerPoint ("butt"/"round"/"square",
    "miter"/"round"/"bevel").
    """

    color: str
    width: float
    dash: tuple[float, ...] = ()
    opacity: float = 1.0
    cap: Literal["butt", "round", "square"] = "butt"
    join: Literal["miter", "round", "bevel"] = "miter"


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle with corner ``radius``; ``fill`` None means not filled, ``stroke`` None
    means no outline."""

    x: float
    y: float
    width: float
    height: float
    radius: float = 0.0
    fill: str | None = None
    fill_opacity: float = 1.0
    stroke: Stroke | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    """A circle around ``center``; ``fill`` None means not filled."""

    center: Point
    radius: float
    fill: str | None = None
    stroke: Stroke | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """A straight line from ``start`` to ``end``."""

    start: Point
    end: Point
    stroke: Stroke


@dataclass(frozen=True, slots=True)
class Arrowhead:
    """The head at the end of a connector, pointing along its last segment.

    ``kind`` "triangle" is a filled triangle, "open" a chevron of two strokes
    ``line_width`` wide. ``length`` (along the line) and ``width`` (across) are in
    px. The tip lies ``overshoot`` px beyond the route's last point (0: on it).
    """

    kind: Literal["triangle", "open"]
    length: float
    width: float
    color: str
    line_width: float = 0.0
    overshoot: float = 0.0


@dataclass(frozen=True, slots=True)
class BoundaryMarker:
    """The mark drawn where a cross-department connector crosses a lane border.

    ``shape`` "diamond": a square on its point, ``radius`` px from centre to corner.
    """

    shape: Literal["diamond"]
    radius: float
    fill: str
    stroke: Stroke | None


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text: ``y`` is the baseline, ``anchor`` is "start", "middle" or "end"."""

    text: str
    x: float
    y: float
    size: float
    weight: int = 400
    color: str = INK
    anchor: Literal["start", "middle", "end"] = "start"
    role: str = ""


@dataclass(frozen=True, slots=True)
class LabelBox:
    """A text in a box, e.g. a handoff's label: ``box`` is sized from the measured
    ``text`` and placed on the connector's route."""

    box: Rect
    text: TextLine


@dataclass(frozen=True, slots=True)
class Badge:
    """A round badge with a short text, e.g. the "!" on a hotspot's corner."""

    circle: Circle
    text: TextLine


@dataclass(frozen=True, slots=True)
class Face:
    """A small face for a journey step's emotion: the mouth carries the meaning.

    ``mouth`` is a quadratic curve (start, control point, end) drawn with
    ``mouth_stroke``; it smiles for a positive and frowns for a negative emotion.
    """

    head: Circle
    eyes: tuple[Circle, Circle]
    mouth: tuple[Point, Point, Point]
    mouth_stroke: Stroke


@dataclass(frozen=True, slots=True)
class AddButton:
    """The round "+" of an empty spot in the editor: ``circle`` and a plus sign of two
    strokes ``arm`` px from the centre each way."""

    circle: Circle
    arm: float
    stroke: Stroke


@dataclass(frozen=True, slots=True)
class Interaction:
    """How interactive renderers (the editor's screen) show focus and hover.

    Not part of the picture: exports leave it out. ``focus`` outlines a focused or
    selected step (on its ``focus_ring``), ``add_focus`` a focused "+" button;
    ``add_opacity`` is the "+" buttons' resting opacity; ``hover_width`` the line
    width of a hovered connector; ``hit_width`` the width of a connector's
    invisible click area.
    """

    focus: Stroke
    add_focus: Stroke
    add_opacity: float
    hover_width: float
    hit_width: float


@dataclass(frozen=True, slots=True)
class LaneGeometry:
    """A lane band across the full width; the header is its leftmost ``header_width`` px.

    ``color`` is the department colour (the stripe), ``tint`` the band fill,
    ``header_fill`` the header fill and ``accent`` a darker colour for text on it.
    Drawn as ``band``, then ``header`` and ``stripe`` on top of it, then ``text``.
    """

    lane_id: int
    department_id: int
    index: int
    name: str
    short_name: str
    color: str
    tint: str
    header_fill: str
    accent: str
    x: float
    y: float
    width: float
    height: float
    header_width: float
    stripe_width: float
    text: tuple[TextLine, ...]
    band: Rect
    header: Rect
    stripe: Rect


@dataclass(frozen=True, slots=True)
class ColumnGeometry:
    """A stage column; its header box (``header``) is drawn at ``header_y`` above the
    lanes, with ``text`` on it."""

    stage_id: int
    index: int
    name: str
    x: float
    width: float
    header_x: float
    header_y: float
    header_width: float
    header_height: float
    text: tuple[TextLine, ...]
    header: Rect


@dataclass(frozen=True, slots=True)
class CellGeometry:
    """One lane × stage cell (also the empty ones): a drop target and "add" spot.

    ``add_button`` (centred on ``add_x``, ``add_y``) is drawn by the editor only.
    """

    lane_id: int
    stage_id: int
    department: str
    stage: str
    x: float
    y: float
    width: float
    height: float
    add_x: float
    add_y: float
    add_button: AddButton


@dataclass(frozen=True, slots=True)
class BoxGeometry:
    """A step card with its text lines, key numbers and analysis marks.

    Drawn bottom to top: ``selection_ring`` (when selected), ``shadow``, ``card``,
    the ``stripe_color`` stripe (the card's left ``stripe_width`` px, inside its
    rounded corners), ``outline`` (hotspots), ``lines``, ``face`` (journeys with an
    emotion) and ``badge`` (hotspots). ``lines`` hold every text line (title, key
    numbers, journey details) already wrapped and positioned. ``focus_ring`` is
    where an interactive renderer shows keyboard focus (see `Interaction`).
    """

    step_id: int
    lane_id: int
    stage_id: int
    department_id: int
    version: int
    title: str
    department: str
    stage: str
    x: float
    y: float
    width: float
    height: float
    stripe_color: str
    stripe_width: float
    lines: tuple[TextLine, ...]
    emotion: int | None
    hotspot_reasons: tuple[str, ...]
    selected: bool
    on_critical_path: bool
    value_adding: bool
    card: Rect
    shadow: Rect
    outline: Rect | None
    selection_ring: Rect | None
    focus_ring: Rect
    badge: Badge | None
    face: Face | None

    @property
    def is_hotspot(self) -> bool:
        """True when the overlay gave reasons for this step."""
        return bool(self.hotspot_reasons)

    @property
    def right(self) -> float:
        """x of the right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """y of the bottom edge."""
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class ConnectorGeometry:
    """The orthogonal route of one handoff, from an edge of one box to an edge of another.

    ``back_edge`` says the route goes around (below the boxes) because the handoff is
    rework or points back to an earlier stage. The route is drawn through ``points``
    with ``stroke``, corners rounded by ``corner_radius`` px, ending in ``arrowhead``.
    ``boundary_marks`` are where the route crosses a lane border, each drawn as
    ``boundary_marker`` (cross-department handoffs only). ``label_box`` holds the
    handoff's label, sized to its text, or None without a label.
    """

    handoff_id: int
    from_step_id: int
    to_step_id: int
    version: int
    cross_department: bool
    rework: bool
    back_edge: bool
    points: tuple[Point, ...]
    label: str
    boundary_marks: tuple[Point, ...]
    stroke: Stroke
    arrowhead: Arrowhead
    corner_radius: float
    boundary_marker: BoundaryMarker | None
    label_box: LabelBox | None


@dataclass(frozen=True, slots=True)
class LadderRung:
    """One rung of the lead-time ladder: the wait (upper) or process time (lower) of a
    step, or of all path steps of a column when the column holds too many of them.

    ``label`` is ``None`` when the rung is too short to carry its number. ``stroke``
    is set when the rung is drawn over the ladder's wave (the process rungs: the
    value), None when the wave alone draws it.
    """

    step_ids: tuple[int, ...]
    kind: Literal["wait", "process"]
    x1: float
    x2: float
    y: float
    minutes: float | None
    label: TextLine | None
    stroke: Stroke | None


@dataclass(frozen=True, slots=True)
class LadderGeometry:
    """The value-stream timeline under the lanes, with its totals box at the right.

    ``path`` is the square wave through all rungs, drawn with ``wave``, on ``frame``;
    ``step_ids`` the steps of the analysis's critical path, in order. The totals
    box ``totals_box`` (also given as ``totals_x`` …) carries ``totals_text``;
    the totals are the analysis's (None: unknown, shown as "—").
    """

    x: float
    y: float
    width: float
    height: float
    upper_y: float
    lower_y: float
    step_ids: tuple[int, ...]
    path: tuple[Point, ...]
    rungs: tuple[LadderRung, ...]
    text: tuple[TextLine, ...]
    totals_x: float
    totals_y: float
    totals_width: float
    totals_height: float
    totals_text: tuple[TextLine, ...]
    lead_time_minutes: float | None
    process_time_minutes: float | None
    activity_ratio: float | None
    frame: Rect
    wave: Stroke
    totals_box: Rect


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """A point of the emotion curve for one step, drawn as ``dot`` with ``label``."""

    step_id: int
    emotion: int
    x: float
    y: float
    label: TextLine
    dot: Circle


@dataclass(frozen=True, slots=True)
class EmotionCurve:
    """The journey's emotion curve under the lanes: −2…+2 with a zero line.

    Drawn as ``frame``, the ``positive`` and ``negative`` halves of the plot, the
    ``zero_line``, ``text``, the line through ``points`` with ``line`` and each
    point's dot and label.
    """

    x: float
    y: float
    width: float
    height: float
    plot_x: float
    plot_width: float
    zero_y: float
    top_y: float
    bottom_y: float
    points: tuple[CurvePoint, ...]
    text: tuple[TextLine, ...]
    frame: Rect
    positive: Rect
    negative: Rect
    zero_line: Line
    line: Stroke


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One legend entry: a symbol of ``kind`` at (x, y) (left, vertical middle) and its text.

    Kinds: "handoff", "cross", "rework", "hotspot". A connector's symbol is ``line``
    with ``arrowhead`` and, for "cross", one ``boundary_marker`` at each of
    ``marks``; the hotspot's symbol is ``outline`` with ``badge``.
    """

    kind: str
    label: str
    x: float
    y: float
    symbol_width: float
    text: TextLine
    line: Line | None = None
    arrowhead: Arrowhead | None = None
    marks: tuple[Point, ...] = ()
    boundary_marker: BoundaryMarker | None = None
    outline: Rect | None = None
    badge: Badge | None = None


@dataclass(frozen=True, slots=True)
class Geometry:
    """Everything a renderer needs to draw one map, in px.

    ``band`` is the ladder (value streams) or the emotion curve (journeys), or
    ``None``. ``map_id`` and ``version`` let interactive renderers tag the drawing.

    Every drawing decision is here: a renderer translates, it never picks a
    colour, size, dash or position. Paint order, bottom to top: ``background``,
    lane bands, ``lane_borders``, lane headers, column ``dividers``, stage headers,
    connectors, boxes, connector label boxes, (editor: add buttons), the band,
    the legend. ``interaction`` tells interactive renderers how to show focus.
    """

    map_id: int
    version: int
    name: str
    kind: str
    is_journey: bool
    width: float
    height: float
    font_family: str
    lanes: tuple[LaneGeometry, ...]
    columns: tuple[ColumnGeometry, ...]
    cells: tuple[CellGeometry, ...]
    boxes: tuple[BoxGeometry, ...]
    connectors: tuple[ConnectorGeometry, ...]
    ladder: LadderGeometry | None
    curve: EmotionCurve | None
    legend: tuple[LegendItem, ...]
    background: str
    lane_borders: tuple[Line, ...]
    dividers: tuple[Line, ...]
    interaction: Interaction

    @property
    def band(self) -> LadderGeometry | EmotionCurve | None:
        """The band under the lanes, whichever kind the map has."""
        return self.ladder if self.ladder is not None else self.curve


# ---------------------------------------------------------------------------
# Styles: every colour, width and dash a renderer draws
# ---------------------------------------------------------------------------

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

INTERACTION = Interaction(
    focus=Stroke(SELECTED_COLOR, 3.0),
    add_focus=Stroke(SELECTED_COLOR, 2.5),
    add_opacity=0.45,
    hover_width=4.0,
    hit_width=14.0,
)


_FACE_RADIUS = 7.0


def _ring(
    x: float,
    y: float,
    width: float,
    height: float,
    pad: float,
    radius: float,
    stroke: Stroke | None,
) -> Rect:
    """An unfilled outline ``pad`` px outside the box at (x, y)."""
    return Rect(x - pad, y - pad, width + 2 * pad, height + 2 * pad, radius, None, stroke=stroke)


def _badge(center: Point) -> Badge:
    """The hotspot badge: a white "!" on a dark orange disc (5.2:1)."""
    circle = Circle(center, 11.0, HOTSPOT_BADGE, BADGE_OUTLINE)
    mark = TextLine("!", center.x, center.y + 5.5, 15, 700, WHITE, "middle", "hotspot-badge")
    return Badge(circle, mark)


def _face(center: Point, emotion: int) -> Face:
    """A face whose mouth curves with ``emotion`` (−2…+2): shape, not colour, carries it."""
    cx, cy = center.x, center.y
    fill = FACE_FILLS[(emotion > 0) - (emotion < 0)]
    mouth_y = cy + 2.6 - (0.8 if emotion < 0 else 0)
    control = mouth_y + emotion * 1.6
    return Face(
        head=Circle(center, _FACE_RADIUS, fill, FACE_OUTLINE),
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


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------

Side = Literal["L", "R", "T", "B"]


@dataclass(slots=True)
class _Route:
    """Working state of one connector while its route is resolved."""

    handoff: HandoffData
    a: BoxGeometry
    b: BoxGeometry
    mode: str
    out_side: Side
    in_side: Side
    back: bool
    gutters: list[int] = field(default_factory=list)
    corridor_lane: int = -1
    out_port: float = 0.0
    in_port: float = 0.0
    gutter_x: list[float] = field(default_factory=list)
    corridor_y: float = 0.0


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


def _metric_segments(step: StepData, day: int) -> list[str]:
    segments = []
    if step.process_time_minutes is not None:
        segments.append(f"PT {format_minutes(step.process_time_minutes, day)}")
    if step.lead_time_minutes is not None:
        segments.append(f"LT {format_minutes(step.lead_time_minutes, day)}")
    if step.complete_accurate_pct is not None:
        segments.append(f"C&A {step.complete_accurate_pct:.0f}%")
    return segments


def _pack_segments(segments: Sequence[str], width: float, size: float) -> list[str]:
    """Join segments with " · " into as few lines as fit ``width``."""
    lines: list[str] = []
    for segment in segments:
        if lines and measure_text(f"{lines[-1]} · {segment}", size) <= width:
            lines[-1] = f"{lines[-1]} · {segment}"
        else:
            lines.append(segment)
    return lines


@dataclass(frozen=True, slots=True)
class _Content:
    """A box's wrapped text before it has a position."""

    title: tuple[str, ...]
    details: tuple[str, ...]
    emotion_row: bool


def _box_content(
    step: StepData, is_journey: bool, text_width: float, opts: LayoutOptions, day: int
) -> _Content:
    title = wrap_text(
        step.title or "—",
        text_width,
        opts.title_size,
        bold=True,
        max_lines=opts.max_title_lines,
    )
    if not is_journey:
        details = _pack_segments(_metric_segments(step, day), text_width, opts.text_size)
        return _Content(title, tuple(details), False)
    emotion_row = step.emotion is not None
    details_list: list[str] = []
    channel = step.channel.strip()
    if emotion_row:
        # The glyph and the signed number sit in front of the channel on one row.
        first = _signed(step.emotion or 0) + (f" · {channel}" if channel else "")
        glyph_room = text_width - 22
        details_list.extend(wrap_text(first, glyph_room, opts.text_size, max_lines=1))
    elif channel:
        details_list.extend(wrap_text(channel, text_width, opts.text_size, max_lines=1))
    if step.touchpoint.strip():
        details_list.extend(wrap_text(step.touchpoint, text_width, opts.text_size, max_lines=2))
    return _Content(title, tuple(details_list), emotion_row)


def _content_height(content: _Content, opts: LayoutOptions) -> float:
    height = 12 + len(content.title) * opts.title_line_height
    if content.details:
        height += 6 + len(content.details) * opts.text_line_height
    return max(opts.min_box_height, height + 12)


def _reading_key(step: StepData) -> tuple[int, int]:
    return step.position, step.id


def _alternating_offset(track: int, spacing: float, limit: float) -> float:
    """Track 0 in the middle, then +1, −1, +2, −2 … steps, wrapping within ±limit."""
    if track == 0 or spacing <= 0:
        return 0.0
    slots = max(1, int(limit // spacing))
    step = (track + 1) // 2
    step = (step - 1) % slots + 1
    return step * spacing if track % 2 else -step * spacing


def _assign_tracks(intervals: list[tuple[float, float, int]], margin: float) -> dict[int, int]:
    """Greedy interval colouring: overlapping runs get different tracks, lowest first.

    ``intervals`` are (start, end, key); returns key → track. O(n log n).
    """
    result: dict[int, int] = {}
    busy: list[tuple[float, int]] = []  # (end, track)
    free: list[int] = []
    next_track = 0
    for start, end, key in sorted(intervals):
        while busy and busy[0][0] + margin <= start:
            _end, track = heapq.heappop(busy)
            heapq.heappush(free, track)
        if free:
            track = heapq.heappop(free)
        else:
            track = next_track
            next_track += 1
        result[key] = track
        heapq.heappush(busy, (end, track))
    return result


def _simplify(points: Sequence[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear points."""
    out: list[Point] = []
    for p in points:
        p = Point(round(p.x, 2), round(p.y, 2))
        if out and abs(out[-1].x - p.x) < 0.01 and abs(out[-1].y - p.y) < 0.01:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a.x - b.x) < 0.01 and abs(b.x - p.x) < 0.01) or (
                abs(a.y - b.y) < 0.01 and abs(b.y - p.y) < 0.01
            ):
                out[-1] = p
                continue
        out.append(p)
    return tuple(out)


def layout_map(
    data: MapData,
    overlay: Overlay | None = None,
    *,
    options: LayoutOptions | None = None,
) -> Geometry:
    """Lay out a map: return the `Geometry` every renderer draws.

    Pure and deterministic (same input, identical output). Lanes follow the map's
    lane order, columns its stage order; steps stack by ``position`` inside their
    lane × stage cell; column widths and lane heights grow with their content. With
    an ``overlay`` (`Overlay.from_analysis`) the layout marks hotspots and the
    selected step and builds the lead-time ladder along the overlay's critical path
    with its totals. Without one it runs the analysis itself for the critical path
    and totals (no hotspot marks): the ladder never follows a path of its own.
    """
    if overlay is None:
        overlay = Overlay.from_analysis(analyze(data), hotspots=False)
    return _Layout(data, overlay, options or LayoutOptions()).run()


class _Layout:
    """One layout run; split into steps only for readability."""

    def __init__(self, data: MapData, overlay: Overlay, opts: LayoutOptions) -> None:
        self.data = data
        self.overlay = overlay
        self.opts = opts
        self.day = data.working_day_minutes or 480
        self.lane_index = {lane.id: i for i, lane in enumerate(data.lanes)}
        self.stage_index = {stage.id: i for i, stage in enumerate(data.stages)}
        self.steps = [
            s for s in data.steps if s.lane_id in self.lane_index and s.stage_id in self.stage_index
        ]
        self.steps_by_id = {s.id: s for s in self.steps}

    # -- frame -------------------------------------------------------------

    def run(self) -> Geometry:
        o = self.opts
        data = self.data
        n_stages = len(data.stages)
        n_lanes = len(data.lanes)
        columns_left = o.margin + o.lane_header_width + o.cell_pad_x

        # Column widths: the box width, widened when a stage name needs it.
        col_widths: list[float] = []
        stage_lines: list[tuple[str, ...]] = []
        for stage in data.stages:
            width = o.box_width + 2 * o.cell_pad_x
            lines = wrap_text(stage.name, width - 28, o.header_size, bold=True)
            while len(lines) > 2 and width < o.box_width * 1.6 + 2 * o.cell_pad_x:
                width += 24
                lines = wrap_text(stage.name, width - 28, o.header_size, bold=True)
            stage_lines.append(
                wrap_text(stage.name, width - 28, o.header_size, bold=True, max_lines=2)
            )
            col_widths.append(width)
        col_x: list[float] = []
        x = columns_left
        for width in col_widths:
            col_x.append(x)
            x += width
        columns_right = x
        lanes_right = columns_right + o.cell_pad_x

        # Cells: steps per (lane, stage), stacked by position.
        cells: dict[tuple[int, int], list[StepData]] = defaultdict(list)
        for step in self.steps:
            cells[(self.lane_index[step.lane_id], self.stage_index[step.stage_id])].append(step)
        for members in cells.values():
            members.sort(key=_reading_key)

        # Wrap every box's text, then size rows: one height per stack rank and lane,
        # so boxes side by side line up and same-row handoffs are straight lines.
        contents: dict[int, _Content] = {}
        rank: dict[int, int] = {}
        row_heights: list[list[float]] = [[] for _ in data.lanes]
        for (li, si), members in cells.items():
            text_width = col_widths[si] - 2 * o.cell_pad_x - 30
            heights = row_heights[li]
            for k, step in enumerate(members):
                content = _box_content(step, data.is_journey, text_width, o, self.day)
                contents[step.id] = content
                rank[step.id] = k
                if len(heights) <= k:
                    heights.append(0.0)
                heights[k] = max(heights[k], _content_height(content, o))

        top = o.margin + o.stage_header_height + o.header_gap
        lane_y: list[float] = []
        lane_h: list[float] = []
        y = top
        for li in range(n_lanes):
            heights = row_heights[li] or [o.min_box_height]
            inner = sum(heights) + o.box_gap * (len(heights) - 1)
            header_need = self._lane_header_height(data.lanes[li])
            height = max(o.cell_pad_top + inner + o.corridor_height, header_need)
            lane_y.append(y)
            lane_h.append(height)
            y += height
        lanes_bottom = y

        row_tops: list[list[float]] = []
        for li in range(n_lanes):
            tops = []
            cursor = lane_y[li] + o.cell_pad_top
            for h in row_heights[li]:
                tops.append(cursor)
                cursor += h + o.box_gap
            row_tops.append(tops)

        critical = tuple(s for s in self.overlay.critical_path if s in self.steps_by_id)
        critical_set = set(critical)

        lane_geoms = tuple(
            self._lane(lane, li, lane_y[li], lane_h[li], lanes_right)
            for li, lane in enumerate(data.lanes)
        )
        column_geoms = tuple(
            self._column(si, col_x[si], col_widths[si], stage_lines[si]) for si in range(n_stages)
        )

        boxes: dict[int, BoxGeometry] = {}
        for (li, si), members in cells.items():
            lane = data.lanes[li]
            for step in members:
                k = rank[step.id]
                boxes[step.id] = self._box(
                    step,
                    lane_geoms[li],
                    data.stages[si].name,
                    col_x[si] + o.cell_pad_x,
                    row_tops[li][k],
                    col_widths[si] - 2 * o.cell_pad_x,
                    row_heights[li][k],
                    contents[step.id],
                    lane.name,
                    step.id in critical_set,
                )
        ordered_boxes = tuple(boxes[s.id] for s in self.steps)

        cell_geoms: list[CellGeometry] = []
        for li, lane in enumerate(data.lanes):
            for si, stage in enumerate(data.stages):
                # Top right of every cell, above where the first card sits: connectors
                # and their labels never run there, so the button hides nothing, and
                # it stays clear of a hotspot's "!" badge.
                add_x = col_x[si] + col_widths[si] - o.cell_pad_x - 34
                add_y = lane_y[li] + o.cell_pad_top / 2
                cell_geoms.append(
                    CellGeometry(
                        lane_id=lane.id,
                        stage_id=stage.id,
                        department=lane.name,
                        stage=stage.name,
                        x=col_x[si],
                        y=lane_y[li],
                        width=col_widths[si],
                        height=lane_h[li],
                        add_x=add_x,
                        add_y=add_y,
                        add_button=AddButton(
                            Circle(Point(add_x, add_y), 10.0, WHITE, ADD_CIRCLE_STROKE),
                            4.5,
                            ADD_PLUS_STROKE,
                        ),
                    )
                )

        self.col_x = col_x
        self.col_widths = col_widths
        self.lane_y = lane_y
        self.lane_h = lane_h
        self.cells = cells
        self.rank = rank
        self.boxes = boxes
        self.columns_left = columns_left
        self.columns_right = columns_right
        connectors = self._connectors()

        width = lanes_right + o.margin
        bottom = lanes_bottom
        ladder: LadderGeometry | None = None
        curve: EmotionCurve | None = None
        if o.show_band and n_stages and n_lanes:
            band_y = lanes_bottom + o.band_gap
            if data.is_journey:
                curve = self._curve(band_y, lanes_right)
                if curve is not None:
                    bottom = curve.y + curve.height
            else:
                ladder = self._ladder(band_y, critical, lanes_right)
                if ladder is not None:
                    bottom = max(ladder.y + ladder.height, ladder.totals_y + ladder.totals_height)
                    width = max(width, ladder.totals_x + ladder.totals_width + o.margin)

        legend: tuple[LegendItem, ...] = ()
        if o.show_legend and n_lanes:
            legend = self._legend(bottom + o.band_gap, any(b.is_hotspot for b in ordered_boxes))
            bottom += o.band_gap + o.legend_height
        height = bottom + o.margin

        return Geometry(
            map_id=data.id,
            version=data.version,
            name=data.name,
            kind=data.kind,
            is_journey=data.is_journey,
            width=round(width, 2),
            height=round(height, 2),
            font_family=FONT_FAMILY,
            lanes=lane_geoms,
            columns=column_geoms,
            cells=tuple(cell_geoms),
            boxes=ordered_boxes,
            connectors=connectors,
            ladder=ladder,
            curve=curve,
            legend=legend,
            background=WHITE,
            lane_borders=tuple(
                # Thin white borders between lanes, drawn over all bands.
                Line(Point(lane.x, lane.y), Point(lane.x + lane.width, lane.y), LANE_BORDER)
                for lane in lane_geoms[1:]
            ),
            dividers=self._dividers(column_geoms, lane_geoms),
            interaction=INTERACTION,
        )

    @staticmethod
    def _dividers(
        columns: Sequence[ColumnGeometry], lanes: Sequence[LaneGeometry]
    ) -> tuple[Line, ...]:
        """Faint column dividers: they help the eye down a column on a projector."""
        if not lanes or not columns:
            return ()
        top, bottom = lanes[0].y, lanes[-1].y + lanes[-1].height
        return tuple(Line(Point(c.x, top), Point(c.x, bottom), DIVIDER_STROKE) for c in columns[1:])

    # -- lanes, columns, boxes --------------------------------------------

    def _lane_name_lines(self, lane: LaneData) -> tuple[str, ...]:
        width = self.opts.lane_header_width - 34
        return wrap_text(lane.name, width, self.opts.header_size, bold=True, max_lines=3)

    def _lane_header_height(self, lane: LaneData) -> float:
        lines = len(self._lane_name_lines(lane)) + (1 if lane.short_name else 0)
        return 20 + lines * 20 + 16

    def _lane(
        self, lane: LaneData, index: int, y: float, height: float, right: float
    ) -> LaneGeometry:
        o = self.opts
        color = lane.color if _HEX.match(lane.color or "") else DEFAULT_LANE_COLOR
        color = color.upper()
        tint = _mix(color, "#FFFFFF", 0.9)
        header_fill = _mix(color, "#FFFFFF", 0.8)
        accent = _readable_on(color, header_fill)
        stripe = 8.0
        tx = o.margin + stripe + 14
        text: list[TextLine] = []
        baseline = y + 20 + 15
        for line in self._lane_name_lines(lane):
            text.append(TextLine(line, tx, baseline, o.header_size, 700, INK, role="lane-name"))
            baseline += 20
        if lane.short_name:
            text.append(
                TextLine(
                    lane.short_name, tx, baseline + 2, o.text_size, 700, accent, role="lane-short"
                )
            )
        return LaneGeometry(
            lane_id=lane.id,
            department_id=lane.department_id,
            index=index,
            name=lane.name,
            short_name=lane.short_name,
            color=color,
            tint=tint,
            header_fill=header_fill,
            accent=accent,
            x=o.margin,
            y=y,
            width=right - o.margin,
            height=height,
            header_width=o.lane_header_width,
            stripe_width=stripe,
            text=tuple(text),
            band=Rect(o.margin, y, right - o.margin, height, fill=tint),
            # Header and stripe stop short of the white lane borders.
            header=Rect(o.margin, y + 1.5, o.lane_header_width, height - 3, fill=header_fill),
            stripe=Rect(o.margin, y + 1.5, stripe, height - 3, fill=color),
        )

    def _column(self, index: int, x: float, width: float, lines: tuple[str, ...]) -> ColumnGeometry:
        o = self.opts
        stage = self.data.stages[index]
        hx, hw = x + 6, width - 12
        hy, hh = o.margin, o.stage_header_height
        line_h = 19.0
        first = hy + hh / 2 - (len(lines) - 1) * line_h / 2 + o.header_size * 0.35
        text = tuple(
            TextLine(
                line, hx + hw / 2, first + i * line_h, o.header_size, 700, INK, "middle", "stage"
            )
            for i, line in enumerate(lines)
        )
        return ColumnGeometry(
            stage_id=stage.id,
            index=index,
            name=stage.name,
            x=x,
            width=width,
            header_x=hx,
            header_y=hy,
            header_width=hw,
            header_height=hh,
            text=text,
            header=Rect(hx, hy, hw, hh, 8.0, fill=STAGE_FILL),
        )

    def _box(
        self,
        step: StepData,
        lane: LaneGeometry,
        stage_name: str,
        x: float,
        y: float,
        width: float,
        height: float,
        content: _Content,
        department: str,
        on_critical_path: bool,
    ) -> BoxGeometry:
        o = self.opts
        stripe = 6.0
        tx = x + stripe + 12
        lines: list[TextLine] = []
        baseline = y + 12 + o.title_line_height - 4
        for line in content.title:
            lines.append(TextLine(line, tx, baseline, o.title_size, 600, INK, role="title"))
            baseline += o.title_line_height
        face: Face | None = None
        if content.details:
            baseline += 6 - o.title_line_height + o.text_line_height
            for i, line in enumerate(content.details):
                lx = tx
                if i == 0 and content.emotion_row:
                    face = _face(Point(tx + _FACE_RADIUS, baseline - 4.5), step.emotion or 0)
                    lx = tx + 2 * _FACE_RADIUS + 6
                role = "emotion" if i == 0 and content.emotion_row else "detail"
                lines.append(TextLine(line, lx, baseline, o.text_size, 400, INK_MUTED, role=role))
                baseline += o.text_line_height
        reasons = tuple(self.overlay.hotspots.get(step.id, ()))
        selected = self.overlay.selected_step_id == step.id
        return BoxGeometry(
            step_id=step.id,
            lane_id=step.lane_id,
            stage_id=step.stage_id,
            department_id=step.department_id,
            version=step.version,
            title=step.title,
            department=department,
            stage=stage_name,
            x=x,
            y=y,
            width=width,
            height=height,
            stripe_color=lane.color,
            stripe_width=stripe,
            lines=tuple(lines),
            emotion=step.emotion,
            hotspot_reasons=reasons,
            selected=selected,
            on_critical_path=on_critical_path,
            value_adding=step.value_adding,
            card=Rect(x, y, width, height, CARD_RADIUS, CARD_FILL, stroke=CARD_STROKE),
            # A soft shadow lifts the card off the lane tint without a heavy border.
            shadow=Rect(x, y + 2, width, height, CARD_RADIUS, SHADOW_COLOR, 0.08),
            outline=_ring(x, y, width, height, 3, 10, HOTSPOT_STROKE) if reasons else None,
            selection_ring=(
                _ring(x, y, width, height, 7, 12, SELECTION_STROKE) if selected else None
            ),
            focus_ring=_ring(x, y, width, height, 5, 11, None),
            badge=_badge(Point(x + width - 2, y + 2)) if reasons else None,
            face=face,
        )

    # -- connectors --------------------------------------------------------

    def _gutter_x(self, gutter: int) -> float:
        """Centre of gutter ``gutter`` (0 = left of the first column, n = right of the last)."""
        if gutter < len(self.col_x):
            return self.col_x[gutter]
        return self.columns_right

    def _corridor_y(self, lane: int) -> float:
        return self.lane_y[lane] + self.lane_h[lane] - self.opts.corridor_height / 2

    def _row_clear(self, lane: int, y: float, first_col: int, last_col: int) -> bool:
        """No box of ``lane`` in columns first..last overlaps the horizontal line at ``y``."""
        for col in range(first_col, last_col + 1):
            for step in self.cells.get((lane, col), ()):
                box = self.boxes[step.id]
                if box.y - 4 <= y <= box.bottom + 4:
                    return False
        return True

    def _column_clear(self, col: int, upper: BoxGeometry, lower: BoxGeometry) -> bool:
        """A straight vertical line from ``upper``'s bottom to ``lower``'s top crosses no box."""
        lu = self.lane_index[upper.lane_id]
        ll = self.lane_index[lower.lane_id]
        if self.rank[upper.step_id] != len(self.cells[(lu, col)]) - 1:
            return False
        if self.rank[lower.step_id] != 0:
            return False
        return all(not self.cells.get((li, col)) for li in range(lu + 1, ll))

    def _is_last(self, box: BoxGeometry) -> bool:
        li = self.lane_index[box.lane_id]
        si = self.stage_index[box.stage_id]
        return self.rank[box.step_id] == len(self.cells[(li, si)]) - 1

    def _plan(self, handoff: HandoffData, a: BoxGeometry, b: BoxGeometry) -> _Route:
        """Choose sides, gutters and corridor for one handoff, from its two boxes only."""
        ca, cb = self.stage_index[a.stage_id], self.stage_index[b.stage_id]
        la, lb = self.lane_index[a.lane_id], self.lane_index[b.lane_id]
        ra, rb = self.rank[a.step_id], self.rank[b.step_id]
        back = handoff.rework or cb < ca or (cb == ca and la == lb and rb <= ra)
        if back:
            route = _Route(handoff, a, b, "back", "B", "L", True, corridor_lane=la)
            if not self._is_last(a):
                route.out_side = "R"
                route.gutters.append(ca + 1)
            if la == lb and self._is_last(b) and b.step_id != a.step_id:
                route.in_side = "B"
            else:
                route.gutters.append(cb)
            return route
        if cb > ca:
            ya = a.y + a.height / 2
            yb = b.y + b.height / 2
            if cb == ca + 1 or self._row_clear(la, ya, ca + 1, cb - 1):
                return _Route(handoff, a, b, "elbow", "R", "L", False, gutters=[cb])
            if self._row_clear(lb, yb, ca + 1, cb - 1):
                return _Route(handoff, a, b, "elbow", "R", "L", False, gutters=[ca + 1])
            corridor = la if lb >= la else lb
            return _Route(
                handoff,
                a,
                b,
                "corridor",
                "R",
                "L",
                False,
                gutters=[ca + 1, cb],
                corridor_lane=corridor,
            )
        # Same column, later in reading order: straight down or up when nothing is in
        # the way, else around through the gutter on the right.
        if la == lb and rb == ra + 1:
            return _Route(handoff, a, b, "vertical", "B", "T", False)
        if lb > la and self._column_clear(ca, a, b):
            return _Route(handoff, a, b, "vertical", "B", "T", False)
        if lb < la and self._column_clear(ca, b, a):
            return _Route(handoff, a, b, "vertical", "T", "B", False)
        return _Route(handoff, a, b, "side", "R", "R", False, gutters=[ca + 1])

    def _connectors(self) -> tuple[ConnectorGeometry, ...]:
        o = self.opts
        routes: list[_Route] = []
        for handoff in self.data.handoffs:
            a = self.boxes.get(handoff.from_step_id)
            b = self.boxes.get(handoff.to_step_id)
            if a is None or b is None:
                continue
            routes.append(self._plan(handoff, a, b))

        # Ports: connectors sharing a box side are spread along it, ordered by where
        # their other end is, so that they fan out without crossing near the box.
        sides: dict[tuple[int, Side], list[tuple[float, int, int, bool]]] = defaultdict(list)
        for i, r in enumerate(routes):
            other_out = r.b.y + r.b.height / 2 if r.out_side in "LR" else r.b.x + r.b.width / 2
            other_in = r.a.y + r.a.height / 2 if r.in_side in "LR" else r.a.x + r.a.width / 2
            sides[(r.a.step_id, r.out_side)].append((other_out, r.handoff.id, i, True))
            sides[(r.b.step_id, r.in_side)].append((other_in, r.handoff.id, i, False))
        for (step_id, side), members in sides.items():
            box = self.boxes[step_id]
            members.sort()
            n = len(members)
            if side in "LR":
                spacing = min(12.0, (box.height - 16) / max(n, 1))
                middle = box.y + box.height / 2
            else:
                spacing = min(16.0, (box.width - 40) / max(n, 1))
                middle = box.x + box.width / 2
            # A partner straight across (same row or same column) takes the middle
            # port, so that the line between them stays straight; the rest fan out.
            anchor = (n - 1) / 2
            closest = min(range(n), key=lambda j: abs(members[j][0] - middle))
            if abs(members[closest][0] - middle) < 1.0:
                room = (box.height if side in "LR" else box.width) / 2 - 8
                if max(closest, n - 1 - closest) * spacing <= room:
                    anchor = closest
            for j, (_key, _hid, i, is_out) in enumerate(members):
                pos = middle + (j - anchor) * spacing
                if is_out:
                    routes[i].out_port = pos
                else:
                    routes[i].in_port = pos

        # Gutter tracks: vertical runs that overlap in the same gutter get parallel
        # offsets (interval colouring, O(n log n) per gutter).
        runs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        for i, r in enumerate(routes):
            r.corridor_y = self._corridor_y(r.corridor_lane) if r.corridor_lane >= 0 else 0.0
            for k, (y1, y2) in enumerate(self._gutter_spans(r)):
                if abs(y1 - y2) > 0.5:  # a straight line through the gutter needs no track
                    runs[r.gutters[k]].append((min(y1, y2), max(y1, y2), i * 2 + k))
        offsets: dict[int, float] = {}
        limit = o.cell_pad_x - 6
        for gutter_runs in runs.values():
            for key, track in _assign_tracks(gutter_runs, 3.0).items():
                offsets[key] = _alternating_offset(track, 7.0, limit)
        for i, r in enumerate(routes):
            r.gutter_x = [
                self._gutter_x(g) + offsets.get(i * 2 + k, 0.0) for k, g in enumerate(r.gutters)
            ]

        # Corridor tracks: back edges in the same lane's corridor get their own rows.
        corridor_runs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        for i, r in enumerate(routes):
            if r.mode in ("back", "corridor"):
                x1, x2 = self._corridor_span(r)
                corridor_runs[r.corridor_lane].append((min(x1, x2), max(x1, x2), i))
        corridor_limit = o.corridor_height / 2 - 5
        for lane_runs in corridor_runs.values():
            for key, track in _assign_tracks(lane_runs, 4.0).items():
                routes[key].corridor_y += _alternating_offset(track, 6.0, corridor_limit)

        boundaries = [self.lane_y[i] for i in range(1, len(self.lane_y))]
        self.corridor_centres = [self._corridor_y(i) for i in range(len(self.lane_y))]
        return tuple(self._connector(r, boundaries) for r in routes)

    def _gutter_spans(self, r: _Route) -> list[tuple[float, float]]:
        """The y ranges of the route's vertical runs in its gutters, in order."""
        if r.mode == "elbow":
            return [(r.out_port, r.in_port)]
        if r.mode == "side":
            return [(r.out_port, r.in_port)]
        if r.mode == "corridor":
            return [(r.out_port, r.corridor_y), (r.corridor_y, r.in_port)]
        if r.mode == "back":
            spans = []
            if r.out_side == "R":
                spans.append((r.out_port, r.corridor_y))
            if r.in_side == "L":
                spans.append((r.corridor_y, r.in_port))
            return spans
        return []

    def _corridor_span(self, r: _Route) -> tuple[float, float]:
        if r.mode == "corridor":
            return self._gutter_x(r.gutters[0]), self._gutter_x(r.gutters[1])
        k = 0
        if r.out_side == "R":
            x1 = self._gutter_x(r.gutters[0])
            k = 1
        else:
            x1 = r.out_port
        x2 = self._gutter_x(r.gutters[k]) if r.in_side == "L" else r.in_port
        return x1, x2

    def _connector(self, r: _Route, boundaries: Sequence[float]) -> ConnectorGeometry:
        a, b = r.a, r.b
        pts: list[Point] = []
        if r.mode == "elbow":
            gx = r.gutter_x[0]
            pts = [
                Point(a.right, r.out_port),
                Point(gx, r.out_port),
                Point(gx, r.in_port),
                Point(b.x, r.in_port),
            ]
        elif r.mode == "corridor":
            g1, g2 = r.gutter_x
            yc = r.corridor_y
            pts = [
                Point(a.right, r.out_port),
                Point(g1, r.out_port),
                Point(g1, yc),
                Point(g2, yc),
                Point(g2, r.in_port),
                Point(b.x, r.in_port),
            ]
        elif r.mode == "side":
            gx = r.gutter_x[0]
            pts = [
                Point(a.right, r.out_port),
                Point(gx, r.out_port),
                Point(gx, r.in_port),
                Point(b.right, r.in_port),
            ]
        elif r.mode == "vertical":
            y1 = a.bottom if r.out_side == "B" else a.y
            y2 = b.y if r.in_side == "T" else b.bottom
            mid = (y1 + y2) / 2
            pts = [
                Point(r.out_port, y1),
                Point(r.out_port, mid),
                Point(r.in_port, mid),
                Point(r.in_port, y2),
            ]
        else:  # back edge around the boxes, through the lane's corridor
            yc = r.corridor_y
            k = 0
            if r.out_side == "R":
                gx = r.gutter_x[0]
                pts = [Point(a.right, r.out_port), Point(gx, r.out_port), Point(gx, yc)]
                k = 1
            else:
                pts = [Point(r.out_port, a.bottom), Point(r.out_port, yc)]
            if r.in_side == "L":
                gx = r.gutter_x[k]
                pts += [Point(gx, yc), Point(gx, r.in_port), Point(b.x, r.in_port)]
            else:
                pts += [Point(r.in_port, yc), Point(r.in_port, b.bottom)]
        points = _simplify(pts)
        cross = a.department_id != b.department_id
        marks: list[Point] = []
        if cross:
            for p, q in itertools.pairwise(points):
                if abs(p.x - q.x) < 0.01 and abs(p.y - q.y) > 0.01:
                    lo, hi = sorted((p.y, q.y))
                    for yb in boundaries[
                        bisect_right(boundaries, lo) : bisect_left(boundaries, hi)
                    ]:
                        marks.append(Point(p.x, yb))
        label = r.handoff.label.strip()
        kind = connector_kind(cross, r.handoff.rework)
        return ConnectorGeometry(
            handoff_id=r.handoff.id,
            from_step_id=r.handoff.from_step_id,
            to_step_id=r.handoff.to_step_id,
            version=r.handoff.version,
            cross_department=cross,
            rework=r.handoff.rework,
            back_edge=r.back,
            points=points,
            label=label,
            boundary_marks=tuple(marks),
            stroke=CONNECTOR_STROKES[kind],
            arrowhead=ARROWHEADS[kind],
            corner_radius=CONNECTOR_CORNER_RADIUS,
            boundary_marker=BOUNDARY_MARKERS[kind] if cross else None,
            label_box=self._label_box(label, points, kind) if label else None,
        )

    def _label_box(self, label: str, points: Sequence[Point], kind: str) -> LabelBox:
        """The label's box, as wide as its measured text plus padding, on the route."""
        size = self.opts.text_size
        width = measure_text(label, size) + 12
        at = self._label_position(points, width)
        box = Rect(at.x - width / 2, at.y - 10, width, 20, 4.0, WHITE, stroke=LABEL_STROKES[kind])
        return LabelBox(
            box, TextLine(label, at.x, at.y + 4.5, size, 400, INK, "middle", "handoff-label")
        )

    def _label_position(self, points: Sequence[Point], label_width: float) -> Point:
        """Where a handoff's label sits: the middle of the longest horizontal segment
        that can hold it; else on a vertical run where it passes a lane's corridor (no
        cards there); else the middle of the longest segment."""
        best: tuple[float, Point] | None = None
        for p, q in itertools.pairwise(points):
            length = abs(p.x - q.x)
            fits = abs(p.y - q.y) < 0.01 and length >= label_width + 16
            if fits and (best is None or length > best[0]):
                best = (length, Point((p.x + q.x) / 2, p.y))
        if best is None:
            corridors = self.corridor_centres
            for p, q in itertools.pairwise(points):
                if abs(p.x - q.x) > 0.01:
                    continue
                lo, hi = sorted((p.y, q.y))
                middle = (lo + hi) / 2
                inside = corridors[
                    bisect_left(corridors, lo + 12) : bisect_right(corridors, hi - 12)
                ]
                for yc in inside:
                    distance = abs(yc - middle)
                    if best is None or distance < best[0]:
                        best = (distance, Point(p.x, yc))
        if best is None:
            longest = -1.0
            for p, q in itertools.pairwise(points):
                length = abs(p.x - q.x) + abs(p.y - q.y)
                if length > longest:
                    longest = length
                    best = (length, Point((p.x + q.x) / 2, (p.y + q.y) / 2))
        point = best[1] if best is not None else Point(0.0, 0.0)
        return Point(round(point.x, 2), round(point.y, 2))

    # -- the band under the lanes -----------------------------------------

    def _slots(self, step_ids: Sequence[int]) -> dict[int, tuple[float, float]]:
        """Share each column's box span among the given steps of that column, in order."""
        per_column: dict[int, list[int]] = defaultdict(list)
        for step_id in step_ids:
            per_column[self.stage_index[self.steps_by_id[step_id].stage_id]].append(step_id)
        slots: dict[int, tuple[float, float]] = {}
        pad = self.opts.cell_pad_x
        for col, members in per_column.items():
            x0 = self.col_x[col] + pad
            width = (self.col_widths[col] - 2 * pad) / len(members)
            for i, step_id in enumerate(members):
                slots[step_id] = (x0 + i * width, x0 + (i + 1) * width)
        return slots

    def _band_title(self, y: float, title: str) -> TextLine:
        o = self.opts
        return TextLine(title, o.margin + 14, y, o.header_size, 700, INK, role="band-title")

    def _ladder(self, y: float, path: tuple[int, ...], right: float) -> LadderGeometry | None:
        o = self.opts
        if not path:
            return None
        height = o.ladder_height
        upper = y + 44
        lower = y + 80
        step_ids = tuple(dict.fromkeys(path))  # a step counts once, even if listed twice
        day = self.day

        # One rung pair per step; where a column holds too many path steps for
        # readable rungs, one pair for the whole column (its sums) instead.
        per_column: dict[int, list[int]] = defaultdict(list)
        for step_id in step_ids:
            per_column[self.stage_index[self.steps_by_id[step_id].stage_id]].append(step_id)
        groups: list[tuple[float, float, tuple[int, ...]]] = []
        pad = o.cell_pad_x
        for col in sorted(per_column):
            members = per_column[col]
            x0 = self.col_x[col] + pad
            span = self.col_widths[col] - 2 * pad
            if span / len(members) < 100:
                groups.append((x0, x0 + span, tuple(members)))
                continue
            width = span / len(members)
            for i, step_id in enumerate(members):
                groups.append((x0 + i * width, x0 + (i + 1) * width, (step_id,)))

        def rung_label(
            minutes: float | None, x1: float, x2: float, y: float, role: str
        ) -> TextLine | None:
            text = format_minutes(minutes, day)
            # Rungs of one level alternate with rungs of the other, so a label may
            # spill over half of each neighbour; wider ones would collide: left out.
            if measure_text(text, o.text_size, bold=True) + 8 > 1.8 * (x2 - x1):
                return None
            return TextLine(text, (x1 + x2) / 2, y, o.text_size, 600, INK, "middle", role)

        rungs: list[LadderRung] = []
        wave: list[Point] = []
        for x1, x2, ids in groups:
            xm = (x1 + x2) / 2
            waits = []
            pts = []
            for step_id in ids:
                step = self.steps_by_id[step_id]
                pt = step.process_time_minutes
                lt = step.lead_time_minutes
                if lt is not None:
                    waits.append(max(0.0, lt - (pt or 0.0)))
                if pt is not None:
                    pts.append(pt)
            wait = sum(waits) if waits else None
            process = sum(pts) if pts else None
            rungs.append(
                LadderRung(
                    ids,
                    "wait",
                    x1,
                    xm,
                    upper,
                    wait,
                    rung_label(wait, x1, xm, upper - 8, "wait"),
                    None,
                )
            )
            rungs.append(
                LadderRung(
                    ids,
                    "process",
                    xm,
                    x2,
                    lower,
                    process,
                    rung_label(process, xm, x2, lower + 19, "process"),
                    # Process-time rungs are the value: the heavy part of the line.
                    PROCESS_RUNG_STROKE,
                )
            )
            wave += [
                Point(x1, upper),
                Point(xm, upper),
                Point(xm, lower),
                Point(x2, lower),
                Point(x2, upper),
            ]
        # The analysis's totals, never recomputed here: a number it cannot give
        # (a lead time missing on the path) shows as "—", like on the metrics card.
        totals = self.overlay.totals or LadderTotals()
        lead = totals.lead_time_minutes
        process = totals.process_time_minutes
        ratio = totals.activity_ratio
        text = [
            self._band_title(y + 20, _("Lead-time ladder")),
            TextLine(
                _("Wait"),
                o.margin + o.lane_header_width - 4,
                upper + 4,
                o.text_size,
                400,
                INK_MUTED,
                "end",
                "axis",
            ),
            TextLine(
                _("Process time"),
                o.margin + o.lane_header_width - 4,
                lower + 4,
                o.text_size,
                400,
                INK_MUTED,
                "end",
                "axis",
            ),
        ]
        tx = right + 16
        tw = o.totals_width
        rows = [
            (_("Lead time"), format_minutes(lead, day)),
            (_("Process time"), format_minutes(process, day)),
            (
                _("Activity ratio"),
                "—" if ratio is None else f"{ratio * 100:.1f} %".replace(".0 %", " %"),
            ),
        ]
        totals_text: list[TextLine] = []
        ty = y + 32
        for label, value in rows:
            totals_text.append(
                TextLine(label, tx + 14, ty, o.text_size, 400, INK_MUTED, role="total-label")
            )
            totals_text.append(
                TextLine(value, tx + tw - 14, ty, o.header_size, 700, INK, "end", "total-value")
            )
            ty += 28
        return LadderGeometry(
            x=o.margin,
            y=y,
            width=right - o.margin,
            height=height,
            upper_y=upper,
            lower_y=lower,
            step_ids=step_ids,
            path=_simplify(wave),
            rungs=tuple(rungs),
            text=tuple(text),
            totals_x=tx,
            totals_y=y,
            totals_width=tw,
            totals_height=height,
            totals_text=tuple(totals_text),
            lead_time_minutes=lead,
            process_time_minutes=process,
            activity_ratio=ratio,
            frame=Rect(o.margin, y, right - o.margin, height, 10.0, BAND_FILL, stroke=BAND_STROKE),
            wave=WAVE_STROKE,
            totals_box=Rect(tx, y, tw, height, 10.0, STAGE_FILL, stroke=TOTALS_STROKE),
        )

    def _curve(self, y: float, right: float) -> EmotionCurve | None:
        o = self.opts
        with_emotion = [s for s in self.steps if s.emotion is not None]
        height = o.curve_height
        top = y + 34
        bottom = y + height - 22
        zero = (top + bottom) / 2
        unit = (bottom - top) / 4
        slots = self._slots([s.id for s in with_emotion])
        points: list[CurvePoint] = []
        for step in sorted(with_emotion, key=lambda s: slots[s.id]):
            emotion = max(-2, min(2, step.emotion or 0))
            x1, x2 = slots[step.id]
            px = (x1 + x2) / 2
            py = zero - emotion * unit
            ly = py - 12 if emotion >= 0 else py + 24
            points.append(
                CurvePoint(
                    step.id,
                    emotion,
                    px,
                    py,
                    TextLine(_signed(emotion), px, ly, o.text_size, 700, INK, "middle", "emotion"),
                    Circle(Point(px, py), 6.0, WHITE, CURVE_DOT_STROKE),
                )
            )
        axis_x = o.margin + o.lane_header_width - 4
        text = [self._band_title(y + 20, _("Emotion"))]
        for value in (2, 0, -2):
            text.append(
                TextLine(
                    _signed(value),
                    axis_x,
                    zero - value * unit + 4,
                    o.text_size,
                    400,
                    INK_MUTED,
                    "end",
                    "axis",
                )
            )
        plot_x = self.columns_left - o.cell_pad_x
        plot_width = right - plot_x
        return EmotionCurve(
            x=o.margin,
            y=y,
            width=right - o.margin,
            height=height,
            plot_x=plot_x,
            plot_width=plot_width,
            zero_y=zero,
            top_y=top,
            bottom_y=bottom,
            points=tuple(points),
            text=tuple(text),
            frame=Rect(o.margin, y, right - o.margin, height, 10.0, BAND_FILL, stroke=BAND_STROKE),
            positive=Rect(plot_x, top, plot_width, zero - top, fill=POSITIVE_FILL),
            negative=Rect(plot_x, zero, plot_width, bottom - zero, fill=NEGATIVE_FILL),
            zero_line=Line(Point(plot_x, zero), Point(plot_x + plot_width, zero), ZERO_LINE_STROKE),
            line=CURVE_STROKE,
        )

    def _legend(self, y: float, with_hotspot: bool) -> tuple[LegendItem, ...]:
        o = self.opts
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
            text = TextLine(
                label, x + symbol + 8, middle + 4.5, o.text_size, 400, INK, role="legend"
            )
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
