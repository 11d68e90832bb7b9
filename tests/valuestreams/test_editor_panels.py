"""The editor's side panel: typed states, one conflict path, visible errors, structure edits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.factories import (
    DepartmentFactory,
    LaneFactory,
    MapFactory,
    StepFactory,
    map_with_steps,
)
from valuestreams import services
from valuestreams.models import Handoff, Lane, Map, MapChange, MapState, Stage, Step
from valuestreams.views.editor_panels import PANEL_KINDS

from .editor_helpers import HTMX, client_for, fresh_cache, map_version, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test

TEMPLATE = Path(settings.BASE_DIR) / "templates" / "valuestreams" / "editor.html"


def panel_kind(html: str) -> str:
    found = re.search(r'<aside id="side-panel"[^>]*data-panel="([^"]*)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def test_the_template_draws_every_panel_kind():
    source = TEMPLATE.read_text()
    for kind in PANEL_KINDS:
        assert f'panel.kind == "{kind}"' in source, kind


@pytest.mark.parametrize("version", [None, 1])
def test_a_step_delete_without_or_with_a_stale_version_shows_the_newer_values(
    workspace, editor, version
):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "Ask them nicely"})
    data = {} if version is None else {"version": version}
    response = client_for(editor).post(url("step_delete", map_obj, first.pk), data, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert panel_kind(html) == "step"
    assert "it was not deleted" in html and "Ask them nicely" in html
    assert 'role="alert"' in html
    assert Step.objects.filter(pk=first.pk).exists()
    # The panel carries the newer version: deleting again works.
    again = client_for(editor).post(
        url("step_delete", map_obj, first.pk), {"version": 2}, headers=HTMX
    )
    assert again.status_code == 200 and not Step.objects.filter(pk=first.pk).exists()


def test_a_handoff_delete_without_a_version_is_refused_with_its_newer_values(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    services.handoff_update(handoff_id=handoff.pk, version=1, rework=True, label="lost form")
    response = client_for(editor).post(url("handoff_delete", map_obj, handoff.pk), headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert panel_kind(html) == "handoff" and "lost form" in html and "It was not deleted" in html
    assert Handoff.objects.filter(pk=handoff.pk).exists()


@pytest.mark.parametrize("what", ["stage", "lane"])
def test_stage_and_lane_deletes_on_an_older_map_are_refused_with_what_is_in_them_now(
    workspace, editor, what
):
    map_obj, (first, _second) = map_with_steps(workspace)
    seen = map_version(map_obj)
    # Meanwhile someone adds a step to that very stage and lane.
    services.step_create(
        map_obj=map_obj, lane_id=first.lane_id, stage_id=first.stage_id, values={"title": "New"}
    )
    pk = first.stage_id if what == "stage" else first.lane_id
    client = client_for(editor)
    for data in ({}, {"map_version": seen}):
        response = client.post(url(f"{what}_delete", map_obj, pk), data, headers=HTMX)
        assert response.status_code == 409
        html = response.content.decode()
        assert panel_kind(html) == "structure"
        assert "was not removed" in html and "2 steps: Ask for it, New" in html
    model = Stage if what == "stage" else Lane
    assert model.objects.filter(pk=pk).exists()
    fresh = {"map_version": map_version(map_obj)}
    assert client.post(url(f"{what}_delete", map_obj, pk), fresh, headers=HTMX).status_code == 200
    assert not model.objects.filter(pk=pk).exists()


def test_a_handoff_without_a_from_step_shows_an_error_not_an_empty_map(workspace, editor):
    map_obj, (_first, second) = map_with_steps(workspace)
    response = client_for(editor).post(
        url("handoff_add", map_obj), {"to_step": second.pk}, headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert panel_kind(html) == "structure"
    assert "Choose the step the handoff starts from" in html and 'role="alert"' in html
    assert "No stages yet" not in html


def bad_requests(map_obj: Any, first: Any, second: Any) -> list[tuple[str, dict[str, Any]]]:
    """A refused write of every editor view, each with the reason it is refused."""
    handoff = Handoff.objects.get(map=map_obj)
    return [
        (url("step_add", map_obj), {"title": " ", "lane": first.lane_id, "stage": first.stage_id}),
        (url("step_add", map_obj), {"title": "X"}),
        (url("step_edit", map_obj, first.pk), {"title": "", "version": 1}),
        (url("step_edit", map_obj, first.pk), {"title": "X", "version": 99}),
        (url("step_edit", map_obj, first.pk), {"title": "X", "lead_time_minutes": "soon"}),
        (url("step_move", map_obj, first.pk), {"lane": "", "stage": "", "version": 1}),
        (url("step_move", map_obj, first.pk), {"lane": first.lane_id, "stage": second.stage_id}),
        (
            url("step_move", map_obj, first.pk),
            {"lane": second.lane_id, "stage": second.stage_id, "version": 99},
        ),
        (url("step_delete", map_obj, first.pk), {}),
        (url("step_delete", map_obj, first.pk), {"version": 99}),
        (url("handoff_add", map_obj), {"to_step": second.pk}),
        (url("handoff_add", map_obj), {"from_step": first.pk, "to_step": first.pk}),
        (url("handoff_add", map_obj), {"from_step": first.pk, "to_step": second.pk}),
        (url("handoff_edit", map_obj, handoff.pk), {"rework": "on"}),
        (url("handoff_edit", map_obj, handoff.pk), {"version": 99, "label": "x"}),
        (url("handoff_delete", map_obj, handoff.pk), {}),
        (url("stage_add", map_obj), {"name": " "}),
        (url("stage_add", map_obj), {"name": "Do"}),
        (url("stage_edit", map_obj, first.stage_id), {"name": "Do"}),
        (url("stage_edit", map_obj, first.stage_id), {"position": "-1"}),
        (url("stage_delete", map_obj, first.stage_id), {}),
        (url("lane_add", map_obj), {}),
        (url("lane_edit", map_obj, first.lane_id), {"position": "x"}),
        (url("lane_edit", map_obj, first.lane_id), {"department": second.lane.department_id}),
        (url("lane_edit", map_obj, first.lane_id), {"name": second.lane.department.name}),
        (url("lane_delete", map_obj, first.lane_id), {"map_version": 0}),
    ]


def test_every_refused_editor_write_shows_a_visible_error_in_the_panel(workspace, facilitator):
    map_obj, (first, second) = map_with_steps(workspace)
    client = client_for(facilitator)
    for address, data in bad_requests(map_obj, first, second):
        response = client.post(address, data, headers=HTMX)
        html = response.content.decode()
        assert 400 <= response.status_code < 500, (address, data, response.status_code)
        assert response["HX-Retarget"] == "#side-panel", (address, data)
        assert panel_kind(html) in PANEL_KINDS, (address, data)
        assert 'role="alert"' in html, (address, data, html[:300])
    assert Step.objects.filter(map=map_obj).count() == 2


def test_hand_off_to_lists_other_steps_by_lane_without_those_already_connected(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    third: Any = StepFactory(map=map_obj, lane=first.lane, stage=second.stage, title="Third")
    html = client_for(editor).get(url("step_panel", map_obj, first.pk), headers=HTMX)
    text = html.content.decode()
    select = text[
        text.index('id="handoff_to_step"') : text.index("</select>", text.index("handoff_to_step"))
    ]
    assert (
        f'<optgroup label="{first.lane.department.name}"><option value="{third.pk}">Third' in select
    )
    assert f'value="{second.pk}"' not in select  # already connected from this step
    assert f'value="{first.pk}"' not in select  # itself
    # The handoff's own panel names both steps and their lanes.
    handoff = Handoff.objects.get(map=map_obj)
    panel = client_for(editor).get(url("handoff_panel", map_obj, handoff.pk), headers=HTMX)
    body = panel.content.decode()
    for name in (
        first.title,
        second.title,
        first.lane.department.name,
        second.lane.department.name,
    ):
        assert name in body


def test_history_names_both_steps_of_a_handoff(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    third: Any = StepFactory(map=map_obj, lane=first.lane, stage=second.stage, title="Third")
    client = client_for(editor)
    client.post(
        url("handoff_add", map_obj), {"from_step": first.pk, "to_step": third.pk}, headers=HTMX
    )
    handoff = Handoff.objects.get(from_step=first, to_step=third)
    client.post(
        url("handoff_edit", map_obj, handoff.pk), {"version": 1, "rework": "on"}, headers=HTMX
    )
    client.post(url("handoff_delete", map_obj, handoff.pk), {"version": 2}, headers=HTMX)
    lines = [c.description for c in MapChange.objects.filter(map=map_obj).order_by("id")]
    assert lines == [
        "Connected “Ask for it” → “Third”",
        "Marked “Ask for it” → “Third” as rework",
        "Removed the handoff “Ask for it” → “Third”",
    ]


def test_a_lane_gets_another_department_on_this_map_only_and_undo_brings_it_back(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    old = first.lane.department
    spare: Any = DepartmentFactory(workspace=workspace, name="Legal")
    client = client_for(editor)
    response = client.post(
        url("lane_edit", map_obj, first.lane_id), {"department": spare.pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert Lane.objects.get(pk=first.lane_id).department_id == spare.pk
    assert Step.objects.get(pk=first.pk).lane_id == first.lane_id  # its steps stay
    assert MapChange.objects.filter(map=map_obj).first().description == (
        f"Lane “{old.name}” now stands for “Legal”"
    )
    client.post(url("map_undo", map_obj), headers=HTMX)
    assert Lane.objects.get(pk=first.lane_id).department_id == old.pk


def test_renaming_a_lanes_department_says_it_renames_it_in_every_map(
    workspace, editor, facilitator
):
    map_obj, (first, _second) = map_with_steps(workspace)
    department = first.lane.department
    other = MapFactory(workspace=workspace)
    LaneFactory(map=other, department=department)
    other_version = map_version(other)
    client = client_for(facilitator)
    panel = client.get(url("map_structure", map_obj), headers=HTMX).content.decode()
    assert f"This renames the department “{department.name}” in 2 maps" in panel
    # An editor may change a lane's department, not rename one for every map.
    assert (
        "Rename the department"
        not in client_for(editor).get(url("map_structure", map_obj), headers=HTMX).content.decode()
    )
    refused = client_for(editor).post(
        url("lane_edit", map_obj, first.lane_id), {"name": "People"}, headers=HTMX
    )
    assert refused.status_code == 403 and 'role="alert"' in refused.content.decode()
    response = client.post(
        url("lane_edit", map_obj, first.lane_id), {"name": "People"}, headers=HTMX
    )
    assert response.status_code == 200
    department.refresh_from_db()
    assert department.name == "People"
    assert map_version(other) == other_version + 1  # open editors of the other map redraw
    assert "People" in response.content.decode()


def test_a_future_state_offers_no_future_state_and_the_switch_keeps_one_order(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    first = services.map_copy_as_future_state(map_obj=map_obj, name="Later")
    second = services.map_copy_as_future_state(map_obj=map_obj, name="Much later")
    client = client_for(editor)
    orders = []
    for shown in (map_obj, first, second):
        html = client.get(url("map_editor", shown)).content.decode()
        start = html.index('class="state-switch"')
        nav = html[start : html.index("</nav>", start)]
        orders.append(re.findall(r"/maps/(\d+)/edit/", nav))
        assert ("Create future state" in html) == (shown.state == MapState.CURRENT)
    assert orders[0] == orders[1] == orders[2] == [str(map_obj.pk), str(first.pk), str(second.pk)]


def test_a_new_map_opens_in_the_editor_at_the_first_lane_form(workspace, editor):
    from django.urls import reverse

    response = client_for(editor).post(
        reverse("map_create", args=[workspace.slug]),
        {"name": "Onboarding", "kind": "value_stream", "stages": "Ask\nDo"},
    )
    new_map = Map.objects.get(name="Onboarding")
    assert response.status_code == 302
    assert response["Location"] == url("map_editor", new_map) + "#lane-add"
    page = client_for(editor).get(url("map_editor", new_map)).content.decode()
    assert 'id="lane-add"' in page


def test_the_add_panel_focuses_the_title(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    html = client_for(editor).get(
        url("step_add_panel", map_obj) + f"?lane={first.lane_id}&stage={first.stage_id}",
        headers=HTMX,
    )
    text = html.content.decode()
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", text)
    assert title is not None and "autofocus" in title.group(0)


def test_emotion_is_a_labelled_group_of_five_faces_and_channel_offers_known_channels(
    workspace, editor
):
    map_obj, (first, second) = map_with_steps(workspace, kind="customer_journey")
    Step.objects.filter(pk=second.pk).update(channel="Counter")
    html = client_for(editor).get(url("step_panel", map_obj, first.pk), headers=HTMX)
    text = html.content.decode()
    group = text[text.index('class="field emotion-faces') : text.index("</fieldset>")]
    assert "<legend>" in group
    assert len(re.findall(r'type="radio" name="emotion"', group)) == 6  # five faces and "not set"
    assert 'list="step_channel-options"' in text
    assert '<datalist id="step_channel-options">' in text and 'value="Counter"' in text
    response = client_for(editor).post(
        url("step_edit", map_obj, first.pk),
        {"title": "Ask", "version": 1, "emotion": "-2", "channel": "Carrier pigeon"},
        headers=HTMX,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert (first.emotion, first.channel) == (-2, "Carrier pigeon")


def test_times_typed_with_units_are_saved_as_minutes_and_shown_back_in_units(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    workspace.working_day_minutes = 480
    workspace.save()
    response = client_for(editor).post(
        url("step_edit", map_obj, first.pk),
        {"title": "Ask", "version": 1, "process_time_minutes": "1.5 h", "lead_time_minutes": "2d"},
        headers=HTMX,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert (first.process_time_minutes, first.lead_time_minutes) == (90, 960)
    html = response.content.decode()
    assert 'value="1.5h"' in html and 'value="2d"' in html
    assert "1 d = one working day of 8 h here" in html
    assert 'id="step_lead_time_minutes_readback"' in html
