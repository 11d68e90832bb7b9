"""The editor's services: one undoable change per edit, refused when stale."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.factories import LaneFactory, StageFactory, StepFactory, map_with_steps
from valuestreams import services
from valuestreams.mapdata import load_map_data
from valuestreams.models import Handoff, Lane, Map, MapChange, MapState, Stage, Step

pytestmark = pytest.mark.django_db


def snapshot(map_id: int) -> Any:
    """Everything visible about a map except versions, which must only go up."""
    data = load_map_data(map_id)
    steps = tuple(
        (s.id, s.lane_id, s.stage_id, s.title, s.process_time_minutes, s.lead_time_minutes)
        for s in data.steps
    )
    handoffs = tuple((h.id, h.from_step_id, h.to_step_id, h.rework, h.label) for h in data.handoffs)
    return (data.lanes, data.stages, steps, handoffs)


def test_step_update_saves_and_bumps_versions(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    step = services.step_update(
        step_id=first.pk, version=first.version, values={"title": "Ask politely"}, user=editor
    )
    assert step.title == "Ask politely"
    assert step.version == first.version + 1
    map_obj.refresh_from_db()
    assert map_obj.version == 2
    change = MapChange.objects.get(map=map_obj)
    assert change.user == editor
    assert "Ask politely" in change.description


def test_a_stale_step_update_is_refused_with_the_newer_value(workspace, editor):
    _map, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "Theirs"}, user=editor)
    with pytest.raises(services.StaleVersionError) as caught:
        services.step_update(step_id=first.pk, version=1, values={"title": "Mine"}, user=editor)
    assert caught.value.current is not None
    assert getattr(caught.value.current, "title", None) == "Theirs"
    assert Step.objects.get(pk=first.pk).title == "Theirs"


def test_bad_step_values_are_refused_before_anything_is_saved(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    bad = {"process_time_minutes": 30.0, "lead_time_minutes": 10.0}
    with pytest.raises(ValidationError) as caught:
        services.step_update(step_id=first.pk, version=1, values=bad, user=editor)
    assert "lead_time_minutes" in caught.value.message_dict
    first.refresh_from_db()
    assert first.version == 1
    assert not MapChange.objects.filter(map=map_obj).exists()


def test_undo_and_redo_of_an_edit_restore_exactly(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    before = snapshot(map_obj.pk)
    services.step_update(
        step_id=first.pk,
        version=1,
        values={"title": "Changed", "lead_time_minutes": 90.0},
        user=editor,
    )
    after = snapshot(map_obj.pk)
    assert services.map_undo(map_obj=map_obj) is not None
    assert snapshot(map_obj.pk) == before
    assert services.map_redo(map_obj=map_obj) is not None
    assert snapshot(map_obj.pk) == after


def test_undo_keeps_a_later_edit_of_another_field(workspace, editor, facilitator):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "Mine"}, user=editor)
    # Someone edits another field outside the undo stack's newest change.
    Step.objects.filter(pk=first.pk).update(owner="Kim")
    services.map_undo(map_obj=map_obj)
    first.refresh_from_db()
    assert first.title == "Ask for it"
    assert first.owner == "Kim"


def test_undo_raises_the_version_so_old_forms_are_refused(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "New"}, user=editor)
    services.map_undo(map_obj=map_obj)
    first.refresh_from_db()
    assert first.version > 2
    with pytest.raises(services.StaleVersionError):
        services.step_update(step_id=first.pk, version=2, values={"title": "X"}, user=editor)


def test_deleting_a_step_is_undone_with_its_handoffs_and_ids(workspace, editor):
    map_obj, (_first, second) = map_with_steps(workspace)
    handoff = Handoff.objects.get(map=map_obj)
    before = snapshot(map_obj.pk)
    services.step_delete(step_id=second.pk, version=1, user=editor)
    assert not Handoff.objects.filter(pk=handoff.pk).exists()
    services.map_undo(map_obj=map_obj)
    assert snapshot(map_obj.pk) == before
    assert Handoff.objects.get(pk=handoff.pk).to_step_id == second.pk
    services.map_redo(map_obj=map_obj)
    assert not Step.objects.filter(pk=second.pk).exists()


def test_moving_a_step_and_undoing_it_restores_lane_stage_and_order(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    other: Any = StepFactory(
        map=map_obj, lane=second.lane, stage=second.stage, position=second.position + 1
    )
    before = snapshot(map_obj.pk)
    services.step_move(
        step_id=first.pk,
        version=1,
        lane_id=second.lane_id,
        stage_id=second.stage_id,
        position=0,
        user=editor,
    )
    cell = list(
        Step.objects.filter(lane=second.lane, stage=second.stage).order_by("position", "id")
    )
    assert [s.pk for s in cell] == [first.pk, second.pk, other.pk]
    services.map_undo(map_obj=map_obj)
    assert snapshot(map_obj.pk) == before


def test_a_move_into_another_maps_lane_is_refused(workspace, editor):
    _map, (first, _second) = map_with_steps(workspace)
    foreign_map, _steps = map_with_steps(workspace)
    foreign_lane = Lane.objects.filter(map=foreign_map).first()
    assert foreign_lane is not None
    with pytest.raises(ValidationError):
        services.step_move(
            step_id=first.pk,
            version=1,
            lane_id=foreign_lane.pk,
            stage_id=first.stage_id,
            user=editor,
        )
    first.refresh_from_db()
    assert first.lane_id != foreign_lane.pk and first.version == 1


def test_a_handoff_to_a_step_of_another_map_is_refused(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    _foreign, (foreign_step, _x) = map_with_steps(workspace)
    with pytest.raises(ValidationError):
        services.handoff_create(
            map_obj=map_obj, from_step_id=first.pk, to_step_id=foreign_step.pk, user=editor
        )


def test_handoff_create_update_delete_and_undo(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    handoff = services.handoff_create(
        map_obj=map_obj, from_step_id=second.pk, to_step_id=first.pk, user=editor
    )
    services.handoff_update(
        handoff_id=handoff.pk, version=1, rework=True, label="missing form", user=editor
    )
    assert Handoff.objects.get(pk=handoff.pk).rework
    services.handoff_delete(handoff_id=handoff.pk, version=2, user=editor)
    services.map_undo(map_obj=map_obj)
    assert Handoff.objects.get(pk=handoff.pk).label == "missing form"
    services.map_undo(map_obj=map_obj)
    assert not Handoff.objects.get(pk=handoff.pk).rework
    services.map_undo(map_obj=map_obj)
    assert not Handoff.objects.filter(pk=handoff.pk).exists()


def test_a_new_change_discards_the_redo_stack(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "A"}, user=editor)
    services.map_undo(map_obj=map_obj)
    first.refresh_from_db()
    services.step_update(step_id=first.pk, version=first.version, values={"title": "B"})
    assert services.map_redo(map_obj=map_obj) is None
    assert MapChange.objects.filter(map=map_obj).count() == 1


def test_stages_and_lanes_are_added_renamed_reordered_removed_and_undone(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    before = snapshot(map_obj.pk)
    stage = services.stage_create(map_obj=map_obj, name="Check", user=editor)
    services.stage_rename(stage_id=stage.pk, name="Verify", user=editor)
    services.stage_move(stage_id=stage.pk, position=0, user=editor)
    assert next(iter(Stage.objects.filter(map=map_obj).values_list("name", flat=True))) == "Verify"
    lane = services.lane_create(map_obj=map_obj, new_department_name="Legal", user=editor)
    services.lane_move(lane_id=lane.pk, position=0, user=editor)
    first_lane = Lane.objects.filter(map=map_obj).order_by("position").first()
    assert first_lane is not None and first_lane.department.name == "Legal"
    old_lane = Lane.objects.filter(map=map_obj).exclude(pk=lane.pk).first()
    assert old_lane is not None
    seen = Map.objects.get(pk=map_obj.pk).version
    services.lane_delete(lane_id=old_lane.pk, map_version=seen, user=editor)
    for _ in range(6):
        services.map_undo(map_obj=map_obj)
    assert snapshot(map_obj.pk) == before


def test_a_duplicate_stage_name_is_refused(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    with pytest.raises(ValidationError):
        services.stage_create(map_obj=map_obj, name="Ask", user=editor)


def test_future_state_copy_has_everything_and_points_at_the_current_map(workspace, editor):
    map_obj, _steps = map_with_steps(workspace)
    copy = services.map_copy_as_future_state(map_obj=map_obj, user=editor)
    assert copy.state == MapState.FUTURE
    assert copy.based_on == map_obj
    original, copied = load_map_data(map_obj.pk), load_map_data(copy.pk)
    assert [s.title for s in copied.steps] == [s.title for s in original.steps]
    assert len(copied.handoffs) == len(original.handoffs) == 1
    assert {x.department_id for x in copied.lanes} == {x.department_id for x in original.lanes}
    assert not set(s.id for s in copied.steps) & set(s.id for s in original.steps)
    # A copy of the copy still points at the current state.
    again = services.map_copy_as_future_state(map_obj=copy, user=editor)
    assert again.based_on == map_obj
    assert Map.objects.filter(based_on=map_obj).count() == 2


def test_steps_of_an_imported_map_without_history_can_be_edited_and_undone(workspace, editor):
    map_obj, (first, _second) = map_with_steps(workspace)
    copy = services.map_copy_as_future_state(map_obj=map_obj)
    step = Step.objects.filter(map=copy).order_by("id").first()
    assert step is not None and not step.history.exists()
    services.step_update(step_id=step.pk, version=1, values={"title": "Faster"}, user=editor)
    services.map_undo(map_obj=copy)
    step.refresh_from_db()
    assert step.title == first.title


def test_adding_a_step_puts_it_at_the_end_of_its_cell(workspace, editor):
    lane: Any = LaneFactory()
    map_obj: Any = lane.map
    stage: Any = StageFactory(map=map_obj)
    a = services.step_create(
        map_obj=map_obj, lane_id=lane.pk, stage_id=stage.pk, values={"title": "A"}, user=editor
    )
    b = services.step_create(
        map_obj=map_obj, lane_id=lane.pk, stage_id=stage.pk, values={"title": "B"}, user=editor
    )
    assert (a.position, b.position) == (0, 1)
    services.map_undo(map_obj=map_obj)
    assert list(Step.objects.filter(map=map_obj).values_list("title", flat=True)) == ["A"]
