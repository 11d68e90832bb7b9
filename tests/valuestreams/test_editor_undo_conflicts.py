"""Undo and redo refuse, with a reason, instead of overwriting what changed since.

Races are tested against a live server in tests/test_races.py; these tests set
up the states those races leave behind, one step at a time.
"""

from __future__ import annotations

import pytest

from departments.models import Department
from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.changes import UndoError
from valuestreams.models import Lane, MapChange, Step

from .editor_helpers import HTMX, client_for, fresh_cache, map_version, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def test_an_undo_does_not_overwrite_a_newer_value_of_the_same_field(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "Mine"}, user=editor)
    # A write that is not on the undo stack, as a concurrent request leaves it.
    Step.objects.filter(pk=first.pk).update(title="Theirs")
    with pytest.raises(UndoError) as caught:
        services.map_undo(map_obj=map_obj)
    assert caught.value.reason == "changed"
    assert Step.objects.get(pk=first.pk).title == "Theirs"


def test_an_undo_naming_another_change_than_the_next_is_refused(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    seen = MapChange.objects.get(map=map_obj).pk
    services.step_update(step_id=second.pk, version=1, values={"title": "B"}, user=editor)
    with pytest.raises(UndoError) as caught:
        services.map_undo(map_obj=map_obj, seen=seen)
    assert caught.value.reason == "newer"
    assert caught.value.change is not None and "B" in caught.value.change.description
    assert Step.objects.get(pk=second.pk).title == "B"
    assert not MapChange.objects.filter(map=map_obj, undone=True).exists()


def test_a_redo_naming_another_change_is_refused(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    change = services.map_undo(map_obj=map_obj)
    assert change is not None
    with pytest.raises(UndoError):
        services.map_redo(map_obj=map_obj, seen=change.pk + 1)
    assert services.map_redo(map_obj=map_obj, seen=change.pk) == change
    assert Step.objects.get(pk=first.pk).title == "A"


def test_a_redo_over_a_newer_value_is_refused_and_leaves_the_redo_list(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    services.map_undo(map_obj=map_obj)
    Step.objects.filter(pk=first.pk).update(title="Theirs")
    with pytest.raises(UndoError) as caught:
        services.map_redo(map_obj=map_obj)
    assert caught.value.reason == "changed"
    assert Step.objects.get(pk=first.pk).title == "Theirs"
    assert services.map_redo(map_obj=map_obj) is None


def test_an_undo_that_cannot_apply_is_skipped_so_older_changes_stay_undoable(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    services.step_update(step_id=second.pk, version=1, values={"title": "Older"}, user=editor)
    lane = Lane.objects.select_related("department").get(pk=first.lane_id)
    services.lane_delete(lane_id=lane.pk, map_version=map_version(map_obj), user=editor)
    Department.objects.filter(pk=lane.department_id).delete()
    with pytest.raises(UndoError) as caught:
        services.map_undo(map_obj=map_obj)
    assert caught.value.reason == "department"
    assert not Lane.objects.filter(pk=lane.pk).exists()
    assert MapChange.objects.filter(map=map_obj, undoable=False).count() == 1
    # The older change is next, and undoes cleanly.
    undone = services.map_undo(map_obj=map_obj)
    assert undone is not None and "Older" in undone.description
    assert Step.objects.get(pk=second.pk).title == "Do it"
    assert services.map_undo(map_obj=map_obj) is None


@pytest.mark.django_db(transaction=True)
def test_undoing_a_lane_whose_department_was_deleted_answers_409_with_the_reason(workspace, editor):
    # Committed for real: the database checks foreign keys at commit, where this
    # used to fail as a 500 and leave the change stuck on top of the undo stack.
    map_obj, (first, second) = map_with_steps(workspace)
    client = client_for(editor)
    services.step_update(step_id=second.pk, version=1, values={"title": "Older"}, user=editor)
    lane = Lane.objects.get(pk=first.lane_id)
    seen = {"map_version": map_version(map_obj)}
    assert client.post(url("lane_delete", map_obj, lane.pk), seen, headers=HTMX).status_code == 200
    Department.objects.filter(pk=lane.department_id).delete()
    refused = client.post(url("map_undo", map_obj), headers=HTMX)
    assert refused.status_code == 409
    assert "a department it needs was deleted since" in refused.content.decode()
    assert "can no longer be undone" in refused.content.decode()
    again = client.post(url("map_undo", map_obj), headers=HTMX)
    assert again.status_code == 200
    assert Step.objects.get(pk=second.pk).title == "Do it"


def test_the_undo_button_names_its_change_and_a_stale_one_gets_409(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    client = client_for(editor)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    seen = MapChange.objects.get(map=map_obj).pk
    page = client.get(url("map_editor", map_obj)).content.decode()
    assert f'name="change" id="undo-change" value="{seen}"' in page
    services.step_update(step_id=second.pk, version=1, values={"title": "B"}, user=editor)
    response = client.post(url("map_undo", map_obj), {"change": seen}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was undone" in html and "Edited step “B”" in html
    assert Step.objects.get(pk=second.pk).title == "B"


def test_a_change_that_cannot_be_undone_is_marked_in_the_history(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "Mine"}, user=editor)
    Step.objects.filter(pk=first.pk).update(title="Theirs")
    response = client_for(editor).post(url("map_undo", map_obj), headers=HTMX)
    assert response.status_code == 409
    assert "the same things were changed since" in response.content.decode()
    history = client_for(editor).get(url("map_history", map_obj), headers=HTMX)
    assert "can no longer be undone" in history.content.decode()


def test_a_write_answers_with_its_own_change_as_the_next_undo_without_reading_it_back(
    workspace, editor
):
    # The answer to a write shows the change just recorded (changes.last_written);
    # after an undo in the same thread the redo button must come from the database.
    map_obj, (first, _second) = map_with_steps(workspace)
    client = client_for(editor)
    data = {"title": "Written", "version": first.version}
    saved = client.post(url("step_edit", map_obj, first.pk), data, headers=HTMX)
    assert saved.status_code == 200
    change = MapChange.objects.get(map=map_obj)
    html = saved.content.decode()
    assert f'id="undo-change" value="{change.pk}"' in html
    assert 'id="redo-change"' not in html
    undone = client.post(url("map_undo", map_obj), {"change": change.pk}, headers=HTMX)
    assert undone.status_code == 200
    html = undone.content.decode()
    assert f'id="redo-change" value="{change.pk}"' in html
    assert 'id="undo-change"' not in html


def test_what_a_thread_wrote_is_forgotten_when_its_write_is_refused_or_of_another_map(
    workspace, editor
):
    from valuestreams.changes import last_written

    map_obj, (first, _second) = map_with_steps(workspace)
    other_map, (elsewhere, _) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    written = last_written()
    assert written is not None
    assert written.change == MapChange.objects.get(map=map_obj)
    assert written.of(map_obj.pk) == map_version(map_obj) == 2
    assert written.of(other_map.pk) is None
    with pytest.raises(services.StaleVersionError):
        services.step_update(step_id=first.pk, version=1, values={"title": "B"}, user=editor)
    assert last_written() is None
    services.step_update(step_id=elsewhere.pk, version=1, values={"title": "C"}, user=editor)
    written = last_written()
    assert written is not None and written.of(map_obj.pk) is None
    assert written.of(other_map.pk) == map_version(other_map)


def test_a_write_rolled_back_by_an_outer_transaction_is_not_taken_by_the_next_request(
    workspace, editor
):
    # SQLite may give a rolled-back map's ids out again: a later request must not take
    # what that write recorded for the state of the map it shows.
    from django.db import transaction

    from valuestreams.changes import last_written

    map_obj, (first, _second) = map_with_steps(workspace)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.step_update(step_id=first.pk, version=1, values={"title": "Gone"}, user=editor)
        assert last_written() is not None
        raise RuntimeError("the outer transaction fails")
    assert map_version(map_obj) == 1
    page = client_for(editor).get(url("map_editor", map_obj))
    assert page.status_code == 200
    assert 'id="undo-change"' not in page.content.decode()
    assert last_written() is None
