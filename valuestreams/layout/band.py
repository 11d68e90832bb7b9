"""The band under the lanes: the lead-time ladder of a value stream, or the emotion
curve of a journey.

The ladder follows the analysis's critical path (`Overlay.critical_path`) and
prints the analysis's totals; it has no path or total logic of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from departments.formats import format_duration, format_percent, format_signed

from .geometry import CurvePoint, EmotionCurve, LadderGeometry, LadderRung
from .memo import Memo, token
from .options import LadderTotals, LayoutOptions
from .routing import simplify
from .shapes import Circle, Line, Point, Rect, TextLine
from .style import (
    BAND_FILL,
    BAND_STROKE,
    CURVE_DOT_STROKE,
    CURVE_STROKE,
    INK,
    INK_MUTED,
    NEGATIVE_FILL,
    POSITIVE_FILL,
    PROCESS_RUNG_STROKE,
    STAGE_FILL,
    TOTALS_STROKE,
    WAVE_STROKE,
    WHITE,
    ZERO_LINE_STROKE,
)
from .text import measure_text

if TYPE_CHECKING:
    from valuestreams.mapdata import StepData

    from .grid import Frame

__all__ = ["emotion_curve", "ladder"]


@dataclass(frozen=True, slots=True)
class _Band:
    """Where the band sits and what it reads: its top ``y``, its right edge, the
    grid, the drawable steps by id, the working day and the sizes."""

    y: float
    right: float
    frame: Frame
    steps: Mapping[int, StepData]
    day: int
    opts: LayoutOptions

    def column(self, step_id: int) -> int:
        return self.frame.stage_index[self.steps[step_id].stage_id]

    def title(self, text: str) -> TextLine:
        o = self.opts
        return TextLine(
            text, o.margin + 14, self.y + 20, o.header_size, 700, INK, role="band-title"
        )

    def axis(self, text: str, y: float) -> TextLine:
        """A label left of the plot, right-aligned against the lane headers' edge."""
        o = self.opts
        x = o.margin + o.lane_header_width - 4
        return TextLine(text, x, y, o.text_size, 400, INK_MUTED, "end", "axis")

    def frame_rect(self, height: float) -> Rect:
        o = self.opts
        return Rect(
            o.margin, self.y, self.right - o.margin, height, 10.0, BAND_FILL, stroke=BAND_STROKE
        )


def _by_column(band: _Band, step_ids: Sequence[int]) -> dict[int, list[int]]:
    """The given steps per column index, in the given order."""
    per_column: dict[int, list[int]] = defaultdict(list)
    for step_id in step_ids:
        per_column[band.column(step_id)].append(step_id)
    return per_column


def _groups(band: _Band, step_ids: Sequence[int]) -> list[tuple[float, float, tuple[int, ...]]]:
    """The x span of each rung pair, left to right: one per step, or one for a whole
    column (its sums) where the column holds too many path steps for readable rungs."""
    per_column = _by_column(band, step_ids)
    groups: list[tuple[float, float, tuple[int, ...]]] = []
    for col in sorted(per_column):
        members = per_column[col]
        x0, span = band.frame.card_x[col], band.frame.card_widths[col]
        if span / len(members) < 100:
            groups.append((x0, x0 + span, tuple(members)))
            continue
        width = span / len(members)
        for i, step_id in enumerate(members):
            groups.append((x0 + i * width, x0 + (i + 1) * width, (step_id,)))
    return groups


def _rung_label(
    band: _Band, minutes: float | None, x1: float, x2: float, y: float, role: str
) -> TextLine | None:
    """A rung's number, or None when it would collide with its neighbours' numbers."""
    size = band.opts.text_size
    text = format_duration(minutes, band.day)
    # Rungs of one level alternate with rungs of the other, so a label may spill
    # over half of each neighbour; wider ones would collide: left out.
    if measure_text(text, size, bold=True) + 8 > 1.8 * (x2 - x1):
        return None
    return TextLine(text, (x1 + x2) / 2, y, size, 600, INK, "middle", role)


