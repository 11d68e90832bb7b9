"""Step cards: a step's wrapped text (its content) and the card drawn around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from departments.formats import format_duration, format_percent_value, format_signed

from ..models import channel_label
from .geometry import BoxGeometry, LaneGeometry
from .memo import Memo, token
from .options import LayoutOptions, Overlay
from .shapes import Face, Point, Rect, TextLine
from .style import (
    CARD_FILL,
    CARD_RADIUS,
    CARD_STROKE,
    FACE_RADIUS,
    HOTSPOT_STROKE,
    INK,
    INK_MUTED,
    SELECTION_STROKE,
    SHADOW_COLOR,
    emotion_face,
    hotspot_badge,
    ring,
)
from .text import measure_text, wrap_text

if TYPE_CHECKING:
    from valuestreams.mapdata import StepData

STRIPE_WIDTH = 6.0


@dataclass(frozen=True, slots=True)
class Content:
    """A card's wrapped text before it has a position: title lines, detail lines, and
    whether the first detail line starts with the emotion face."""

    title: tuple[str, ...]
    details: tuple[str, ...]
    emotion_row: bool
    facts: tuple[str, ...] = ()
    wait: str = ""


#: Formatted times and percentages by value, unit and language: a map repeats a
#: few dozen distinct values over all its cards, and formatting (number format,
#: translated unit) was most of measuring a card that was not remembered.
_FORMATTED: Memo[str] = Memo(4_096)


def _duration(minutes: float, day: int, language: str | None) -> str:
    key = ("duration", type(minutes), minutes, day, language)
    return _FORMATTED.get(key, lambda: format_duration(minutes, day))


def _percent(value: float, language: str | None) -> str:
    key = ("percent", type(value), value, language)
    return _FORMATTED.get(key, lambda: format_percent_value(value, 0))


def _metric_segments(step: StepData, day: int) -> list[str]:
    segments = []
    language = get_language()
    if step.process_time_minutes is not None:
        segments.append(f"{_('PT')} {_duration(step.process_time_minutes, day, language)}")
    if step.lead_time_minutes is not None:
        segments.append(f"{_('LT')} {_duration(step.lead_time_minutes, day, language)}")
    if step.complete_accurate_pct is not None:
        segments.append(f"{_('C&A')} {_percent(step.complete_accurate_pct, language)}")
    return segments


def spoken_facts(step: StepData, day: int) -> tuple[tuple[str, ...], str]:
    """What the card shows, in words a screen reader can say, and the step's wait.

    The card abbreviates ("PT 2 h · LT 1 d · C&A 95 %"); its accessible name spells
    each figure out, so a listener gets the same numbers as a viewer.
    """
    facts: list[str] = []
    language = get_language()
    pt, lt = step.process_time_minutes, step.lead_time_minutes
    if pt is not None:
        facts.append(_("process time %s") % _duration(pt, day, language))
    if lt is not None:
        facts.append(_("lead time %s") % _duration(lt, day, language))
    wait = _duration(lt - pt, day, language) if pt is not None and lt is not None else ""
    if wait:
        facts.append(_("wait %s") % wait)
    if step.complete_accurate_pct is not None:
        value = _percent(step.complete_accurate_pct, language)
        facts.append(_("%s complete and accurate") % value)
    if step.value_adding:
        facts.append(_("value-adding"))
    if step.emotion is not None:
        facts.append(_("emotion %s") % format_signed(step.emotion))
    channel = channel_label(step.channel.strip())
    if channel:
        facts.append(_("channel %s") % channel)
    return tuple(facts), wait


def _pack_segments(segments: Sequence[str], width: float, size: float) -> list[str]:
    """Join segments with " · " into as few lines as fit ``width``."""
    lines: list[str] = []
    for segment in segments:
        if lines and measure_text(f"{lines[-1]} · {segment}", size) <= width:
            lines[-1] = f"{lines[-1]} · {segment}"
        else:
            lines.append(segment)
    return lines


# Wrapped card text by what decides it: an edit changes one card, and formatting
# and wrapping the others again was a third of an edit's layout time.
_CONTENT: Memo[Content] = Memo(8_000)


def box_content(
    step: StepData,
    is_journey: bool,
    text_width: float,
    opts: LayoutOptions,
    day: int,
    *,
    context: int | None = None,
) -> Content:
    """The card's text wrapped to ``text_width``: key numbers for a value stream;
    emotion, channel and touchpoint for a journey (remembered: Content is frozen).

    ``context`` is `memo.token` of (is_journey, opts, day, language) when the
    caller measured many cards at once; without it, it is worked out here.
    """
    if context is None:
        context = content_context(is_journey, opts, day)
    key = (
        step.title,
        step.process_time_minutes,
        step.lead_time_minutes,
        step.complete_accurate_pct,
        step.emotion,
        step.channel,
        step.touchpoint,
        step.value_adding,  # the spoken facts say "value-adding"
        text_width,
        context,
    )
    return _CONTENT.get(key, lambda: _box_content(step, is_journey, text_width, opts, day))


def content_context(is_journey: bool, opts: LayoutOptions, day: int) -> int:
    """What, besides the step and the width, decides every card's text: one small
    integer per map kind, sizes, working day and active language."""
    return token((is_journey, opts, day, get_language()))


def _box_content(
    step: StepData, is_journey: bool, text_width: float, opts: LayoutOptions, day: int
) -> Content:
    title = wrap_text(
        step.title or "—",
        text_width,
        opts.title_size,
        bold=True,
        max_lines=opts.max_title_lines,
    )
    facts, wait = spoken_facts(step, day)
    if not is_journey:
        details = _pack_segments(_metric_segments(step, day), text_width, opts.text_size)
        return Content(title, tuple(details), False, facts, wait)
    emotion_row = step.emotion is not None
    details_list: list[str] = []
    channel = channel_label(step.channel.strip())
    if emotion_row:
        # The face and the signed number sit in front of the channel on one row.
        first = format_signed(step.emotion or 0) + (f" · {channel}" if channel else "")
        face_room = text_width - 22
        details_list.extend(wrap_text(first, face_room, opts.text_size, max_lines=1))
    elif channel:
        details_list.extend(wrap_text(channel, text_width, opts.text_size, max_lines=1))
    if step.touchpoint.strip():
        details_list.extend(wrap_text(step.touchpoint, text_width, opts.text_size, max_lines=2))
    return Content(title, tuple(details_list), emotion_row, facts, wait)


def content_height(content: Content, opts: LayoutOptions) -> float:
    """The height a card needs for ``content``, at least ``min_box_height``."""
    height = 12 + len(content.title) * opts.title_line_height
    if content.details:
        height += 6 + len(content.details) * opts.text_line_height
    return max(opts.min_box_height, height + 12)


def _card_text(
    content: Content, x: float, y: float, emotion: int | None, opts: LayoutOptions
) -> tuple[tuple[TextLine, ...], Face | None]:
    """The card's text lines placed from its top left, and the emotion face if any."""
    tx = x + STRIPE_WIDTH + 12
    lines: list[TextLine] = []
    baseline = y + 12 + opts.title_line_height - 4
    for line in content.title:
        lines.append(TextLine(line, tx, baseline, opts.title_size, 600, INK, role="title"))
        baseline += opts.title_line_height
    face: Face | None = None
    if content.details:
        baseline += 6 - opts.title_line_height + opts.text_line_height
        for i, line in enumerate(content.details):
            lx = tx
            role = "detail"
            if i == 0 and content.emotion_row:
                face = emotion_face(Point(tx + FACE_RADIUS, baseline - 4.5), emotion or 0)
                lx = tx + 2 * FACE_RADIUS + 6
                role = "emotion"
            lines.append(TextLine(line, lx, baseline, opts.text_size, 400, INK_MUTED, role=role))
            baseline += opts.text_line_height
    return tuple(lines), face


