"""Geometry -> native PowerPoint shapes: the swimlane on one or more slides.

Every lane band, stage header, step card, handoff and the band under the lanes
becomes a shape of its own, so a team can move, restyle and reword it in
PowerPoint or Impress. Handoffs are elbow connectors glued to their two step
shapes: they follow the cards when someone moves them.

Text never shrinks below `MIN_FONT_PT`. A map too large for one slide at that
size is cut into pages: ranges of stages side by side, and when the lanes are
too tall, ranges of lanes (the band under the lanes is the last row). Every page
repeats the stage headers of its range and the lane headers of its lanes; a
handoff to a step on another page ends at a continuation marker that names the
step and the slide.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from pptx.slide import Slide

from valuestreams.layout import (
    Arrowhead,
    BoxGeometry,
    Circle,
    ConnectorGeometry,
    EmotionCurve,
    Face,
    Geometry,
    LabelBox,
    LadderGeometry,
    Line,
    Point,
    Rect,
    Stroke,
    TextLine,
    measure_text,
)

from .pptx_kit import DECK, MIN_FONT_PT, PT_PER_PX, Frame, office_font, px
from .pptx_xml import (
    LineStyle,
    Run,
    TextBody,
    append_shapes,
    connector,
    polyline,
    shape,
    site_point,
)

__all__ = ["Page", "Placement", "draw_page", "paginate", "place"]

#: Largest scale a small map is blown up to on its slide.
MAX_SCALE = 1.25
#: Connection sites of a rectangle in python-pptx / DrawingML.
TOP, LEFT, BOTTOM, RIGHT = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Region:
    """A span of geometry px along one axis, and the items whose centre falls in it."""

    start: float  # first geometry px drawn after the headers
    end: float  # last geometry px drawn
    low: float  # items whose centre is >= low ...
    high: float  # ... and < high belong here
    first: int  # index of the first column or row
    last: int  # index of the last column or row


@dataclass(frozen=True, slots=True)
class Page:
    """One slide of the swimlane: a range of stages × a range of rows, at one scale."""

    number: int  # 1-based slide number in the deck
    columns: Region
    rows: Region
    column_index: int
    row_index: int
    column_count: int
    row_count: int
    scale: float
    frame: Frame

    def holds(self, x: float, y: float) -> bool:
        """True when a geometry point (an item's centre) is drawn on this page."""
        return self.columns.low <= x < self.columns.high and self.rows.low <= y < self.rows.high


# The area under the slide title where the diagram goes, in slide px.
_LEFT = DECK.margin_px
_TOP = DECK.body_top_px
_WIDTH = DECK.width_px - 2 * DECK.margin_px
_HEIGHT = DECK.height_px - DECK.body_top_px - 16


def _text_sizes(g: Geometry) -> Iterable[float]:
    for lane in g.lanes:
        yield from (t.size for t in lane.text)
    for column in g.columns:
        yield from (t.size for t in column.text)
    for box in g.boxes:
        yield from (t.size for t in box.lines)
    if g.ladder is not None:
        yield from (t.size for t in g.ladder.text + g.ladder.totals_text)
    if g.curve is not None:
        yield from (t.size for t in g.curve.text)
    yield from (item.text.size for item in g.legend)


def _min_scale(g: Geometry) -> float:
    """The smallest scale at which the geometry's smallest text is MIN_FONT_PT."""
    smallest = min(_text_sizes(g), default=13.0)
    return MIN_FONT_PT / (smallest * PT_PER_PX)


def _spans(starts: Sequence[float], ends: Sequence[float], room: float) -> list[tuple[int, int]]:
    """Greedy runs of consecutive items whose extent [start of first, end of last] fits."""
    runs: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(starts) + 1):
        if i == len(starts) or ends[i] - starts[first] > room:
            runs.append((first, i - 1))
            first = i
    return runs


def _rows(g: Geometry) -> tuple[list[float], list[float]]:
    """Top and bottom of every row: each lane, then the band, then the legend."""
    tops = [lane.y for lane in g.lanes]
    bottoms = [lane.y + lane.height for lane in g.lanes]
    band = g.band
    if band is not None:
        tops.append(bottoms[-1] if bottoms else band.y)
        bottoms.append(band.y + band.height)
    if g.legend:
        tops.append(bottoms[-1] if bottoms else 0.0)
        bottoms.append(g.height)
    # Rows are contiguous: the gap above a row belongs to it.
    for i in range(1, len(tops)):
        tops[i] = bottoms[i - 1]
    return tops, bottoms


