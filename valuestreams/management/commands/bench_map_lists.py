"""`manage.py bench_map_lists`: the workspace home and map list with one very large map.

Imports a synthetic value stream (10,000 steps by default, see `bench_analysis`)
into a throwaway workspace, then requests both pages through Django's test
client as the workspace's owner: "cold" with an empty analysis cache (the large
map is analysed during the request), "warm" with the analysis cached. Prints
JSON with min/median/max milliseconds and the query count per page. Everything
is written inside a transaction that is rolled back, so nothing is left behind.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Membership, Role, Workspace
from valuestreams.imports.maps import map_import
from valuestreams.management.commands.bench_analysis import synthetic_document

PAGES = ("workspace_home", "map_list")


class _Rollback(Exception):
    """Raised to leave the benchmark's transaction without keeping anything."""


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "min_ms": round(min(times), 1),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }


class Command(BaseCommand):
    help = "Benchmark the workspace home and map list with one very large map; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--steps", type=int, default=10_000, help="steps of the large map")
        parser.add_argument("--runs", type=int, default=5, help="requests per page and cache state")

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {}
        try:
            with transaction.atomic():
                result = self._measure(options["steps"], options["runs"])
                raise _Rollback
        except _Rollback:
            pass
        cache.clear()
        self.stdout.write(json.dumps(result, indent=2))

    def _measure(self, steps: int, runs: int) -> dict[str, Any]:
        stamp = f"{os.getpid()}-{time.time_ns()}"
        workspace = Workspace.objects.create(name="Benchmark (temporary)", slug=f"bench-{stamp}")
        user = get_user_model().objects.create(username=f"bench-{stamp}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
        start = time.perf_counter()
        big = map_import(workspace=workspace, document=synthetic_document(steps))
        import_ms = (time.perf_counter() - start) * 1000
        client = self._client()
        client.force_login(user)
        pages = {}
        for name in PAGES:
            url = reverse(name, args=[workspace.slug])
            cold = [self._request(client, url, clear=True) for _ in range(runs)]
            warm = [self._request(client, url, clear=False) for _ in range(runs)]
            pages[name] = {
                "cold": {**_summary([t for t, _ in cold]), "queries": cold[-1][1]},
                "warm": {**_summary([t for t, _ in warm]), "queries": warm[-1][1]},
            }
        return {
            "benchmark": "map_lists",
            "database": connection.vendor,
            "python": platform.python_version(),
            "steps": steps,
            "handoffs": big.handoffs.count(),
            "runs": runs,
            "import_ms": round(import_ms, 1),
            "pages": pages,
        }

    def _client(self) -> Client:
        # Requests must pass ALLOWED_HOSTS and, in production settings, the TLS redirect.
        hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
        return Client(
            HTTP_HOST=hosts[0] if hosts else "localhost", secure=settings.SECURE_SSL_REDIRECT
        )

    def _request(self, client: Client, url: str, *, clear: bool) -> tuple[float, int]:
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed, len(captured)
