"""Known-answer tests of the pure analysis, computed by hand; no database."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from valuestreams.analysis import analysis_to_dict, analyze, format_duration

from .analysis_mapbuilder import MapBuilder


def linear() -> tuple[MapBuilder, list[int]]:
    m = MapBuilder()
    a = m.step("Request", "Sales", pt=10, lt=60, ca=90, va=True)
    b = m.step("Quote", "Sales", pt=20, lt=120, ca=95)
    c = m.step("Check credit", "Finance", pt=30, lt=300, ca=80, va=True)
    d = m.step("Set up account", "IT", pt=15, lt=15, ca=100, va=True)
    m.chain(a, b, c, d)
    return m, [a, b, c, d]


def test_it_computes_the_metrics_of_a_linear_stream():
    m, ids = linear()
    r = analyze(m.build())
    assert r.critical_path == tuple(ids)
    assert r.metrics.lead_time_minutes == 495
    assert r.metrics.process_time_minutes == 75
    assert r.metrics.wait_time_minutes == 420
    assert r.metrics.work_content_minutes == 75
    assert r.metrics.activity_ratio == pytest.approx(75 / 495)
    assert r.metrics.flow_efficiency == pytest.approx(55 / 495)
    assert r.metrics.rolled_complete_accurate == pytest.approx(0.9 * 0.95 * 0.8 * 1.0)
    assert r.metrics.handoffs == 3
    assert r.metrics.cross_department_handoffs == 2
    assert r.metrics.departments == 3
    assert r.metrics.lane_changes_on_critical_path == 2
    assert r.departments == ("Sales", "Finance", "IT")
    assert r.notes == {}
    assert r.problems == ()


def test_it_counts_cross_department_handoffs():
    m, (a, b, c, d) = linear()
    r = analyze(m.build())
    flags = {(h.from_step_id, h.to_step_id): h.cross_department for h in r.handoffs.values()}
    assert flags == {(a, b): False, (b, c): True, (c, d): True}


def test_it_gives_each_step_its_wait_and_handoff_flags():
    m, (a, b, c, d) = linear()
    r = analyze(m.build())
    assert [r.steps[i].wait_minutes for i in (a, b, c, d)] == [50, 100, 270, 0]
    assert r.steps[b].sends_cross_department and not r.steps[b].receives_cross_department
    assert r.steps[c].receives_cross_department and r.steps[c].sends_cross_department
    assert r.steps[c].receives_from_departments == ("Sales",)
    assert all(r.steps[i].on_critical_path for i in (a, b, c, d))
    assert not any(r.steps[i].in_rework_loop for i in (a, b, c, d))


def test_it_builds_the_department_handoff_matrix():
    m, _ = linear()
    r = analyze(m.build())
    cells = {
        (p.from_department, p.to_department): (p.count, p.wait_minutes, p.complete_accurate)
        for p in r.department_handoffs
    }
    # The wait is the receiving step's; %C&A is the sending step's.
    assert cells == {("Sales", "Finance"): (1, 270, 0.95), ("Finance", "IT"): (1, 0, 0.8)}


def test_it_ranks_hotspots_by_the_documented_score():
    m, (_a, _b, c, d) = linear()
    r = analyze(m.build())
    # Check credit: 40 × 270/420 + 15 (critical path) + 5 (one sending department)
    # + 15 × (1 − 0.95) = 46.46; Set up account: 0 + 15 + 5 + 15 × 0.2 = 23.
    assert [(s.id, s.hotspot_score) for s in r.hotspots] == [(c, 46.5), (d, 23.0)]
    reasons = [str(x) for x in r.steps[c].reasons]
    assert reasons == [
        "4.5 h of the 7 h of waiting over all steps happens here",
        "on the critical path",
        "receives work from another department",
        "only 95% of the work it receives from other departments is complete and accurate",
    ]
    pair = r.department_hotspots[0]
    # 40 × 270/420 + 20 × 1/2 + 15 + 15 × 0.05 = 51.46
    assert (pair.from_department, pair.to_department, pair.hotspot_score) == (
        "Sales",
        "Finance",
        51.5,
    )


def test_it_takes_the_slower_of_parallel_branches():
    m = MapBuilder()
    s = m.step("Start", "Sales", pt=10, lt=10)
    fast = m.step("Fast branch", "IT", pt=20, lt=100)
    slow = m.step("Slow branch", "Finance", pt=30, lt=500)
    j = m.step("Join", "Sales", pt=5, lt=5)
    m.chain(s, fast, j)
    m.chain(s, slow, j)
    r = analyze(m.build())
    assert r.critical_path == (s, slow, j)
    assert r.metrics.lead_time_minutes == 515
    assert r.metrics.process_time_minutes == 45
    assert r.metrics.work_content_minutes == 65
    assert r.metrics.activity_ratio == pytest.approx(45 / 515)
    assert not r.steps[fast].on_critical_path
    assert r.metrics.lane_changes_on_critical_path == 2


def test_it_breaks_ties_between_branches_by_reading_order():
    m = MapBuilder()
    s = m.step("Start", "Sales", pt=1, lt=1)
    first = m.step("First", "IT", pt=1, lt=50)
    second = m.step("Second", "Finance", pt=1, lt=50)
    j = m.step("Join", "Sales", pt=1, lt=1)
    m.chain(s, second, j)
    m.chain(s, first, j)
    assert analyze(m.build()).critical_path == (s, first, j)


def rework_map() -> tuple[MapBuilder, list[int]]:
    m = MapBuilder()
    a = m.step("Apply", "Sales", pt=10, lt=30, ca=70)
    b = m.step("Review", "Finance", pt=20, lt=200, ca=90)
    c = m.step("Approve", "Finance", pt=10, lt=100)
    d = m.step("Provision", "IT", pt=30, lt=60)
    m.chain(a, b, c, d)
    m.handoff(b, a, rework=True)  # incomplete application sent back
    return m, [a, b, c, d]


def test_it_finds_a_rework_loop_and_its_target():
    m, (a, b, c, d) = rework_map()
    r = analyze(m.build())
    assert r.rework_loops == ((a, b),)
    assert r.steps[a].in_rework_loop and r.steps[b].in_rework_loop
    assert not r.steps[c].in_rework_loop
    assert r.steps[a].rework_loops_targeted == 1
    assert "target of a rework loop" in [str(x) for x in r.steps[a].reasons]
    # The rework handoff is left out of the critical path but counted as a handoff.
    assert r.critical_path == (a, b, c, d)
    assert r.metrics.lead_time_minutes == 390
    assert r.metrics.handoffs == 4
    assert r.metrics.rework_handoffs == 1
    assert r.metrics.cross_department_handoffs == 3


def test_it_reports_ping_pong_when_work_is_sent_back():
    m, _ = rework_map()
    r = analyze(m.build())
    assert [(p.departments, p.count) for p in r.ping_pong] == [
        (("Sales", "Finance"), 1),
        (("Finance", "Sales"), 1),
    ]


def test_it_collapses_repeats_in_ping_pong_but_not_other_departments():
    m = MapBuilder()
    a1 = m.step("A1", "A")
    b1 = m.step("B1", "B")
    b2 = m.step("B2", "B")
    a2 = m.step("A2", "A")
    c1 = m.step("C1", "C")
    a3 = m.step("A3", "A")
    m.chain(a1, b1, b2, a2)  # A → B → B → A: ping-pong
    m.chain(a2, c1)
    m.handoff(c1, b2)  # C → B → A: not A → B → A
    m.handoff(b2, a3)
    r = analyze(m.build())
    assert [(p.departments, p.count) for p in r.ping_pong] == [(("A", "B"), 1)]


def test_it_handles_missing_numbers_without_crashing():
    m = MapBuilder()
    a = m.step("Known", "Sales", pt=10, lt=60, ca=90)
    b = m.step("No lead time", "Finance", pt=5)
    c = m.step("No numbers", "IT", ca=50)
    m.chain(a, b, c)
    r = analyze(m.build())
    assert r.critical_path == (a, b, c)
    assert r.metrics.lead_time_minutes is None
    assert r.metrics.process_time_minutes is None
    assert r.metrics.wait_time_minutes is None
    assert r.metrics.activity_ratio is None
    assert r.metrics.flow_efficiency is None
    assert r.metrics.work_content_minutes is None
    # Rolled %C&A multiplies the steps that have one.
    assert r.metrics.rolled_complete_accurate == pytest.approx(0.45)
    assert r.metrics.all_steps_wait_minutes == 50
    assert str(r.notes["lead_time_minutes"]) == (
        "2 steps on the critical path have no lead time: “No lead time”, “No numbers”"
    )
    assert "work_content_minutes" in r.notes
    assert r.steps[b].wait_minutes is None
    d = analysis_to_dict(r)
    assert d["metrics"]["lead_time_minutes"] is None
    assert "lead_time_minutes" in d["notes"]


def test_it_notes_when_a_step_off_the_critical_path_has_no_lead_time():
    m = MapBuilder()
    s = m.step("Start", "Sales", pt=1, lt=10)
    x = m.step("Unknown branch", "IT", pt=1)
    y = m.step("Known branch", "Finance", pt=1, lt=20)
    m.chain(s, x)
    m.chain(s, y)
    r = analyze(m.build())
    assert r.critical_path == (s, y)
    assert r.metrics.lead_time_minutes == 30
    assert "slower path may exist" in str(r.notes["lead_time_minutes"])


def test_it_analyses_a_journey_map_without_any_numbers():
    m = MapBuilder(kind="customer_journey")
    a = m.step("Visit site", "Marketing")
    b = m.step("Call", "Support")
    m.chain(a, b)
    r = analyze(m.build())
    assert r.metrics.lead_time_minutes is None
    assert r.metrics.rolled_complete_accurate is None
    assert r.metrics.cross_department_handoffs == 1
    assert r.hotspots[0].id == b


def test_it_analyses_an_empty_map():
    r = analyze(MapBuilder().build())
    assert r.critical_path == ()
    assert r.metrics.steps == 0
    assert r.metrics.lead_time_minutes is None
    assert str(r.notes["lead_time_minutes"]) == "the map has no steps"


def test_it_reports_a_cycle_among_non_rework_handoffs_and_still_answers():
    m = MapBuilder()
    a = m.step("A", "Sales", pt=1, lt=10)
    b = m.step("B", "Finance", pt=1, lt=10)
    c = m.step("C", "IT", pt=1, lt=10)
    m.chain(a, b, c)
    m.handoff(c, b)  # should have been marked rework
    r = analyze(m.build())
    codes = [p.code for p in r.problems]
    assert codes == ["flow_cycle"]
    assert r.problems[0].step_ids == (b, c)
    assert r.critical_path == (a, b, c)
    assert r.metrics.lead_time_minutes == 30
    assert "critical_path" in r.notes


def test_it_reports_steps_unreachable_from_any_start():
    m = MapBuilder()
    a = m.step("A", "Sales", pt=1, lt=1)
    b = m.step("B", "Sales", pt=1, lt=1)
    u = m.step("U", "IT", pt=1, lt=1)
    v = m.step("V", "IT", pt=1, lt=1)
    m.chain(a, b)
    m.chain(u, v, u)
    r = analyze(m.build())
    unreachable = [p for p in r.problems if p.code == "unreachable"]
    assert unreachable[0].step_ids == (u, v)


def test_it_reports_handoffs_to_steps_without_a_lane():
    m = MapBuilder()
    a = m.step("A", "Sales", pt=1, lt=1)
    b = m.step("B", "IT", pt=1, lt=1)
    hid = m.handoff(a, b)
    m.handoff(a, 999)
    data = m.build()
    orphan = dataclasses.replace(data.steps[1], lane_id=12345)
    data = dataclasses.replace(data, steps=(data.steps[0], orphan))
    r = analyze(data)
    by_code = {p.code: p for p in r.problems}
    assert by_code["step_without_lane"].handoff_ids == (hid,)
    assert by_code["step_without_lane"].step_ids == (b,)
    assert by_code["unknown_step"].handoff_ids == (2,)
    assert r.metrics.handoffs == 1


def test_it_reports_steps_without_handoffs():
    m = MapBuilder()
    a = m.step("A", "Sales", pt=1, lt=1)
    b = m.step("B", "Sales", pt=1, lt=1)
    lonely = m.step("Lonely", "IT", pt=1, lt=1)
    m.chain(a, b)
    r = analyze(m.build())
    assert [(p.code, p.step_ids) for p in r.problems] == [("isolated", (lonely,))]


def test_it_counts_how_many_departments_a_step_receives_work_from():
    m = MapBuilder()
    x = m.step("Onboard", "IT", pt=10, lt=100)
    for dept in ("HR", "Finance", "Facilities"):
        m.handoff(m.step(f"Send from {dept}", dept, pt=1, lt=1), x)
    r = analyze(m.build())
    assert r.steps[x].receives_from_departments == ("HR", "Finance", "Facilities")
    assert "receives work from 3 departments" in [str(s) for s in r.steps[x].reasons]
    assert r.hotspots[0].id == x


def test_it_formats_durations_in_friendly_units():
    assert format_duration(None) == "—"
    assert format_duration(45) == "45 min"
    assert format_duration(90) == "1.5 h"
    assert format_duration(22 * 60, 1440) == "22 h"
    assert format_duration(960, 480) == "2 d"


def test_it_is_deterministic_and_picklable_for_the_cache():
    m, _ = rework_map()
    data = m.build()
    r = analyze(data)
    assert analyze(data) == r
    assert pickle.loads(pickle.dumps(r)) == r
    assert analysis_to_dict(pickle.loads(pickle.dumps(r))) == analysis_to_dict(r)
