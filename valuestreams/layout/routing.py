"""Connector routing: how a handoff arrow is drawn from one card to another.

Every connector is an orthogonal polyline from an edge of its source card to an
edge of its target card, planned locally from those two cards and the cells
between them (never against all other connectors), in one of five shapes:

- ``elbow``: out of the right side, down or up in the gutter before the target's
  column (or after the source's, when the source's row is blocked), into the
  target's left side;
- ``corridor``: like an elbow, but along the corridor under a lane's cards when
  both rows are blocked by cards in the columns between;
- ``vertical``: straight down or up within one column when nothing is between;
- ``side``: out of the right side and back into the right side of a card in the
  same column when something is in the way;
- ``back``: rework and handoffs to an earlier stage go around, through the
  corridor under the source's lane, and come in from the left (or from below).

Afterwards sorted sweeps share the room: connectors on one card side fan out
over ports ordered by where their other end is; overlapping vertical runs in a
gutter and horizontal runs in a corridor get parallel tracks (interval
colouring). The whole routing is O(n log n) in handoffs. Then each connector is
styled by its kind (see `style.connector_kind`), marked where it crosses a lane
border, and its label gets a box on the route.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from .geometry import ConnectorGeometry
from .grid import Frame, Room, Slot
from .memo import Memo, token
from .options import LayoutOptions
from .shapes import Point
from .style import (
    ARROWHEADS,
    BOUNDARY_MARKERS,
    CONNECTOR_CORNER_RADIUS,
    CONNECTOR_STROKES,
    TRACK_SPACING,
    connector_kind,
)

if TYPE_CHECKING:
    from valuestreams.mapdata import HandoffData

__all__ = ["route_connectors", "simplify"]

Side = Literal["L", "R", "T", "B"]
_XY = tuple[float, float]  # a corner of a route before it is simplified

#: How far from its centre a gutter or corridor grows for parallel runs at most
#: (17 tracks); beyond, runs share tracks: a dense map must not grow without bound.
MAX_TRACK_REACH = 8 * TRACK_SPACING


@dataclass(slots=True)
class _Route:
    """Working state of one connector while the sweeps resolve ports and tracks.

    Mutable on purpose and private to this module: the plan sets the shape, the
    port sweep sets ``out_port``/``in_port``, the track sweeps ``gutter_x`` and
    ``corridor_y``; `_points` reads the result.
    """

    handoff: HandoffData
    a: Slot
    b: Slot
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


@dataclass(frozen=True, slots=True)
class _Board:
    """What routing reads: the grid, the placed cards and the sizes."""

    frame: Frame
    boxes: Mapping[int, Slot]
    opts: LayoutOptions

    def gutter_x(self, gutter: int) -> float:
        """Centre of gutter ``gutter`` (0 = left of the first column, n = right of the last)."""
        return self.frame.gutter_x(gutter)

    def gutter_limit(self, gutter: int) -> float:
        """How far a track may lie from the gutter's centre and stay clear of the cards."""
        return self.opts.cell_pad_x - 6 + self.frame.room.gutters.get(gutter, 0.0) / 2

    def corridor_limit(self, lane: int) -> float:
        """How far a track may lie from the corridor's centre and stay clear of the cards."""
        return self.frame.corridor_heights[lane] / 2 - 5

    def lane_of(self, box: Slot) -> int:
        return self.frame.lane_index[box.lane_id]

    def column_of(self, box: Slot) -> int:
        return self.frame.stage_index[box.stage_id]

    def is_last(self, box: Slot) -> bool:
        """``box`` is the bottom card of its cell."""
        cell = self.frame.cells[(self.lane_of(box), self.column_of(box))]
        return self.frame.rank[box.step_id] == len(cell) - 1

    def row_clear(self, lane: int, y: float, first_col: int, last_col: int) -> bool:
        """No card of ``lane`` in columns first..last overlaps the horizontal line at ``y``."""
        for col in range(first_col, last_col + 1):
            for step in self.frame.cells.get((lane, col), ()):
                box = self.boxes[step.id]
                if box.y - 4 <= y <= box.bottom + 4:
                    return False
        return True

    def column_clear(self, col: int, upper: Slot, lower: Slot) -> bool:
        """A straight vertical line from ``upper``'s bottom to ``lower``'s top crosses no card."""
        lu, ll = self.lane_of(upper), self.lane_of(lower)
        if not self.is_last(upper) or self.frame.rank[lower.step_id] != 0:
            return False
        return all(not self.frame.cells.get((li, col)) for li in range(lu + 1, ll))


