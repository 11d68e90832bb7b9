"""A map as an editable PowerPoint deck: the swimlane as native shapes, charts, tables.

`map_deck(content)` is pure: plain map data, its analysis and geometry, the
map's improvements and (for a future state) the comparison in; the .pptx bytes
out. Slides:

1. title (map, kind, state, date, departments);
2. the swimlane, over as many slides as it needs (see `swimlane_pptx`);
3. metrics, with native charts: waiting vs process time per stage, and
   handoffs per department pair;
4. hotspots: a table with the reasons in words;
5. improvements, quick wins first;
6. for a future state: before and after, metric by metric.

Every slide's speaker notes say how its numbers are defined (docs/metrics.md).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType

from departments.formats import format_number
from valuestreams.analysis import Comparison, MapAnalysis
from valuestreams.layout import Geometry
from valuestreams.mapdata import MapData
from valuestreams.templatetags.analysis_format import percent
from valuestreams.units import format_minutes

from .pptx_kit import (
    DECK,
    add_bar_chart,
    add_table,
    add_text,
    fit_title,
    new_presentation,
    row_heights,
    set_notes,
    titled_slide,
)
from .swimlane_pptx import draw_page, paginate, place

__all__ = [
    "METRICS",
    "DeckContent",
    "ImprovementItem",
    "MetricDefinition",
    "deck_bytes",
    "map_deck",
    "metric_value",
    "stage_times",
]

#: How many hotspots and department pairs the hotspots slide lists.
TOP_HOTSPOTS = 8
TOP_PAIRS = 5
#: How many improvements fit the improvements slide.
TOP_IMPROVEMENTS = 12


@dataclass(frozen=True, slots=True)
class ImprovementItem:
    """An improvement on the map's board, as plain data for the deck."""

    title: str
    step: str
    impact: int
    effort: int
    status: str
    owner: str
    quick_win: bool


@dataclass(frozen=True, slots=True)
class DeckContent:
    """Everything the map deck shows; built by `valuestreams.downloads`."""

    data: MapData
    analysis: MapAnalysis
    geometry: Geometry
    kind_label: str
    state_label: str
    description: str
    on: date
    improvements: tuple[ImprovementItem, ...] = ()
    comparison: Comparison | None = None
    based_on_name: str = ""


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """A metric of `MapMetrics` with its label, unit kind and definition in words."""

    name: str
    label: str
    kind: str  # "time", "ratio" or "count"
    definition: str


METRICS: tuple[MetricDefinition, ...] = tuple(
    MetricDefinition(name, label, kind, definition)  # type: ignore[arg-type]
    for name, label, kind, definition in (
        (
            "lead_time_minutes",
            gettext_lazy("Lead time"),
            "time",
            gettext_lazy(
                "Lead time: the sum of the lead times of the steps on the critical path, the "
                "path from a start to an end step with the largest total lead time (rework "
                "handoffs left out)."
            ),
        ),
        (
            "process_time_minutes",
            gettext_lazy("Process time"),
            "time",
            gettext_lazy(
                "Process time: the sum of the process times (hands-on work) of the steps on "
                "the critical path."
            ),
        ),
        (
            "wait_time_minutes",
            gettext_lazy("Waiting on the critical path"),
            "time",
            gettext_lazy("Waiting on the critical path: lead time minus process time."),
        ),
        (
            "work_content_minutes",
            gettext_lazy("Work content"),
            "time",
            gettext_lazy("Work content: the process times of all steps added up."),
        ),
        (
            "activity_ratio",
            gettext_lazy("Activity ratio"),
            "ratio",
            gettext_lazy(
                "Activity ratio: process time divided by lead time (not the average of the "
                "steps' ratios); the rest of the time the work is idle."
            ),
        ),
        (
            "flow_efficiency",
            gettext_lazy("Flow efficiency"),
            "ratio",
            gettext_lazy(
                "Flow efficiency: process time of the value-adding steps on the critical "
                "path divided by lead time."
            ),
        ),
        (
            "rolled_complete_accurate",
            gettext_lazy("Rolled %C&A"),
            "ratio",
            gettext_lazy(
                "Rolled %C&A: the product of every step's percent complete and accurate, the "
                "chance that work passes through without any correction."
            ),
        ),
        (
            "handoffs",
            gettext_lazy("Handoffs"),
            "count",
            gettext_lazy("Handoffs: connections from one step to the next, rework included."),
        ),
        (
            "cross_department_handoffs",
            gettext_lazy("Cross-department handoffs"),
            "count",
            gettext_lazy(
                "Cross-department handoffs: handoffs between steps in different departments' "
                "lanes, rework included."
            ),
        ),
        (
            "rework_handoffs",
            gettext_lazy("Rework handoffs"),
            "count",
            gettext_lazy("Rework handoffs: handoffs marked as work sent back."),
        ),
    )
)


