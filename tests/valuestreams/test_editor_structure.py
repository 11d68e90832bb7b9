"""The editor's stage and lane views: add, rename, reorder, remove; departments inline."""

from __future__ import annotations

from typing import Any

import pytest

from departments.models import Department
from tests.factories import DepartmentFactory, WorkspaceFactory, map_with_steps
from valuestreams.models import Lane, Stage

from .editor_helpers import HTMX, client_for, fresh_cache, map_version, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def stage_names(map_obj):
    return list(Stage.objects.filter(map=map_obj).values_list("name", flat=True))


def test_adding_renaming_moving_and_removing_stages(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(editor)
    assert (
        client.post(url("stage_add", map_obj), {"name": "Close"}, headers=HTMX).status_code == 200
    )
    close = Stage.objects.get(map=map_obj, name="Close")
    client.post(url("stage_edit", map_obj, close.pk), {"name": "Wrap up"}, headers=HTMX)
    client.post(url("stage_edit", map_obj, close.pk), {"position": 0}, headers=HTMX)
    assert stage_names(map_obj) == ["Wrap up", "Ask", "Do"]
    seen = {"map_version": map_version(map_obj)}
    response = client.post(url("stage_delete", map_obj, close.pk), seen, headers=HTMX)
    assert response.status_code == 200
    assert f'data-stage-id="{close.pk}"' not in response.content.decode()
    assert stage_names(map_obj) == ["Ask", "Do"]


def test_a_duplicate_stage_name_is_shown_in_place(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    response = client_for(editor).post(url("stage_add", map_obj), {"name": "Ask"}, headers=HTMX)
    assert response.status_code == 422
    assert "already has a stage of that name" in response.content.decode()
    assert stage_names(map_obj) == ["Ask", "Do"]


def test_a_new_department_is_created_inline_with_its_lane(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    response = client_for(editor).post(
        url("lane_add", map_obj), {"new_department": "Legal", "color": "#aa3355"}, headers=HTMX
    )
    assert response.status_code == 200
    department = Department.objects.get(workspace=workspace, name="Legal")
    assert department.color == "#aa3355"
    assert Lane.objects.filter(map=map_obj, department=department).exists()
    assert "Legal" in response.content.decode()


def test_an_existing_department_gets_a_lane_and_lanes_reorder(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    hr: Any = DepartmentFactory(workspace=workspace, name="HR")
    client = client_for(editor)
    client.post(url("lane_add", map_obj), {"department": hr.pk}, headers=HTMX)
    lane = Lane.objects.get(map=map_obj, department=hr)
    client.post(url("lane_edit", map_obj, lane.pk), {"position": 0}, headers=HTMX)
    first = Lane.objects.filter(map=map_obj).order_by("position").first()
    assert first == lane


def test_a_department_of_another_workspace_is_refused(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    foreign: Any = DepartmentFactory(workspace=WorkspaceFactory(), name="Elsewhere Dept")
    response = client_for(editor).post(
        url("lane_add", map_obj), {"department": foreign.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Choose a department of this workspace." in response.content.decode()
    assert not Lane.objects.filter(map=map_obj, department=foreign).exists()


def test_a_bad_colour_is_shown_in_place(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    response = client_for(editor).post(
        url("lane_add", map_obj), {"new_department": "Legal", "color": "red"}, headers=HTMX
    )
    assert response.status_code == 422
    assert not Department.objects.filter(name="Legal").exists()


def test_removing_a_lane_removes_its_steps(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    seen = {"map_version": map_version(map_obj)}
    response = client_for(editor).post(
        url("lane_delete", map_obj, first.lane_id), seen, headers=HTMX
    )
    assert response.status_code == 200
    assert not Lane.objects.filter(pk=first.lane_id).exists()
    assert map_obj.steps.count() == 1


def test_the_structure_panel_lists_stages_and_lanes_with_named_buttons(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    html = client_for(editor).get(url("map_structure", map_obj), headers=HTMX).content.decode()
    assert html.lstrip().startswith('<aside id="side-panel"')
    assert 'aria-label="Move stage Ask right"' in html
    assert 'aria-label="Remove stage Do"' in html
