"""The grid: lanes, stage columns, lane × stage cells and the step cards placed in them.

`build_frame` measures every card's text and sizes the grid from it: column
widths (wide enough for the stage name), one row height per stack rank and lane
(so cards side by side line up and same-row handoffs are straight), lane heights.
The other functions turn that frame into lane, column, cell and card geometry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from .cards import Content, box_content, box_geometry, content_context, content_height
from .geometry import BoxGeometry, CellGeometry, ColumnGeometry, LaneGeometry
from .memo import Memo, token
from .options import LayoutOptions, Overlay
from .shapes import AddButton, Circle, Line, Point, Rect, TextLine
from .style import (
    ADD_CIRCLE_STROKE,
    ADD_PLUS_STROKE,
    DIVIDER_STROKE,
    INK,
    LANE_BORDER,
    STAGE_FILL,
    WHITE,
    lane_colors,
)
from .text import wrap_text

if TYPE_CHECKING:
    from valuestreams.mapdata import LaneData, MapData, StageData, StepData

LANE_STRIPE_WIDTH = 8.0

_K = TypeVar("_K")


@dataclass(frozen=True, slots=True)
class Room:
    """Extra room, in px, granted only where connectors or their labels need it.

    ``gutters``: gutter index (0 = left of the first column) → extra width, split
    evenly on both sides of the gutter's centre line; ``corridors``: lane index →
    extra corridor height; ``gaps``: (lane index, rank) → extra space above the
    card of that rank; ``rows``: (lane index, rank) → extra height of that row's
    cards (for many connectors on one card side). The default is no extra room:
    small maps keep their size.
    """

    gutters: Mapping[int, float] = field(default_factory=dict)
    corridors: Mapping[int, float] = field(default_factory=dict)
    gaps: Mapping[tuple[int, int], float] = field(default_factory=dict)
    rows: Mapping[tuple[int, int], float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.gutters or self.corridors or self.gaps or self.rows)

    def added(self, other: Room) -> Room:
        """This room plus ``other``'s, place by place."""
        return Room(
            _add(self.gutters, other.gutters),
            _add(self.corridors, other.corridors),
            _add(self.gaps, other.gaps),
            _add(self.rows, other.rows),
        )


def _add(a: Mapping[_K, float], b: Mapping[_K, float]) -> dict[_K, float]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0.0) + value
    return out


@dataclass(frozen=True, slots=True)
class Frame:
    """Where everything sits: the grid every later phase (routing, band) reads.

    Indexes are positions in the map's lane and stage order. ``cells`` holds the
    steps of each (lane index, stage index) in stacking order, ``rank`` a step's
    place in its stack; ``row_tops``/``row_heights`` are per lane, per rank.
    ``card_x``/``card_widths`` are the cards' span in each column (the column minus
    its padding and any extra gutter room), ``corridor_heights`` per lane; ``room``
    is the extra room the frame was built with, ``base_widths`` and
    ``base_row_heights`` the sizes before it.
    """

    lane_index: Mapping[int, int]
    stage_index: Mapping[int, int]
    col_x: tuple[float, ...]
    col_widths: tuple[float, ...]
    stage_lines: tuple[tuple[str, ...], ...]
    lane_y: tuple[float, ...]
    lane_h: tuple[float, ...]
    row_tops: tuple[tuple[float, ...], ...]
    row_heights: tuple[tuple[float, ...], ...]
    cells: Mapping[tuple[int, int], tuple[StepData, ...]]
    rank: Mapping[int, int]
    contents: Mapping[int, Content]
    columns_left: float
    columns_right: float
    lanes_right: float
    lanes_bottom: float
    card_x: tuple[float, ...]
    card_widths: tuple[float, ...]
    corridor_heights: tuple[float, ...]
    room: Room
    base_widths: tuple[float, ...]
    base_row_heights: tuple[tuple[float, ...], ...]

    def corridor_y(self, lane: int, opts: LayoutOptions) -> float:
        """Centre of lane ``lane``'s corridor, the strip below its cards."""
        return self.lane_y[lane] + self.lane_h[lane] - self.corridor_heights[lane] / 2

    def gutter_x(self, gutter: int) -> float:
        """Centre of gutter ``gutter`` (0 = left of the first column, n = right of the last)."""
        return self.col_x[gutter] if gutter < len(self.col_x) else self.columns_right


def drawable_steps(data: MapData) -> list[StepData]:
    """The steps whose lane and stage are on the map (others cannot be placed)."""
    lanes = {lane.id for lane in data.lanes}
    stages = {stage.id for stage in data.stages}
    return [s for s in data.steps if s.lane_id in lanes and s.stage_id in stages]