def _rung_pair(
    band: _Band, x1: float, x2: float, ids: tuple[int, ...], upper: float, lower: float
) -> tuple[LadderRung, LadderRung]:
    """The wait rung (upper, left half) and process rung (lower, right half) of ``ids``."""
    xm = (x1 + x2) / 2
    waits: list[float] = []
    pts: list[float] = []
    for step_id in ids:
        step = band.steps[step_id]
        pt, lt = step.process_time_minutes, step.lead_time_minutes
        if lt is not None:
            waits.append(max(0.0, lt - (pt or 0.0)))
        if pt is not None:
            pts.append(pt)
    wait = sum(waits) if waits else None
    process = sum(pts) if pts else None
    return (
        LadderRung(
            ids,
            "wait",
            x1,
            xm,
            upper,
            wait,
            _rung_label(band, wait, x1, xm, upper - 8, "wait"),
            None,
        ),
        LadderRung(
            ids,
            "process",
            xm,
            x2,
            lower,
            process,
            _rung_label(band, process, xm, x2, lower + 19, "process"),
            # Process-time rungs are the value: the heavy part of the line.
            PROCESS_RUNG_STROKE,
        ),
    )


def _totals_text(band: _Band, totals: LadderTotals, x: float) -> tuple[TextLine, ...]:
    """The totals box's rows: label left, value right."""
    o = band.opts
    ratio = totals.activity_ratio
    rows = [
        (_("Lead time"), format_duration(totals.lead_time_minutes, band.day)),
        (_("Process time"), format_duration(totals.process_time_minutes, band.day)),
        (
            _("Activity ratio"),
            format_percent(ratio),
        ),
    ]
    text: list[TextLine] = []
    ty = band.y + 32
    for label, value in rows:
        text.append(TextLine(label, x + 14, ty, o.text_size, 400, INK_MUTED, role="total-label"))
        right = x + o.totals_width - 14
        text.append(TextLine(value, right, ty, o.header_size, 700, INK, "end", "total-value"))
        ty += 28
    return tuple(text)


#: Ladders by what decides them: an edit off the critical path that moves no
#: column leaves the ladder as it was, and the renderer then reuses its markup.
_LADDERS: Memo[LadderGeometry] = Memo(16)


def ladder(
    y: float,
    right: float,
    frame: Frame,
    steps: Mapping[int, StepData],
    path: Sequence[int],
    totals: LadderTotals | None,
    day: int,
    o: LayoutOptions,
) -> LadderGeometry | None:
    """The lead-time ladder along ``path`` (the analysis's critical path) with the
    analysis's ``totals``; None without a path. Unknown totals show as "—"
    (remembered on the path's steps, their columns and times, and the language)."""
    if not path:
        return None
    rungs = tuple(
        (
            step_id,
            frame.stage_index[steps[step_id].stage_id],
            steps[step_id].process_time_minutes,
            steps[step_id].lead_time_minutes,
        )
        for step_id in path
    )
    key = (y, right, frame.card_x, frame.card_widths, rungs, totals, day, token(o), get_language())
    band = _Band(y, right, frame, steps, day, o)
    return _LADDERS.get(key, lambda: _ladder(band, path, totals))


