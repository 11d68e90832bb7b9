"""Template filters for the analysis partial: fractions as percentages."""

from __future__ import annotations

from typing import Any

from django import template

from departments.formats import format_duration, format_number, format_percent
from departments.models import DecisionRightStatus
from valuestreams.analysis.portfolio import METRIC_LABELS
from valuestreams.models import MapKind

register = template.Library()

RATIOS = ("activity_ratio", "flow_efficiency", "rolled_complete_accurate")
HIGHER_IS_BETTER = RATIOS


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """`{{ 0.0271|percent }}` → "2.7%" ("2,7 %" in German); "—" when unknown."""
    return format_percent(value, decimals)


def _metric_text(name: str, value: float | None, working_day_minutes: int) -> str:
    """One metric for people: durations in friendly units, ratios as %, counts as is."""
    if value is None:
        return "—"
    if name.endswith("_minutes"):
        return format_duration(value, working_day_minutes)
    if name in RATIOS:
        return percent(value)
    return format_number(value, 2)


@register.simple_tag
def metric_text(name: str, value: float | None, working_day_minutes: int = 480) -> str:
    """`{% metric_text "lead_time_minutes" 960 480 %}` → "2 d"; any metric by its name."""
    return _metric_text(name, value, working_day_minutes)


@register.simple_tag
def metric_value(metrics: Any, name: str, working_day_minutes: int = 480) -> str:
    """`{% metric_value row.metrics "lead_time_minutes" wd %}` → "32.4 d"."""
    return _metric_text(name, getattr(metrics, name), working_day_minutes)


@register.simple_tag
def metric_change(change: Any, working_day_minutes: int = 480) -> str:
    """A `MetricChange` as a signed difference: "−21.3 d", "+12%", "−3"; "—" when unknown."""
    if change is None or change.change is None:
        return "—"
    if change.change == 0:
        return "±0"
    text = _metric_text(change.name, abs(change.change), working_day_minutes)
    return ("+" if change.change > 0 else "−") + text


@register.filter
def change_class(change: Any) -> str:
    """ "better", "worse" or "" for a `MetricChange`, by which way the metric should go."""
    if change is None or not change.change:
        return ""
    better = change.change > 0 if change.name in HIGHER_IS_BETTER else change.change < 0
    return "better" if better else "worse"


@register.simple_tag
def metric_before_after(change: Any, working_day_minutes: int = 480) -> str:
    """A `MetricChange` as "before → after": "32.4 d → 12.1 d"."""
    before = _metric_text(change.name, change.before, working_day_minutes)
    after = _metric_text(change.name, change.after, working_day_minutes)
    return f"{before} → {after}"


@register.filter
def metric_label(name: str) -> str:
    """The on-screen name of a metric."""
    return str(METRIC_LABELS.get(name, name))


@register.filter
def right_status(code: str) -> str:
    """The label of a decision right's status code ("unclear" → "Unclear")."""
    return str(DecisionRightStatus(code).label)


@register.filter
def kind_label(code: str) -> str:
    """The label of a map kind code."""
    return str(MapKind(code).label)
