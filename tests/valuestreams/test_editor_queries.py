"""The editor's query counts do not grow with the size of the map."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from tests.factories import HandoffFactory, LaneFactory, MapFactory, StageFactory, StepFactory

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def build(workspace: Any, *, lanes: int, stages: int, per_cell: int) -> tuple[Any, Any, Any]:
    """A map with steps in every cell but the last, chained by handoffs; returns the
    map, a step to move and the empty cell's (lane, stage)."""
    map_obj = MapFactory(workspace=workspace)
    lane_objs = [LaneFactory(map=map_obj) for _ in range(lanes)]
    stage_objs = [StageFactory(map=map_obj) for _ in range(stages)]
    previous = None
    steps = []
    for stage in stage_objs:
        for lane in lane_objs:
            if (lane, stage) == (lane_objs[-1], stage_objs[-1]):
                continue
            for _ in range(per_cell):
                step = StepFactory(map=map_obj, lane=lane, stage=stage)
                if previous is not None:
                    HandoffFactory(map=map_obj, from_step=previous, to_step=step)
                previous = step
                steps.append(step)
    return map_obj, steps[0], (lane_objs[-1], stage_objs[-1])


def count_queries(client, map_obj, step, cell, django_assert_num_queries) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page:
        assert client.get(url("map_editor", map_obj)).status_code == 200
    lane, stage = cell
    with CaptureQueriesContext(connection) as edit:
        response = client.post(
            url("step_move", map_obj, step.pk),
            {"lane": lane.pk, "stage": stage.pk, "version": step.version},
            headers=HTMX,
        )
        assert response.status_code == 200
    return len(page), len(edit)


def test_page_and_edit_query_counts_are_the_same_for_a_small_and_a_large_map(
    workspace, editor, django_assert_num_queries
):
    client = client_for(editor)
    small = build(workspace, lanes=2, stages=2, per_cell=1)
    large = build(workspace, lanes=4, stages=6, per_cell=3)
    assert large[0].steps.count() > 10 * small[0].steps.count()
    small_page, small_edit = count_queries(client, *small, django_assert_num_queries)
    large_page, large_edit = count_queries(client, *large, django_assert_num_queries)
    # And pinned, so a new query per row or per lane shows up here.
    with django_assert_num_queries(small_page):
        client.get(url("map_editor", large[0]))
    assert (small_page, small_edit) == (large_page, large_edit)
    # Absolute: the page and a move, whatever the map's size.
    assert (small_page, small_edit) == (PAGE_QUERIES, MOVE_QUERIES)


#: Queries of the editor page (structure panel shown) and of a move, pinned. The
#: structure panel counts, in one query, the maps each lane's department is on (what
#: renaming it touches): one more than before it said so. The map, its workspace and
#: the membership are one query; the move form's lanes and stages come from the
#: loaded map, the step as the move left it from the service. One of each is the
#: drawing's checksums written to the cache all web processes share (editor_live.py),
#: one upsert (valuestreams/cache_backend.py, five queries with Django's backend); the
#: page also counts that cache's rows, to cull it when over its bound.
PAGE_QUERIES = 14
#: The move follows the page: applied to the map's data as the page drew it
#: (mapdata.after_step_moved), without loading the map's stages, steps and handoffs
#: again (three queries; its lanes are read to see that no department changed). As a
#: save, a move does not read the step before the service (which refuses another
#: map's step), and the service reads whether the lane and stage are the map's with
#: the step (one query, not three); the form knows the lanes and stages the page
#: drew (mapdata.kept_places), so it asks the database about neither. The version is
#: compared in the UPDATE that moves the step (no UPDATE of its own before it), and the
#: step's history record is one INSERT with those of the steps its move renumbered.
#: The map's new version comes back from the UPDATE that bumps it (RETURNING), and the
#: undo bar shows the change just recorded (changes.last_written): neither is read again.
MOVE_QUERIES = 15

#: Queries per write, pinned: (view, data maker, queries). Each is the same on a
#: 2-step and a 69-step map (checked below), so none grows with the map. An edit
#: no longer asks the database about each of the step's check constraints (the
#: form applies the same rules, rules.py, without a query); a save does not read the
#: step before the service (which refuses another map's step). Each includes the one
#: query (an upsert) of writing the new drawing's checksums to the shared cache. None
#: reads back the map's version or the newest change it has just written.
WRITES: list[tuple[str, Any, int]] = [
    ("step_edit", lambda m, s, c: ({"title": "New title", "version": s.version}, [s.pk]), 18),
    ("step_delete", lambda m, s, c: ({"version": s.version}, [s.pk]), 30),
    ("step_add", lambda m, s, c: ({"title": "Added", "lane": c[0].pk, "stage": c[1].pk}, []), 21),
    ("stage_add", lambda m, s, c: ({"name": "Extra stage"}, []), 20),
]