def _ladder(band: _Band, path: Sequence[int], totals: LadderTotals | None) -> LadderGeometry:
    y, right, o = band.y, band.right, band.opts
    upper, lower = y + 44, y + 80
    step_ids = tuple(dict.fromkeys(path))  # a step counts once, even if listed twice
    rungs: list[LadderRung] = []
    wave: list[Point] = []
    for x1, x2, ids in _groups(band, step_ids):
        rungs.extend(_rung_pair(band, x1, x2, ids, upper, lower))
        xm = (x1 + x2) / 2
        wave += [Point(x1, upper), Point(xm, upper), Point(xm, lower), Point(x2, lower)]
        wave.append(Point(x2, upper))
    totals = totals or LadderTotals()
    tx, tw, height = right + 16, o.totals_width, o.ladder_height
    return LadderGeometry(
        x=o.margin,
        y=y,
        width=right - o.margin,
        height=height,
        upper_y=upper,
        lower_y=lower,
        step_ids=step_ids,
        path=simplify(wave),
        rungs=tuple(rungs),
        text=(
            band.title(_("Lead-time ladder")),
            band.axis(_("Wait"), upper + 4),
            band.axis(_("Process time"), lower + 4),
        ),
        totals_x=tx,
        totals_y=y,
        totals_width=tw,
        totals_height=height,
        totals_text=_totals_text(band, totals, tx),
        lead_time_minutes=totals.lead_time_minutes,
        process_time_minutes=totals.process_time_minutes,
        activity_ratio=totals.activity_ratio,
        frame=band.frame_rect(height),
        wave=WAVE_STROKE,
        totals_box=Rect(tx, y, tw, height, 10.0, STAGE_FILL, stroke=TOTALS_STROKE),
    )


def _slots(band: _Band, step_ids: Sequence[int]) -> dict[int, tuple[float, float]]:
    """Share each column's card span among the given steps of that column, in order."""
    slots: dict[int, tuple[float, float]] = {}
    for col, members in _by_column(band, step_ids).items():
        x0 = band.frame.card_x[col]
        width = band.frame.card_widths[col] / len(members)
        for i, step_id in enumerate(members):
            slots[step_id] = (x0 + i * width, x0 + (i + 1) * width)
    return slots


def emotion_curve(
    y: float,
    right: float,
    frame: Frame,
    steps: Sequence[StepData],
    o: LayoutOptions,
    order: Sequence[int] = (),
) -> EmotionCurve:
    """The journey's emotion curve: one point per step with an emotion, left to right
    under its column, on a −2…+2 scale with a dashed zero line.

    ``order`` is the journey's order of steps (`valuestreams.analysis.journey_order`):
    inside a column the points follow it, so the curve follows the handoffs rather
    than the lanes' order. Steps it leaves out come last, in the given order."""
    with_emotion = [s for s in steps if s.emotion is not None]
    band = _Band(y, right, frame, {s.id: s for s in with_emotion}, 480, o)
    height = o.curve_height
    top, bottom = y + 34, y + height - 22
    zero = (top + bottom) / 2
    unit = (bottom - top) / 4
    rank = {step_id: i for i, step_id in enumerate(order)}
    in_journey = sorted(with_emotion, key=lambda s: rank.get(s.id, len(rank)))
    slots = _slots(band, [s.id for s in in_journey])
    points: list[CurvePoint] = []
    for step in sorted(with_emotion, key=lambda s: slots[s.id]):
        emotion = max(-2, min(2, step.emotion or 0))
        x1, x2 = slots[step.id]
        px, py = (x1 + x2) / 2, zero - emotion * unit
        ly = py - 12 if emotion >= 0 else py + 24
        label = TextLine(format_signed(emotion), px, ly, o.text_size, 700, INK, "middle", "emotion")
        dot = Circle(Point(px, py), 6.0, WHITE, CURVE_DOT_STROKE)
        points.append(CurvePoint(step.id, emotion, px, py, label, dot))
    axis = [band.axis(format_signed(value), zero - value * unit + 4) for value in (2, 0, -2)]
    plot_x = o.margin + o.lane_header_width
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
        text=(band.title(_("Emotion")), *axis),
        frame=band.frame_rect(height),
        positive=Rect(plot_x, top, plot_width, zero - top, fill=POSITIVE_FILL),
        negative=Rect(plot_x, zero, plot_width, bottom - zero, fill=NEGATIVE_FILL),
        zero_line=Line(Point(plot_x, zero), Point(plot_x + plot_width, zero), ZERO_LINE_STROKE),
        line=CURVE_STROKE,
    )