def _column_widths(
    stages: Sequence[StageData], o: LayoutOptions
) -> tuple[list[float], list[tuple[str, ...]]]:
    """Column widths (the card width, widened up to 1.6× when a stage name needs it)
    and each stage name wrapped to at most two lines."""
    widths: list[float] = []
    names: list[tuple[str, ...]] = []
    for stage in stages:
        width = o.box_width + 2 * o.cell_pad_x
        lines = wrap_text(stage.name, width - 28, o.header_size, bold=True)
        while len(lines) > 2 and width < o.box_width * 1.6 + 2 * o.cell_pad_x:
            width += 24
            lines = wrap_text(stage.name, width - 28, o.header_size, bold=True)
        names.append(wrap_text(stage.name, width - 28, o.header_size, bold=True, max_lines=2))
        widths.append(width)
    return widths, names


def _stack(
    steps: Sequence[StepData], lane_index: Mapping[int, int], stage_index: Mapping[int, int]
) -> dict[tuple[int, int], tuple[StepData, ...]]:
    """The steps of each cell, stacked by position (then id)."""
    cells: dict[tuple[int, int], list[StepData]] = defaultdict(list)
    for step in steps:
        cells[(lane_index[step.lane_id], stage_index[step.stage_id])].append(step)
    return {
        key: tuple(sorted(members, key=lambda s: (s.position, s.id)))
        for key, members in cells.items()
    }


def _rows(
    data: MapData,
    cells: Mapping[tuple[int, int], tuple[StepData, ...]],
    col_widths: Sequence[float],
    o: LayoutOptions,
) -> tuple[dict[int, Content], dict[int, int], list[list[float]]]:
    """Every card's wrapped text, its rank in its cell, and per lane one row height
    per rank: the tallest card of that rank in any of the lane's cells."""
    day = data.working_day_minutes or 480
    context = content_context(data.is_journey, o, day)
    contents: dict[int, Content] = {}
    rank: dict[int, int] = {}
    row_heights: list[list[float]] = [[] for _ in data.lanes]
    for (li, si), members in cells.items():
        text_width = col_widths[si] - 2 * o.cell_pad_x - 30  # widths before extra room
        heights = row_heights[li]
        for k, step in enumerate(members):
            content = box_content(step, data.is_journey, text_width, o, day, context=context)
            contents[step.id] = content
            rank[step.id] = k
            if len(heights) <= k:
                heights.append(0.0)
            heights[k] = max(heights[k], content_height(content, o))
    return contents, rank, row_heights


def _lane_name_lines(lane: LaneData, o: LayoutOptions) -> tuple[str, ...]:
    return wrap_text(lane.name, o.lane_header_width - 34, o.header_size, bold=True, max_lines=3)


def _lane_extents(
    lanes: Sequence[LaneData],
    row_heights: Sequence[Sequence[float]],
    room: Room,
    o: LayoutOptions,
) -> tuple[list[float], list[float], list[tuple[float, ...]], list[float]]:
    """Each lane's top and height (its rows plus the corridor, or its header's need),
    the top of each of its rows and its corridor's height (grown where ``room`` says)."""
    lane_y: list[float] = []
    lane_h: list[float] = []
    row_tops: list[tuple[float, ...]] = []
    corridors: list[float] = []
    y = o.margin + o.stage_header_height + o.header_gap
    for li, (lane, rows) in enumerate(zip(lanes, row_heights, strict=True)):
        tops = []
        cursor = y + o.cell_pad_top
        for k, h in enumerate(rows):
            cursor += room.gaps.get((li, k), 0.0)
            tops.append(cursor)
            cursor += h + o.box_gap
        inner = cursor - o.box_gap - y - o.cell_pad_top if rows else o.min_box_height
        corridor = o.corridor_height + room.corridors.get(li, 0.0)
        names = len(_lane_name_lines(lane, o)) + (1 if lane.short_name else 0)
        # A tall lane header leaves more room under the cards: the corridor takes it.
        height = max(o.cell_pad_top + inner + corridor, 20 + names * 20 + 16)
        lane_y.append(y)
        lane_h.append(height)
        row_tops.append(tuple(tops))
        corridors.append(height - o.cell_pad_top - inner)
        y += height
    return lane_y, lane_h, row_tops, corridors