def paginate(g: Geometry, first_number: int) -> list[Page]:
    """The pages the swimlane needs, numbered from `first_number`, stages first.

    One page at the largest scale up to MAX_SCALE when the whole map fits with
    text of at least MIN_FONT_PT; otherwise that smallest scale and as many pages
    as it takes.
    """
    fit = min(_WIDTH / g.width, _HEIGHT / g.height) if g.width and g.height else 1.0
    smallest = _min_scale(g)
    scale = min(fit, MAX_SCALE) if fit >= smallest else smallest
    split_x = g.columns[0].x if g.columns else g.width
    split_y = g.lanes[0].y if g.lanes else g.height
    col_starts = [c.x for c in g.columns]
    col_ends = [c.x + c.width for c in g.columns]
    if col_ends:
        col_ends[-1] = g.width  # the ladder's totals sit right of the last stage
    tops, bottoms = _rows(g)
    col_runs = _spans(col_starts, col_ends, _WIDTH / scale - split_x) or [(0, -1)]
    row_runs = _spans(tops, bottoms, _HEIGHT / scale - split_y) or [(0, -1)]

    def region(
        runs: list[tuple[int, int]],
        k: int,
        starts: list[float],
        ends: list[float],
        split: float,
        total: float,
    ) -> Region:
        first, last = runs[k]
        if last < first:
            return Region(split, total, float("-inf"), float("inf"), 0, -1)
        low = float("-inf") if k == 0 else starts[first]
        high = float("inf") if k == len(runs) - 1 else starts[runs[k + 1][0]]
        return Region(starts[first], ends[last], low, high, first, last)

    pages: list[Page] = []
    for ci in range(len(col_runs)):
        columns = region(col_runs, ci, col_starts, col_ends, split_x, g.width)
        for ri in range(len(row_runs)):
            rows = region(row_runs, ri, tops, bottoms, split_y, g.height)
            frame = Frame(
                left=_LEFT,
                top=_TOP,
                scale=scale,
                split_x=split_x,
                x0=max(columns.start, split_x),
                split_y=split_y,
                y0=max(rows.start, split_y),
            )
            pages.append(
                Page(
                    number=first_number + len(pages),
                    columns=columns,
                    rows=rows,
                    column_index=ci,
                    row_index=ri,
                    column_count=len(col_runs),
                    row_count=len(row_runs),
                    scale=scale,
                    frame=frame,
                )
            )
    return pages


@dataclass(frozen=True, slots=True)
class Placement:
    """Which page every step is drawn on, and the handoffs that touch each page."""

    page_of_step: dict[int, Page]
    boxes: dict[int, BoxGeometry]
    connectors_by_page: dict[int, list[ConnectorGeometry]]


def place(g: Geometry, pages: Sequence[Page]) -> Placement:
    """Put every step on its page once, so drawing a page only looks at its own items."""
    page_of_step: dict[int, Page] = {}
    for box in g.boxes:
        cx, cy = box.x + box.width / 2, box.y + box.height / 2
        page_of_step[box.step_id] = next(p for p in pages if p.holds(cx, cy))
    by_page: dict[int, list[ConnectorGeometry]] = {p.number: [] for p in pages}
    for c in g.connectors:
        ends = {page_of_step.get(c.from_step_id), page_of_step.get(c.to_step_id)}
        if None in ends:
            continue
        for page in ends:
            by_page[page.number].append(c)  # type: ignore[union-attr]
    return Placement(page_of_step, {b.step_id: b for b in g.boxes}, by_page)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

#: Where the baseline sits below the top of a line, as a share of the font size.
_ASCENT = 0.93


def _runs(lines: Sequence[TextLine], frame: Frame) -> list[Run]:
    """The geometry's lines as paragraphs; exact spacing keeps their baselines apart."""
    runs = []
    previous: float | None = None
    for line in lines:
        size = frame.font_size(line.size)
        gap = (line.y - previous) * PT_PER_PX * frame.scale if previous is not None else 0.0
        spacing = max(size * 1.05, gap * 100) if previous is not None else size * 1.2
        runs.append(
            Run(line.text, size, line.weight >= 600, line.color, line.anchor, round(spacing))
        )
        previous = line.y
    return runs


