"""The layout's output: the geometry of one map, every element positioned and styled.

A renderer reads these and nothing else; docs/geometry.md lists every field in
paint order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .shapes import (
    AddButton,
    Arrowhead,
    Badge,
    BoundaryMarker,
    Circle,
    Face,
    Interaction,
    LabelBox,
    Line,
    Point,
    Rect,
    Stroke,
    TextLine,
)

__all__ = [
    "BoxGeometry",
    "CellGeometry",
    "ColumnGeometry",
    "ConnectorGeometry",
    "CurvePoint",
    "EmotionCurve",
    "Geometry",
    "LadderGeometry",
    "LadderRung",
    "LaneGeometry",
    "LegendItem",
]


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
    #: What a screen reader says after title, lane and stage: times, %C&A, emotion.
    facts: tuple[str, ...] = ()
    #: The step's wait (LT − PT), formatted; "" when unknown. Handoffs into the step
    #: say it, because the work waits at the receiving step.
    wait: str = ""

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
