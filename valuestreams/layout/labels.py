"""Handoff labels: placed after all connectors are routed, so none covers another.

A label is a box on its own connector's line. Every connector offers candidate
spots along its segments (the middle of a long horizontal run first, then further
along it, then on vertical runs, where the label may slide sideways as long as
its line still passes through it). Labels are placed greedily, the ones with the
fewest candidate spots first: a spot is taken only when the box stays clear of
the cards (with their rings and badges), the lane headers, the editor's "+"
buttons and every label placed before; among those, spots that cover fewer other
lines and lane-border marks win. A label with no free spot asks for room where
its connector runs: a wider gutter, a taller corridor or a wider gap between
stacked cards (`grid.Room`); `layout_map` lays the map out again with that room,
so the map grows only where a label needs it.

Long labels are shortened with an ellipsis to one and a half card widths;
renderers give the full text on hover.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from .geometry import BoxGeometry, ConnectorGeometry
from .grid import Frame, Room
from .options import LayoutOptions
from .shapes import LabelBox, Point, Rect, TextLine
from .style import INK, LABEL_STROKES, WHITE, connector_kind
from .text import measure_text, shorten

__all__ = ["LABEL_CLEARANCE", "LABEL_HEIGHT", "place_labels"]

#: Height of a label's box.
LABEL_HEIGHT = 20.0
#: Free space kept between a label and the cards, headers and other labels.
LABEL_CLEARANCE = 3.0
#: Text padding inside a label's box, each side.
_PAD_X = 6.0
#: Distance kept from the ends of a segment (the corners and the arrowhead).
_END = 10.0
#: Free spots compared at most per label (the cheapest first), and spots tried at most.
_LOOK = 24
_MAX_SPOTS = 400
#: Positions along one vertical run at most.
_ALONG = 48
#: Rows of labels a corridor or a gap between cards grows by at most.
_MAX_ROWS = 3
#: Size of a bucket of the spatial index.
_BUCKET = 160.0

_Box = tuple[float, float, float, float]  # x1, y1, x2, y2
Key = TypeVar("Key")
_Candidate = tuple[float, float, float]  # cost, x, y of a label's centre


@dataclass(slots=True)
class _Index:
    """Rectangles in buckets of a grid: which of them a box touches, in O(1) per bucket."""

    buckets: dict[tuple[int, int], list[tuple[_Box, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def _keys(self, b: _Box) -> Iterable[tuple[int, int]]:
        return itertools.product(
            range(int(b[0] // _BUCKET), int(b[2] // _BUCKET) + 1),
            range(int(b[1] // _BUCKET), int(b[3] // _BUCKET) + 1),
        )

    def add(self, b: _Box, owner: int = -1) -> None:
        for key in self._keys(b):
            self.buckets[key].append((b, owner))

    def hits(self, b: _Box, owner: int = -2) -> bool:
        """``b`` overlaps a rectangle (not one of ``owner``'s)."""
        for key in self._keys(b):
            for other, who in self.buckets.get(key, ()):
                if who != owner and _overlap(b, other):
                    return True
        return False

    def count(self, b: _Box, owner: int) -> int:
        """How many rectangles of other owners ``b`` overlaps (each counted once)."""
        seen: set[_Box] = set()
        for key in self._keys(b):
            for other, who in self.buckets.get(key, ()):
                if who != owner and other not in seen and _overlap(b, other):
                    seen.add(other)
        return len(seen)


def _overlap(a: _Box, b: _Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _length(segment: tuple[Point, Point]) -> float:
    p, q = segment
    return abs(p.x - q.x) + abs(p.y - q.y)


def _grow(b: _Box, by: float) -> _Box:
    return (b[0] - by, b[1] - by, b[2] + by, b[3] + by)


@dataclass(frozen=True, slots=True)
class _Spot:
    """A candidate centre of a label, with its cost (lower is better) and how many
    other lines and marks it covers (once checked)."""

    cost: float
    x: float
    y: float
    covers: int = 0


def place_labels(
    connectors: Sequence[ConnectorGeometry],
    boxes: Sequence[BoxGeometry],
    frame: Frame,
    o: LayoutOptions,
    *,
    final: bool,
    clear: bool = True,
) -> tuple[tuple[ConnectorGeometry, ...], Room]:
    """Give every labelled connector its label box, clear of cards, lane headers and
    the labels placed before it, and say where room is missing (``Room``, empty when
    every label found a spot). With ``clear`` a label that covers other lines also
    asks for room; with ``final`` a label without a free spot takes the least
    crowded one instead of asking for room."""
    if not any(c.label.strip() for c in connectors):
        return tuple(connectors), Room()
    hard = _Index()
    for box in boxes:
        hard.add(_grow(_footprint(box), LABEL_CLEARANCE))
    for lane_i, top in enumerate(frame.lane_y):
        for col in range(len(frame.col_x)):
            # The editor's "+" sits at the top right of every cell.
            x = frame.card_x[col] + frame.card_widths[col] - 34
            y = top + o.cell_pad_top / 2
            hard.add((x - 12, y - 12, x + 12, y + 12), -1 - lane_i)
    soft = _Index()
    for i, c in enumerate(connectors):
        half = c.stroke.width / 2 + 1
        for p, q in itertools.pairwise(c.points):
            seg = (min(p.x, q.x) - half, min(p.y, q.y) - half, max(p.x, q.x) + half, max(p.y, q.y))
            soft.add((seg[0], seg[1], seg[2], seg[3] + half), i)
        if c.boundary_marker is not None:
            r = c.boundary_marker.radius + 1
            for m in c.boundary_marks:
                soft.add((m.x - r, m.y - r, m.x + r, m.y + r), -1)
    bounds = (
        o.margin + o.lane_header_width + LABEL_CLEARANCE,
        (frame.lane_y[0] if frame.lane_y else frame.lanes_bottom) + LABEL_CLEARANCE,
        frame.lanes_right - LABEL_CLEARANCE,
        frame.lanes_bottom - LABEL_CLEARANCE,
    )
    room = _Requests()
    placed = list(connectors)
    bands = _bands(frame)
    todo: list[tuple[int, int, str, float, list[_Candidate]]] = []
    for i, c in enumerate(connectors):
        label = c.label.strip()
        if label:
            text = shorten(label, 1.5 * o.box_width - 2 * _PAD_X, o.text_size)
            width = round(measure_text(text, o.text_size) + 2 * _PAD_X, 2)
            spots = _spots(c.points, width, bands)
            todo.append((len(spots), i, text, width, spots))
    # The labels with the fewest spots first: a label that can go anywhere along a
    # long route must not take the only spot of one on a short route.
    todo.sort(key=lambda item: item[:2])
    for _count, i, text, width, spots in todo:
        c = connectors[i]
        at = _best_spot(spots, c.points, width, i, hard, soft, bounds, lenient=final)
        if not final and (at is None or (clear and at.covers)):
            # No spot, or only one on top of other lines: ask for room, and take
            # the best spot there is for now (the next pass places it again).
            room.ask(c.points, width, frame, o, crowded=at is None)
            at = at or _best_spot(spots, c.points, width, i, hard, soft, bounds, lenient=True)
        assert at is not None  # lenient always finds a spot on a route
        taken = (
            at.x - width / 2,
            at.y - LABEL_HEIGHT / 2,
            at.x + width / 2,
            at.y + LABEL_HEIGHT / 2,
        )
        hard.add(_grow(taken, LABEL_CLEARANCE))
        placed[i] = replace(c, label_box=_label_box(text, at, width, c, o))
    return tuple(placed), room.room()


def _footprint(box: BoxGeometry) -> _Box:
    """What a card covers: its rings and its hotspot badge too."""
    x1, y1, x2, y2 = box.x, box.y, box.right, box.bottom
    for ring in (box.outline, box.selection_ring):
        if ring is not None:
            pad = ring.stroke.width / 2 if ring.stroke is not None else 0.0
            x1, y1 = min(x1, ring.x - pad), min(y1, ring.y - pad)
            x2, y2 = max(x2, ring.x + ring.width + pad), max(y2, ring.y + ring.height + pad)
    if box.badge is not None:
        c, r = box.badge.circle.center, box.badge.circle.radius + 1
        x1, y1 = min(x1, c.x - r), min(y1, c.y - r)
        x2, y2 = max(x2, c.x + r), max(y2, c.y + r)
    return (x1, y1, x2, y2)


def _spots(
    points: Sequence[Point], width: float, bands: Sequence[tuple[float, float]]
) -> list[_Candidate]:
    """Candidate centres along a route, cheapest first: horizontal runs (the longest
    one's middle first), then vertical runs with the label slid along and across;
    on a vertical run, every few px within ``bands`` (the strips free of cards:
    corridors and gaps between stacked cards), more sparsely elsewhere."""
    found: list[_Candidate] = []
    longest = max((abs(p.x - q.x) for p, q in itertools.pairwise(points)), default=0.0)
    last_k = len(points) - 2
    for k, (p, q) in enumerate(itertools.pairwise(points)):
        # Keep clear of the route's ends (the arrowhead); a corner may be covered.
        end_p = _END if k == 0 else 0.0
        end_q = _END if k == last_k else 0.0
        if abs(p.y - q.y) < 0.01:
            lo, hi = sorted((p.x, q.x))
            lo_end, hi_end = (end_p, end_q) if p.x <= q.x else (end_q, end_p)
            first, last = lo + width / 2 + lo_end, hi - width / 2 - hi_end
            if first > last:
                continue
            mid = (lo + hi) / 2
            base = 0.3 * (1 - (hi - lo) / longest) if longest else 0.0
            for x in _steps(first, last, mid, max(8.0, (hi - lo) / 40)):
                found.append((base + abs(x - mid) / (hi - lo), x, p.y))
        elif abs(p.x - q.x) < 0.01:
            lo, hi = sorted((p.y, q.y))
            lo_end, hi_end = (end_p, end_q) if p.y <= q.y else (end_q, end_p)
            first, last = lo + LABEL_HEIGHT / 2 + lo_end, hi - LABEL_HEIGHT / 2 - hi_end
            if first > last:
                continue
            mid = (lo + hi) / 2
            ys = set(_steps(first, last, mid, max(6.0, (hi - lo) / 24)))
            start = bisect.bisect_left(bands, (first - 400.0, 0.0))
            for top, bottom in bands[start:]:
                if top > last:
                    break
                a, b = max(first, top + LABEL_HEIGHT / 2), min(last, bottom - LABEL_HEIGHT / 2)
                if a <= b:
                    ys.update(_steps(a, b, (a + b) / 2, max(4.0, (b - a) / 4)))
            slide = max(0.0, width / 2 - _END)
            # The nearest to the run's middle: a long run crosses many strips.
            for y in heapq.nsmallest(_ALONG, ys, key=lambda y: (abs(y - mid), y)):
                along = 1.0 + abs(y - mid) / (hi - lo)
                for dx in (0.0, slide / 2, -slide / 2, slide, -slide):
                    found.append((along + 0.3 * abs(dx) / width, p.x + dx, y))
    return heapq.nsmallest(_MAX_SPOTS, found)


def _bands(frame: Frame) -> list[tuple[float, float]]:
    """The horizontal strips without cards, sorted: each lane's corridor and the
    gaps between its rows of cards."""
    bands: list[tuple[float, float]] = []
    for lane, (top, height) in enumerate(zip(frame.lane_y, frame.lane_h, strict=True)):
        tops, heights = frame.row_tops[lane], frame.row_heights[lane]
        for k in range(1, len(tops)):
            bands.append((tops[k - 1] + heights[k - 1], tops[k]))
        bands.append((top + height - frame.corridor_heights[lane], top + height))
    bands.sort()
    return bands


def _steps(first: float, last: float, mid: float, step: float) -> list[float]:
    """Positions from ``first`` to ``last``, ``step`` apart, from ``mid`` outwards."""
    mid = min(max(mid, first), last)
    out = [mid]
    k = 1
    while mid - k * step >= first or mid + k * step <= last:
        if mid + k * step <= last:
            out.append(mid + k * step)
        if mid - k * step >= first:
            out.append(mid - k * step)
        k += 1
    if first not in out:
        out.append(first)
    if last not in out:
        out.append(last)
    return out


def _best_spot(
    spots: list[_Candidate],
    points: Sequence[Point],
    width: float,
    owner: int,
    hard: _Index,
    soft: _Index,
    bounds: _Box,
    *,
    lenient: bool,
) -> _Spot | None:
    """The cheapest free spot (cost plus a penalty per line or mark it covers), or
    None; ``lenient`` takes the least covered spot when none is free."""
    best: _Spot | None = None
    fallback: _Spot | None = None
    half_w, half_h = width / 2, LABEL_HEIGHT / 2
    free = 0
    if not spots and lenient:  # a route too short for any spot: its middle
        p, q = max(itertools.pairwise(points), key=_length)
        spots = [(0.0, (p.x + q.x) / 2, (p.y + q.y) / 2)]
    for cost, x, y in spots:
        if best is not None and cost >= best.cost:
            break  # sorted by cost: nothing later can beat it
        b = (x - half_w, y - half_h, x + half_w, y + half_h)
        inside = b[0] >= bounds[0] and b[1] >= bounds[1] and b[2] <= bounds[2] and b[3] <= bounds[3]
        if not inside or hard.hits(b):
            if lenient:
                crowd = cost + hard.count(b, -2) * 100 + (0 if inside else 50)
                if fallback is None or crowd < fallback.cost:
                    fallback = _Spot(crowd, x, y)
            continue
        covers = soft.count(b, owner)
        if best is None or cost + 2.0 * covers < best.cost:
            best = _Spot(cost + 2.0 * covers, x, y, covers)
        free += 1
        if free >= _LOOK:
            break  # enough free spots compared: a crowded map must stay fast
    found = best or fallback
    if found is not None:
        return replace(found, x=round(found.x, 2), y=round(found.y, 2))
    return None


@dataclass(slots=True)
class _Requests:
    """Room asked for by labels without a free spot, added up per place."""

    gutters: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    corridors: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    gaps: dict[tuple[int, int], float] = field(default_factory=lambda: defaultdict(float))

    def room(self) -> Room:
        return Room(dict(self.gutters), dict(self.corridors), dict(self.gaps))

    def _grant(
        self,
        asked: dict[Key, float],
        granted: Mapping[Key, float],
        key: Key,
        amount: float,
        cap: float,
    ) -> bool:
        """Ask ``amount`` more at ``key`` unless that would pass ``cap`` in all."""
        if granted.get(key, 0.0) + asked[key] + amount > cap:
            return False
        asked[key] += amount
        return True

    def ask(
        self,
        points: Sequence[Point],
        width: float,
        frame: Frame,
        o: LayoutOptions,
        *,
        crowded: bool,
    ) -> None:
        """Ask for room where this route can hold a label: its longest horizontal run
        through a gutter grows to the label's length, else the corridor or card gap
        its longest vertical run passes (corridors first) gets one more row of labels.
        A label that has a spot, only one over other lines (not ``crowded``), asks
        for one row at most and widens no gutter beside the cards."""
        row = LABEL_HEIGHT + 2 * LABEL_CLEARANCE + 2
        # Growth is bounded: on a crowded map a label rather covers a line than
        # the map grows without end.
        row_cap = (_MAX_ROWS if crowded else 1) * row
        gutter_cap = 4 * o.box_width  # room for the widest label on a stub
        runs = sorted(itertools.pairwise(points), key=_length, reverse=True)
        for p, q in runs:
            if abs(p.y - q.y) < 0.01:
                # Only a run from card to card grows by all the room its gutter gains.
                gutter = _gutter_between(min(p.x, q.x), max(p.x, q.x), frame)
                if gutter is not None:
                    missing = width + 2 * _END - abs(p.x - q.x)
                    if missing > 0 and self._grant(
                        self.gutters, frame.room.gutters, gutter, missing + 2, gutter_cap
                    ):
                        return
        for p, q in runs:
            if abs(p.x - q.x) < 0.01 and abs(p.y - q.y) > 0.01:
                lo, hi = sorted((p.y, q.y))
                lane = _corridor_of(lo, hi, frame)
                if lane is not None and self._grant(
                    self.corridors, frame.room.corridors, lane, row, row_cap
                ):
                    return
                place = _gap_of(lo, hi, frame)
                if place is not None and self._grant(
                    self.gaps, frame.room.gaps, place, row, row_cap
                ):
                    return
        # Only short runs beside the cards: widen the gutter of the longest
        # horizontal one, which grows by half of it on each side.
        for p, q in runs:
            if abs(p.y - q.y) < 0.01:
                middle = (p.x + q.x) / 2
                gutters = range(len(frame.col_x) + 1)
                gutter = min(gutters, key=lambda g: abs(frame.gutter_x(g) - middle))
                missing = 2 * max(width + 2 * _END - abs(p.x - q.x), 0.0) + 2
                if crowded and self._grant(
                    self.gutters, frame.room.gutters, gutter, missing, gutter_cap
                ):
                    return
                break
        # Nothing to grow (a route on a corridor only): one more row in that corridor.
        lane = _lane_at(points[0].y, frame)
        if lane is not None:
            self._grant(self.corridors, frame.room.corridors, lane, row, row_cap)


def _gutter_between(lo: float, hi: float, frame: Frame) -> int | None:
    """The gutter before the card a horizontal run from ``lo`` to ``hi`` ends at,
    when the run starts at a card in an earlier column (a straight card-to-card run)."""
    rights = [x + w for x, w in zip(frame.card_x, frame.card_widths, strict=True)]
    if not any(abs(lo - right) < 0.5 for right in rights):
        return None
    for g in range(1, len(frame.card_x)):
        if abs(hi - frame.card_x[g]) < 0.5:
            return g
    return None


def _corridor_of(lo: float, hi: float, frame: Frame) -> int | None:
    """The first lane whose corridor a vertical run from ``lo`` to ``hi`` passes."""
    for lane, (top, height) in enumerate(zip(frame.lane_y, frame.lane_h, strict=True)):
        bottom = top + height
        if lo < bottom and hi > bottom - frame.corridor_heights[lane]:
            return lane
    return None


def _gap_of(lo: float, hi: float, frame: Frame) -> tuple[int, int] | None:
    """(lane, rank) of the first gap between two stacked rows of cards that a
    vertical run from ``lo`` to ``hi`` passes through, else None."""
    for lane, tops in enumerate(frame.row_tops):
        heights = frame.row_heights[lane]
        for k in range(1, len(tops)):
            above = tops[k - 1] + heights[k - 1]
            if lo <= above + 0.5 and tops[k] - 0.5 <= hi:
                return lane, k
    return None


def _lane_at(y: float, frame: Frame) -> int | None:
    for lane, (top, height) in enumerate(zip(frame.lane_y, frame.lane_h, strict=True)):
        if top <= y <= top + height:
            return lane
    return None


def _label_box(
    text: str, at: _Spot, width: float, c: ConnectorGeometry, o: LayoutOptions
) -> LabelBox:
    """The label's box, as wide as its measured text plus padding, centred on ``at``."""
    kind = connector_kind(c.cross_department, c.rework)
    box = Rect(
        at.x - width / 2,
        at.y - LABEL_HEIGHT / 2,
        width,
        LABEL_HEIGHT,
        4.0,
        WHITE,
        stroke=LABEL_STROKES[kind],
    )
    line = TextLine(text, at.x, at.y + 4.5, o.text_size, 400, INK, "middle", "handoff-label")
    return LabelBox(box, line)
