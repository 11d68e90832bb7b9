"""Map -> geometry: the one layout every renderer draws.

`layout_map` turns a `MapData` (plus an optional analysis `Overlay`) into a
`Geometry`: lane bands, stage columns, step cards with their wrapped text,
orthogonal connector routes for handoffs, the band under the lanes (the
lead-time ladder of a value stream or the emotion curve of a journey) and the
legend, with every colour, stroke, dash, arrowhead, badge and label box decided.
The screen SVG, the SVG/PNG/PDF export and the PowerPoint export all draw this
same geometry, so what the workshop saw is what lands on the slide
(docs/geometry.md describes every field).

The function is pure and deterministic: no database, no request, no randomness,
no dependence on installed fonts (text is measured with a fixed table of
sans-serif advance widths). Everything is in px in one coordinate space with the
origin at the top left.

The phases, each a module whose functions take values and return values:

- `text`: measuring and wrapping text;
- `style`: colours and every stroke, head, mark and decoration;
- `grid`: lanes, columns, cells and the cards placed in them (`cards`: a card's
  text and decorations);
- `routing`: how a handoff's connector is routed and styled;
- `labels`: where each handoff's label sits, clear of cards, headers and each other;
- `band`: the lead-time ladder or emotion curve under the lanes;
- `legend`: the legend.

Scaling: every step is placed once; every connector is routed locally from its two
cards and the cells between them, never against all other connectors. Sharing of
gutters and card sides is resolved afterwards with sorted sweeps, so the whole
layout is O(n log n) in steps plus handoffs.

Reuse across edits (`memo`): the editor lays the whole map out again on every
write, though most writes change one card. Card text and geometry, the routes,
each finished connector, the cells and the ladder are remembered in small LRUs
on everything that decides them, so an unchanged part comes back as the same
object (and the SVG renderer reuses its markup by identity). Same inputs, same
output, whatever is remembered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuestreams.analysis.engine import analyze
from valuestreams.analysis.journey import journey_order

from .band import emotion_curve, ladder
from .geometry import (
    BoxGeometry,
    CellGeometry,
    ColumnGeometry,
    ConnectorGeometry,
    CurvePoint,
    EmotionCurve,
    Geometry,
    LadderGeometry,
    LadderRung,
    LaneGeometry,
    LegendItem,
)
from .grid import (
    Frame,
    Room,
    build_frame,
    cell_geometries,
    column_geometries,
    dividers,
    drawable_steps,
    lane_borders,
    lane_geometries,
    place_boxes,
    slots,
)
from .labels import place_labels
from .legend import legend
from .options import LadderTotals, LayoutOptions, Overlay
from .routing import route_connectors
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
from .style import INTERACTION, WHITE, connector_kind
from .text import FONT_FAMILY, measure_text, wrap_text

if TYPE_CHECKING:
    from valuestreams.mapdata import MapData, StepData

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
    o = options or LayoutOptions()
    steps = drawable_steps(data)
    drawn = {s.id for s in steps}
    critical = frozenset(s for s in overlay.critical_path if s in drawn)
    # Routing and labels may find a gutter, corridor or card gap too small; the grid
    # is then built again with room added just there (most maps need one pass).
    room = Room()
    frame: Frame | None = None
    clear = True
    for attempt in range(_PASSES):
        frame = build_frame(data, steps, o, room, measured=frame)
        final = attempt == _PASSES - 1
        routed, short = route_connectors(data.handoffs, frame, slots(frame), o, final=final)
        if short and not final:
            room = room.added(short)  # cards and labels wait for the room the routes need
            continue
        lanes = lane_geometries(data, frame, o)
        boxes = place_boxes(data, frame, lanes, overlay, critical, o)
        ordered = tuple(boxes[s.id] for s in steps)
        # The first time labels are placed, one that covers other lines asks for room too.
        connectors, crowded = place_labels(routed, ordered, frame, o, final=final, clear=clear)
        if final or not crowded:
            break
        room = room.added(crowded)
        clear = False
    assert frame is not None
    columns = column_geometries(data, frame, o)
    band = _band(data, frame, steps, overlay, o)
    width, bottom = _extent(frame, band, o)
    items: tuple[LegendItem, ...] = ()
    if o.show_legend and data.lanes:
        items = legend(bottom + o.band_gap, any(b.is_hotspot for b in ordered), o)
        bottom += o.band_gap + o.legend_height
        # A small map must still hold the whole legend row (longer in Dutch and German).
        last = items[-1].text
        width = max(width, last.x + measure_text(last.text, last.size) + o.margin)
    return Geometry(
        map_id=data.id,
        version=data.version,
        name=data.name,
        kind=data.kind,
        is_journey=data.is_journey,
        width=round(width, 2),
        height=round(bottom + o.margin, 2),
        font_family=FONT_FAMILY,
        lanes=lanes,
        columns=columns,
        cells=cell_geometries(data, frame, o),
        boxes=ordered,
        connectors=connectors,
        ladder=band if isinstance(band, LadderGeometry) else None,
        curve=band if isinstance(band, EmotionCurve) else None,
        legend=items,
        background=WHITE,
        lane_borders=lane_borders(lanes),
        dividers=dividers(columns, lanes),
        interaction=INTERACTION,
    )


#: Layout passes at most: the first, and up to three with room added where it was short.
_PASSES = 4


def _band(
    data: MapData, frame: Frame, steps: list[StepData], overlay: Overlay, o: LayoutOptions
) -> LadderGeometry | EmotionCurve | None:
    """The ladder (value streams) or emotion curve (journeys) under the lanes, if shown."""
    if not (o.show_band and data.stages and data.lanes):
        return None
    y = frame.lanes_bottom + o.band_gap
    if data.is_journey:
        return emotion_curve(y, frame.lanes_right, frame, steps, o, journey_order(data))
    by_id = {s.id: s for s in steps}
    path = [s for s in overlay.critical_path if s in by_id]
    day = data.working_day_minutes or 480
    return ladder(y, frame.lanes_right, frame, by_id, path, overlay.totals, day, o)


def _extent(
    frame: Frame, band: LadderGeometry | EmotionCurve | None, o: LayoutOptions
) -> tuple[float, float]:
    """The drawing's width and the bottom of its lowest part before the legend."""
    width = frame.lanes_right + o.margin
    if isinstance(band, LadderGeometry):
        bottom = max(band.y + band.height, band.totals_y + band.totals_height)
        return max(width, band.totals_x + band.totals_width + o.margin), bottom
    if isinstance(band, EmotionCurve):
        return width, band.y + band.height
    return width, frame.lanes_bottom