#: Routes by everything that decides them (see `_routing_key`): most edits (a
#: rename, a changed time, a label) move no card, so the routes of the whole map
#: stay what they were. A few maps' worth: each entry holds all of a map's routes.
_ROUTES: Memo[tuple[tuple[ConnectorGeometry, ...], Room]] = Memo(6)


def route_connectors(
    handoffs: Sequence[HandoffData],
    frame: Frame,
    boxes: Mapping[int, Slot],
    opts: LayoutOptions,
    *,
    final: bool = True,
) -> tuple[tuple[ConnectorGeometry, ...], Room]:
    """One styled connector per handoff whose two steps are both on the drawing
    (labels not yet placed: see `labels.place_labels`), and the extra room that
    gutters, corridors and card sides need to keep their parallel runs
    `TRACK_SPACING` apart (empty when the frame has enough). Unless ``final``, a
    frame short of room gets no connectors: the next pass draws them.

    Remembered on the cards' places, the handoffs' ends and kinds and the grid;
    a handoff's label and version are taken as they are now.
    """
    key = _routing_key(handoffs, frame, boxes, opts, final)
    routed, short = _ROUTES.get(
        key, lambda: _route_connectors(handoffs, frame, boxes, opts, final=final)
    )
    drawn = (h for h in handoffs if h.from_step_id in boxes and h.to_step_id in boxes)
    return tuple(_current(c, h) for c, h in zip(routed, drawn, strict=False)), short


def _routing_key(
    handoffs: Sequence[HandoffData],
    frame: Frame,
    boxes: Mapping[int, Slot],
    opts: LayoutOptions,
    final: bool,
) -> tuple[object, ...]:
    """All that routing reads: each handoff's ends and kind, every card's place, lane
    and department, each step's rank in its cell and the grid's lines and room."""
    return (
        tuple((h.id, h.from_step_id, h.to_step_id, h.rework) for h in handoffs),
        tuple(boxes.values()),
        tuple(frame.rank.items()),
        tuple(frame.lane_index.items()),
        tuple(frame.stage_index.items()),
        frame.col_x,
        frame.columns_right,
        frame.lane_y,
        frame.lane_h,
        frame.corridor_heights,
        tuple(sorted(frame.room.gutters.items())),
        token(opts),
        final,
    )


def _current(c: ConnectorGeometry, h: HandoffData) -> ConnectorGeometry:
    """A remembered connector with its handoff's label and version as they are now."""
    label = h.label.strip()
    if c.label == label and c.version == h.version:
        return c
    return replace(c, label=label, version=h.version)


def _route_connectors(
    handoffs: Sequence[HandoffData],
    frame: Frame,
    boxes: Mapping[int, Slot],
    opts: LayoutOptions,
    *,
    final: bool,
) -> tuple[tuple[ConnectorGeometry, ...], Room]:
    board = _Board(frame, boxes, opts)
    routes = [
        _plan(h, boxes[h.from_step_id], boxes[h.to_step_id], board)
        for h in handoffs
        if h.from_step_id in boxes and h.to_step_id in boxes
    ]
    rows = _assign_ports(routes, board)
    gutters = _assign_gutter_tracks(routes, board)
    corridors = _assign_corridor_tracks(routes, board)
    short = Room(gutters, corridors, rows=rows)
    if short and not final:
        return (), short
    boundaries = frame.lane_y[1:]
    return tuple(_connector(r, boundaries) for r in routes), short


