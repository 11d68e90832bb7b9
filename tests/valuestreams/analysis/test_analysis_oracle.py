"""Oracle: the department handoff counts agree with pm4py's network analysis.

Each handoff of a map becomes one case of an event log with two events, one
in the sending department and one in the receiving department; pm4py then
counts the transitions between departments. pm4py is AGPL: imported here, in
tests only, never by the app.
"""

from __future__ import annotations

import pandas as pd
import pytest

from valuestreams.analysis import analyze
from valuestreams.mapdata import MapData

pm4py = pytest.importorskip("pm4py")

DEPT = "department"


def event_log(data: MapData) -> pd.DataFrame:
    """One case per handoff: the sender's event, then the receiver's, a minute later."""
    names = {lane.department_id: lane.name for lane in data.lanes}
    step = {s.id: s for s in data.steps}
    start = pd.Timestamp("2024-01-01T09:00:00Z")
    rows = []
    for h in data.handoffs:
        for offset, step_id in enumerate((h.from_step_id, h.to_step_id)):
            rows.append(
                {
                    "case:concept:name": f"h{h.id}",
                    "concept:name": step[step_id].title,
                    "time:timestamp": start + pd.Timedelta(minutes=offset),
                    DEPT: names[step[step_id].department_id],
                }
            )
    return pd.DataFrame(rows)


def pm4py_counts(data: MapData) -> dict[tuple[str, str], int]:
    network = pm4py.discover_network_analysis(
        event_log(data),
        out_column="case:concept:name",
        in_column="case:concept:name",
        node_column_source=DEPT,
        node_column_target=DEPT,
        edge_column="concept:name",
        performance=False,
    )
    counts: dict[tuple[str, str], int] = {}
    for (a, b), by_edge in network.items():
        if a != b:
            counts[(a, b)] = counts.get((a, b), 0) + int(sum(by_edge.values()))
    return counts


def stored_like(size: int, seed: int) -> MapData:
    """A synthetic map as plain data (the benchmark's generator, without a database)."""
    from valuestreams.management.commands.bench_analysis import synthetic_document
    from valuestreams.mapdata import HandoffData, LaneData, StageData, StepData

    doc = synthetic_document(size, seed=seed)
    lanes = tuple(
        LaneData(id=100 + i, department_id=i + 1, name=d.name, short_name="", color=d.color)
        for i, d in enumerate(doc.departments)
    )
    lane_of = {d.name: lane for d, lane in zip(doc.departments, lanes, strict=True)}
    stages = tuple(StageData(id=900 + i, name=name) for i, name in enumerate(doc.stages))
    stage_of = {s.name: s for s in stages}
    steps = tuple(
        StepData(
            id=i + 1,
            lane_id=lane_of[s.department].id,
            department_id=lane_of[s.department].department_id,
            stage_id=stage_of[s.stage].id,
            position=i,
            title=s.title,
            process_time_minutes=s.process_time_minutes,
            lead_time_minutes=s.lead_time_minutes,
            complete_accurate_pct=s.complete_accurate_pct,
            value_adding=s.value_adding,
            touchpoint="",
            channel="",
            emotion=None,
            pain_points=(),
            opportunities=(),
            owner="",
            version=1,
        )
        for i, s in enumerate(doc.steps)
    )
    key = {s.key: i + 1 for i, s in enumerate(doc.steps)}
    handoffs = tuple(
        HandoffData(i + 1, key[h.from_key], key[h.to_key], "", h.rework, 1)
        for i, h in enumerate(doc.handoffs)
    )
    return MapData(
        id=seed, workspace_id=1, name=doc.name, kind=doc.kind, state=doc.state, version=1,
        based_on_id=None, persona="", working_day_minutes=480, lanes=lanes, stages=stages,
        steps=steps, handoffs=handoffs,
    )  # fmt: skip


@pytest.mark.parametrize(("size", "seed"), [(30, 1), (120, 2), (400, 3)])
def test_department_handoff_counts_match_pm4py(size, seed):
    data = stored_like(size, seed)
    ours = {
        (p.from_department, p.to_department): p.count for p in analyze(data).department_handoffs
    }
    assert ours == pm4py_counts(data)
    assert sum(ours.values()) > 0


@pytest.mark.django_db
def test_a_stored_demo_map_matches_pm4py(onboarding):
    from valuestreams.mapdata import load_map_data

    data = load_map_data(onboarding.pk)
    ours = {
        (p.from_department, p.to_department): p.count for p in analyze(data).department_handoffs
    }
    assert ours == pm4py_counts(data)
