"""The workspace dashboard: numbers from the per-map analyses, filters, sorting, query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from valuestreams.analysis import analysis_for_map
from valuestreams.models import Map

from ..factories import DepartmentFactory
from .analysis.conftest import import_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def maps(workspace: Any) -> dict[str, Map]:
    onboarding = import_demo(workspace, "onboarding_current")
    return {
        "onboarding": onboarding,
        "future": import_demo(workspace, "onboarding_future", based_on=onboarding),
        "move": import_demo(workspace, "office_move"),
        "permit": import_demo(workspace, "event_permit"),
    }


def url(workspace: Any, **query: str) -> str:
    base = reverse("dashboard", args=[workspace.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_heatmap_table_holds_the_sum_of_the_per_map_analyses(client, workspace, viewer, maps):
    client.force_login(viewer)

    response = client.get(url(workspace))

    assert response.status_code == 200
    expected: dict[tuple[str, str], list[float]] = {}
    for key in ("onboarding", "move", "permit"):
        for pair in analysis_for_map(maps[key].pk).department_handoffs:
            cell = expected.setdefault((pair.from_department, pair.to_department), [0, 0.0])
            cell[0] += pair.count
            cell[1] += pair.wait_minutes or 0.0
    names = response.context["matrix_names"]
    shown = {
        (row, names[j]): [count, wait or 0.0]
        for row, cells in response.context["matrix_rows"]
        for j, (count, wait) in enumerate(cells)
        if count is not None
    }
    assert {k: (c, round(w, 6)) for k, (c, w) in shown.items()} == {
        k: (c, round(w, 6)) for k, (c, w) in expected.items()
    }
    assert b'id="heatmap-data"' in response.content
    assert b'id="sankey-data"' in response.content
    assert b"vendor/plotly.min.js" in response.content


def test_a_hotspot_links_to_the_editor_with_its_step_selected(client, workspace, viewer, maps):
    client.force_login(viewer)

    response = client.get(url(workspace))

    top = response.context["hotspots"][0]
    editor = reverse("map_editor", args=[workspace.slug, top.map_id]) + f"?step={top.step_id}"
    assert editor.encode() in response.content


def test_the_kind_filter_keeps_only_maps_of_that_kind(client, workspace, viewer, maps):
    client.force_login(viewer)

    response = client.get(url(workspace, kind="value_stream"))

    assert [r.map_id for r in response.context["rows"]] == [maps["move"].pk]
    assert sum(f.count for f in response.context["portfolio"].flows) == (
        analysis_for_map(maps["move"].pk).metrics.cross_department_handoffs
    )


def test_a_bad_filter_is_reported_and_ignored(client, workspace, viewer, maps):
    client.force_login(viewer)

    response = client.get(url(workspace, kind="poster", department="nope"))

    assert response.status_code == 200
    assert b"A filter was not valid and is ignored." in response.content
    assert len(response.context["rows"]) == 3


def test_a_department_of_another_workspace_is_not_a_valid_filter(
    client, workspace, other_workspace, viewer, maps
):
    foreign = DepartmentFactory.create(workspace=other_workspace)
    client.force_login(viewer)

    response = client.get(url(workspace, department=str(foreign.pk)))

    assert response.context["form"].errors
    assert len(response.context["rows"]) == 3


def test_the_maps_table_sorts_by_lead_time_and_shows_the_future_change(
    client, workspace, viewer, maps
):
    client.force_login(viewer)

    response = client.get(url(workspace, sort="lead_time_minutes", desc="1"))

    rows = response.context["rows"]
    leads = [r.metrics.lead_time_minutes for r in rows]
    assert leads == sorted(leads, reverse=True)
    onboarding = next(r for r in rows if r.map_id == maps["onboarding"].pk)
    change = onboarding.future.change("lead_time_minutes")
    assert change.after == analysis_for_map(maps["future"].pk).metrics.lead_time_minutes


def queries_for(client: Any, workspace: Any) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(workspace)).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_maps(client, workspace, viewer):
    client.force_login(viewer)
    import_demo(workspace, "onboarding_current")
    few = queries_for(client, workspace)
    import_demo(workspace, "office_move")
    import_demo(workspace, "event_permit")
    for i in range(3):
        copy = import_demo(workspace, "office_move")
        Map.objects.filter(pk=copy.pk).update(name=f"Move {i}")

    assert queries_for(client, workspace) == few


def test_an_empty_workspace_shows_no_charts(client, workspace, viewer):
    client.force_login(viewer)

    response = client.get(url(workspace))

    assert response.status_code == 200
    assert b"heatmap-data" not in response.content
    assert b"No work crosses a department boundary" in response.content
