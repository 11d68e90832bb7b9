"""Department, decision-rights and goal pages seen through the maps."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from departments.models import KPI, DecisionRight, GoalParticipant, KPIReading, SharedGoal
from valuestreams.analysis import analysis_for_map
from valuestreams.models import Handoff, KPIMapMetric, Map, Step

from ..factories import map_with_steps
from .analysis.conftest import import_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(workspace: Any) -> Map:
    return import_demo(workspace, "onboarding_current")


@pytest.fixture
def future(workspace: Any, onboarding: Map) -> Map:
    return import_demo(workspace, "onboarding_future", based_on=onboarding)


def test_the_department_page_lists_its_handoffs_both_ways_with_waiting(
    client, workspace, viewer, onboarding
):
    it = onboarding.lanes.get(department__name="IT").department
    goal = SharedGoal.objects.create(workspace=workspace, title="Day one")
    GoalParticipant.objects.create(goal=goal, department=it, risk_share_pct=30)
    client.force_login(viewer)

    response = client.get(reverse("department_detail", args=[workspace.slug, it.pk]))

    pairs = analysis_for_map(onboarding.pk).department_handoffs
    sent = {(f.to_department, f.count, f.wait_minutes) for f in response.context["sent"]}
    received = {(f.from_department, f.count, f.wait_minutes) for f in response.context["received"]}
    assert sent == {
        (p.to_department, p.count, p.wait_minutes) for p in pairs if p.from_department_id == it.pk
    }
    assert received == {
        (p.from_department, p.count, p.wait_minutes) for p in pairs if p.to_department_id == it.pk
    }
    assert all(h.department_id == it.pk for h in response.context["hotspots"])
    assert response.context["hotspots"]
    assert b"Day one" in response.content and b"30%" in response.content


def test_the_decision_rights_page_lists_what_depends_on_each_right(
    client, workspace, viewer, onboarding
):
    right = DecisionRight.objects.create(workspace=workspace, area="Role profile")
    rework = Handoff.objects.get(map=onboarding, rework=True)
    Handoff.objects.filter(pk=rework.pk).update(decision_right=right)
    client.force_login(viewer)

    response = client.get(reverse("decision_right_list", args=[workspace.slug]))

    use = next(u for u in response.context["uses"] if u.right == right)
    assert [h.pk for h in use.handoffs] == [rework.pk]
    assert [h.step_id for h in use.hotspots] == [rework.to_step_id]


def test_a_facilitator_links_steps_and_handoffs_to_a_decision_right(
    client, workspace, other_workspace, facilitator
):
    right = DecisionRight.objects.create(workspace=workspace, area="Budget")
    _map, (first, second) = map_with_steps(workspace)
    _other, (foreign, _x) = map_with_steps(other_workspace)
    handoff = Handoff.objects.get(from_step=first)
    client.force_login(facilitator)
    url = reverse("decision_right_links", args=[workspace.slug, right.pk])

    response = client.post(url, {"steps": [first.pk], "handoffs": [handoff.pk]})
    assert response.status_code == 302
    assert list(right.steps.all()) == [first]
    assert list(right.handoffs.all()) == [handoff]

    response = client.post(url, {"steps": [second.pk, foreign.pk]})
    assert response.status_code == 200  # the foreign step is not a valid choice
    assert list(right.steps.all()) == [first]

    client.post(url, {"steps": [second.pk]})
    assert list(right.steps.all()) == [second]
    assert not right.handoffs.exists()
    assert Step.objects.get(pk=foreign.pk).decision_right is None


@pytest.fixture
def kpi(workspace: Any) -> KPI:
    goal = SharedGoal.objects.create(workspace=workspace, title="Day one")
    kpi = KPI.objects.create(goal=goal, name="Lead time", unit="days", baseline=32, target=12)
    for day, value in (("2026-01-01", 32), ("2026-02-01", 29), ("2026-03-01", 27)):
        KPIReading.objects.create(kpi=kpi, date=day, value=value)
    return kpi


def test_the_goal_page_shows_status_chart_and_the_bound_maps_values(
    client, workspace, viewer, kpi, onboarding, future
):
    KPIMapMetric.objects.create(kpi=kpi, map=onboarding, metric="lead_time_minutes")
    client.force_login(viewer)

    response = client.get(reverse("goal_detail", args=[workspace.slug, kpi.goal_id]))

    (view,) = response.context["kpis"]
    assert view.status == "on_track"
    wd = workspace.working_day_minutes
    assert view.map_current == round(
        analysis_for_map(onboarding.pk).metrics.lead_time_minutes / wd, 1
    )
    assert view.map_future == round(analysis_for_map(future.pk).metrics.lead_time_minutes / wd, 1)
    assert b'id="kpi-chart-%d-data"' % kpi.pk in response.content
    figure_y = view.figure["data"][0]["y"]
    assert list(figure_y) == [32, 29, 27]


def test_a_facilitator_adds_a_reading_inline(client, workspace, facilitator, kpi):
    client.force_login(facilitator)
    page = client.get(reverse("goal_detail", args=[workspace.slug, kpi.goal_id]))
    assert reverse("kpi_reading_create", args=[workspace.slug, kpi.goal_id, kpi.pk]).encode() in (
        page.content
    )

    client.post(
        reverse("kpi_reading_create", args=[workspace.slug, kpi.goal_id, kpi.pk]),
        {"date": "2026-04-01", "value": "20", "note": ""},
    )

    assert kpi.readings.count() == 4


def test_a_facilitator_binds_and_unbinds_a_kpi(client, workspace, facilitator, kpi, onboarding):
    client.force_login(facilitator)
    url = reverse("kpi_map_metric_edit", args=[workspace.slug, kpi.goal_id, kpi.pk])

    response = client.post(
        url, {"map": onboarding.pk, "metric": "lead_time_minutes", "unit": "working_days"}
    )
    assert response.status_code == 302
    assert KPIMapMetric.objects.get(kpi=kpi).map == onboarding

    client.post(url, {"map": "", "metric": "lead_time_minutes", "unit": "working_days"})
    assert not KPIMapMetric.objects.filter(kpi=kpi).exists()


def test_a_kpi_cannot_follow_a_map_of_another_workspace(
    client, workspace, other_workspace, facilitator, kpi
):
    foreign, _steps = map_with_steps(other_workspace)
    client.force_login(facilitator)
    url = reverse("kpi_map_metric_edit", args=[workspace.slug, kpi.goal_id, kpi.pk])

    response = client.post(url, {"map": foreign.pk, "metric": "lead_time_minutes", "unit": "hours"})

    assert response.status_code == 200
    assert response.context["form"].errors["map"]
    assert not KPIMapMetric.objects.exists()
