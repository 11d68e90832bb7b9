"""The workspace home and the map list: fast for any map size, and never down for one map.

A 10,000-step map once made the count query behind these pages join steps ×
handoffs (52 s on PostgreSQL); a map with two lead times of 1e308 once made them
answer 500 for every member. Times are measured by `bench_map_lists`, not here;
here the query counts are pinned and must not grow with the map.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from valuestreams.imports.maps import map_import
from valuestreams.management.commands.bench_analysis import synthetic_document
from valuestreams.models import Map, Step

pytestmark = pytest.mark.django_db

PAGES = ("workspace_home", "map_list")


def queries_of(client: Any, name: str, slug: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[slug]))
    assert response.status_code == 200
    return len(captured)


def page_queries(client: Any, slug: str) -> dict[str, tuple[int, int]]:
    """Per page: the queries with an empty analysis cache, then with a warm one."""
    counts = {}
    for name in PAGES:
        cache.clear()
        cold = queries_of(client, name, slug)
        counts[name] = (cold, queries_of(client, name, slug))
    return counts


def test_list_pages_need_as_many_queries_for_a_10000_step_map_as_for_a_small_one(
    client, workspace, owner
):
    client.force_login(owner)
    small = map_import(workspace=workspace, document=synthetic_document(50))
    small_counts = page_queries(client, workspace.slug)

    Map.objects.filter(pk=small.pk).delete()
    big = map_import(workspace=workspace, document=synthetic_document(10_000))
    big_counts = page_queries(client, workspace.slug)

    assert big_counts == small_counts
    # Bounded: the session, the membership, the maps with their counts, a few
    # workspace figures, and (cold) the analysis loader's queries.
    for cold, warm in big_counts.values():
        assert warm <= 8
        assert cold <= warm + 6
    response = client.get(reverse("map_list", args=[workspace.slug]))
    shown = response.context["maps"][0]
    assert shown.pk == big.pk
    assert shown.step_count == 10_000 == Step.objects.filter(map=big).count()
    assert shown.handoff_count == big.handoffs.count()
    assert shown.rework_count == big.handoffs.filter(rework=True).count()


def test_the_counts_are_one_subquery_each_not_a_join_of_steps_and_handoffs(workspace):
    sql = str(Map.objects.filter(workspace=workspace).with_counts().query).lower()

    assert "join" not in sql
    assert sql.count("count(") == 3


def store_past_the_checks(step: Step, **values: float) -> None:
    """Write values that today's rules refuse, as an older release could have stored them."""
    table, quote = Step._meta.db_table, connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks deferred to commit (foreign keys, a step's place in its cell) must
            # run first: PostgreSQL alters no table with such checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Dropped inside the test's transaction, so it comes back at rollback.
            for name in ("step_lead_time_at_most_ten_years", "step_process_time_at_most_ten_years"):
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), step.pk]
            )
        finally:
            if connection.vendor != "postgresql":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_a_map_whose_analysis_fails_shows_a_dash_and_the_other_maps_still_show(
    client, workspace, owner, caplog
):
    client.force_login(owner)
    healthy = map_import(workspace=workspace, document=synthetic_document(30, seed=2))
    broken = map_import(workspace=workspace, document=synthetic_document(30, seed=3))
    # Two connected steps with lead times of 1e308: their sum overflows the analysis.
    handoff = broken.handoffs.filter(rework=False).select_related("from_step", "to_step").first()
    for step in (handoff.from_step, handoff.to_step):
        store_past_the_checks(step, process_time_minutes=1.0, lead_time_minutes=1e308)
    Map.objects.filter(pk=broken.pk).update(version=broken.version + 1)

    with caplog.at_level(logging.ERROR, logger="valuestreams.views.maps"):
        for name in PAGES:
            response = client.get(reverse(name, args=[workspace.slug]))
            assert response.status_code == 200
            assert healthy.name in response.text and broken.name in response.text

    listed = client.get(reverse("map_list", args=[workspace.slug])).context["maps"]
    by_id = {m.pk: m for m in listed}
    assert by_id[broken.pk].metrics is None
    assert by_id[healthy.pk].metrics is not None
    assert f"analysis of map {broken.pk}" in caplog.text
