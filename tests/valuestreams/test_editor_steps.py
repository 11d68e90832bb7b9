"""The editor's step views: add, edit, move, delete; conflicts and bad input in place."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.models import Lane, MapChange, Stage, Step

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


@pytest.fixture
def board(workspace):
    map_obj, steps = map_with_steps(workspace)
    return map_obj, steps


def test_adding_a_step_swaps_the_diagram_and_opens_the_step(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).post(
        url("step_add", map_obj),
        {"title": "Check the form", "lane": first.lane_id, "stage": first.stage_id},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    step = Step.objects.get(title="Check the form")
    assert html.lstrip().startswith('<div id="diagram"')
    assert f'id="step-{step.pk}"' in html
    assert (
        'id="metrics" class="metrics-panel" aria-labelledby="metrics-h" hx-swap-oob="true"' in html
    )
    assert 'id="side-panel"' in html and "Added “Check the form”." in html
    assert step.position == first.position + 1  # at the end of its cell
    # Enter went on to the next empty cell of the lane, or (none left) to the new step.
    assert 'data-panel="add"' in html or 'data-panel="step"' in html


def test_enter_in_the_add_form_opens_the_next_empty_cell_of_the_same_lane(workspace, editor):
    from tests.factories import LaneFactory, MapFactory, StageFactory

    map_obj: Any = MapFactory(workspace=workspace)
    lane: Any = LaneFactory(map=map_obj)
    stages: list[Any] = [StageFactory(map=map_obj, position=i) for i in range(3)]
    client = client_for(editor)
    data = {"title": "One", "lane": lane.pk, "stage": stages[0].pk}
    html = client.post(url("step_add", map_obj), data, headers=HTMX).content.decode()
    assert 'data-panel="add"' in html
    assert f'name="stage" value="{stages[1].pk}"' in html and "autofocus" in html
    data = {"title": "Three", "lane": lane.pk, "stage": stages[2].pk}
    html = client.post(url("step_add", map_obj), data, headers=HTMX).content.decode()
    # Nothing empty to the right of the last stage: the new step's own panel.
    assert 'data-panel="step"' in html and "Three" in html
    data = {"title": "Two", "lane": lane.pk, "stage": stages[1].pk, "details": "1"}
    html = client.post(url("step_add", map_obj), data, headers=HTMX).content.decode()
    assert 'data-panel="step"' in html


def test_an_empty_title_is_shown_in_place_and_nothing_is_saved(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).post(
        url("step_add", map_obj),
        {"title": "  ", "lane": first.lane_id, "stage": first.stage_id},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#side-panel"
    assert "errorlist" in response.content.decode()
    assert Step.objects.filter(map=map_obj).count() == 2


def test_a_step_cannot_be_added_to_a_lane_of_another_map(board, workspace, editor):
    map_obj, (first, _second) = board
    other, _steps = map_with_steps(workspace)
    foreign_lane = Lane.objects.filter(map=other).first()
    assert foreign_lane is not None
    response = client_for(editor).post(
        url("step_add", map_obj),
        {"title": "Sneaky", "lane": foreign_lane.pk, "stage": first.stage_id},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert not Step.objects.filter(title="Sneaky").exists()


def test_the_step_panel_shows_the_form_and_accessible_move_buttons(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).get(url("step_panel", map_obj, first.pk), headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="side-panel"')
    for name in ("Move left", "Move right", "Move up", "Move down", "Move to lane"):
        assert name in html
    assert 'value="Ask for it"' in html


def test_editing_a_step_saves_it_and_updates_the_metrics(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).post(
        url("step_edit", map_obj, first.pk),
        {"title": "Ask nicely", "process_time_minutes": 5, "lead_time_minutes": 30, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert (first.title, first.lead_time_minutes, first.version) == ("Ask nicely", 30.0, 2)
    assert 'id="metric-lead_time"' in response.content.decode()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"process_time_minutes": -1}, "process_time_minutes", "cannot be negative"),
        ({"process_time_minutes": 60, "lead_time_minutes": 30}, "lead_time_minutes", "shorter"),
        ({"complete_accurate_pct": 120}, "complete_accurate_pct", "0 to 100"),
        ({"emotion": 5}, "emotion", "−2"),
        # Issue 7: impossible numbers and text the database cannot store.
        ({"lead_time_minutes": 1e308}, "lead_time_minutes", "at most 5,256,000 minutes"),
        ({"process_time_minutes": 1e308}, "process_time_minutes", "at most"),
        ({"lead_time_minutes": 5_256_001}, "lead_time_minutes", "at most"),
        ({"lead_time_minutes": "nan"}, "lead_time_minutes", "Type a time such as 45m"),
        ({"lead_time_minutes": "inf"}, "lead_time_minutes", "Type a time such as 45m"),
        ({"lead_time_minutes": "3 weeks"}, "lead_time_minutes", "Type a time such as 45m"),
        ({"pain_points": "late\x00again"}, "pain_points", "NUL"),
        ({"opportunities": "\x00"}, "opportunities", "NUL"),
    ],
)
def test_bad_step_values_are_shown_in_place_and_nothing_is_saved(
    board, editor, values, field, message
):
    map_obj, (first, _second) = board
    data = {"title": "Ask for it", "version": 1, **values}
    response = client_for(editor).post(url("step_edit", map_obj, first.pk), data, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="step_{field}_errors"' in html
    assert message in html
    first.refresh_from_db()
    assert first.version == 1
    assert not MapChange.objects.exists()


def test_a_stale_edit_is_refused_with_the_newer_value_and_can_be_applied_on_top(board, editor):
    map_obj, (first, _second) = board
    services.step_update(step_id=first.pk, version=1, values={"title": "Their title"})
    client = client_for(editor)
    response = client.post(
        url("step_edit", map_obj, first.pk), {"title": "My title", "version": 1}, headers=HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this step" in html
    assert "Their title" in html and "My title" in html
    assert 'name="version" value="2"' in html
    assert Step.objects.get(pk=first.pk).title == "Their title"
    # Applying mine on top is an ordinary save with the newer version.
    response = client.post(
        url("step_edit", map_obj, first.pk), {"title": "My title", "version": 2}, headers=HTMX
    )
    assert response.status_code == 200
    assert Step.objects.get(pk=first.pk).title == "My title"


def test_moving_a_step_to_another_lane_and_stage(board, editor):
    map_obj, (first, second) = board
    response = client_for(editor).post(
        url("step_move", map_obj, first.pk),
        {"lane": second.lane_id, "stage": second.stage_id, "version": 1, "position": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.lane_id, first.stage_id, first.position) == (
        second.lane_id,
        second.stage_id,
        0,
    )
    assert second.position == 1


def test_a_move_into_a_foreign_lane_is_shown_in_place(board, workspace, editor):
    map_obj, (first, _second) = board
    other, _steps = map_with_steps(workspace)
    foreign_lane = Lane.objects.filter(map=other).first()
    assert foreign_lane is not None
    response = client_for(editor).post(
        url("step_move", map_obj, first.pk),
        {"lane": foreign_lane.pk, "stage": first.stage_id, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Choose a lane of this map." in response.content.decode()
    first.refresh_from_db()
    assert first.lane_id != foreign_lane.pk


def test_a_stale_move_is_refused(board, editor):
    map_obj, (first, second) = board
    services.step_update(step_id=first.pk, version=1, values={"title": "Changed"})
    response = client_for(editor).post(
        url("step_move", map_obj, first.pk),
        {"lane": second.lane_id, "stage": second.stage_id, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "it was not moved" in response.content.decode()
    first.refresh_from_db()
    assert first.lane_id != second.lane_id


def test_deleting_a_step_offers_undo(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).post(
        url("step_delete", map_obj, first.pk), {"version": 1}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deleted “Ask for it”" in html and "Undo" in html
    assert not Step.objects.filter(pk=first.pk).exists()


def test_without_htmx_a_write_redirects_back_to_the_editor(board, editor):
    map_obj, (first, _second) = board
    response = client_for(editor).post(
        url("step_edit", map_obj, first.pk), {"title": "Plain form", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/edit/?step={first.pk}")


def test_the_editor_page_preselects_a_step(board, editor):
    map_obj, (first, _second) = board
    html = client_for(editor).get(url("map_editor", map_obj) + f"?step={first.pk}").content
    assert b"Save step" in html
    assert f'data-selected="{first.pk}"'.encode() in html
    assert Stage.objects.filter(map=map_obj).count() == 2


def test_the_step_form_shows_times_in_the_largest_unit_that_fits_exactly():
    from valuestreams.forms import StepForm
    from valuestreams.models import Step

    step = Step(title="Check", process_time_minutes=30.0, lead_time_minutes=90.5)
    html = str(StepForm(instance=step)["process_time_minutes"])
    html += str(StepForm(instance=step)["lead_time_minutes"])
    assert 'value="30m"' in html
    assert 'value="90.5m"' in html
    step = Step(title="Check", process_time_minutes=90.0, lead_time_minutes=2880.0)
    form = StepForm(instance=step, working_day_minutes=450)
    assert 'value="1.5h"' in str(form["process_time_minutes"])
    assert 'value="6.4m"' not in str(form["lead_time_minutes"])
    assert 'value="6.4d"' in str(form["lead_time_minutes"])