def metric_value(value: float | int | None, kind: str, working_day_minutes: int) -> str:
    """A metric as people read it: a duration, a percentage or a count."""
    if kind == "time":
        return format_minutes(value, working_day_minutes)
    if kind == "ratio":
        return percent(value)
    return "—" if value is None else format_number(float(value), 0)


def stage_times(data: MapData, analysis: MapAnalysis) -> list[tuple[str, float, float]]:
    """(stage, Σ wait, Σ process time) per stage in minutes, over steps with known values."""
    totals = {stage.id: [0.0, 0.0] for stage in data.stages}
    for step in analysis.steps.values():
        if step.stage_id not in totals:
            continue
        totals[step.stage_id][0] += step.wait_minutes or 0.0
        totals[step.stage_id][1] += step.process_time_minutes or 0.0
    return [(stage.name, *totals[stage.id]) for stage in data.stages]  # type: ignore[misc]


def _hours(minutes: float) -> float:
    return round(minutes / 60, 2)


def _join(values: Sequence[object]) -> str:
    return "; ".join(str(v) for v in values)


# ---------------------------------------------------------------------------
# Slides
# ---------------------------------------------------------------------------


def _title_slide(prs: PresentationType, c: DeckContent) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    title = slide.shapes.title
    assert title is not None
    title.text = c.data.name
    title.text_frame.word_wrap = True
    subtitle = slide.placeholders[1]
    lines = [f"{c.kind_label} · {c.state_label} · {date_format(c.on, 'DATE_FORMAT')}"]
    if c.data.persona:
        lines.append(_("Persona: %(persona)s") % {"persona": c.data.persona})
    if c.based_on_name:
        lines.append(_("Future state of %(map)s") % {"map": c.based_on_name})
    lines.append(
        _("Departments: %(names)s") % {"names": ", ".join(lane.name for lane in c.data.lanes)}
    )
    subtitle.text = "\n".join(lines)
    # The default layout is 4:3: stretch both placeholders across the 16:9 slide.
    for shape, top, height in ((title, 150, 170), (subtitle, 340, 240)):
        shape.left, shape.width = 9525 * 64, 9525 * round(DECK.width_px - 128)
        shape.top, shape.height = 9525 * top, 9525 * height
    set_notes(
        slide,
        [
            _("Exported from Crosswalk on %(date)s; map version %(version)d.")
            % {"date": date_format(c.on, "DATE_FORMAT"), "version": c.data.version},
            _(
                "Lanes are departments, columns are stages, cards are steps and arrows are "
                "handoffs. Every shape can be moved and edited; arrows stay attached to their "
                "steps."
            ),
        ],
    )


def _swimlane_slides(prs: PresentationType, c: DeckContent) -> None:
    g = c.geometry
    pages = paginate(g, first_number=len(prs.slides) + 1)
    placement = place(g, pages)
    hotspots = [f"{s.title}: {_join(s.reasons)}" for s in c.analysis.marked_hotspots]
    for page in pages:
        title = c.data.name
        if len(pages) > 1:
            # The stage headers on the slide say which stages it shows; the title
            # keeps the part number whole and shortens the name if it must.
            suffix = _(" (%(page)d of %(pages)d)") % {
                "page": pages.index(page) + 1,
                "pages": len(pages),
            }
            title = fit_title(c.data.name, suffix)
        slide = titled_slide(prs, title)
        draw_page(slide, g, page, pages, placement)
        notes = [
            _(
                "Lanes are departments and columns are stages. Thick dark arrows cross a "
                "department boundary; dashed red arrows are rework (work sent back). "
                "Outlined cards with a “!” badge are the handoff hotspots."
            ),
        ]
        if hotspots:
            notes.append(_("Hotspots: %(list)s") % {"list": " | ".join(hotspots)})
        if c.data.is_journey:
            notes.append(_("The curve under the lanes is the emotion of each step, −2 to +2."))
        else:
            notes.append(
                _(
                    "The ladder under the lanes follows the critical path: the upper rungs "
                    "are waiting (lead time minus process time), the lower rungs process time."
                )
            )
        if len(pages) > 1:
            notes.append(
                _(
                    "The map is too large for one slide at readable text size; it continues "
                    "on other slides. Arrows to steps elsewhere end at a marker naming the step "
                    "and its slide."
                )
            )
        set_notes(slide, notes)


