"""What each figure of a map is called and what it means: one source for every page.

The editor's metrics panel, the map page's analysis, the dashboard and the
exports take a figure's name from `DEFINITIONS`, so a figure has one name
everywhere; its definition is what a reader sees on hover and keyboard focus.
The English wording is also the "What each figure means" section of
docs/metrics.md (a test keeps the two the same).

Two figures are easily confused and are named apart on purpose: *waiting on the
critical path* (lead time − process time of the critical path, a tile) and
*waiting over all steps* (every step's wait, which the hotspot reasons share out).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from departments.formats import format_duration, format_number, format_percent

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from .messages import Message
    from .results import MapAnalysis


@dataclass(frozen=True, slots=True)
class Definition:
    """A figure's on-screen name and its one-sentence definition (both translated lazily)."""

    label: _StrPromise
    text: _StrPromise


#: Every figure a page shows, keyed by its name in `MapMetrics` (plus the journey's
#: `lowest_emotion`), in the order the map page lists them.
DEFINITIONS: dict[str, Definition] = {
    "lead_time_minutes": Definition(
        gettext_lazy("Lead time"),
        gettext_lazy(
            "The elapsed time along the critical path: the sum of its steps' lead times,"
            " each from when work reaches the step until it is passed on."
        ),
    ),
    "process_time_minutes": Definition(
        gettext_lazy("Process time"),
        gettext_lazy(
            "The time someone actually works on the critical path's steps, without"
            " interruptions: the sum of their process times."
        ),
    ),
    "wait_time_minutes": Definition(
        gettext_lazy("Waiting on the critical path"),
        gettext_lazy("Lead time minus process time along the critical path."),
    ),
    "all_steps_wait_minutes": Definition(
        gettext_lazy("Waiting over all steps"),
        gettext_lazy(
            "Every step's waiting, on the critical path or not; the hotspot reasons share this out."
        ),
    ),
    "work_content_minutes": Definition(
        gettext_lazy("Work content"),
        gettext_lazy("The process time of all steps, on the critical path or not."),
    ),
    "activity_ratio": Definition(
        gettext_lazy("Activity ratio"),
        gettext_lazy(
            "Process time divided by lead time: the share of the lead time in which"
            " someone works on the case."
        ),
    ),
    "flow_efficiency": Definition(
        gettext_lazy("Flow efficiency"),
        gettext_lazy(
            "The process time of the value-adding steps on the critical path divided by"
            " the lead time."
        ),
    ),
    "rolled_complete_accurate": Definition(
        gettext_lazy("Rolled %C&A"),
        gettext_lazy(
            "The product of every step's %C&A: the chance that work passes through the"
            " whole stream without being corrected."
        ),
    ),
    "handoffs": Definition(
        gettext_lazy("Handoffs"),
        gettext_lazy("Connections that pass work from one step to the next, rework included."),
    ),
    "cross_department_handoffs": Definition(
        gettext_lazy("Cross-department handoffs"),
        gettext_lazy("Handoffs between steps in different departments' lanes, rework included."),
    ),
    "rework_handoffs": Definition(
        gettext_lazy("Rework handoffs"),
        gettext_lazy("Handoffs marked as rework: work sent back."),
    ),
    "departments": Definition(
        gettext_lazy("Departments"),
        gettext_lazy("The departments that have a step on this map."),
    ),
    "lane_changes_on_critical_path": Definition(
        gettext_lazy("Lane changes on the critical path"),
        gettext_lazy("How often the critical path passes from one department's lane to another's."),
    ),
    "critical_path": Definition(
        gettext_lazy("Critical path"),
        gettext_lazy(
            "The chain of handoffs from a start step to an end step with the largest sum of"
            " lead times, following handoffs that are not rework."
        ),
    ),
    "steps": Definition(
        gettext_lazy("Steps"),
        gettext_lazy("The number of steps on the map."),
    ),
    "lowest_emotion": Definition(
        gettext_lazy("Lowest emotion"),
        gettext_lazy(
            "The lowest emotion marked on any step, from −2 (very unhappy) to +2 (very happy)."
        ),
    ),
}

#: Figures measured in time or as a share of it: shown on value streams, and on
#: journeys once a step has a time.
TIME_FIGURES = (
    "lead_time_minutes",
    "process_time_minutes",
    "wait_time_minutes",
    "all_steps_wait_minutes",
    "work_content_minutes",
    "activity_ratio",
    "flow_efficiency",
    "rolled_complete_accurate",
)
#: Counts every map has.
COUNT_FIGURES = (
    "handoffs",
    "cross_department_handoffs",
    "rework_handoffs",
    "departments",
    "lane_changes_on_critical_path",
)
#: Fractions, shown as percentages.
RATIO_FIGURES = frozenset({"activity_ratio", "flow_efficiency", "rolled_complete_accurate"})


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure ready for a page: its name, definition and formatted value ("—"
    when unknown; `note_lines` says why)."""

    key: str
    label: str
    definition: str
    value: str


def figure(key: str, value: str) -> Figure:
    """The figure `key` with an already formatted value, in the active language."""
    d = DEFINITIONS[key]  # a key without a definition is a bug: fail loudly
    return Figure(key, str(d.label), str(d.text), value)


def figure_value(key: str, value: float | None, working_day_minutes: int) -> str:
    """A figure's value for people: durations in friendly units, ratios as %, counts as is."""
    if key.endswith("_minutes"):
        return format_duration(value, working_day_minutes)
    if key in RATIO_FIGURES:
        return format_percent(value)
    return "—" if value is None else format_number(value, 0)


def analysis_figures(analysis: MapAnalysis, keys: Iterable[str]) -> tuple[Figure, ...]:
    """The figures `keys` of `analysis`, named, defined and formatted."""
    m, day = analysis.metrics, analysis.working_day_minutes
    return tuple(figure(key, figure_value(key, getattr(m, key), day)) for key in keys)


def map_figures(analysis: MapAnalysis) -> tuple[Figure, ...]:
    """The figures the map page shows: the time figures (on a journey only once a
    step has a time), then the counts."""
    m = analysis.metrics
    timed = not analysis.is_journey or any(
        v is not None for v in (m.lead_time_minutes, m.work_content_minutes)
    )
    return analysis_figures(analysis, (TIME_FIGURES if timed else ()) + COUNT_FIGURES)


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One reason the analysis gives, once, with the figures it concerns."""

    labels: tuple[str, ...]
    text: str

    def __str__(self) -> str:
        """As a line of plain text (speaker notes): "Lead time, Process time: reason"."""
        return f"{', '.join(self.labels)}: {self.text}"


def note_lines(analysis: MapAnalysis, keys: Iterable[str] | None = None) -> tuple[NoteLine, ...]:
    """The analysis's notes (only those on `keys`, when given) with each reason once:
    figures that are unknown for the same reason (the same message, naming the same
    steps) share one line, which names them."""
    wanted = None if keys is None else set(keys)
    groups: dict[Message, list[str]] = {}
    for key, note in analysis.notes.items():
        if wanted is None or key in wanted:
            groups.setdefault(note, []).append(key)
    return tuple(
        NoteLine(tuple(metric_label(key) for key in keys), str(note))
        for note, keys in groups.items()
    )


def metric_label(key: str) -> str:
    """The on-screen name of a figure; the key itself for an unknown one."""
    d = DEFINITIONS.get(key)
    return str(d.label) if d else key
