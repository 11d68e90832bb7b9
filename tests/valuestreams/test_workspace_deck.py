"""The managers' workspace deck: the dashboard's cross-map numbers on slides."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from pptx import Presentation

from departments.models import KPI, KPIReading, SharedGoal
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.portfoliodata import portfolio_for_workspace

DEMO = Path(__file__).resolve().parents[2] / "valuestreams" / "demo"


@pytest.mark.django_db
def test_a_viewer_downloads_the_workspace_deck_with_maps_hotspots_and_goals(
    client, viewer, workspace
):
    maps = [
        map_import(workspace=workspace, document=parse_document(json.loads((DEMO / f).read_text())))
        for f in ("office_move.json", "event_permit.json")
    ]
    goal = SharedGoal.objects.create(workspace=workspace, title="Permits in four weeks")
    kpi = KPI.objects.create(goal=goal, name="Lead time", unit="days", baseline=40, target=20)
    KPIReading.objects.create(kpi=kpi, date="2026-10-01", value=30)
    client.force_login(viewer)

    response = client.get(reverse("workspace_deck", args=[workspace.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].endswith("presentationml.presentation")
    assert 'filename="town-hall-' in response["Content-Disposition"]
    prs = Presentation(io.BytesIO(response.content))
    tables = {
        slide.shapes.title.text: next(s.table for s in slide.shapes if s.has_table)
        for slide in prs.slides
        if slide.shapes.title is not None and any(s.has_table for s in slide.shapes)
    }
    key_numbers = tables["Every map's key numbers"]
    assert {key_numbers.cell(r, 0).text for r in range(1, len(key_numbers.rows))} == {
        m.name for m in maps
    }
    hotspots = tables["Top hotspots across maps"]
    dashboard = portfolio_for_workspace(workspace).hotspots
    # The same ranking and reasons as the manager dashboard.
    for row, hotspot in enumerate(dashboard[: len(hotspots.rows) - 1], start=1):
        assert hotspots.cell(row, 0).text == hotspot.map_name
        assert hotspots.cell(row, 1).text == hotspot.step_title
        assert hotspots.cell(row, 4).text == "; ".join(str(r) for r in hotspot.reasons)
    goals = tables["Shared goals and their KPIs"]
    assert goals.cell(1, 1).text == "Lead time"
    assert goals.cell(1, 5).text == "50%"
    assert all(slide.notes_slide.notes_text_frame.text for slide in prs.slides)


@pytest.mark.django_db
def test_the_workspace_deck_of_another_workspace_is_not_found(client, outsider, workspace):
    client.force_login(outsider)

    assert client.get(reverse("workspace_deck", args=[workspace.slug])).status_code == 404


@pytest.mark.django_db
def test_the_workspace_home_offers_the_deck(client, viewer, workspace):
    client.force_login(viewer)

    html = client.get(reverse("workspace_home", args=[workspace.slug])).text

    assert reverse("workspace_deck", args=[workspace.slug]) in html