def build_frame(
    data: MapData,
    steps: Sequence[StepData],
    o: LayoutOptions,
    room: Room | None = None,
    measured: Frame | None = None,
) -> Frame:
    """Measure every card and size the grid around them, with ``room`` added where
    an earlier pass found connectors or labels short of it; the cards' text is
    taken from ``measured`` (an earlier pass's frame of the same map) when given."""
    room = room or Room()
    lane_index = {lane.id: i for i, lane in enumerate(data.lanes)}
    stage_index = {stage.id: i for i, stage in enumerate(data.stages)}
    cells: Mapping[tuple[int, int], tuple[StepData, ...]]
    contents: Mapping[int, Content]
    rank: Mapping[int, int]
    if measured is None:
        base_widths, stage_lines = _column_widths(data.stages, o)
        cells = _stack(steps, lane_index, stage_index)
        contents, rank, base_rows = _rows(data, cells, base_widths, o)
    else:
        base_widths, stage_lines = list(measured.base_widths), list(measured.stage_lines)
        cells, contents, rank = measured.cells, measured.contents, measured.rank
        base_rows = [list(heights) for heights in measured.base_row_heights]
    row_heights = [list(heights) for heights in base_rows]
    for (li, k), grow in room.rows.items():
        if k < len(row_heights[li]):
            row_heights[li][k] += grow
    # A gutter grows by half its extra room on each side of its centre line, the
    # column border: the cards beside it move apart, their width stays.
    extra = room.gutters
    columns_left = o.margin + o.lane_header_width + o.cell_pad_x + extra.get(0, 0.0) / 2
    col_x: list[float] = []
    col_widths: list[float] = []
    card_x: list[float] = []
    card_widths: list[float] = []
    columns_right = columns_left
    for i, base in enumerate(base_widths):
        left, right = extra.get(i, 0.0) / 2, extra.get(i + 1, 0.0) / 2
        col_x.append(columns_right)
        col_widths.append(base + left + right)
        card_x.append(columns_right + left + o.cell_pad_x)
        card_widths.append(base - 2 * o.cell_pad_x)
        columns_right += base + left + right
    lane_y, lane_h, row_tops, corridors = _lane_extents(data.lanes, row_heights, room, o)
    return Frame(
        lane_index=lane_index,
        stage_index=stage_index,
        col_x=tuple(col_x),
        col_widths=tuple(col_widths),
        stage_lines=tuple(stage_lines),
        lane_y=tuple(lane_y),
        lane_h=tuple(lane_h),
        row_tops=tuple(row_tops),
        row_heights=tuple(tuple(h) for h in row_heights),
        cells=cells,
        rank=rank,
        contents=contents,
        columns_left=columns_left,
        columns_right=columns_right,
        lanes_right=columns_right + o.cell_pad_x + extra.get(len(col_x), 0.0) / 2,
        lanes_bottom=lane_y[-1] + lane_h[-1]
        if lane_y
        else o.margin + o.stage_header_height + o.header_gap,
        card_x=tuple(card_x),
        card_widths=tuple(card_widths),
        corridor_heights=tuple(corridors),
        room=room,
        base_widths=tuple(base_widths),
        base_row_heights=tuple(tuple(h) for h in base_rows),
    )


def _lane(
    lane: LaneData, index: int, y: float, height: float, right: float, o: LayoutOptions
) -> LaneGeometry:
    color, tint, header_fill, accent = lane_colors(lane.color)
    tx = o.margin + LANE_STRIPE_WIDTH + 14
    text: list[TextLine] = []
    baseline = y + 20 + 15
    for line in _lane_name_lines(lane, o):
        text.append(TextLine(line, tx, baseline, o.header_size, 700, INK, role="lane-name"))
        baseline += 20
    if lane.short_name:
        short = TextLine(
            lane.short_name, tx, baseline + 2, o.text_size, 700, accent, role="lane-short"
        )
        text.append(short)
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
        stripe_width=LANE_STRIPE_WIDTH,
        text=tuple(text),
        band=Rect(o.margin, y, right - o.margin, height, fill=tint),
        # Header and stripe stop short of the white lane borders.
        header=Rect(o.margin, y + 1.5, o.lane_header_width, height - 3, fill=header_fill),
        stripe=Rect(o.margin, y + 1.5, LANE_STRIPE_WIDTH, height - 3, fill=color),
    )


def lane_geometries(data: MapData, frame: Frame, o: LayoutOptions) -> tuple[LaneGeometry, ...]:
    """One band per lane, across the whole width, with its department header."""
    return tuple(
        _lane(lane, i, frame.lane_y[i], frame.lane_h[i], frame.lanes_right, o)
        for i, lane in enumerate(data.lanes)
    )