def _metrics_slide(prs: PresentationType, c: DeckContent) -> None:
    a, wd = c.analysis, c.data.working_day_minutes
    slide = titled_slide(prs, _("Key numbers"))
    lines = [f"{m.label}: {metric_value(getattr(a.metrics, m.name), m.kind, wd)}" for m in METRICS]
    add_text(slide.shapes, DECK.margin_px, DECK.body_top_px, 330, 560, lines)
    stages = stage_times(c.data, a)
    chart_left = DECK.margin_px + 350
    chart_width = DECK.width_px - chart_left - DECK.margin_px
    has_times = any(wait or pt for _, wait, pt in stages)
    if has_times:
        add_bar_chart(
            slide.shapes,
            chart_left,
            DECK.body_top_px,
            chart_width,
            290,
            [name for name, _, _ in stages],
            [
                (_("Waiting (h)"), [_hours(wait) for _, wait, _ in stages]),
                (_("Process time (h)"), [_hours(pt) for _, _, pt in stages]),
            ],
            stacked=True,
            title=_("Waiting vs process time per stage (hours)"),
        )
    pairs = a.department_handoffs
    if pairs:
        add_bar_chart(
            slide.shapes,
            chart_left,
            DECK.body_top_px + (300 if has_times else 0),
            chart_width,
            290 if has_times else 590,
            [f"{p.from_department} → {p.to_department}" for p in pairs],
            [(_("Handoffs"), [p.count for p in pairs])],
            number_format="0",
            title=_("Cross-department handoffs per department pair"),
        )
    notes = [str(m.definition) for m in METRICS]
    notes.append(
        _(
            "Chart “waiting vs process time per stage”: for each stage, the waits (lead time "
            "minus process time) and the process times of its steps added up, in hours; steps "
            "without times count as 0."
        )
    )
    notes.append(
        _(
            "Chart “handoffs per department pair”: the number of cross-department handoffs "
            "from the first department to the second, rework included."
        )
    )
    # Each reason once, naming the figures it leaves unknown (as the pages list them).
    notes.extend(str(line) for line in a.note_lines)
    set_notes(slide, notes)


def _hotspots_slide(prs: PresentationType, c: DeckContent) -> None:
    a = c.analysis
    slide = titled_slide(prs, _("Where handoffs hurt"))
    width = DECK.width_px - 2 * DECK.margin_px
    top = DECK.body_top_px
    shown = 0
    if a.hotspots:
        rows = [
            (s.title, s.department, format_number(s.hotspot_score, 0), _join(s.reasons))
            for s in a.hotspots[:TOP_HOTSPOTS]
        ]
        _table, shown, top = add_table(
            slide.shapes,
            DECK.margin_px,
            top,
            width,
            (_("Step"), _("Department"), _("Score"), _("Why")),
            rows,
            (0.22, 0.16, 0.07, 0.55),
        )
        top += 20
    else:
        add_text(
            slide.shapes,
            DECK.margin_px,
            top,
            width,
            40,
            [_("No handoff hotspots: no work crosses a department boundary here.")],
        )
        top += 60
    pairs = a.department_hotspots[:TOP_PAIRS]
    notes = [
        _(
            "A hotspot is a step that receives work from another department or is the "
            "target of a rework loop. Its score (0–100) adds up: 40 × its share of the "
            "waiting over all steps; 15 if on the critical path; 15 if work is sent back "
            "to it; 5 per "
            "other department it receives work from (at most 15); 15 × the share of "
            "incoming work that is not complete and accurate."
        ),
        _(
            "A department pair scores 40 × its share of the waiting over all steps, 20 × its "
            "share of "
            "the cross-department handoffs, 15 if on the critical path, 15 × the share "
            "of work delivered not complete and accurate, and 10 for ping-pong or rework."
        ),
    ]
    if len(a.hotspots) > shown:
        notes.append(
            _("%(count)d more hotspots are listed in Crosswalk's analysis of this map.")
            % {"count": len(a.hotspots) - shown}
        )
    set_notes(slide, notes)
    if not pairs:
        return
    header = (_("From"), _("To"), _("Score"), _("Why"))
    pair_rows = [
        (p.from_department, p.to_department, format_number(p.hotspot_score, 0), _join(p.reasons))
        for p in pairs
    ]
    shares = (0.19, 0.19, 0.07, 0.55)
    if top + sum(row_heights([header, pair_rows[0]], [width * f for f in shares])) > (
        DECK.height_px - 24
    ):
        slide = titled_slide(prs, _("Department pairs where handoffs hurt most"))
        set_notes(slide, notes[1:2])
        top = DECK.body_top_px
    add_table(slide.shapes, DECK.margin_px, top, width, header, pair_rows, shares)


