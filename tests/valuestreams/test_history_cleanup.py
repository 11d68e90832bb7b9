"""The editor's history goes with its map: nothing of a deleted workspace stays behind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.models import Handoff, Lane, Map, Stage, Step

pytestmark = pytest.mark.django_db

TRACKED = (Map, Stage, Lane, Step, Handoff)


def history_rows(map_id: int) -> Any:
    """History rows that belong to the map or to anything on it."""
    rows = Map.history.filter(id=map_id).count()
    return rows + sum(m.history.filter(map_id=map_id).count() for m in TRACKED[1:])


def edited_map(workspace, editor):
    map_obj, (first, second) = map_with_steps(workspace)
    services.step_update(step_id=first.pk, version=1, values={"title": "New"}, user=editor)
    services.step_delete(step_id=second.pk, version=1, user=editor)
    services.stage_create(map_obj=map_obj, name="Later", user=editor)
    assert history_rows(map_obj.pk) > 0
    return map_obj


def test_deleting_a_workspace_deletes_the_history_of_its_maps(workspace, editor):
    map_obj = edited_map(workspace, editor)
    workspace.delete()
    assert history_rows(map_obj.pk) == 0


def test_deleting_a_map_deletes_its_history_and_keeps_other_maps_history(workspace, editor):
    doomed, kept = edited_map(workspace, editor), edited_map(workspace, editor)
    doomed_id, before = doomed.pk, history_rows(kept.pk)
    doomed.delete()  # sets doomed.pk to None
    assert history_rows(doomed_id) == 0
    assert history_rows(kept.pk) == before


def test_a_deleted_step_keeps_its_history_for_undo(workspace, editor):
    map_obj, (_first, second) = map_with_steps(workspace)
    services.step_delete(step_id=second.pk, version=1, user=editor)
    assert Step.history.filter(id=second.pk).exists()
    services.map_undo(map_obj=map_obj)
    assert Step.objects.filter(pk=second.pk).exists()
