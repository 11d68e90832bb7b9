"""The demo answers a manager's questions from the manager's pages alone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from departments.models import Workspace
from tests.factories import MembershipFactory, UserFactory
from valuestreams.models import KPIMapMetric, Map
from valuestreams.portfoliodata import portfolio_for_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Workspace:
    call_command("load_demo", "--no-user", stdout=io.StringIO())
    return Workspace.objects.get(slug="demo")


def test_the_worst_pair_names_its_waiting_goal_and_unclear_decision(demo) -> None:
    worst = portfolio_for_workspace(demo).worst_flow

    assert worst is not None and worst.wait_minutes
    assert [g.title for g in worst.goals] == ["Event permits decided within four weeks"]
    assert [r.status for r in worst.decision_rights] == ["unclear"]


def test_the_onboarding_rework_loop_hotspot_names_the_unclear_role_profile(demo) -> None:
    onboarding = Map.objects.get(workspace=demo, name="New hire onboarding", state="current")
    hotspots = [h for h in portfolio_for_workspace(demo).hotspots if h.map_id == onboarding.pk]

    request = next(h for h in hotspots if h.step_title == "Request accounts, laptop and desk")
    assert any("Role profile and access rights" in str(r) for r in request.reasons)
    assert KPIMapMetric.objects.get(map=onboarding).kpi.goal.title == (
        "Every new hire productive on day one"
    )


def test_the_future_state_gain_and_the_wins_are_shown(demo) -> None:
    portfolio = portfolio_for_workspace(demo)

    onboarding = next(r for r in portfolio.maps if r.future is not None)
    lead = onboarding.future.change("lead_time_minutes")
    assert lead.change < 0
    assert portfolio.wins and all(w.future is not None for w in portfolio.wins)
    assert any(i.is_quick_win for i in demo.improvements.exclude(status="done"))


def test_the_map_page_compares_current_and_future(client, demo) -> None:
    user = UserFactory()
    MembershipFactory(workspace=demo, user=user, role="viewer")
    client.force_login(user)
    onboarding = Map.objects.get(workspace=demo, name="New hire onboarding", state="current")

    response = client.get(reverse("map_detail", args=[demo.slug, onboarding.pk]))

    comparison = response.context["comparison"]
    assert comparison.before.map_id == onboarding.pk
    assert comparison.after.based_on_id == onboarding.pk
    assert b'id="comparison-table"' in response.content
    assert comparison.steps_added and comparison.steps_removed
