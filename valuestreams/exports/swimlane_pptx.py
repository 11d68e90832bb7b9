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
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.autoshape import Shape
from pptx.shapes.connector import Connector
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import Slide
from pptx.util import Emu, Pt

from valuestreams.layout import (
    BoxGeometry,
    ConnectorGeometry,
    EmotionCurve,
    Geometry,
    LadderGeometry,
    Point,
    TextLine,
    measure_text,
    wrap_text,
)

from .pptx_kit import (
    DECK,
    MIN_FONT_PT,
    PT_PER_PX,
    Frame,
    add_box,
    glued_connector,
    office_font,
    px,
    rgb,
)
from .swimlane_style import (
    badge_style,
    band_style,
    connector_style,
    face_style,
    hotspot_outline,
    label_box,
    legend_symbol,
)

__all__ = ["Page", "draw_page", "paginate"]

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


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

_ALIGN = {"start": PP_ALIGN.LEFT, "middle": PP_ALIGN.CENTER, "end": PP_ALIGN.RIGHT}
#: Where the baseline sits in a line of exact spacing, as a share of the font size.
_ASCENT = 0.93


def _style_run(run: object, line: TextLine, frame: Frame, font: str) -> None:
    f = run.font  # type: ignore[attr-defined]
    f.size = frame.pt(line.size)
    f.bold = line.weight >= 600
    f.name = font
    f.color.rgb = rgb(line.color)


def _fill_text(
    shape: Shape,
    lines: Sequence[TextLine],
    frame: Frame,
    font: str,
    x: float,
    y: float,
    width: float,
) -> None:
    """The geometry's text lines as paragraphs of a shape, at their baselines."""
    text_frame = shape.text_frame
    text_frame.word_wrap = True
    text_frame.auto_size = MSO_AUTO_SIZE.NONE
    text_frame.vertical_anchor = MSO_ANCHOR.TOP
    if not lines:
        return
    first = lines[0]
    left = (
        min(line.x for line in lines if line.anchor == "start")
        if any(line.anchor == "start" for line in lines)
        else x + 4
    )
    text_frame.margin_left = frame.length(max(0.0, left - x))
    text_frame.margin_right = frame.length(4)
    text_frame.margin_top = frame.length(max(0.0, first.y - y - first.size * _ASCENT))
    text_frame.margin_bottom = 0
    previous = first.y - first.size * 1.2
    for i, line in enumerate(lines):
        paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        paragraph.alignment = _ALIGN[line.anchor]
        gap = line.y - previous if i else first.size * 1.2
        paragraph.line_spacing = Pt(
            max(float(frame.pt(line.size).pt) * 1.05, gap * PT_PER_PX * frame.scale)
        )
        previous = line.y
        run = paragraph.add_run()
        run.text = line.text
        _style_run(run, line, frame, font)


def _text_line(
    shapes: SlideShapes, line: TextLine, frame: Frame, font: str, name: str = ""
) -> Shape:
    """A free text line at its baseline, in a box as wide as the text."""
    width = measure_text(line.text, line.size, bold=line.weight >= 600) + 6
    left = {"start": line.x, "middle": line.x - width / 2, "end": line.x - width}[line.anchor]
    top = line.y - line.size * _ASCENT
    box = shapes.add_textbox(
        frame.x(left), frame.y(top), frame.length(width), frame.length(line.size * 1.3)
    )
    text_frame = box.text_frame
    text_frame.word_wrap = False
    text_frame.auto_size = MSO_AUTO_SIZE.NONE
    text_frame.margin_left = text_frame.margin_right = 0
    text_frame.margin_top = text_frame.margin_bottom = 0
    paragraph = text_frame.paragraphs[0]
    paragraph.alignment = _ALIGN[line.anchor]
    run = paragraph.add_run()
    run.text = line.text
    _style_run(run, line, frame, font)
    if name:
        box.name = name
    return box