def _plan(handoff: HandoffData, a: Slot, b: Slot, board: _Board) -> _Route:
    """Choose the shape, sides, gutters and corridor for one handoff, from its two cards."""
    ca, cb = board.column_of(a), board.column_of(b)
    la, lb = board.lane_of(a), board.lane_of(b)
    ra, rb = board.frame.rank[a.step_id], board.frame.rank[b.step_id]
    if handoff.rework or cb < ca or (cb == ca and la == lb and rb <= ra):
        route = _Route(handoff, a, b, "back", "B", "L", True, corridor_lane=la)
        if not board.is_last(a):
            route.out_side = "R"
            route.gutters.append(ca + 1)
        if la == lb and board.is_last(b) and b.step_id != a.step_id:
            route.in_side = "B"
        else:
            route.gutters.append(cb)
        return route
    if cb > ca:
        ya, yb = a.y + a.height / 2, b.y + b.height / 2
        if cb == ca + 1 or board.row_clear(la, ya, ca + 1, cb - 1):
            return _Route(handoff, a, b, "elbow", "R", "L", False, gutters=[cb])
        if board.row_clear(lb, yb, ca + 1, cb - 1):
            return _Route(handoff, a, b, "elbow", "R", "L", False, gutters=[ca + 1])
        corridor = la if lb >= la else lb
        return _Route(
            handoff, a, b, "corridor", "R", "L", False, [ca + 1, cb], corridor_lane=corridor
        )
    # Same column, later in reading order: straight down or up when nothing is in
    # the way, else around through the gutter on the right.
    # Between lanes, a jog between the two ports runs in the upper lane's corridor
    # and takes a track there like the corridor runs.
    if la == lb and rb == ra + 1:
        return _Route(handoff, a, b, "vertical", "B", "T", False)
    if lb > la and board.column_clear(ca, a, b):
        return _Route(handoff, a, b, "vertical", "B", "T", False, corridor_lane=la)
    if lb < la and board.column_clear(ca, b, a):
        return _Route(handoff, a, b, "vertical", "T", "B", False, corridor_lane=lb)
    return _Route(handoff, a, b, "side", "R", "R", False, gutters=[ca + 1])


def _assign_ports(routes: list[_Route], board: _Board) -> dict[tuple[int, int], float]:
    """Spread connectors that share a card side along it, ordered by where their
    other end is, so that they fan out without crossing near the card; returns the
    extra height of each row whose cards have more connectors on a side than it
    holds `TRACK_SPACING` apart."""
    boxes = board.boxes
    short: dict[tuple[int, int], float] = {}
    sides: dict[tuple[int, Side], list[tuple[float, int, int, bool]]] = defaultdict(list)
    for i, r in enumerate(routes):
        other_out = r.b.y + r.b.height / 2 if r.out_side in "LR" else r.b.x + r.b.width / 2
        other_in = r.a.y + r.a.height / 2 if r.in_side in "LR" else r.a.x + r.a.width / 2
        sides[(r.a.step_id, r.out_side)].append((other_out, r.handoff.id, i, True))
        sides[(r.b.step_id, r.in_side)].append((other_in, r.handoff.id, i, False))
    for (step_id, side), members in sides.items():
        box = boxes[step_id]
        n = len(members)
        if side in "LR" and n * TRACK_SPACING + 4 > box.height:
            row = (board.lane_of(box), board.frame.rank[step_id])
            short[row] = max(short.get(row, 0.0), n * TRACK_SPACING + 4 - box.height)
        if n == 1:  # most sides: one connector, in the middle
            _key, _hid, i, is_out = members[0]
            middle = box.y + box.height / 2 if side in "LR" else box.x + box.width / 2
            if is_out:
                routes[i].out_port = middle
            else:
                routes[i].in_port = middle
            continue
        members.sort()
        if side in "LR":
            spacing = min(12.0, (box.height - 16) / max(n, 1))
            middle = box.y + box.height / 2
        else:
            spacing = min(16.0, (box.width - 40) / max(n, 1))
            middle = box.x + box.width / 2
        # Far enough apart to aim at; a card too short for them grows next pass.
        length = box.height if side in "LR" else box.width
        spacing = max(spacing, min(TRACK_SPACING, (length - 4) / max(n, 1)))
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
    return short


def _assign_gutter_tracks(routes: list[_Route], board: _Board) -> dict[int, float]:
    """Vertical runs that overlap in the same gutter get parallel offsets,
    `TRACK_SPACING` apart; returns the extra width of each gutter too narrow for them."""
    frame, o = board.frame, board.opts
    corridors = [frame.corridor_y(lane, o) for lane in range(len(frame.lane_y))]
    runs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for i, r in enumerate(routes):
        r.corridor_y = corridors[r.corridor_lane] if r.corridor_lane >= 0 else 0.0
        for k, (y1, y2) in enumerate(_gutter_spans(r)):
            if abs(y1 - y2) > 0.5:  # a straight line through the gutter needs no track
                runs[r.gutters[k]].append((min(y1, y2), max(y1, y2), i * 2 + k))
    offsets, short = _spread_runs(runs, 3.0, board.gutter_limit)
    centres = [frame.gutter_x(g) for g in range(len(frame.col_x) + 1)]
    for i, r in enumerate(routes):
        r.gutter_x = [centres[g] + offsets.get(i * 2 + k, 0.0) for k, g in enumerate(r.gutters)]
    return short