def write_queries(client, map_obj, step, cell, name, make) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data, args = make(map_obj, step, cell)
    with CaptureQueriesContext(connection) as edit:
        response = client.post(url(name, map_obj, *args), data, headers=HTMX)
        assert response.status_code == 200, (name, response.status_code)
    return len(edit)


@pytest.mark.parametrize(("name", "make", "pinned"), WRITES, ids=[w[0] for w in WRITES])
def test_each_write_costs_the_same_queries_on_a_small_and_a_large_map(
    workspace, editor, name, make, pinned
):
    client = client_for(editor)
    small = build(workspace, lanes=2, stages=2, per_cell=1)
    large = build(workspace, lanes=4, stages=6, per_cell=3)
    counts = [write_queries(client, *built, name, make) for built in (small, large)]
    assert counts[0] == counts[1] == pinned


#: A step saved, and a handoff added, right after the editor drew the map: the write is
#: applied to the data this process drew (mapdata.keep) instead of loading the map's
#: stages, steps and handoffs again, three queries fewer than the pins above (the
#: lanes are read, to see that no department was renamed or recoloured meanwhile).
SAVE_AFTER_DRAWING = 15
CONNECT_AFTER_DRAWING = 17


def test_a_save_after_the_editor_drew_the_map_applies_itself_to_that_data(workspace, editor):
    from valuestreams.mapdata import _kept, load_map_data

    client = client_for(editor)
    map_obj, step, _cell = build(workspace, lanes=3, stages=3, per_cell=2)
    assert client.get(url("map_editor", map_obj)).status_code == 200
    data = {
        "title": "Renamed <&> step",
        "process_time_minutes": "45m",
        "lead_time_minutes": "1d 4h",
        "complete_accurate_pct": "75",
        "value_adding": "on",
        "emotion": "-1",
        "channel": "Phone",
        "pain_points": "slow\nunclear",
        "owner": "Ann",
        "version": step.version,
    }
    count = write_queries(client, map_obj, step, None, "step_edit", lambda m, s, c: (data, [s.pk]))
    assert count == SAVE_AFTER_DRAWING
    # What was drawn is exactly what loading the map gives, value types included.
    assert _kept[map_obj.pk] == load_map_data(map_obj.pk)
    assert any(s.title == "Renamed <&> step" for s in _kept[map_obj.pk].steps)

    from valuestreams.models import Handoff

    joined = set(Handoff.objects.filter(from_step=step).values_list("to_step_id", flat=True))
    target = next(s for s in map_obj.steps.all() if s.pk != step.pk and s.pk not in joined)

    def connect(m: Any, s: Any, c: Any) -> tuple[dict[str, Any], list[int]]:
        return {"from_step": s.pk, "to_step": target.pk, "rework": "on"}, []

    count = write_queries(client, map_obj, step, None, "handoff_add", connect)
    assert count == CONNECT_AFTER_DRAWING
    assert _kept[map_obj.pk] == load_map_data(map_obj.pk)


def test_a_save_after_someone_else_wrote_loads_the_map_again(workspace, editor):
    from valuestreams import services
    from valuestreams.mapdata import _kept, load_map_data

    client = client_for(editor)
    map_obj, step, _cell = build(workspace, lanes=2, stages=2, per_cell=2)
    assert client.get(url("map_editor", map_obj)).status_code == 200
    other = map_obj.steps.exclude(pk=step.pk).first()
    # Another web process saves another step: this one's drawn data is a version behind.
    services.step_update(step_id=other.pk, version=other.version, values={"title": "Theirs"})
    data = {"title": "Mine", "version": step.version}
    count = write_queries(client, map_obj, step, None, "step_edit", lambda m, s, c: (data, [s.pk]))
    assert count == SAVE_AFTER_DRAWING + 3
    kept = _kept[map_obj.pk]
    assert kept == load_map_data(map_obj.pk)
    assert {"Theirs", "Mine"} <= {s.title for s in kept.steps}


#: A move right after the editor drew the map, applied to that data as a save is (the
#: pinned move above is one).