# ---------------------------------------------------------------------------
# Drawing one page
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Drawing:
    slide: Slide
    g: Geometry
    page: Page
    pages: Sequence[Page]
    font: str
    lines: list[Connector] = field(default_factory=list)

    @property
    def shapes(self) -> SlideShapes:
        return self.slide.shapes

    @property
    def frame(self) -> Frame:
        return self.page.frame

    def right(self) -> float:
        """Geometry x of the page's right edge."""
        return self.page.columns.end

    def bottom(self) -> float:
        """Geometry y of the page's bottom edge."""
        return self.page.rows.end

    def page_of(self, box: BoxGeometry) -> Page:
        cx, cy = box.x + box.width / 2, box.y + box.height / 2
        return next(p for p in self.pages if p.holds(cx, cy))

    # -- structure -------------------------------------------------------

    def stages(self) -> None:
        cols = self.page.columns
        for column in self.g.columns[cols.first : cols.last + 1]:
            header = add_box(
                self.shapes,
                self.frame,
                column.header_x,
                column.header_y,
                column.header_width,
                column.header_height,
                fill=band_style(self.g).stage_fill,
                radius=8,
            )
            header.name = f"stage-{column.stage_id}"
            _fill_text(
                header,
                column.text,
                self.frame,
                self.font,
                column.header_x,
                column.header_y,
                column.header_width,
            )
            header.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            header.text_frame.margin_top = header.text_frame.margin_bottom = 0

    def lanes(self) -> None:
        rows = self.page.rows
        for lane in (
            self.g.lanes[rows.first : rows.last + 1]
            if rows.last < len(self.g.lanes)
            else self.g.lanes[rows.first :]
        ):
            if not rows.low <= lane.y + lane.height / 2 < rows.high:
                continue
            band = add_box(
                self.shapes,
                self.frame,
                lane.x,
                lane.y + 1.5,
                self.right() - lane.x,
                lane.height - 3,
                fill=lane.tint,
            )
            band.name = f"lane-{lane.lane_id}-band"
            header = add_box(
                self.shapes,
                self.frame,
                lane.x,
                lane.y + 1.5,
                lane.header_width,
                lane.height - 3,
                fill=lane.header_fill,
            )
            header.name = f"lane-{lane.lane_id}"
            _fill_text(header, lane.text, self.frame, self.font, lane.x, lane.y, lane.header_width)
            stripe = add_box(
                self.shapes,
                self.frame,
                lane.x,
                lane.y + 1.5,
                lane.stripe_width,
                lane.height - 3,
                fill=lane.color,
            )
            stripe.name = f"lane-{lane.lane_id}-stripe"

    # -- steps -----------------------------------------------------------

    def boxes(self) -> dict[int, Shape]:
        shapes: dict[int, Shape] = {}
        for box in self.g.boxes:
            if self.page.holds(box.x + box.width / 2, box.y + box.height / 2):
                shapes[box.step_id] = self.box(box)
        return shapes

    def box(self, b: BoxGeometry) -> Shape:
        outline = hotspot_outline(b)
        card = add_box(
            self.shapes,
            self.frame,
            b.x,
            b.y,
            b.width,
            b.height,
            fill=outline.fill,
            stroke=outline.stroke,
            stroke_width=outline.width,
            radius=8,
        )
        card.name = f"step-{b.step_id}"
        _fill_text(card, b.lines, self.frame, self.font, b.x, b.y, b.width)
        stripe = add_box(
            self.shapes, self.frame, b.x, b.y, b.stripe_width, b.height, fill=b.stripe_color
        )
        stripe.name = f"step-{b.step_id}-stripe"
        if b.emotion is not None and b.emotion_glyph is not None:
            face = face_style(b.emotion)
            r = b.emotion_radius
            smiley = add_box(
                self.shapes,
                self.frame,
                b.emotion_glyph.x - r,
                b.emotion_glyph.y - r,
                2 * r,
                2 * r,
                fill=face.fill,
                stroke=face.stroke,
                stroke_width=1.3,
                shape=MSO_SHAPE.SMILEY_FACE,
            )
            smiley.adjustments[0] = face.mouth
            smiley.name = f"step-{b.step_id}-face"
        badge = badge_style(b)
        if badge is not None:
            mark = add_box(
                self.shapes,
                self.frame,
                badge.x - badge.r,
                badge.y - badge.r,
                2 * badge.r,
                2 * badge.r,
                fill=badge.fill,
                stroke=badge.stroke,
                stroke_width=2,
                shape=MSO_SHAPE.OVAL,
            )
            mark.name = f"step-{b.step_id}-badge"
            _fill_text(
                mark,
                (badge.text,),
                self.frame,
                self.font,
                badge.x - badge.r,
                badge.y - badge.r,
                2 * badge.r,
            )
            mark.text_frame.margin_left = mark.text_frame.margin_right = 0
            mark.text_frame.margin_top = mark.text_frame.margin_bottom = 0
            mark.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            mark.text_frame.word_wrap = False
        return card

    # -- handoffs --------------------------------------------------------

    def connectors(self, cards: dict[int, Shape]) -> None:
        boxes = {b.step_id: b for b in self.g.boxes}
        # Handoffs to steps on other pages, per card and direction: one marker each.
        away: dict[tuple[int, bool], list[tuple[ConnectorGeometry, BoxGeometry]]] = {}
        first_card = next(iter(cards.values()), None)
        for c in self.g.connectors:
            a, b = boxes.get(c.from_step_id), boxes.get(c.to_step_id)
            if a is None or b is None:
                continue
            begin, end = cards.get(c.from_step_id), cards.get(c.to_step_id)
            if begin is not None and end is not None:
                self.connector(c, begin, _site(a, c.points[0]), end, _site(b, c.points[-1]))
                self.label(c)
            elif begin is not None:
                away.setdefault((a.step_id, True), []).append((c, b))
            elif end is not None:
                away.setdefault((b.step_id, False), []).append((c, a))
        for (step_id, outgoing), items in away.items():
            self.continuation(boxes[step_id], cards[step_id], items, outgoing=outgoing)
        if first_card is not None:
            # Lines run under the cards, as on screen: move them before the first card.
            for shape in self.lines:
                first_card._element.addprevious(shape._element)

    def connector(
        self,
        c: ConnectorGeometry,
        begin: Shape,
        begin_site: int,
        end: Shape,
        end_site: int,
        name: str = "",
    ) -> None:
        style = connector_style(c)
        line = glued_connector(
            self.shapes,
            begin,
            begin_site,
            end,
            end_site,
            color=style.stroke,
            width=self.frame.stroke(style.width),
            dash=style.dash,
            arrowhead=style.arrowhead,
        )
        line.name = name or f"handoff-{c.handoff_id}"
        self.lines.append(line)

    def label(self, c: ConnectorGeometry) -> None:
        if not c.label:
            return
        box = label_box(c)
        shape = add_box(
            self.shapes,
            self.frame,
            box.x,
            box.y,
            box.width,
            box.height,
            fill=box.fill,
            stroke=box.stroke,
            stroke_width=box.stroke_width,
            radius=box.radius,
        )
        shape.name = f"handoff-{c.handoff_id}-label"
        _fill_text(shape, (box.text,), self.frame, self.font, box.x, box.y, box.width)
        shape.text_frame.margin_left = shape.text_frame.margin_right = self.frame.length(2)
        shape.text_frame.margin_top = shape.text_frame.margin_bottom = 0
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    def continuation(
        self,
        here: BoxGeometry,
        card: Shape,
        items: Sequence[tuple[ConnectorGeometry, BoxGeometry]],
        *,
        outgoing: bool,
    ) -> None:
        """Handoffs between a card here and steps on other pages: one marker under
        (outgoing) or above (incoming) the card names each step and its slide; each
        handoff is a connector glued to the card and the marker."""
        arrow = "→" if outgoing else "←"
        parts = [
            _("slide %(slide)d: %(step)s")
            % {"step": there.title, "slide": self.page_of(there).number}
            for _c, there in items
        ]
        style = connector_style(items[0][0])
        size = 13.0
        text = wrap_text(
            f"{arrow} " + "; ".join(parts), here.width - 12, size, bold=True, max_lines=1
        )[0]
        height = size * 1.7
        width = min(here.width, measure_text(text, size, bold=True) + 14)
        x = here.x + here.width / 2 - width / 2
        y = here.bottom + 4 if outgoing else here.y - height - 2
        marker = add_box(
            self.shapes,
            self.frame,
            x,
            y,
            width,
            height,
            fill="#FFFFFF",
            stroke=style.stroke,
            stroke_width=1.25,
            radius=6,
            dash="dash",
        )
        marker.name = f"step-{here.step_id}-{'to' if outgoing else 'from'}-other-slides"
        line = TextLine(text, x + 7, y + height / 2 + size * 0.35, size, 600, style.stroke)
        _fill_text(marker, (line,), self.frame, self.font, x, y, width)
        marker.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        marker.text_frame.word_wrap = False
        marker.text_frame.margin_top = marker.text_frame.margin_bottom = 0
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
        style = band_style(self.g)
        right = min(self.right(), band.x + band.width)
        add_box(
            self.shapes,
            self.frame,
            band.x,
            band.y,
            right - band.x,
            band.height,
            fill=style.fill,
            stroke=style.stroke,
            radius=10,
        ).name = "band"
        lo, hi = self.page.columns.low, self.page.columns.high
        for line in band.text:
            if line.x < self.frame.split_x or lo <= line.x < hi:
                _text_line(self.shapes, line, self.frame, self.font)
        if isinstance(band, LadderGeometry):
            self.ladder(band, lo, hi)
        else:
            self.curve(band, lo, hi)

    def polyline(
        self, points: Sequence[Point], color: str, width: float, name: str, dash: str | None = None
    ) -> None:
        for piece in _clip(
            points,
            max(self.page.columns.low, self.frame.split_x),
            min(self.page.columns.high, self.right()),
        ):
            if len(piece) < 2:
                continue
            builder = self.shapes.build_freeform(self.frame.x(piece[0].x), self.frame.y(piece[0].y))
            builder.add_line_segments(
                [(self.frame.x(p.x), self.frame.y(p.y)) for p in piece[1:]], close=False
            )
            shape = builder.convert_to_shape()
            shape.fill.background()
            shape.line.color.rgb = rgb(color)
            shape.line.width = self.frame.stroke(width)
            if dash:
                from .pptx_kit import line_dash

                shape.line.dash_style = line_dash(dash)
            shape.shadow.inherit = False
            shape.name = name

    def ladder(self, ladder: LadderGeometry, lo: float, hi: float) -> None:
        style = band_style(self.g)
        self.polyline(ladder.path, style.path, style.path_width, "ladder-path")
        for rung in ladder.rungs:
            mid = (rung.x1 + rung.x2) / 2
            if not lo <= mid < hi:
                continue
            if rung.kind == "process":
                self.polyline(
                    (Point(rung.x1, rung.y), Point(rung.x2, rung.y)),
                    style.rung,
                    style.rung_width,
                    "ladder-rung",
                )
            if rung.label is not None:
                _text_line(self.shapes, rung.label, self.frame, self.font, "ladder-label")
        if lo <= ladder.totals_x + ladder.totals_width / 2 < hi:
            totals = add_box(
                self.shapes,
                self.frame,
                ladder.totals_x,
                ladder.totals_y,
                ladder.totals_width,
                ladder.totals_height,
                fill=style.totals_fill,
                stroke=style.totals_stroke,
                radius=10,
            )
            totals.name = "ladder-totals"
            for line in ladder.totals_text:
                _text_line(self.shapes, line, self.frame, self.font, "ladder-total")

    def curve(self, curve: EmotionCurve, lo: float, hi: float) -> None:
        style = band_style(self.g)
        left = max(curve.plot_x, self.frame.x0 if self.page.column_index else curve.plot_x)
        right = min(curve.plot_x + curve.plot_width, self.right())
        add_box(
            self.shapes,
            self.frame,
            left,
            curve.top_y,
            right - left,
            curve.zero_y - curve.top_y,
            fill=style.positive_fill,
        )
        add_box(
            self.shapes,
            self.frame,
            left,
            curve.zero_y,
            right - left,
            curve.bottom_y - curve.zero_y,
            fill=style.negative_fill,
        )
        self.polyline(
            (
                Point(curve.plot_x, curve.zero_y),
                Point(curve.plot_x + curve.plot_width, curve.zero_y),
            ),
            style.zero_line,
            1.0,
            "curve-zero",
            dash="dash",
        )
        self.polyline(
            [Point(p.x, p.y) for p in curve.points], style.curve, style.curve_width, "curve-line"
        )
        for p in curve.points:
            if not lo <= p.x < hi:
                continue
            dot = add_box(
                self.shapes,
                self.frame,
                p.x - 6,
                p.y - 6,
                12,
                12,
                fill="#FFFFFF",
                stroke=style.curve,
                stroke_width=3,
                shape=MSO_SHAPE.OVAL,
            )
            dot.name = f"curve-point-{p.step_id}"
            _text_line(self.shapes, p.label, self.frame, self.font)

    def legend(self) -> None:
        if not self.g.legend:
            return
        y = self.g.legend[0].y
        if not self.page.rows.low <= y < self.page.rows.high:
            return
        # The legend is drawn at its place left of the first stage on every page.
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
            symbol = legend_symbol(item.kind)
            if symbol.outline:
                add_box(
                    self.shapes,
                    frame,
                    item.x + 2,
                    item.y - 9,
                    item.symbol_width - 8,
                    18,
                    fill="#FFFFFF",
                    stroke=symbol.stroke,
                    stroke_width=symbol.width,
                    radius=4,
                )
            else:
                builder = self.shapes.build_freeform(frame.x(item.x), frame.y(item.y))
                builder.add_line_segments(
                    [(frame.x(item.x + item.symbol_width), frame.y(item.y))], close=False
                )
                shape = builder.convert_to_shape()
                shape.line.color.rgb = rgb(symbol.stroke)
                shape.line.width = frame.stroke(symbol.width)
                from .pptx_kit import line_dash, set_arrowhead

                if symbol.dash:
                    shape.line.dash_style = line_dash(symbol.dash)
                set_arrowhead(shape, symbol.arrowhead)
            _text_line(self.shapes, item.text, frame, self.font, f"legend-{item.kind}")

    def page_markers(self) -> None:
        """ "Continued on slide N" at the right and bottom edges of a cut map."""
        size = 13.0
        for dc, dr, text_key in ((1, 0, "right"), (0, 1, "down")):
            target = next(
                (
                    p
                    for p in self.pages
                    if p.column_index == self.page.column_index + dc
                    and p.row_index == self.page.row_index + dr
                ),
                None,
            )
            if target is None:
                continue
            if text_key == "right":
                text = _("continued on slide %(slide)d →") % {"slide": target.number}
            else:
                text = _("continued on slide %(slide)d ↓") % {"slide": target.number}
            width_px = measure_text(text, size) * self.page.scale + 8
            left = DECK.width_px - DECK.margin_px - width_px
            top = DECK.height_px - 16 - 2
            box = self.shapes.add_textbox(px(left), px(top - 14), px(width_px), px(16))
            box.name = f"continued-{text_key}"
            paragraph = box.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(max(MIN_FONT_PT, DECK.small_pt))
            run.font.italic = True
            run.font.color.rgb = rgb(DECK.muted)
            box.text_frame.margin_top = box.text_frame.margin_bottom = Emu(0)
            if dr:
                box.top = px(top - 30)


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


def draw_page(slide: Slide, g: Geometry, page: Page, pages: Sequence[Page]) -> None:
    """Draw one page of the swimlane on a slide whose title is already set."""
    drawing = _Drawing(slide, g, page, pages, office_font(g.font_family))
    drawing.lanes()
    drawing.stages()
    cards = drawing.boxes()
    drawing.connectors(cards)
    drawing.band()
    drawing.legend()
    drawing.page_markers()