def _body(
    lines: Sequence[TextLine],
    frame: Frame,
    font: str,
    x: float,
    y: float,
    *,
    anchor: str = "t",
) -> TextBody:
    """A shape's text from geometry lines, inset so the first baseline lands where it was."""
    if not lines:
        return TextBody((), font)
    first = lines[0]
    starts = [line.x for line in lines if line.anchor == "start"]
    left = min(starts) - x if starts else 4.0
    top = first.y - y - first.size * _ASCENT if anchor == "t" else 0.0
    runs = _runs(lines, frame)
    if starts:
        # A line that starts further in (the emotion row, beside its face) keeps its place.
        first_x = min(starts)
        runs = [
            replace(run, indent=frame.length(line.x - first_x)) if line.anchor == "start" else run
            for run, line in zip(runs, lines, strict=True)
        ]
    return TextBody(
        runs,
        font,
        left=frame.length(max(0.0, left)),
        top=frame.length(max(0.0, top)),
        right=frame.length(4),
        anchor=anchor,
    )


# ---------------------------------------------------------------------------
# Drawing one page
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Placed:
    """A shape already written: its id and its box in EMU, for gluing connectors."""

    shape_id: int
    x: int
    y: int
    w: int
    h: int

    def site(self, site: int) -> tuple[int, int]:
        return site_point(self.x, self.y, self.w, self.h, site)


_CAPS = {"butt": "flat", "round": "rnd", "square": "sq"}


def _head_size(ratio: float) -> str:
    """DrawingML draws arrowheads 2, 3 or 5 line widths long and wide: the nearest."""
    return min((("sm", 2.0), ("med", 3.0), ("lg", 5.0)), key=lambda s: abs(s[1] - ratio))[0]


def _line_style(stroke: Stroke, frame: Frame, head: Arrowhead | None = None) -> LineStyle:
    """A geometry stroke (and arrowhead) in DrawingML terms."""
    kind = None
    width = length = "med"
    if head is not None:
        kind = "triangle" if head.kind == "triangle" else "arrow"
        width = _head_size(head.width / stroke.width)
        length = _head_size(head.length / stroke.width)
    return LineStyle(
        stroke.color,
        frame.stroke(stroke.width),
        tuple(d / stroke.width for d in stroke.dash),
        stroke.opacity,
        _CAPS[stroke.cap],
        stroke.join,
        kind,
        width,
        length,
    )