#: Finished cards by everything that decides them: after an edit nearly every card
#: is the same, and the same object lets the renderer reuse its markup by identity.
#: Each entry keeps the `Content` it was built from: the key names it by identity
#: (hashing every card's wrapped text again cost more than building some cards).
_BOXES: Memo[tuple[Content, BoxGeometry]] = Memo(8_000)


def box_geometry(
    step: StepData,
    place: tuple[float, float, float, float],
    content: Content,
    lane: LaneGeometry,
    stage_name: str,
    overlay: Overlay,
    on_critical_path: bool,
    opts: LayoutOptions,
    *,
    context: int | None = None,
) -> BoxGeometry:
    """The card of ``step`` at ``place`` (x, y, width, height), with its text, stripe
    and analysis marks (remembered; ``context`` is `memo.token` of ``opts`` when the
    caller has it)."""
    reasons = tuple(overlay.hotspots.get(step.id, ()))
    selected = overlay.selected_step_id == step.id
    key = (
        step.id,
        step.lane_id,
        step.stage_id,
        step.department_id,
        step.version,
        step.title,
        step.emotion,
        step.value_adding,
        *place,
        id(content),
        lane.name,
        lane.color,
        stage_name,
        reasons,
        selected,
        on_critical_path,
        token(opts) if context is None else context,
    )
    kept, box = _BOXES.get(
        key,
        lambda: (
            content,
            _box_geometry(
                step,
                Rect(*place),
                content,
                lane,
                stage_name,
                reasons,
                selected,
                on_critical_path,
                opts,
            ),
        ),
    )
    assert kept is content  # kept alive by the entry, so no other object has its id
    return box


def _box_geometry(
    step: StepData,
    place: Rect,
    content: Content,
    lane: LaneGeometry,
    stage_name: str,
    reasons: tuple[str, ...],
    selected: bool,
    on_critical_path: bool,
    opts: LayoutOptions,
) -> BoxGeometry:
    x, y, width, height = place.x, place.y, place.width, place.height
    lines, face = _card_text(content, x, y, step.emotion, opts)
    return BoxGeometry(
        step_id=step.id,
        lane_id=step.lane_id,
        stage_id=step.stage_id,
        department_id=step.department_id,
        version=step.version,
        title=step.title,
        department=lane.name,
        stage=stage_name,
        x=x,
        y=y,
        width=width,
        height=height,
        stripe_color=lane.color,
        stripe_width=STRIPE_WIDTH,
        lines=lines,
        emotion=step.emotion,
        hotspot_reasons=reasons,
        selected=selected,
        on_critical_path=on_critical_path,
        value_adding=step.value_adding,
        card=Rect(x, y, width, height, CARD_RADIUS, CARD_FILL, stroke=CARD_STROKE),
        # A soft shadow lifts the card off the lane tint without a heavy border.
        shadow=Rect(x, y + 2, width, height, CARD_RADIUS, SHADOW_COLOR, 0.08),
        outline=ring(place, 3, 10, HOTSPOT_STROKE) if reasons else None,
        selection_ring=ring(place, 7, 12, SELECTION_STROKE) if selected else None,
        focus_ring=ring(place, 5, 11, None),
        badge=hotspot_badge(Point(x + width - 2, y + 2)) if reasons else None,
        face=face,
        facts=content.facts,
        wait=content.wait,
    )
