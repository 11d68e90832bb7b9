"""The grid: lanes, stage columns, lane × stage cells and the step cards placed in them.

`build_frame` measures every card's text and sizes the grid from it: column
widths (wide enough for the stage name), one row height per stack rank and lane
(so cards side by side line up and same-row handoffs are straight), lane heights.
The other functions turn that frame into lane, column, cell and card geometry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cards import Content, box_content, box_geometry, content_height
from .geometry import BoxGeometry, CellGeometry, ColumnGeometry, LaneGeometry
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


@dataclass(frozen=True, slots=True)
class Frame:
    """Where everything sits: the grid every later phase (routing, band) reads.

    Indexes are positions in the map's lane and stage order. ``cells`` holds the
    steps of each (lane index, stage index) in stacking order, ``rank`` a step's
    place in its stack; ``row_tops``/``row_heights`` are per lane, per rank.
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

    def corridor_y(self, lane: int, opts: LayoutOptions) -> float:
        """Centre of lane ``lane``'s corridor, the strip below its cards."""
        return self.lane_y[lane] + self.lane_h[lane] - opts.corridor_height / 2


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
    contents: dict[int, Content] = {}
    rank: dict[int, int] = {}
    row_heights: list[list[float]] = [[] for _ in data.lanes]
    for (li, si), members in cells.items():
        text_width = col_widths[si] - 2 * o.cell_pad_x - 30
        heights = row_heights[li]
        for k, step in enumerate(members):
            content = box_content(step, data.is_journey, text_width, o, day)
            contents[step.id] = content
            rank[step.id] = k
            if len(heights) <= k:
                heights.append(0.0)
            heights[k] = max(heights[k], content_height(content, o))
    return contents, rank, row_heights


def _lane_name_lines(lane: LaneData, o: LayoutOptions) -> tuple[str, ...]:
    return wrap_text(lane.name, o.lane_header_width - 34, o.header_size, bold=True, max_lines=3)


def _lane_extents(
    lanes: Sequence[LaneData], row_heights: Sequence[Sequence[float]], o: LayoutOptions
) -> tuple[list[float], list[float], list[tuple[float, ...]]]:
    """Each lane's top and height (its rows plus the corridor, or its header's need)
    and the top of each of its rows."""
    lane_y: list[float] = []
    lane_h: list[float] = []
    row_tops: list[tuple[float, ...]] = []
    y = o.margin + o.stage_header_height + o.header_gap
    for lane, rows in zip(lanes, row_heights, strict=True):
        heights = rows or [o.min_box_height]
        inner = sum(heights) + o.box_gap * (len(heights) - 1)
        names = len(_lane_name_lines(lane, o)) + (1 if lane.short_name else 0)
        height = max(o.cell_pad_top + inner + o.corridor_height, 20 + names * 20 + 16)
        tops = []
        cursor = y + o.cell_pad_top
        for h in rows:
            tops.append(cursor)
            cursor += h + o.box_gap
        lane_y.append(y)
        lane_h.append(height)
        row_tops.append(tuple(tops))
        y += height
    return lane_y, lane_h, row_tops


def build_frame(data: MapData, steps: Sequence[StepData], o: LayoutOptions) -> Frame:
    """Measure every card and size the grid around them."""
    lane_index = {lane.id: i for i, lane in enumerate(data.lanes)}
    stage_index = {stage.id: i for i, stage in enumerate(data.stages)}
    col_widths, stage_lines = _column_widths(data.stages, o)
    columns_left = o.margin + o.lane_header_width + o.cell_pad_x
    col_x: list[float] = []
    columns_right = columns_left
    for width in col_widths:
        col_x.append(columns_right)
        columns_right += width
    cells = _stack(steps, lane_index, stage_index)
    contents, rank, row_heights = _rows(data, cells, col_widths, o)
    lane_y, lane_h, row_tops = _lane_extents(data.lanes, row_heights, o)
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
        lanes_right=columns_right + o.cell_pad_x,
        lanes_bottom=lane_y[-1] + lane_h[-1]
        if lane_y
        else o.margin + o.stage_header_height + o.header_gap,
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


def cell_geometries(data: MapData, frame: Frame, o: LayoutOptions) -> tuple[CellGeometry, ...]:
    """Every lane × stage cell, empty ones too, with the spot of its "+" button."""
    cells: list[CellGeometry] = []
    for li, lane in enumerate(data.lanes):
        for si, stage in enumerate(data.stages):
            x, width = frame.col_x[si], frame.col_widths[si]
            # Top right of every cell, above where the first card sits: connectors
            # and their labels never run there, so the button hides nothing, and
            # it stays clear of a hotspot's "!" badge.
            add = Point(x + width - o.cell_pad_x - 34, frame.lane_y[li] + o.cell_pad_top / 2)
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
    for (li, si), members in frame.cells.items():
        x = frame.col_x[si] + o.cell_pad_x
        width = frame.col_widths[si] - 2 * o.cell_pad_x
        for step in members:
            k = frame.rank[step.id]
            place = Rect(x, frame.row_tops[li][k], width, frame.row_heights[li][k])
            boxes[step.id] = box_geometry(
                step,
                place,
                frame.contents[step.id],
                lanes[li],
                data.stages[si].name,
                overlay,
                step.id in critical,
                o,
            )
    return boxes


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