@dataclass(slots=True)
class _Drawing:
    """The shapes of one page as XML, in layers: bands, lines, cards, labels on top."""

    g: Geometry
    page: Page
    pages: Sequence[Page]
    placement: Placement
    font: str
    next_id: int
    back: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)

    @property
    def frame(self) -> Frame:
        return self.page.frame

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def right(self) -> float:
        """Geometry x of the page's right edge."""
        return self.page.columns.end

    def page_of(self, box: BoxGeometry) -> Page:
        return self.placement.page_of_step[box.step_id]

    def span(self, a: float, b: float) -> tuple[float, float] | None:
        """The part of [a, b] (geometry x) this page shows, or None."""
        f = self.frame
        if a >= f.split_x:
            a = max(a, f.x0)
        b = min(b, self.right())
        return (a, b) if b > a else None

    def rect(
        self,
        layer: list[str],
        name: str,
        r: Rect,
        *,
        frame: Frame | None = None,
        text: TextBody | None = None,
        textbox: bool = False,
        geometry: str | None = None,
        clip: bool = True,
    ) -> _Placed | None:
        """A geometry rectangle as a shape (rounded when it has a radius)."""
        f = frame or self.frame
        x1, x2 = r.x, r.x + r.width
        if clip:
            visible = self.span(x1, x2)
            if visible is None:
                return None
            x1, x2 = visible
        left, top = f.x(x1), f.y(r.y)
        w, h = max(1, f.x(x2) - left), max(1, f.y(r.y + r.height) - top)
        kind = geometry or ("roundRect" if r.radius > 0 else "rect")
        adjust = None
        if kind == "roundRect" and r.width > 0 and r.height > 0:
            adjust = round(min(0.5, r.radius / min(r.width, r.height)) * 100000)
        shape_id = self.new_id()
        layer.append(
            shape(
                shape_id,
                name,
                left,
                top,
                w,
                h,
                geometry=kind,
                adjust=adjust,
                fill=r.fill,
                fill_opacity=r.fill_opacity,
                line=_line_style(r.stroke, f) if r.stroke else None,
                text=text,
                textbox=textbox,
            )
        )
        return _Placed(shape_id, left, top, w, h)

    def circle(
        self,
        layer: list[str],
        name: str,
        c: Circle,
        text: TextBody | None = None,
        frame: Frame | None = None,
    ) -> None:
        r = c.radius
        box = Rect(c.center.x - r, c.center.y - r, 2 * r, 2 * r, 0, c.fill, 1.0, c.stroke)
        self.rect(layer, name, box, frame=frame, text=text, geometry="ellipse", clip=False)

    def line(
        self,
        layer: list[str],
        name: str,
        line: Line,
        frame: Frame | None = None,
        head: Arrowhead | None = None,
    ) -> None:
        self.polyline(layer, (line.start, line.end), line.stroke, name, frame=frame, head=head)

    def text_line(
        self, layer: list[str], line: TextLine, name: str = "", frame: Frame | None = None
    ) -> None:
        """A free text line at its baseline, in a box as wide as the text."""
        width = measure_text(line.text, line.size, bold=line.weight >= 600) + 6
        left = {"start": line.x, "middle": line.x - width / 2, "end": line.x - width}[line.anchor]
        f = frame or self.frame
        body = TextBody((_runs((line,), f)[0],), self.font, wrap=False)
        box = Rect(left, line.y - line.size * _ASCENT, width, line.size * 1.3)
        self.rect(
            layer,
            name or f"text-{line.role or 'label'}",
            box,
            frame=f,
            text=body,
            textbox=True,
            clip=False,
        )

    def polyline(
        self,
        layer: list[str],
        points: Sequence[Point],
        stroke: Stroke,
        name: str,
        *,
        frame: Frame | None = None,
        head: Arrowhead | None = None,
    ) -> None:
        f = frame or self.frame
        pieces = (
            [list(points)]
            if frame is not None
            else _clip(
                points,
                max(self.page.columns.low, f.split_x),
                min(self.page.columns.high, self.right()),
            )
        )
        for piece in pieces:
            if len(piece) < 2:
                continue
            layer.append(
                polyline(
                    self.new_id(),
                    name,
                    [(f.x(p.x), f.y(p.y)) for p in piece],
                    line=_line_style(stroke, f, head),
                )
            )

    # -- structure -------------------------------------------------------

    def stages(self) -> None:
        cols = self.page.columns
        rows = self.page.rows
        for column in self.g.columns[cols.first : cols.last + 1]:
            h = column.header
            self.rect(
                self.back,
                f"stage-{column.stage_id}",
                column.header,
                text=_body(column.text, self.frame, self.font, h.x, h.y, anchor="ctr"),
            )
        lo = max(rows.start, self.frame.split_y)
        for divider in self.g.dividers:
            x = divider.start.x
            if not (cols.low <= x < cols.high and x > self.frame.x0):
                continue
            y1, y2 = max(divider.start.y, lo), min(divider.end.y, rows.end)
            if y2 > y1:
                self.line(self.back, "divider", Line(Point(x, y1), Point(x, y2), divider.stroke))

    def lanes(self) -> None:
        rows = self.page.rows
        shown = [lane for lane in self.g.lanes if rows.low <= lane.y + lane.height / 2 < rows.high]
        for lane in shown:
            band = lane.band
            self.rect(self.back, f"lane-{lane.lane_id}-band", band)
        first = shown[0].lane_id if shown else None
        for border, lane in zip(self.g.lane_borders, self.g.lanes[1:], strict=False):
            if lane in shown and lane.lane_id != first:
                visible = self.span(border.start.x, border.end.x)
                if visible is not None:
                    self.line(
                        self.back,
                        "lane-border",
                        Line(
                            Point(visible[0], border.start.y),
                            Point(visible[1], border.end.y),
                            border.stroke,
                        ),
                    )
        for lane in shown:
            h = lane.header
            self.rect(
                self.back,
                f"lane-{lane.lane_id}",
                h,
                text=_body(lane.text, self.frame, self.font, h.x, lane.y),
            )
            self.rect(self.back, f"lane-{lane.lane_id}-stripe", lane.stripe)

    # -- steps -----------------------------------------------------------

    def boxes(self) -> dict[int, _Placed]:
        placed: dict[int, _Placed] = {}
        for box in self.g.boxes:
            if self.placement.page_of_step[box.step_id] is self.page:
                placed[box.step_id] = self.box(box)
        return placed

    def box(self, b: BoxGeometry) -> _Placed:
        if b.selection_ring is not None:
            self.rect(self.cards, f"step-{b.step_id}-selected", b.selection_ring, clip=False)
        self.rect(self.cards, f"step-{b.step_id}-shadow", b.shadow, clip=False)
        card = self.rect(
            self.cards,
            f"step-{b.step_id}",
            b.card,
            clip=False,
            text=_body(b.lines, self.frame, self.font, b.x, b.y),
        )
        assert card is not None
        stripe = Rect(b.x, b.y, b.stripe_width, b.height, 0, b.stripe_color)
        self.rect(self.cards, f"step-{b.step_id}-stripe", stripe, clip=False)
        if b.outline is not None:
            self.rect(self.cards, f"step-{b.step_id}-outline", b.outline, clip=False)
        if b.face is not None:
            self.face(b.step_id, b.face)
        if b.badge is not None:
            badge = b.badge
            self.circle(
                self.cards,
                f"step-{b.step_id}-badge",
                badge.circle,
                TextBody(_runs((badge.text,), self.frame), self.font, anchor="ctr", wrap=False),
            )
        return card

    def face(self, step_id: int, face: Face) -> None:
        """The emotion face: head, eyes and a quadratic mouth that smiles or frowns."""
        self.circle(self.cards, f"step-{step_id}-face", face.head)
        for eye in face.eyes:
            self.circle(self.cards, f"step-{step_id}-face-eye", eye)
        f = self.frame
        self.cards.append(
            polyline(
                self.new_id(),
                f"step-{step_id}-face-mouth",
                [(f.x(p.x), f.y(p.y)) for p in face.mouth],
                line=_line_style(face.mouth_stroke, f),
                quadratic=True,
            )
        )

    # -- handoffs --------------------------------------------------------

    def connectors(self, cards: dict[int, _Placed]) -> None:
        boxes = self.placement.boxes
        # Handoffs to steps on other pages, per card and direction: one marker each.
        away: dict[tuple[int, bool], list[tuple[ConnectorGeometry, BoxGeometry]]] = {}
        for c in self.placement.connectors_by_page[self.page.number]:
            a, b = boxes.get(c.from_step_id), boxes.get(c.to_step_id)
            if a is None or b is None:
                continue
            begin, end = cards.get(c.from_step_id), cards.get(c.to_step_id)
            if begin is not None and end is not None:
                self.connector(c, begin, _site(a, c.points[0]), end, _site(b, c.points[-1]))
                if c.label_box is not None:
                    self.label(c.handoff_id, c.label_box)
            elif begin is not None:
                away.setdefault((a.step_id, True), []).append((c, b))
            elif end is not None:
                away.setdefault((b.step_id, False), []).append((c, a))
        for (step_id, outgoing), items in away.items():
            self.continuation(boxes[step_id], cards[step_id], items, outgoing=outgoing)

    def connector(
        self, c: ConnectorGeometry, begin: _Placed, begin_site: int, end: _Placed, end_site: int
    ) -> None:
        self.lines.append(
            connector(
                self.new_id(),
                f"handoff-{c.handoff_id}",
                begin.site(begin_site),
                end.site(end_site),
                (begin.shape_id, begin_site),
                (end.shape_id, end_site),
                line=_line_style(c.stroke, self.frame, c.arrowhead),
            )
        )

    def label(self, handoff_id: int, box: LabelBox) -> None:
        self.rect(
            self.top,
            f"handoff-{handoff_id}-label",
            box.box,
            clip=False,
            text=TextBody(_runs((box.text,), self.frame), self.font, anchor="ctr", wrap=False),
        )

    def continuation(
        self,
        here: BoxGeometry,
        card: _Placed,
        items: Sequence[tuple[ConnectorGeometry, BoxGeometry]],
        *,
        outgoing: bool,
    ) -> None:
        """Handoffs between a card here and steps on other pages: one marker under
        (outgoing) or above (incoming) the card names each step and its slide; each
        handoff is a connector glued to the card and the marker.

        The marker wears the handoff's own stroke and the card's label style, so
        it reads as the end of that line."""
        arrow = "→" if outgoing else "←"
        parts = [
            _("slide %(slide)d: %(step)s")
            % {"step": there.title, "slide": self.page_of(there).number}
            for _c, there in items
        ]
        first = items[0][0]
        size = here.lines[-1].size if here.lines else 13.0
        text = _shorten(f"{arrow} " + "; ".join(parts), here.width - 16, size)
        # It fits in the gap between two cards of a cell, so it covers neither.
        height = size * 1.4
        width = min(here.width, measure_text(text, size, bold=True) + 14)
        x = here.x + here.width / 2 - width / 2
        y = here.bottom + 2 if outgoing else here.y - height - 2
        line = TextLine(text, x + 7, y + height / 2 + size * 0.35, size, 600, first.stroke.color)
        outline = Stroke(
            first.stroke.color,
            here.card.stroke.width if here.card.stroke else 1.0,
            first.stroke.dash or (4.0, 3.0),
        )
        marker = self.rect(
            self.top,
            f"step-{here.step_id}-{'to' if outgoing else 'from'}-other-slides",
            Rect(x, y, width, height, here.card.radius / 2, here.card.fill, 1.0, outline),
            clip=False,
            text=TextBody(
                _runs((line,), self.frame),
                self.font,
                left=self.frame.length(6),
                anchor="ctr",
                wrap=False,
            ),
        )
        assert marker is not None
        for c, _there in items:
            if outgoing:
                self.connector(c, card, BOTTOM, marker, TOP)
            else:
                self.connector(c, marker, BOTTOM, card, TOP)

    # -- band and legend ---------------------------------------------------

    def band(self) -> None:
        band = self.g.band
        if band is None or not self.page.rows.low <= band.y + band.height / 2 < self.page.rows.high:
            return
        self.rect(self.back, "band", band.frame)
        lo, hi = self.page.columns.low, self.page.columns.high
        for line in band.text:
            if line.x < self.frame.split_x or lo <= line.x < hi:
                self.text_line(self.top, line)
        if isinstance(band, LadderGeometry):
            self.ladder(band, lo, hi)
        else:
            self.curve(band, lo, hi)

    def ladder(self, ladder: LadderGeometry, lo: float, hi: float) -> None:
        self.polyline(self.top, ladder.path, ladder.wave, "ladder-path")
        for rung in ladder.rungs:
            if not lo <= (rung.x1 + rung.x2) / 2 < hi:
                continue
            if rung.stroke is not None:
                self.polyline(
                    self.top,
                    (Point(rung.x1, rung.y), Point(rung.x2, rung.y)),
                    rung.stroke,
                    f"ladder-rung-{rung.kind}",
                )
            if rung.label is not None:
                self.text_line(self.top, rung.label, "ladder-label")
        box = ladder.totals_box
        if lo <= box.x + box.width / 2 < hi:
            self.rect(self.top, "ladder-totals", box, clip=False)
            for line in ladder.totals_text:
                self.text_line(self.top, line, "ladder-total")

    def curve(self, curve: EmotionCurve, lo: float, hi: float) -> None:
        self.rect(self.back, "curve-positive", curve.positive)
        self.rect(self.back, "curve-negative", curve.negative)
        self.line(self.top, "curve-zero", curve.zero_line)
        self.polyline(self.top, [Point(p.x, p.y) for p in curve.points], curve.line, "curve-line")
        for p in curve.points:
            if lo <= p.x < hi:
                self.circle(self.top, f"curve-point-{p.step_id}", p.dot)
                self.text_line(self.top, p.label, "curve-label")

    def legend(self) -> None:
        if not self.g.legend:
            return
        if not self.page.rows.low <= self.g.legend[0].y < self.page.rows.high:
            return
        # The legend keeps its place at the left on every page of its row.
        frame = Frame(
            self.frame.left,
            self.frame.top,
            self.frame.scale,
            split_x=self.g.width,
            x0=0,
            split_y=self.frame.split_y,
            y0=self.frame.y0,
        )
        for item in self.g.legend:
            if item.line is not None:
                self.line(
                    self.top,
                    f"legend-{item.kind}-symbol",
                    item.line,
                    frame=frame,
                    head=item.arrowhead,
                )
            if item.outline is not None:
                self.rect(
                    self.top, f"legend-{item.kind}-symbol", item.outline, frame=frame, clip=False
                )
            if item.badge is not None:
                self.circle(
                    self.top,
                    f"legend-{item.kind}-badge",
                    item.badge.circle,
                    TextBody(_runs((item.badge.text,), frame), self.font, anchor="ctr", wrap=False),
                    frame=frame,
                )
            self.text_line(self.top, item.text, f"legend-{item.kind}", frame=frame)

    def page_markers(self) -> None:
        """ "Continued on slide N" at the bottom right of a page that has more beside or below."""
        lines = []
        for dc, dr, template in (
            (1, 0, _("continued on slide %(slide)d →")),
            (0, 1, _("continued on slide %(slide)d ↓")),
        ):
            target = next(
                (
                    p
                    for p in self.pages
                    if p.column_index == self.page.column_index + dc
                    and p.row_index == self.page.row_index + dr
                ),
                None,
            )
            if target is not None:
                lines.append(template % {"slide": target.number})
        if not lines:
            return
        size = max(MIN_FONT_PT, DECK.small_pt)
        runs = [Run(text, round(size * 100), False, DECK.muted, "end") for text in lines]
        height = len(lines) * size * 1.3 / PT_PER_PX
        self.top.append(
            shape(
                self.new_id(),
                "continued",
                px(DECK.width_px / 2),
                px(DECK.height_px - 8 - height),
                px(DECK.width_px / 2 - DECK.margin_px),
                px(height),
                text=TextBody(runs, self.font, anchor="b"),
                textbox=True,
            )
        )


