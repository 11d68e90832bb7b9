"""Properties of the analysis that must hold for every map (hypothesis)."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuestreams.analysis import analyze
from valuestreams.mapdata import HandoffData, MapData

from .analysis_mapbuilder import MapBuilder

DEPARTMENTS = ["Sales", "Finance", "IT", "HR", "Legal"]


@st.composite
def maps(draw, max_steps: int = 12, complete: bool = True) -> MapData:
    """A random map: forward (non-rework) handoffs form a DAG; rework handoffs point back."""
    n = draw(st.integers(min_value=1, max_value=max_steps))
    m = MapBuilder()
    ids = []
    for i in range(n):
        pt = draw(st.integers(min_value=1, max_value=600))
        wait = draw(st.integers(min_value=0, max_value=5000))
        missing = not complete and draw(st.booleans())
        ids.append(
            m.step(
                f"Step {i}",
                draw(st.sampled_from(DEPARTMENTS)),
                pt=None if missing else pt,
                lt=None if missing else pt + wait,
                ca=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=100))),
                va=draw(st.booleans()),
            )
        )
    pairs = draw(
        st.sets(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            max_size=3 * n,
        )
    )
    for a, b in sorted(pairs):
        if (b, a) in pairs and a > b:
            continue  # the database allows it, but keep one direction for clarity
        m.handoff(ids[a], ids[b], rework=a > b)
    return m.build()


def direct_cross_count(data: MapData) -> int:
    dept = {s.id: s.department_id for s in data.steps}
    return sum(dept[h.from_step_id] != dept[h.to_step_id] for h in data.handoffs)


@given(maps(complete=False))
def test_it_counts_cross_department_handoffs_like_a_direct_count(data):
    result = analyze(data)
    assert result.metrics.cross_department_handoffs == direct_cross_count(data)
    assert sum(p.count for p in result.department_handoffs) == direct_cross_count(data)


@given(maps())
def test_the_activity_ratio_lies_between_zero_and_one(data):
    ratio = analyze(data).metrics.activity_ratio
    assert ratio is not None
    assert 0 < ratio <= 1


@given(maps(complete=False))
def test_hotspot_scores_stay_between_0_and_100(data):
    result = analyze(data)
    assert all(0 <= s.hotspot_score <= 100 for s in result.steps.values())
    assert all(0 <= p.hotspot_score <= 100 for p in result.department_handoffs)
    scores = [s.hotspot_score for s in result.hotspots]
    assert scores == sorted(scores, reverse=True)


@given(maps(), st.data())
def test_adding_a_step_in_the_same_department_never_adds_a_cross_department_handoff(data, draw):
    dept = {s.id: s.department_id for s in data.steps}
    lane = {s.department_id: s.lane_id for s in data.steps}
    candidates = [h for h in data.handoffs if dept[h.from_step_id] == dept[h.to_step_id]]
    before = analyze(data).metrics.cross_department_handoffs
    if not candidates:
        return
    h = draw.draw(st.sampled_from(candidates))
    new_id = max(s.id for s in data.steps) + 1
    template = next(s for s in data.steps if s.id == h.from_step_id)
    inserted = dataclasses.replace(
        template, id=new_id, title="Inserted", lane_id=lane[dept[h.from_step_id]]
    )
    next_handoff = max(x.id for x in data.handoffs) + 1
    handoffs = [x for x in data.handoffs if x.id != h.id] + [
        HandoffData(next_handoff, h.from_step_id, new_id, "", h.rework, 1),
        HandoffData(next_handoff + 1, new_id, h.to_step_id, "", h.rework, 1),
    ]
    bigger = dataclasses.replace(data, steps=(*data.steps, inserted), handoffs=tuple(handoffs))
    assert analyze(bigger).metrics.cross_department_handoffs == before


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(maps(max_steps=9))
def test_the_critical_path_is_at_least_as_long_as_any_other_path(data):
    result = analyze(data)
    lead = {s.id: s.lead_time_minutes for s in data.steps}
    flow = nx.DiGraph()
    flow.add_nodes_from(lead)
    flow.add_edges_from((h.from_step_id, h.to_step_id) for h in data.handoffs if not h.rework)
    starts = [n for n in flow if flow.in_degree(n) == 0]
    ends = [n for n in flow if flow.out_degree(n) == 0]
    path = result.critical_path
    assert path[0] in starts and path[-1] in ends
    assert all(flow.has_edge(a, b) for a, b in pairwise(path))
    assert result.metrics.lead_time_minutes == sum(lead[i] for i in path)
    for start in starts:
        for end in ends:
            others = [[start]] if start == end else nx.all_simple_paths(flow, start, end)
            for other in others:
                assert result.metrics.lead_time_minutes >= sum(lead[i] for i in other)