def _assign_corridor_tracks(routes: list[_Route], board: _Board) -> dict[int, float]:
    """Runs along the same lane's corridor get their own rows, `TRACK_SPACING` apart;
    returns the extra height of each corridor too low for them."""
    corridor_runs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for i, r in enumerate(routes):
        if r.mode in ("back", "corridor"):
            x1, x2 = _corridor_span(r, board)
            corridor_runs[r.corridor_lane].append((min(x1, x2), max(x1, x2), i))
        elif r.corridor_lane >= 0 and abs(r.out_port - r.in_port) > 0.5:  # a jog
            x1, x2 = sorted((r.out_port, r.in_port))
            corridor_runs[r.corridor_lane].append((x1, x2, i))
    offsets, short = _spread_runs(corridor_runs, 4.0, board.corridor_limit)
    for key, offset in offsets.items():
        routes[key].corridor_y += offset
    return short


def _spread_runs(
    runs: dict[int, list[tuple[float, float, int]]],
    gap: float,
    limit_of: Callable[[int], float],
) -> tuple[dict[int, float], dict[int, float]]:
    """Tracks for the runs of each gutter or corridor, `TRACK_SPACING` apart.

    Returns each run's offset by its key, and for each gutter or corridor too
    narrow for its tracks the extra room it needs.
    """
    offsets: dict[int, float] = {}
    short: dict[int, float] = {}
    for group, group_runs in runs.items():
        tracks = _assign_tracks(group_runs, gap)
        limit = limit_of(group)
        need = min(_track_reach(max(tracks.values())), MAX_TRACK_REACH)
        if need > limit:
            short[group] = 2 * (need - limit)
        for key, track in tracks.items():
            offsets[key] = _alternating_offset(track, TRACK_SPACING, limit)
    return offsets, short


