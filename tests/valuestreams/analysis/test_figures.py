"""Every figure has one name and one definition, notes say each problem once, unknown
ratios read "—" with their reason, and a journey runs along its handoffs."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from django.utils import translation

from departments.formats import format_duration
from valuestreams.analysis import MapAnalysis, analyze, journey_order
from valuestreams.analysis.definitions import DEFINITIONS, map_figures, note_lines
from valuestreams.analysis.results import MapMetrics
from valuestreams.layout import layout_map
from valuestreams.models import MapMetric

from ..mapdata_builders import handoff, map_data, step
from .demo_maps import demo_map

DOCS = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _documented() -> dict[str, str]:
    """The "What each figure means" section of docs/metrics.md: heading → paragraph."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## What each figure means\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    for block in section.split("\n### ")[1:]:
        heading, _, body = block.partition("\n")
        found[heading.strip()] = " ".join(body.split())
    return found


def test_every_figure_is_defined_in_code_and_in_the_docs_with_the_same_words():
    documented = _documented()
    in_code = {str(d.label): " ".join(str(d.text).split()) for d in DEFINITIONS.values()}
    assert documented == in_code
    # Every metric the analysis reports, and everything the pages show, has one.
    shown = {f.name for f in fields(MapMetrics)} | {"lowest_emotion", "critical_path"}
    assert shown == set(DEFINITIONS)


def test_no_two_figures_share_a_name_in_any_language():
    for language in ("en", "nl", "de"):
        with translation.override(language):
            labels = [str(d.label) for d in DEFINITIONS.values()]
        assert len(set(labels)) == len(labels), language


def test_a_kpi_names_the_map_metric_it_follows_as_the_pages_name_it():
    # A KPI bound to "wait_time_minutes" must not say "Waiting time" while the
    # map's tile says "Waiting on the critical path": one name per figure.
    for language in ("en", "nl", "de"):
        with translation.override(language):
            for metric in MapMetric:
                assert str(metric.label) == str(DEFINITIONS[metric.value].label), language


def test_the_two_waiting_figures_of_the_onboarding_demo_have_distinct_names():
    analysis = analyze(demo_map("onboarding_current"))
    tiles = {f.key: f for f in map_figures(analysis)}
    on_path, everywhere = tiles["wait_time_minutes"], tiles["all_steps_wait_minutes"]
    assert (on_path.label, on_path.value) == ("Waiting on the critical path", "31.4 d")
    assert (everywhere.label, everywhere.value) == ("Waiting over all steps", "54.2 d")
    # The hotspot reasons speak of the second figure, by its name and value.
    reasons = [str(r) for s in analysis.hotspots for r in s.reasons if "waiting" in str(r)]
    assert reasons
    assert all("of the 54.2 d of waiting over all steps happens" in r for r in reasons)
    pair_reasons = [str(r) for p in analysis.department_hotspots for r in p.reasons]
    assert any("of the 54.2 d of waiting over all steps happens after" in r for r in pair_reasons)


def test_an_empty_map_says_it_has_no_steps_once_for_all_its_figures():
    analysis = analyze(map_data(()))
    lines = note_lines(analysis)
    assert [line.text for line in lines] == ["the map has no steps"]
    assert "Lead time" in lines[0].labels and "Flow efficiency" in lines[0].labels
    assert len(lines[0].labels) == len(analysis.notes) == 7


def test_a_missing_lead_time_is_said_once_with_its_step_and_every_figure_it_hides():
    # As a map discovered from an event log: no process times, the first step
    # without a lead time (nothing happens before a case's first event).
    steps = (
        step(1, 1, 1, title="register request"),
        step(2, 2, 2, title="examine casually", lead_time_minutes=120.0),
        step(3, 3, 3, title="decide", lead_time_minutes=60.0),
    )
    analysis = analyze(map_data(steps, (handoff(1, 1, 2), handoff(2, 2, 3))))
    texts = [line.text for line in note_lines(analysis)]
    assert len(texts) == len(set(texts))
    assert not any("is unknown" in t for t in texts)  # a cause, never a bare "unknown"
    lead = next(line for line in note_lines(analysis) if "no lead time" in line.text)
    assert lead.text == "a step on the critical path has no lead time: “register request”"
    assert set(lead.labels) >= {"Lead time", "Waiting on the critical path", "Activity ratio"}
    tiles = {f.key: f.value for f in map_figures(analysis)}
    assert tiles["activity_ratio"] == tiles["flow_efficiency"] == "—"