def _shorten(text: str, width: float, size: float) -> str:
    """`text` in bold cut at the end (with "…") to fit `width` px; the start stays whole."""
    if measure_text(text, size, bold=True) <= width:
        return text
    while len(text) > 1 and measure_text(text + "…", size, bold=True) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _site(box: BoxGeometry, point: Point) -> int:
    """The side of `box` a route leaves or enters at `point`, as a connection site."""
    distances = {
        LEFT: abs(point.x - box.x),
        RIGHT: abs(point.x - box.right),
        TOP: abs(point.y - box.y),
        BOTTOM: abs(point.y - box.bottom),
    }
    return min(distances, key=lambda side: distances[side])


def _clip(points: Sequence[Point], lo: float, hi: float) -> list[list[Point]]:
    """The pieces of a polyline with lo <= x <= hi."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(points):
        x1, x2 = max(lo, min(a.x, b.x)), min(hi, max(a.x, b.x))
        if x1 > x2 or (a.x == b.x and not lo <= a.x <= hi):
            if current:
                pieces.append(current)
                current = []
            continue

        def at(x: float, a: Point = a, b: Point = b) -> Point:
            if b.x == a.x:
                return a
            return Point(x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x))

        start = a if lo <= a.x <= hi else at(lo if a.x < lo else hi)
        end = b if lo <= b.x <= hi else at(lo if b.x < lo else hi)
        if not current:
            current = [start]
        elif current[-1] != start:
            pieces.append(current)
            current = [start]
        current.append(end)
        if not lo <= b.x <= hi:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def draw_page(
    slide: Slide, g: Geometry, page: Page, pages: Sequence[Page], placement: Placement
) -> None:
    """Draw one page of the swimlane on a slide whose title is already set."""
    first_id = max((shape.shape_id for shape in slide.shapes), default=1)
    drawing = _Drawing(g, page, pages, placement, office_font(g.font_family), first_id)
    drawing.lanes()
    drawing.stages()
    cards = drawing.boxes()
    drawing.connectors(cards)
    drawing.band()
    drawing.legend()
    drawing.page_markers()
    # Lines under the cards, as on screen; labels and markers above both.
    append_shapes(slide, drawing.back + drawing.lines + drawing.cards + drawing.top)
