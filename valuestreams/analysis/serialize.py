"""The analysis JSON: what `manage.py analyze --json` prints and the endpoint serves.

Key names are a contract (see docs/metrics.md); times are minutes, ratios are
fractions from 0 to 1, an unknown number is null and `notes` says why. Text
(reasons, notes, problems) is in the active language.
"""

from __future__ import annotations

from typing import Any

from .results import Comparison, DepartmentPair, HandoffChange, MapAnalysis, StepChange

METRIC_NAMES = (
    "lead_time_minutes",
    "process_time_minutes",
    "wait_time_minutes",
    "work_content_minutes",
    "all_steps_wait_minutes",
    "activity_ratio",
    "flow_efficiency",
    "rolled_complete_accurate",
    "handoffs",
    "cross_department_handoffs",
    "rework_handoffs",
    "departments",
    "lane_changes_on_critical_path",
    "steps",
)


def metrics_dict(result: MapAnalysis) -> dict[str, Any]:
    """The map's metrics by name, in the documented order."""
    return {name: getattr(result.metrics, name) for name in METRIC_NAMES}


def _pair_dict(pair: DepartmentPair) -> dict[str, Any]:
    return {
        "from": pair.from_department,
        "to": pair.to_department,
        "from_department_id": pair.from_department_id,
        "to_department_id": pair.to_department_id,
        "count": pair.count,
        "rework_count": pair.rework_count,
        "wait_minutes": pair.wait_minutes,
        "wait_unknown_steps": pair.wait_unknown_steps,
        "complete_accurate": pair.complete_accurate,
        "on_critical_path": pair.on_critical_path,
        "ping_pong": pair.ping_pong,
        "score": pair.hotspot_score,
        "reasons": [str(r) for r in pair.reasons],
    }


def analysis_to_dict(result: MapAnalysis) -> dict[str, Any]:
    """The analysis as one JSON-ready dict (the documented analysis JSON)."""
    return {
        "map_id": result.map_id,
        "name": result.name,
        "kind": result.kind,
        "state": result.state,
        "version": result.version,
        "based_on": result.based_on_id,
        "working_day_minutes": result.working_day_minutes,
        "metrics": metrics_dict(result),
        "notes": {name: str(note) for name, note in result.notes.items()},
        "critical_path": list(result.critical_path),
        "departments": list(result.departments),
        "department_handoffs": [_pair_dict(p) for p in result.department_handoffs],
        "hotspots": [
            {
                "step_id": s.id,
                "title": s.title,
                "department": s.department,
                "score": s.hotspot_score,
                "wait_minutes": s.wait_minutes,
                "reasons": [str(r) for r in s.reasons],
            }
            for s in result.hotspots
        ],
        "department_hotspots": [
            {
                "from": p.from_department,
                "to": p.to_department,
                "score": p.hotspot_score,
                "reasons": [str(r) for r in p.reasons],
            }
            for p in result.department_hotspots
        ],
        "ping_pong": [
            {"departments": list(p.departments), "count": p.count} for p in result.ping_pong
        ],
        "rework_loops": [list(loop) for loop in result.rework_loops],
        "problems": [
            {
                "code": p.code,
                "message": str(p.message),
                "step_ids": list(p.step_ids),
                "handoff_ids": list(p.handoff_ids),
            }
            for p in result.problems
        ],
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "department": s.department,
                "wait_minutes": s.wait_minutes,
                "sends_cross_department": s.sends_cross_department,
                "receives_cross_department": s.receives_cross_department,
                "on_critical_path": s.on_critical_path,
                "in_rework_loop": s.in_rework_loop,
                "hotspot_score": s.hotspot_score,
            }
            for s in result.steps.values()
        ],
        "handoffs": [
            {
                "id": h.id,
                "from_step_id": h.from_step_id,
                "to_step_id": h.to_step_id,
                "cross_department": h.cross_department,
                "rework": h.rework,
                "on_critical_path": h.on_critical_path,
            }
            for h in result.handoffs.values()
        ],
    }


def _step_change_dict(change: StepChange) -> dict[str, Any]:
    return {
        "title": change.title,
        "before_step_id": change.before_step_id,
        "after_step_id": change.after_step_id,
        "before_department": change.before_department,
        "after_department": change.after_department,
    }


def _handoff_change_dict(change: HandoffChange) -> dict[str, Any]:
    return {
        "from_title": change.from_title,
        "to_title": change.to_title,
        "before_handoff_id": change.before_handoff_id,
        "after_handoff_id": change.after_handoff_id,
        "before_departments": list(change.before_departments)
        if change.before_departments
        else None,
        "after_departments": list(change.after_departments) if change.after_departments else None,
        "before_cross_department": change.before_cross_department,
        "after_cross_department": change.after_cross_department,
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The current-vs-future comparison as one JSON-ready dict."""
    return {
        "before": {
            "map_id": comparison.before.map_id,
            "name": comparison.before.name,
            "version": comparison.before.version,
        },
        "after": {
            "map_id": comparison.after.map_id,
            "name": comparison.after.name,
            "version": comparison.after.version,
        },
        "metrics": {
            m.name: {"before": m.before, "after": m.after, "change": m.change}
            for m in comparison.metrics
        },
        "steps": {
            "removed": [_step_change_dict(c) for c in comparison.steps_removed],
            "added": [_step_change_dict(c) for c in comparison.steps_added],
            "moved": [_step_change_dict(c) for c in comparison.steps_moved],
        },
        "handoffs": {
            "removed": [_handoff_change_dict(c) for c in comparison.handoffs_removed],
            "added": [_handoff_change_dict(c) for c in comparison.handoffs_added],
            "moved": [_handoff_change_dict(c) for c in comparison.handoffs_moved],
        },
        "notes": {
            "before": {n: str(m) for n, m in comparison.before.notes.items()},
            "after": {n: str(m) for n, m in comparison.after.notes.items()},
        },
    }