def test_an_unknown_activity_ratio_names_the_steps_without_a_process_time():
    steps = (
        step(1, 1, 1, title="Receive", lead_time_minutes=60.0),
        step(2, 2, 2, title="Check", lead_time_minutes=30.0, process_time_minutes=10.0),
    )
    analysis = analyze(map_data(steps, (handoff(1, 1, 2),)))
    assert analysis.metrics.lead_time_minutes == 90
    assert analysis.metrics.activity_ratio is None
    assert {f.key: f.value for f in map_figures(analysis)}["activity_ratio"] == "—"
    line = next(line for line in note_lines(analysis) if "Activity ratio" in line.labels)
    assert line.text == "a step on the critical path has no process time: “Receive”"


def _two_steps(first_adds_value: bool, second_adds_value: bool) -> MapAnalysis:
    steps = (
        step(1, 1, 1, title="Ask", process_time_minutes=10.0, lead_time_minutes=60.0),
        step(2, 2, 2, title="Do", process_time_minutes=20.0, lead_time_minutes=100.0),
        step(3, 2, 3, title="Side", process_time_minutes=5.0, lead_time_minutes=5.0),
    )
    steps = (
        replace(steps[0], value_adding=first_adds_value),
        replace(steps[1], value_adding=second_adds_value),
        replace(steps[2], value_adding=False),
    )
    return analyze(map_data(steps, (handoff(1, 1, 2), handoff(2, 1, 3))))


def test_flow_efficiency_without_any_value_adding_step_is_unknown_and_says_what_to_mark():
    analysis = _two_steps(False, False)
    assert analysis.metrics.flow_efficiency is None
    assert {f.key: f.value for f in map_figures(analysis)}["flow_efficiency"] == "—"
    (line,) = [line for line in note_lines(analysis) if "Flow efficiency" in line.labels]
    assert "no step is marked value-adding" in line.text and "“Value-adding”" in line.text
    # Once a step is marked, the figure is measured again.
    assert _two_steps(True, False).metrics.flow_efficiency == pytest.approx(10 / 160)


def test_the_event_permit_demo_no_longer_reports_a_flow_efficiency_of_zero():
    analysis = analyze(demo_map("event_permit"))
    tiles = {f.key: f.value for f in map_figures(analysis)}
    assert tiles["flow_efficiency"] == "—"
    assert tiles["activity_ratio"] != "—"  # its process times are all known


def test_the_onboarding_journey_runs_along_its_handoffs():
    data = demo_map("onboarding_current")
    title = {s.id: s.title for s in data.steps}
    order = [title[i] for i in journey_order(data)]
    day_one = [
        t
        for t in order
        if t
        in {
            "Introduction programme",
            "Collect badge at reception",
            "Welcome at the desk, hand over laptop",
        }
    ]
    assert day_one == [
        "Collect badge at reception",
        "Welcome at the desk, hand over laptop",
        "Introduction programme",
    ]
    # Every non-rework handoff points forward; rework ("back to HR") may not.
    rank = {i: n for n, i in enumerate(journey_order(data))}
    assert sorted(rank) == sorted(s.id for s in data.steps)
    for h in data.handoffs:
        assert h.rework or rank[h.from_step_id] < rank[h.to_step_id]


def test_the_emotion_curve_of_day_one_ends_where_the_day_ends():
    data = demo_map("onboarding_current")
    day_one = next(s.id for s in data.stages if s.name == "Day one")
    ids = {s.id for s in data.steps if s.stage_id == day_one}
    curve = layout_map(data).curve
    assert curve is not None
    points = sorted((p for p in curve.points if p.step_id in ids), key=lambda p: p.x)
    assert [p.emotion for p in points] == [-1, -2, +1]


def test_a_cycle_without_rework_still_lists_every_step_once():
    steps = tuple(step(i, i, 1, title=f"S{i}") for i in (1, 2, 3))
    data = map_data(steps, (handoff(1, 1, 2), handoff(2, 2, 3), handoff(3, 3, 1)))
    assert journey_order(data) == (1, 2, 3)


def test_the_hotspot_reason_and_the_tile_format_the_same_total():
    data = demo_map("office_move")
    analysis = analyze(data)
    total = format_duration(analysis.metrics.all_steps_wait_minutes, data.working_day_minutes)
    tile = {f.key: f.value for f in map_figures(analysis)}["all_steps_wait_minutes"]
    assert tile == total
    waits = [str(r) for s in analysis.steps.values() for r in s.reasons if "waiting" in str(r)]
    assert waits and all(re.search(f"of the {re.escape(total)} of waiting", w) for w in waits)
