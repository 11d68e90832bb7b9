"""Current state against future state, on plain data."""

from __future__ import annotations

import pytest

from valuestreams.analysis import analyze, compare, comparison_to_dict, title_key

from .analysis_mapbuilder import MapBuilder


def current():
    m = MapBuilder(map_id=1)
    a = m.step("Request laptop", "HR", pt=10, lt=100)
    b = m.step("Order laptop", "IT", pt=20, lt=2000)
    c = m.step("Hand over", "Facilities", pt=10, lt=60)
    m.chain(a, b, c)
    return m.build()


def future():
    m = MapBuilder(map_id=2, state="future", based_on_id=1)
    a = m.step("  request   LAPTOP ", "HR", pt=10, lt=100)
    x = m.step("Issue laptop from stock", "IT", pt=20, lt=200)
    c = m.step("Hand over", "IT", pt=10, lt=60)
    m.chain(a, x, c)
    return m.build()


def test_it_matches_titles_ignoring_case_and_whitespace():
    assert title_key("  request   LAPTOP ") == title_key("Request laptop")


def test_it_reports_every_metric_before_after_and_change():
    result = compare(current(), future())
    metrics = {m.name: m for m in result.metrics}
    lead = metrics["lead_time_minutes"]
    assert (lead.before, lead.after, lead.change) == (2160, 360, -1800)
    assert metrics["cross_department_handoffs"].change == -1
    assert metrics["activity_ratio"].after == pytest.approx(40 / 360)


def test_it_lists_steps_removed_added_and_moved():
    result = compare(analyze(current()), future())
    assert [s.title for s in result.steps_removed] == ["Order laptop"]
    assert [s.title for s in result.steps_added] == ["Issue laptop from stock"]
    assert [(s.title, s.before_department, s.after_department) for s in result.steps_moved] == [
        ("Hand over", "Facilities", "IT")
    ]


def test_it_lists_handoffs_removed_added_and_moved():
    m = MapBuilder(map_id=3, state="future")
    a = m.step("Request laptop", "HR")
    b = m.step("Order laptop", "HR")
    c = m.step("Hand over", "Facilities")
    m.chain(a, b, c)
    result = compare(current(), m.build())
    moved = result.handoffs_moved
    # Order laptop moved from IT to HR: both its handoffs now join another pair.
    assert [(h.from_title, h.to_title) for h in moved] == [
        ("Request laptop", "Order laptop"),
        ("Order laptop", "Hand over"),
    ]
    assert moved[0].before_cross_department and not moved[0].after_cross_department
    assert result.handoffs_removed == result.handoffs_added == ()
    data = comparison_to_dict(result)
    assert data["metrics"]["cross_department_handoffs"] == {"before": 2, "after": 1, "change": -1}
    assert data["handoffs"]["moved"][0]["after_departments"] == ["HR", "HR"]