@pytest.mark.parametrize(
    "where",
    ["another lane, first", "another lane, middle", "another lane, end", "same cell, later"],
)
def test_a_move_after_the_editor_drew_the_map_applies_itself_to_that_data(workspace, editor, where):
    from valuestreams.mapdata import _kept, load_map_data
    from valuestreams.models import Step

    client = client_for(editor)
    map_obj, step, _cell = build(workspace, lanes=3, stages=2, per_cell=3)
    # Gaps in the numbers of the cell the step leaves and of the one it joins.
    Step.objects.filter(map=map_obj).exclude(pk=step.pk).update(position=F("position") * 2 + 1)
    step.refresh_from_db()
    assert client.get(url("map_editor", map_obj)).status_code == 200
    lane_id, stage_id = step.lane_id, step.stage_id
    if where.startswith("another lane"):
        lane_id = map_obj.lanes.exclude(pk=step.lane_id).order_by("position").first().pk
    position = {"another lane, first": 0, "another lane, middle": 1, "same cell, later": 2}
    data = {"lane": lane_id, "stage": stage_id, "version": step.version}
    if where in position:
        data["position"] = position[where]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as edit:
        response = client.post(url("step_move", map_obj, step.pk), data, headers=HTMX)
        assert response.status_code == 200
    # The map was not loaded again (only loading it reads the handoffs on a move) …
    assert not [q for q in edit.captured_queries if "valuestreams_handoff" in q["sql"]]
    # … and what was drawn is exactly what loading it gives.
    assert _kept[map_obj.pk] == load_map_data(map_obj.pk)
    moved = next(s for s in _kept[map_obj.pk].steps if s.id == step.pk)
    assert (moved.lane_id, moved.stage_id) == (lane_id, stage_id)


def test_a_department_recoloured_meanwhile_is_drawn_new_by_the_next_save(workspace, editor):
    from departments.models import Department
    from valuestreams.mapdata import _kept, load_map_data

    client = client_for(editor)
    map_obj, step, _cell = build(workspace, lanes=2, stages=2, per_cell=1)
    assert client.get(url("map_editor", map_obj)).status_code == 200
    # The departments' page saves a department without touching the maps' versions.
    department = Department.objects.get(lanes__pk=step.lane_id)
    Department.objects.filter(pk=department.pk).update(name="Renamed dept", color="#123456")
    data = {"title": "Mine", "version": step.version}
    count = write_queries(client, map_obj, step, None, "step_edit", lambda m, s, c: (data, [s.pk]))
    assert count == SAVE_AFTER_DRAWING + 4  # the lanes compared, then the map loaded
    kept = _kept[map_obj.pk]
    assert kept == load_map_data(map_obj.pk)
    assert ("Renamed dept", "#123456") in {(lane.name, lane.color) for lane in kept.lanes}


def test_a_move_to_the_top_of_a_cell_costs_the_same_queries_however_full_the_cell(
    workspace, editor
):
    # The steps below the new one are renumbered in one UPDATE, and their history goes
    # in the moved step's INSERT (changes.record_updates), not two queries a step; undo
    # puts them back.
    from valuestreams.models import Step

    client = client_for(editor)
    counts = []
    for per_cell in (2, 6):
        map_obj, step, _cell = build(workspace, lanes=2, stages=2, per_cell=per_cell)
        other = Step.objects.filter(map=map_obj).exclude(lane=step.lane).first()
        below = list(
            Step.objects.filter(lane=other.lane, stage=other.stage).order_by("position", "id")
        )
        # Numbered as made (not 0, 1, 2): every one of them is renumbered.
        assert below[0].position > 0
        assert client.get(url("map_editor", map_obj)).status_code == 200
        data = {"lane": other.lane_id, "stage": other.stage_id, "version": step.version}
        data["position"] = 0

        def to_top(m: Any, s: Any, c: Any, data: dict[str, Any] = data) -> Any:
            return data, [s.pk]

        counts.append(write_queries(client, map_obj, step, None, "step_move", to_top))
        cell = Step.objects.filter(lane=other.lane, stage=other.stage).order_by("position")
        assert [s.pk for s in cell] == [step.pk, *(s.pk for s in below)]
        assert [s.position for s in cell] == list(range(per_cell + 1))

        map_obj.refresh_from_db()
        response = client.post(url("map_undo", map_obj), {"version": map_obj.version}, headers=HTMX)
        assert response.status_code == 200
        back = Step.objects.filter(lane=other.lane, stage=other.stage).order_by("position", "id")
        assert [(s.pk, s.position) for s in back] == [(s.pk, s.position) for s in below]
        assert Step.objects.get(pk=step.pk).lane_id == step.lane_id
    assert counts[0] == counts[1] == MOVE_QUERIES + 1, counts
