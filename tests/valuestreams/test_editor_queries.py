"""The editor's query counts do not grow with the size of the map."""

from __future__ import annotations

from typing import Any

import pytest

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
MOVE_QUERIES = 26

#: Queries per write, pinned: (view, data maker, queries). Each is the same on a
#: 2-step and a 69-step map (checked below), so none grows with the map. An edit
#: no longer asks the database about each of the step's check constraints (the
#: form applies the same rules, rules.py, without a query). Each includes the one
#: query (an upsert) of writing the new drawing's checksums to the shared cache.
WRITES: list[tuple[str, Any, int]] = [
    ("step_edit", lambda m, s, c: ({"title": "New title", "version": s.version}, [s.pk]), 21),
    ("step_delete", lambda m, s, c: ({"version": s.version}, [s.pk]), 32),
    ("step_add", lambda m, s, c: ({"title": "Added", "lane": c[0].pk, "stage": c[1].pk}, []), 23),
    ("stage_add", lambda m, s, c: ({"name": "Extra stage"}, []), 22),
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
