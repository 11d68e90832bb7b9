"""A database cache whose `set` is one statement: the editor's shared drawing checksums.

Django's `DatabaseCache.set` costs five queries (count the rows, then a
transaction with a read and an insert or update), and every editor answer
writes one entry (`views/editor_live.remember`). On PostgreSQL and SQLite this
backend writes with a single ``INSERT … ON CONFLICT … DO UPDATE`` instead. The
table stays the one ``createcachetable`` made, and every other operation is
Django's.

The bound on the number of entries (``MAX_ENTRIES``) is kept by Django's cull,
but not on every write: `cull` counts the rows and culls when over the bound,
and the editor calls it when a page opens (not on each edit), so the table may
hold more entries than the bound only by the edits made since the last page
was opened.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router
from django.utils.timezone import now as tz_now

#: Databases whose SQL has ``INSERT … ON CONFLICT (…) DO UPDATE``.
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


class UpsertDatabaseCache(DatabaseCache):
    """`DatabaseCache` with `set` as one upsert (PostgreSQL, SQLite); Django's elsewhere."""

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self.table_name = table

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        """Store `value` under `key` in one statement (no cull: see `cull`)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            super().set(key, value, timeout, version)
            return
        key = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        if backend_timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        expires = expires.replace(microsecond=0)
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self.table_name)
        sql = (
            f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
            f"{quote('value')} = EXCLUDED.{quote('value')}, "
            f"{quote('expires')} = EXCLUDED.{quote('expires')}"
        )
        params = [key, pickled, connection.ops.adapt_datetimefield_value(expires)]
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql, params)
            except DatabaseError:
                # As Django's: a cache write may fail quietly. Inside a transaction the
                # failed statement has spoiled it, so there the error must surface.
                if connection.in_atomic_block:
                    raise

    def cull(self) -> None:
        """Django's cull when over ``MAX_ENTRIES``: expired entries, then a share of the oldest.

        One query (the count) while under the bound.
        """
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(self.table_name)}")
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                # Django's own cull (not in the type stubs).
                self._cull(db, cursor, tz_now().replace(microsecond=0), count)  # type: ignore[attr-defined]
