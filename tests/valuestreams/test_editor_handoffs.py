"""The editor's handoff views: connect, mark as rework, delete; foreign steps refused."""

from __future__ import annotations

import pytest

from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.models import Handoff

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def test_connecting_two_steps_creates_a_handoff_and_counts_it(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    response = client_for(editor).post(
        url("handoff_add", map_obj), {"from_step": second.pk, "to_step": first.pk}, headers=HTMX
    )
    assert response.status_code == 200
    handoff = Handoff.objects.get(from_step=second, to_step=first)
    html = response.content.decode()
    assert f'id="handoff-{handoff.pk}"' in html
    assert (
        '<div class="metric metric-cross" id="metric-cross"><dt>Cross-department handoffs' in html
    )
    assert "<dd>2</dd>" in html


def test_a_handoff_to_a_step_of_another_map_is_shown_in_place(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    _other, (foreign, _x) = map_with_steps(workspace)
    response = client_for(editor).post(
        url("handoff_add", map_obj), {"from_step": first.pk, "to_step": foreign.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#side-panel"
    assert "Choose a step of this map." in response.content.decode()
    assert not Handoff.objects.filter(to_step=foreign, from_step=first).exists()


def test_a_duplicate_or_self_handoff_is_shown_in_place(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    client = client_for(editor)
    duplicate = client.post(
        url("handoff_add", map_obj), {"from_step": first.pk, "to_step": second.pk}, headers=HTMX
    )
    assert duplicate.status_code == 422
    assert "already connected" in duplicate.content.decode()
    itself = client.post(
        url("handoff_add", map_obj), {"from_step": first.pk, "to_step": first.pk}, headers=HTMX
    )
    assert itself.status_code == 422
    assert "two different steps" in itself.content.decode()
    assert Handoff.objects.filter(map=map_obj).count() == 1


def test_marking_a_handoff_as_rework_draws_it_dashed(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    response = client_for(editor).post(
        url("handoff_edit", map_obj, handoff.pk), {"version": 1, "rework": "on"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "cw-rework" in response.content.decode()
    handoff.refresh_from_db()
    assert handoff.rework and handoff.version == 2


def test_a_stale_handoff_edit_shows_the_newer_value(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    services.handoff_update(handoff_id=handoff.pk, version=1, rework=True, label="Theirs")
    response = client_for(editor).post(
        url("handoff_edit", map_obj, handoff.pk), {"version": 1, "label": "Mine"}, headers=HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this handoff" in html and "Theirs" in html
    assert Handoff.objects.get(pk=handoff.pk).label == "Theirs"


def test_deleting_a_handoff(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    response = client_for(editor).post(
        url("handoff_delete", map_obj, handoff.pk), {"version": handoff.version}, headers=HTMX
    )
    assert response.status_code == 200
    assert f'id="handoff-{handoff.pk}"' not in response.content.decode()
    assert not Handoff.objects.filter(pk=handoff.pk).exists()


def test_a_stale_handoff_delete_is_refused_with_the_newer_value(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    client = client_for(editor)
    panel = client.get(url("handoff_panel", map_obj, handoff.pk), headers=HTMX)
    assert 'name="version" value="1"' in panel.content.decode()
    services.handoff_update(handoff_id=handoff.pk, version=1, rework=True, label="Theirs")
    response = client.post(url("handoff_delete", map_obj, handoff.pk), {"version": 1}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this handoff" in html and "Theirs" in html
    assert "It was not deleted" in html and 'name="version" value="2"' in html
    assert Handoff.objects.filter(pk=handoff.pk).exists()
    again = client.post(url("handoff_delete", map_obj, handoff.pk), {"version": 2}, headers=HTMX)
    assert again.status_code == 200
    assert not Handoff.objects.filter(pk=handoff.pk).exists()


def test_deleting_a_handoff_that_is_gone_answers_404(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    response = client_for(editor).post(
        url("handoff_delete", map_obj, handoff.pk), {"version": 1}, headers=HTMX
    )
    assert response.status_code == 200
    gone = client_for(editor).post(
        url("handoff_delete", map_obj, handoff.pk), {"version": 1}, headers=HTMX
    )
    assert gone.status_code == 404


def test_the_handoff_panel_is_a_side_panel_fragment(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    response = client_for(editor).get(url("handoff_panel", map_obj, handoff.pk), headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="side-panel"')
    assert "crosses departments" in html and "Delete handoff" in html