def _improvements_slide(prs: PresentationType, c: DeckContent) -> None:
    slide = titled_slide(prs, _("Improvements: quick wins first"))
    items = sorted(
        c.improvements, key=lambda i: (not i.quick_win, -i.impact, i.effort, i.title.casefold())
    )
    width = DECK.width_px - 2 * DECK.margin_px
    if items:
        add_table(
            slide.shapes,
            DECK.margin_px,
            DECK.body_top_px,
            width,
            (_("Improvement"), _("Step"), _("Impact"), _("Effort"), _("Status"), _("Owner")),
            [
                (
                    ("★ " if i.quick_win else "") + i.title,
                    i.step,
                    str(i.impact),
                    str(i.effort),
                    i.status,
                    i.owner,
                )
                for i in items[:TOP_IMPROVEMENTS]
            ],
            (0.34, 0.2, 0.08, 0.08, 0.12, 0.18),
        )
    else:
        add_text(
            slide.shapes,
            DECK.margin_px,
            DECK.body_top_px,
            width,
            40,
            [_("No improvements on the board for this map yet.")],
        )
    notes = [
        _(
            "Impact and effort are rated 1 to 5. A quick win (★) has impact 4 or more for "
            "effort 2 or less: pick those first, then higher impact, then less effort."
        )
    ]
    if len(items) > TOP_IMPROVEMENTS:
        notes.append(
            _("%(count)d more improvements are on the board in Crosswalk.")
            % {"count": len(items) - TOP_IMPROVEMENTS}
        )
    set_notes(slide, notes)


def _before_after_slide(prs: PresentationType, c: DeckContent, comparison: Comparison) -> None:
    wd = c.data.working_day_minutes
    slide = titled_slide(prs, _("Before and after"))
    kinds = {m.name: m for m in METRICS}
    rows = []
    for change in comparison.metrics:
        m = kinds.get(change.name)
        if m is None:
            continue
        delta = metric_value(change.change, m.kind, wd)
        if change.change is not None and change.change > 0:
            delta = "+" + delta
        rows.append(
            (
                str(m.label),
                metric_value(change.before, m.kind, wd),
                metric_value(change.after, m.kind, wd),
                delta,
            )
        )
    add_table(
        slide.shapes,
        DECK.margin_px,
        DECK.body_top_px,
        560,
        (_("Metric"), _("Before"), _("After"), _("Change")),
        rows,
        (0.43, 0.19, 0.19, 0.19),
    )
    times = [
        (str(kinds[ch.name].label), ch.before, ch.after)
        for ch in comparison.metrics
        if ch.name in ("lead_time_minutes", "process_time_minutes", "wait_time_minutes")
    ]
    if any(b is not None or a is not None for _, b, a in times):
        add_bar_chart(
            slide.shapes,
            DECK.margin_px + 590,
            DECK.body_top_px,
            DECK.width_px - 2 * DECK.margin_px - 590,
            300,
            [name for name, _, _ in times],
            [
                (_("Before (h)"), [_hours(b or 0.0) for _, b, _ in times]),
                (_("After (h)"), [_hours(a or 0.0) for _, _, a in times]),
            ],
            horizontal=False,
        )
    summary = [
        _("Steps removed: %(n)d, added: %(m)d, moved to another department: %(k)d")
        % {
            "n": len(comparison.steps_removed),
            "m": len(comparison.steps_added),
            "k": len(comparison.steps_moved),
        },
        _("Handoffs removed: %(n)d, added: %(m)d, moved: %(k)d")
        % {
            "n": len(comparison.handoffs_removed),
            "m": len(comparison.handoffs_added),
            "k": len(comparison.handoffs_moved),
        },
    ]
    add_text(
        slide.shapes,
        DECK.margin_px + 590,
        DECK.body_top_px + 320,
        DECK.width_px - 2 * DECK.margin_px - 590,
        120,
        summary,
        align=PP_ALIGN.LEFT,
    )
    set_notes(
        slide,
        [
            _(
                "Before is the current state “%(before)s”, after this future state. Change is "
                "after minus before; it is empty when either value is unknown."
            )
            % {"before": c.based_on_name or comparison.before.name},
            _(
                "Steps are matched by title, ignoring case and extra spaces; handoffs by the "
                "matched steps at both ends."
            ),
            *[str(m.definition) for m in METRICS],
        ],
    )


def map_deck(c: DeckContent) -> PresentationType:
    """The map's deck as a python-pptx presentation (see the module docstring)."""
    prs = new_presentation()
    _title_slide(prs, c)
    _swimlane_slides(prs, c)
    _metrics_slide(prs, c)
    _hotspots_slide(prs, c)
    _improvements_slide(prs, c)
    if c.comparison is not None:
        _before_after_slide(prs, c, c.comparison)
    return prs


def deck_bytes(prs: PresentationType) -> bytes:
    """A presentation as .pptx bytes."""
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
