"""The analysis JSON endpoint: same access rules as the map."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(map_obj):
    return reverse("map_analysis_json", args=[map_obj.workspace.slug, map_obj.pk])


def test_it_gives_a_member_the_analysis_json(client, viewer, onboarding):
    client.force_login(viewer)
    response = client.get(url(onboarding))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["map_id"] == onboarding.pk
    assert data["name"] == onboarding.name
    assert set(data["metrics"]) >= {
        "lead_time_minutes",
        "process_time_minutes",
        "wait_time_minutes",
        "work_content_minutes",
        "activity_ratio",
        "flow_efficiency",
        "rolled_complete_accurate",
        "handoffs",
        "cross_department_handoffs",
        "departments",
    }
    assert data["critical_path"]
    assert data["hotspots"][0]["reasons"]


def test_it_hides_the_map_from_a_non_member(client, outsider, onboarding):
    client.force_login(outsider)
    assert client.get(url(onboarding)).status_code == 404


def test_it_hides_a_map_behind_another_workspace_slug(client, outsider, onboarding):
    client.force_login(outsider)
    foreign = reverse("map_analysis_json", args=["elsewhere", onboarding.pk])
    assert client.get(foreign).status_code == 404


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, onboarding):
    response = client.get(url(onboarding))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_post(client, viewer, onboarding):
    client.force_login(viewer)
    assert client.post(url(onboarding)).status_code == 405


def test_the_map_page_shows_metrics_hotspots_and_the_matrix(client, viewer, onboarding):
    client.force_login(viewer)
    response = client.get(reverse("map_detail", args=[onboarding.workspace.slug, onboarding.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="map-analysis"' in html
    assert "Handoff hotspots" in html
    assert 'class="analysis-matrix"' in html
    top = response.context["analysis"].hotspots[0]
    assert str(top.reasons[0]) in html.replace("&#x27;", "'")
