"""The shared drawing cache writes in one statement and stays within its bound when culled."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from valuestreams.cache_backend import UpsertDatabaseCache
from valuestreams.views.editor_live import SHARED

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared() -> UpsertDatabaseCache:
    backend = caches[SHARED]
    assert isinstance(backend, UpsertDatabaseCache)
    backend.clear()
    return backend


def test_a_write_is_one_query_whether_it_inserts_or_replaces(shared) -> None:
    with CaptureQueriesContext(connection) as first:
        shared.set("drawing:1:a", (["rect."], [1, 2]), 60)
    with CaptureQueriesContext(connection) as again:
        shared.set("drawing:1:a", (["rect."], [3]), 60)
    assert (len(first), len(again)) == (1, 1)
    assert shared.get("drawing:1:a") == (["rect."], [3])


def test_expired_and_missing_entries_read_as_missing(shared) -> None:
    shared.set("drawing:1:gone", "x", -1)  # already expired
    assert shared.get("drawing:1:gone") is None
    assert shared.get("drawing:1:never") is None


def test_cull_brings_a_full_cache_back_under_its_bound(shared) -> None:
    bound = shared._max_entries
    for i in range(bound + 5):
        shared.set(f"drawing:{i}:t", i, 60)
    with CaptureQueriesContext(connection) as queries:
        shared.cull()
    assert len(queries) > 1  # counted, then deleted
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {shared.table_name}")
        assert cursor.fetchone()[0] <= bound
    # Under the bound, culling is one count and deletes nothing.
    shared.set("drawing:kept:t", "still here", 60)
    with CaptureQueriesContext(connection) as queries:
        shared.cull()
    assert len(queries) == 1
    assert shared.get("drawing:kept:t") == "still here"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="unlogged tables are PostgreSQL's")
def test_the_table_is_unlogged_on_postgresql(shared) -> None:
    # Its writes then do not wait for the write-ahead log at commit (migration 0010).
    with connection.cursor() as cursor:
        sql = "SELECT relpersistence FROM pg_class WHERE relname = %s"
        cursor.execute(sql, [shared.table_name])
        assert cursor.fetchone()[0] == "u"
