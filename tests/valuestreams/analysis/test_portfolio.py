"""The portfolio: numbers equal the sum of the per-map analyses; reasons, goals, wins."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import KPI, DecisionRight, SharedGoal
from valuestreams.analysis import analysis_for_map
from valuestreams.analysis.portfolio import build_portfolio
from valuestreams.models import Handoff, Improvement, KPIMapMetric, Map, Step
from valuestreams.portfoliodata import load_portfolio_input, portfolio_for_workspace

from .conftest import import_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(workspace: Any, onboarding: Map, onboarding_future: Map) -> dict[str, Map]:
    return {
        "onboarding": onboarding,
        "future": onboarding_future,
        "move": import_demo(workspace, "office_move"),
        "permit": import_demo(workspace, "event_permit"),
    }


def expected_pairs(
    maps: list[Map],
) -> tuple[Counter[tuple[int, int]], dict[tuple[int, int], float]]:
    counts: Counter[tuple[int, int]] = Counter()
    waits: dict[tuple[int, int], float] = {}
    for map_obj in maps:
        for pair in analysis_for_map(map_obj.pk).department_handoffs:
            key = (pair.from_department_id, pair.to_department_id)
            counts[key] += pair.count
            if pair.wait_minutes is not None:
                waits[key] = waits.get(key, 0.0) + pair.wait_minutes
    return counts, waits


def test_the_heatmap_is_the_sum_of_the_current_maps_analyses(workspace, demo) -> None:
    portfolio = portfolio_for_workspace(workspace)
    counts, waits = expected_pairs([demo["onboarding"], demo["move"], demo["permit"]])

    got = {(f.from_department_id, f.to_department_id): f for f in portfolio.flows}
    assert {k: f.count for k, f in got.items()} == dict(counts)
    assert {k: f.wait_minutes for k, f in got.items() if f.wait_minutes is not None} == (
        pytest.approx(waits)
    )
    assert portfolio.cross_department_handoffs == sum(
        analysis_for_map(m.pk).metrics.cross_department_handoffs
        for m in (demo["onboarding"], demo["move"], demo["permit"])
    )


def test_the_matrix_puts_the_flows_in_rows_and_columns(workspace, demo) -> None:
    portfolio = portfolio_for_workspace(workspace)
    names, rows = portfolio.matrix("count")
    _, wait_rows = portfolio.matrix("wait")

    for flow in portfolio.flows:
        i, j = names.index(flow.from_department), names.index(flow.to_department)
        assert rows[i][j] == flow.count
        assert wait_rows[i][j] == flow.wait_minutes
    assert sum(c or 0 for row in rows for c in row) == portfolio.cross_department_handoffs


def test_future_states_are_not_counted_but_give_the_change(workspace, demo) -> None:
    portfolio = portfolio_for_workspace(workspace)
    rows = {row.map_id: row for row in portfolio.maps}

    assert demo["future"].pk not in rows
    future = rows[demo["onboarding"].pk].future
    assert future is not None and future.map_id == demo["future"].pk
    lead = future.change("lead_time_minutes")
    before = analysis_for_map(demo["onboarding"].pk).metrics.lead_time_minutes
    after = analysis_for_map(demo["future"].pk).metrics.lead_time_minutes
    assert (lead.before, lead.after, lead.change) == (before, after, after - before)
    assert rows[demo["move"].pk].future is None


def test_filters_choose_maps_by_kind_and_by_department(workspace, demo) -> None:
    journeys = portfolio_for_workspace(workspace, kind="employee_journey")
    it = demo["onboarding"].lanes.get(department__name="IT").department_id
    with_it = portfolio_for_workspace(workspace, department_id=it)

    assert {r.map_id for r in journeys.maps} == {
        m.pk for m in Map.objects.filter(kind="employee_journey", state="current")
    }
    expected = {m.pk for m in Map.objects.filter(state="current", steps__lane__department_id=it)}
    assert {r.map_id for r in with_it.maps} == expected
    counts, _ = expected_pairs(list(Map.objects.filter(pk__in=expected)))
    assert sum(f.count for f in with_it.flows) == sum(counts.values())


def test_an_unclear_decision_right_on_a_hotspot_becomes_a_reason(workspace, demo) -> None:
    right = DecisionRight.objects.create(workspace=workspace, area="Role profile", status="unclear")
    rework = Handoff.objects.get(map=demo["onboarding"], rework=True)
    rework.decision_right = right
    rework.save()

    portfolio = portfolio_for_workspace(workspace)
    hotspot = next(h for h in portfolio.hotspots if h.step_id == rework.to_step_id)

    assert [r.id for r in hotspot.decision_rights] == [right.pk]
    assert hotspot.reasons[-1].code == "decision_right_unclear"
    assert "Role profile" in str(hotspot.reasons[-1])
    assert portfolio.hotspots_for_right(right.pk) == (hotspot,)


def test_an_owned_decision_right_is_listed_but_gives_no_reason(workspace, demo) -> None:
    right = DecisionRight.objects.create(workspace=workspace, area="Laptops", status="owned")
    target = Handoff.objects.get(map=demo["onboarding"], rework=True).to_step
    Step.objects.filter(pk=target.pk).update(decision_right=right)

    hotspot = next(h for h in portfolio_for_workspace(workspace).hotspots if h.step_id == target.pk)

    assert hotspot.decision_rights[0].id == right.pk
    assert not any(r.code.startswith("decision_right") for r in hotspot.reasons)


def test_a_goal_bound_to_a_map_is_threatened_by_its_hotspots(workspace, demo) -> None:
    goal = SharedGoal.objects.create(workspace=workspace, title="Day one")
    kpi = KPI.objects.create(goal=goal, name="Lead time", baseline=30, target=10)
    KPIMapMetric.objects.create(kpi=kpi, map=demo["onboarding"])

    portfolio = portfolio_for_workspace(workspace)

    on_map = [h for h in portfolio.hotspots if h.map_id == demo["onboarding"].pk]
    assert on_map and all([g.title for g in h.goals] == ["Day one"] for h in on_map)
    assert all(not h.goals for h in portfolio.hotspots if h.map_id != demo["onboarding"].pk)


def test_hotspots_rank_by_score_across_maps(workspace, demo) -> None:
    scores = [h.score for h in portfolio_for_workspace(workspace).hotspots]

    assert scores == sorted(scores, reverse=True)
    assert {h.map_id for h in portfolio_for_workspace(workspace).hotspots} >= {
        demo["onboarding"].pk,
        demo["permit"].pk,
    }


def test_wins_are_done_improvements_of_the_last_90_days(workspace, demo) -> None:
    today = dt.date(2026, 6, 30)
    recent = Improvement.objects.create(
        workspace=workspace,
        title="Recent",
        map=demo["onboarding"],
        status="done",
        done_date=today - dt.timedelta(days=90),
    )
    Improvement.objects.create(
        workspace=workspace, title="Old", status="done", done_date=today - dt.timedelta(days=91)
    )
    Improvement.objects.create(workspace=workspace, title="Doing", status="doing")

    wins = build_portfolio(load_portfolio_input(workspace, today=today)).wins

    assert [w.improvement.id for w in wins] == [recent.pk]
    assert wins[0].future is not None and wins[0].future.map_id == demo["future"].pk


def count_queries(workspace: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        portfolio_for_workspace(workspace)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_maps(workspace) -> None:
    import_demo(workspace, "onboarding_current")
    cold_one = count_queries(workspace)
    warm_one = count_queries(workspace)
    for name in ("office_move", "event_permit", "onboarding_future"):
        import_demo(workspace, name)
    cache.clear()
    cold_many = count_queries(workspace)
    warm_many = count_queries(workspace)

    assert cold_many == cold_one
    assert warm_many == warm_one
    # Seven queries (no decision rights to prefetch), four more for the maps when not cached.
    assert (cold_one, warm_one) == (11, 7)