def column_geometries(data: MapData, frame: Frame, o: LayoutOptions) -> tuple[ColumnGeometry, ...]:
    """One column per stage, with its header box above the lanes."""
    columns = []
    hy, hh, line_h = o.margin, o.stage_header_height, 19.0
    for i, stage in enumerate(data.stages):
        x, width, lines = frame.col_x[i], frame.col_widths[i], frame.stage_lines[i]
        hx, hw = x + 6, width - 12
        first = hy + hh / 2 - (len(lines) - 1) * line_h / 2 + o.header_size * 0.35
        text = tuple(
            TextLine(
                line, hx + hw / 2, first + k * line_h, o.header_size, 700, INK, "middle", "stage"
            )
            for k, line in enumerate(lines)
        )
        columns.append(
            ColumnGeometry(
                stage_id=stage.id,
                index=i,
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
        )
    return tuple(columns)


#: The cells by the grid's lines: most edits leave them all where they were, and
#: the same tuple lets the renderer reuse the markup of the whole layer.
_CELLS: Memo[tuple[CellGeometry, ...]] = Memo(16)


def cell_geometries(data: MapData, frame: Frame, o: LayoutOptions) -> tuple[CellGeometry, ...]:
    """Every lane × stage cell, empty ones too, with the spot of its "+" button
    (remembered on the lanes, stages and the grid's lines)."""
    key = (
        tuple((lane.id, lane.name) for lane in data.lanes),
        data.stages,
        frame.col_x,
        frame.col_widths,
        frame.card_x,
        frame.card_widths,
        frame.lane_y,
        frame.lane_h,
        token(o),
    )
    return _CELLS.get(key, lambda: _cell_geometries(data, frame, o))


def _cell_geometries(data: MapData, frame: Frame, o: LayoutOptions) -> tuple[CellGeometry, ...]:
    cells: list[CellGeometry] = []
    for li, lane in enumerate(data.lanes):
        for si, stage in enumerate(data.stages):
            x, width = frame.col_x[si], frame.col_widths[si]
            # Top right of every cell, above where the first card sits: connectors
            # and their labels never run there, so the button hides nothing, and
            # it stays clear of a hotspot's "!" badge.
            right = frame.card_x[si] + frame.card_widths[si]
            add = Point(right - 34, frame.lane_y[li] + o.cell_pad_top / 2)
            cells.append(
                CellGeometry(
                    lane_id=lane.id,
                    stage_id=stage.id,
                    department=lane.name,
                    stage=stage.name,
                    x=x,
                    y=frame.lane_y[li],
                    width=width,
                    height=frame.lane_h[li],
                    add_x=add.x,
                    add_y=add.y,
                    add_button=AddButton(
                        Circle(add, 10.0, WHITE, ADD_CIRCLE_STROKE), 4.5, ADD_PLUS_STROKE
                    ),
                )
            )
    return tuple(cells)


def place_boxes(
    data: MapData,
    frame: Frame,
    lanes: Sequence[LaneGeometry],
    overlay: Overlay,
    critical: frozenset[int],
    o: LayoutOptions,
) -> dict[int, BoxGeometry]:
    """Every step's card in its cell, at its rank's row; by step id."""
    boxes: dict[int, BoxGeometry] = {}
    context = token(o)
    for (li, si), members in frame.cells.items():
        x, width = frame.card_x[si], frame.card_widths[si]
        tops, heights = frame.row_tops[li], frame.row_heights[li]
        for k, step in enumerate(members):  # k: the step's rank in its cell
            boxes[step.id] = box_geometry(
                step,
                (x, tops[k], width, heights[k]),
                frame.contents[step.id],
                lanes[li],
                data.stages[si].name,
                overlay,
                step.id in critical,
                o,
                context=context,
            )
    return boxes


class Slot(NamedTuple):
    """Where a step's card sits, without its text and marks: all that routing reads
    (cheap to build, so a pass that only finds out how much room the connectors
    need places no cards; a named tuple, so routing's memo hashes it in C)."""

    step_id: int
    lane_id: int
    stage_id: int
    department_id: int
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """x of the right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """y of the bottom edge."""
        return self.y + self.height


def slots(frame: Frame) -> dict[int, Slot]:
    """Every placed step's slot, by step id: the same place `place_boxes` gives its card."""
    found: dict[int, Slot] = {}
    for (li, si), members in frame.cells.items():
        x, width = frame.card_x[si], frame.card_widths[si]
        tops, heights = frame.row_tops[li], frame.row_heights[li]
        for k, step in enumerate(members):  # k: the step's rank in its cell
            found[step.id] = Slot(
                step.id,
                step.lane_id,
                step.stage_id,
                step.department_id,
                x,
                tops[k],
                width,
                heights[k],
            )
    return found


def lane_borders(lanes: Sequence[LaneGeometry]) -> tuple[Line, ...]:
    """Thin white borders between lanes, drawn over all bands."""
    return tuple(
        Line(Point(lane.x, lane.y), Point(lane.x + lane.width, lane.y), LANE_BORDER)
        for lane in lanes[1:]
    )


def dividers(columns: Sequence[ColumnGeometry], lanes: Sequence[LaneGeometry]) -> tuple[Line, ...]:
    """Faint column dividers: they help the eye down a column on a projector."""
    if not lanes or not columns:
        return ()
    top, bottom = lanes[0].y, lanes[-1].y + lanes[-1].height
    return tuple(Line(Point(c.x, top), Point(c.x, bottom), DIVIDER_STROKE) for c in columns[1:])