def _track_reach(track: int) -> float:
    """How far from the centre the highest track lies when nothing wraps."""
    return ((track + 1) // 2) * TRACK_SPACING


def _gutter_spans(r: _Route) -> list[tuple[float, float]]:
    """The y ranges of the route's vertical runs in its gutters, in order."""
    if r.mode in ("elbow", "side"):
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


def _corridor_span(r: _Route, board: _Board) -> tuple[float, float]:
    """The x range of the route's run along its corridor (gutter centres, before tracks)."""
    if r.mode == "corridor":
        return board.gutter_x(r.gutters[0]), board.gutter_x(r.gutters[1])
    k = 0
    if r.out_side == "R":
        x1 = board.gutter_x(r.gutters[0])
        k = 1
    else:
        x1 = r.out_port
    x2 = board.gutter_x(r.gutters[k]) if r.in_side == "L" else r.in_port
    return x1, x2


def _points(r: _Route) -> list[_XY]:
    """The corner points of a resolved route, from the source's edge to the target's."""
    a, b = r.a, r.b
    if r.mode in ("elbow", "side"):
        gx = r.gutter_x[0]
        end_x = b.x if r.mode == "elbow" else b.right
        return [
            (a.right, r.out_port),
            (gx, r.out_port),
            (gx, r.in_port),
            (end_x, r.in_port),
        ]
    if r.mode == "corridor":
        (g1, g2), yc = r.gutter_x, r.corridor_y
        return [
            (a.right, r.out_port),
            (g1, r.out_port),
            (g1, yc),
            (g2, yc),
            (g2, r.in_port),
            (b.x, r.in_port),
        ]
    if r.mode == "vertical":
        y1 = a.bottom if r.out_side == "B" else a.y
        y2 = b.y if r.in_side == "T" else b.bottom
        mid = r.corridor_y if r.corridor_lane >= 0 else (y1 + y2) / 2
        return [
            (r.out_port, y1),
            (r.out_port, mid),
            (r.in_port, mid),
            (r.in_port, y2),
        ]
    return _back_points(r)


def _back_points(r: _Route) -> list[_XY]:
    """A back edge: around the cards, through the source lane's corridor."""
    a, b, yc = r.a, r.b, r.corridor_y
    k = 0
    if r.out_side == "R":
        gx = r.gutter_x[0]
        pts = [(a.right, r.out_port), (gx, r.out_port), (gx, yc)]
        k = 1
    else:
        pts = [(r.out_port, a.bottom), (r.out_port, yc)]
    if r.in_side == "L":
        gx = r.gutter_x[k]
        pts += [(gx, yc), (gx, r.in_port), (b.x, r.in_port)]
    else:
        pts += [(r.in_port, yc), (r.in_port, b.bottom)]
    return pts


def _boundary_marks(points: Sequence[Point], boundaries: Sequence[float]) -> tuple[Point, ...]:
    """Where the route's vertical runs cross a lane border (``boundaries`` sorted)."""
    marks: list[Point] = []
    for p, q in itertools.pairwise(points):
        if abs(p.x - q.x) < 0.01 and abs(p.y - q.y) > 0.01:
            lo, hi = sorted((p.y, q.y))
            for yb in boundaries[bisect_right(boundaries, lo) : bisect_left(boundaries, hi)]:
                marks.append(Point(p.x, yb))
    return tuple(marks)


#: Finished connectors by their handoff and corner points: when a card moves, the
#: routes it does not touch come back as the same objects, whose markup the
#: renderer already has.
_CONNECTORS: Memo[ConnectorGeometry] = Memo(8_000)


def _connector(r: _Route, boundaries: tuple[float, ...]) -> ConnectorGeometry:
    """The finished connector: points, style by kind and boundary marks (the label's
    box comes later, when all routes are known)."""
    raw = tuple(_points(r))
    cross = r.a.department_id != r.b.department_id
    h = r.handoff
    key: tuple[object, ...] = (h.id, h.from_step_id, h.to_step_id, h.label, h.rework)
    key += (h.version, r.back, cross, raw, _crossed(raw, boundaries) if cross else ())
    return _CONNECTORS.get(key, lambda: _new_connector(r, raw, cross, boundaries))


def _crossed(raw: Sequence[_XY], boundaries: tuple[float, ...]) -> tuple[float, ...]:
    """The lane borders strictly between the route's highest and lowest point: all
    that its boundary marks read (`_boundary_marks` leaves out a border a run only
    touches). A lane that grows elsewhere on the map keeps the connector remembered."""
    ys = [round(y, 2) for _x, y in raw]  # as `_simplified` rounds the points
    return boundaries[bisect_right(boundaries, min(ys)) : bisect_left(boundaries, max(ys))]


def _new_connector(
    r: _Route, raw: Sequence[_XY], cross: bool, boundaries: Sequence[float]
) -> ConnectorGeometry:
    points = _simplified(raw)
    kind = connector_kind(cross, r.handoff.rework)
    label = r.handoff.label.strip()
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
        boundary_marks=_boundary_marks(points, boundaries) if cross else (),
        stroke=CONNECTOR_STROKES[kind],
        arrowhead=ARROWHEADS[kind],
        corner_radius=CONNECTOR_CORNER_RADIUS,
        boundary_marker=BOUNDARY_MARKERS[kind] if cross else None,
        label_box=None,
    )


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


def simplify(points: Sequence[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear points (rounded to 0.01 px)."""
    return _simplified([(p.x, p.y) for p in points])


def _simplified(points: Sequence[_XY]) -> tuple[Point, ...]:
    """`simplify` on plain (x, y) pairs: the routes' corners are pairs until here."""
    out: list[_XY] = []
    for x, y in points:
        x, y = round(x, 2), round(y, 2)
        if out:
            lx, ly = out[-1]
            if abs(lx - x) < 0.01 and abs(ly - y) < 0.01:
                continue
            if len(out) >= 2:
                ax, ay = out[-2]
                if (abs(ax - lx) < 0.01 and abs(lx - x) < 0.01) or (
                    abs(ay - ly) < 0.01 and abs(ly - y) < 0.01
                ):
                    out[-1] = (x, y)
                    continue
        out.append((x, y))
    return tuple(Point(x, y) for x, y in out)
