"""Undo, redo, history, polling, presentation and future states in the editor."""

from __future__ import annotations

import pytest

from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.models import Map, MapState, Step

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def test_undo_and_redo_buttons_revert_and_reapply_the_last_change(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    client = client_for(editor)
    client.post(
        url("step_edit", map_obj, first.pk), {"title": "Changed", "version": 1}, headers=HTMX
    )
    response = client.post(url("map_undo", map_obj), headers=HTMX)
    assert response.status_code == 200
    assert "Undone: Edited step “Changed”" in response.content.decode()
    assert Step.objects.get(pk=first.pk).title == "Ask for it"
    response = client.post(url("map_redo", map_obj), headers=HTMX)
    assert "Redone" in response.content.decode()
    assert Step.objects.get(pk=first.pk).title == "Changed"


def test_undo_with_nothing_to_undo_says_so(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    response = client_for(editor).post(url("map_undo", map_obj), headers=HTMX)
    assert response.status_code == 200
    assert "Nothing to undo." in response.content.decode()


def test_every_change_bumps_the_map_version_including_undo_and_redo(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    client = client_for(editor)
    client.post(url("step_edit", map_obj, first.pk), {"title": "A", "version": 1}, headers=HTMX)
    client.post(url("map_undo", map_obj), headers=HTMX)
    client.post(url("map_redo", map_obj), headers=HTMX)
    map_obj.refresh_from_db()
    assert map_obj.version == 4


def test_the_history_shows_who_changed_what_and_what_was_undone(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    client = client_for(editor)
    client.post(url("step_edit", map_obj, first.pk), {"title": "A", "version": 1}, headers=HTMX)
    client.post(url("step_delete", map_obj, first.pk), {"version": 2}, headers=HTMX)
    client.post(url("map_undo", map_obj), headers=HTMX)
    html = client.get(url("map_history", map_obj), headers=HTMX).content.decode()
    assert "Edited step “A”" in html and "Deleted step “A”" in html
    assert "editor" in html
    assert 'class="undone"' in html


def test_polling_answers_204_without_rendering_when_nothing_changed(
    workspace, viewer, django_assert_max_num_queries
):
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(viewer)
    poll = url("map_poll", map_obj) + f"?version={map_obj.version}"
    client.get(poll, headers=HTMX)  # warm the session
    # Session, user, membership, map: nothing else, however big the map.
    with django_assert_max_num_queries(4):
        response = client.get(poll, headers=HTMX)
    assert response.status_code == 204
    assert response.content == b""


def test_polling_returns_the_new_diagram_after_a_change(workspace, viewer):
    map_obj, (first, _second) = map_with_steps(workspace)
    old = map_obj.version
    services.step_update(step_id=first.pk, version=1, values={"title": "Seen live"})
    response = client_for(viewer).get(url("map_poll", map_obj) + f"?version={old}", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Seen live" in html
    assert f"?version={old + 1}" in html
    assert 'id="side-panel"' not in html  # a viewer's poll brings no edit controls


def test_presentation_mode_is_read_only_and_follows_changes(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    html = client_for(editor).get(url("map_present", map_obj)).content.decode()
    assert "present-page" in html and "Full screen" in html
    assert "mode=present" in html and 'hx-trigger="every 2s"' in html
    assert 'class="cw-add"' not in html and 'id="side-panel"' not in html


def test_creating_a_future_state_opens_the_copy(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    response = client_for(editor).post(
        url("map_future_state", map_obj), {"name": "Tomorrow"}, headers=HTMX
    )
    copy = Map.objects.get(name="Tomorrow")
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("map_editor", copy)
    assert copy.state == MapState.FUTURE and copy.based_on == map_obj
    assert copy.steps.count() == 2 and copy.handoffs.count() == 1


def test_the_editor_switches_between_current_and_future_state(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    copy = services.map_copy_as_future_state(map_obj=map_obj)
    client = client_for(editor)
    html = client.get(url("map_editor", map_obj)).content.decode()
    assert url("map_editor", copy) in html and "state-switch" in html
    html = client.get(url("map_editor", copy)).content.decode()
    assert url("map_editor", map_obj) in html


def test_the_read_only_page_links_to_the_editor_and_presentation(workspace, editor, viewer):
    map_obj, _steps = map_with_steps(workspace)
    html = client_for(editor).get(url("map_detail", map_obj)).content.decode()
    assert url("map_editor", map_obj) in html and url("map_present", map_obj) in html
    html = client_for(viewer).get(url("map_detail", map_obj)).content.decode()
    assert "Open editor" not in html and url("map_present", map_obj) in html
