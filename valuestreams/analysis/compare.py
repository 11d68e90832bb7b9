"""Current state against future state: every metric before and after, and what moved.

Steps are matched by title within the pair of maps, ignoring case and runs of
whitespace ("Check  Request" = "check request"). When a title occurs more than
once in a map, its first occurrence in reading order matches the other map's
first occurrence, the second the second, and so on. Handoffs are matched by the
matched steps at both ends. Departments are compared by name, ignoring case.
"""

from __future__ import annotations

from ..mapdata import MapData
from .engine import analyze
from .results import (
    Comparison,
    HandoffAnalysis,
    HandoffChange,
    MapAnalysis,
    MetricChange,
    StepAnalysis,
    StepChange,
)
from .serialize import METRIC_NAMES

StepKey = tuple[str, int]


def title_key(title: str) -> str:
    """The form of a title used to match steps: case- and whitespace-insensitive."""
    return " ".join(title.split()).casefold()


def _step_keys(result: MapAnalysis) -> dict[StepKey, StepAnalysis]:
    """Steps by (normalised title, occurrence), in reading order."""
    seen: dict[str, int] = {}
    keyed: dict[StepKey, StepAnalysis] = {}
    for step in result.steps.values():
        title = title_key(step.title)
        seen[title] = seen.get(title, -1) + 1
        keyed[(title, seen[title])] = step
    return keyed


def _handoff_keys(
    result: MapAnalysis, key_of: dict[int, StepKey]
) -> dict[tuple[StepKey, StepKey], HandoffAnalysis]:
    return {(key_of[h.from_step_id], key_of[h.to_step_id]): h for h in result.handoffs.values()}


def _as_analysis(value: MapAnalysis | MapData) -> MapAnalysis:
    return value if isinstance(value, MapAnalysis) else analyze(value)


def compare(before: MapAnalysis | MapData, after: MapAnalysis | MapData) -> Comparison:
    """Compare a current-state map (`before`) with a future state of it (`after`).

    Returns every metric's before, after and change (after − before, None when
    either is unknown), and the steps and handoffs removed, added and moved to
    another department. Accepts analyses or plain map data (analysed here).
    """
    old, new = _as_analysis(before), _as_analysis(after)
    metrics = []
    for name in METRIC_NAMES:
        b = getattr(old.metrics, name)
        a = getattr(new.metrics, name)
        metrics.append(MetricChange(name, b, a, a - b if a is not None and b is not None else None))

    old_steps, new_steps = _step_keys(old), _step_keys(new)
    removed = tuple(
        StepChange(s.title, s.id, None, s.department, None)
        for k, s in old_steps.items()
        if k not in new_steps
    )
    added = tuple(
        StepChange(s.title, None, s.id, None, s.department)
        for k, s in new_steps.items()
        if k not in old_steps
    )
    moved = tuple(
        StepChange(s.title, old_steps[k].id, s.id, old_steps[k].department, s.department)
        for k, s in new_steps.items()
        if k in old_steps and old_steps[k].department.casefold() != s.department.casefold()
    )

    old_key = {s.id: k for k, s in old_steps.items()}
    new_key = {s.id: k for k, s in new_steps.items()}
    old_handoffs = _handoff_keys(old, old_key)
    new_handoffs = _handoff_keys(new, new_key)

    def pair(result: MapAnalysis, h: HandoffAnalysis) -> tuple[str, str]:
        return (result.steps[h.from_step_id].department, result.steps[h.to_step_id].department)

    def change(k: tuple[StepKey, StepKey]) -> HandoffChange:
        b = old_handoffs.get(k)
        a = new_handoffs.get(k)
        titles = a or b
        assert titles is not None
        source = new if a is not None else old
        return HandoffChange(
            from_title=source.steps[titles.from_step_id].title,
            to_title=source.steps[titles.to_step_id].title,
            before_handoff_id=b.id if b else None,
            after_handoff_id=a.id if a else None,
            before_departments=pair(old, b) if b else None,
            after_departments=pair(new, a) if a else None,
            before_cross_department=b.cross_department if b else None,
            after_cross_department=a.cross_department if a else None,
        )

    handoffs_moved = []
    for k, h in new_handoffs.items():
        b = old_handoffs.get(k)
        if b is None:
            continue
        before_pair = tuple(d.casefold() for d in pair(old, b))
        after_pair = tuple(d.casefold() for d in pair(new, h))
        if before_pair != after_pair:
            handoffs_moved.append(change(k))
    return Comparison(
        before=old,
        after=new,
        metrics=tuple(metrics),
        steps_removed=removed,
        steps_added=added,
        steps_moved=moved,
        handoffs_removed=tuple(change(k) for k in old_handoffs if k not in new_handoffs),
        handoffs_added=tuple(change(k) for k in new_handoffs if k not in old_handoffs),
        handoffs_moved=tuple(handoffs_moved),
    )
