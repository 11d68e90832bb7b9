"""`manage.py bench_dashboard`: the workspace dashboard's server time for many maps.

Stores `--maps` synthetic value streams of `--steps` steps each (the generator of
`bench_analysis`) in a throwaway workspace inside a transaction that is rolled
back at the end, then requests the dashboard through Django's test client as a
member: cold (analysis cache emptied before each request) and warm (every map's
analysis cached). Prints JSON: min/median/max wall-clock milliseconds, the same
for this process's CPU time and for the database server's (when it runs on this
machine), and the number of queries per request, for the
full size and for a workspace of `--few` maps, so the query count can be seen
not to grow with the number of maps.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from departments.models import Membership, Role, Workspace
from valuestreams.imports.maps import map_import
from valuestreams.management.dbcpu import database_cpu_seconds

from .bench_analysis import synthetic_document

TARGET_COLD_MS = 500.0


class _Rollback(Exception):
    """Raised to leave the benchmark's transaction without keeping anything."""


def _stats(times: list[float]) -> dict[str, float]:
    return {
        "min": round(min(times), 1),
        "median": round(statistics.median(times), 1),
        "max": round(max(times), 1),
    }


def _measure(request: Callable[[], Any], runs: int, *, cold: bool) -> dict[str, Any]:
    """Time `runs` requests; before each, empty the cache when `cold`."""
    times = []
    cpu = []
    db_cpu = []
    queries = 0
    for _ in range(runs):
        if cold:
            cache.clear()
        # Read outside the captured queries, which must count the page's only.
        start_db = database_cpu_seconds()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = request()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        end_db = database_cpu_seconds()
        if start_db is not None and end_db is not None:
            db_cpu.append((end_db - start_db) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")
        queries = len(captured.captured_queries)
    # On a shared machine the wall clock also counts other processes' turns;
    # this process's CPU time (cpu_ms) shows the code's own cost beside it, and
    # the database server's (database_cpu_ms, in clock ticks of 10 ms) when it
    # runs on this machine.
    return {
        **_stats(times),
        "cpu_ms": _stats(cpu),
        "database_cpu_ms": _stats(db_cpu) if db_cpu else None,
        "queries": queries,
    }


class Command(BaseCommand):
    help = "Benchmark the workspace dashboard for many large maps, cold and warm; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maps", type=int, default=50)
        parser.add_argument("--steps", type=int, default=200, help="steps per map")
        parser.add_argument("--few", type=int, default=5, help="maps of the small comparison")
        parser.add_argument("--runs", type=int, default=5, help="requests per measurement")

    def handle(self, *args: Any, **options: Any) -> None:
        report: dict[str, Any] = {}
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
                report = self._run(options)
                raise _Rollback
        except _Rollback:
            pass
        cache.clear()
        self.stdout.write(json.dumps(report, indent=2))

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        stamp = f"{os.getpid()}-{time.time_ns()}"
        workspace = Workspace.objects.create(name="Benchmark (temporary)", slug=f"bench-{stamp}")
        user = get_user_model().objects.create_user(username=f"bench-{stamp}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.VIEWER)
        client = Client()
        client.force_login(user)
        url = reverse("dashboard", args=[workspace.slug])

        def request() -> Any:
            return client.get(url)

        runs = options["runs"]
        start = time.perf_counter()
        few: dict[str, Any] = {}
        for i in range(options["maps"]):
            document = synthetic_document(options["steps"], seed=i + 1)
            map_import(workspace=workspace, document=document)
            if i + 1 == options["few"]:
                request()  # warm up imports and templates once
                few = {
                    "maps": i + 1,
                    "cold": _measure(request, runs, cold=True),
                    "warm": _measure(request, runs, cold=False),
                }
        store_s = time.perf_counter() - start
        cold = _measure(request, runs, cold=True)
        warm = _measure(request, runs, cold=False)
        return {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "database": connection.vendor,
            },
            "maps": options["maps"],
            "steps_per_map": options["steps"],
            "runs": runs,
            "store_s": round(store_s, 1),
            "dashboard_ms": {"cold": cold, "warm": warm},
            "few_maps": few,
            "targets": {
                "cold_median_ms": {
                    "target": TARGET_COLD_MS,
                    "measured": cold["median"],
                    "met": cold["median"] <= TARGET_COLD_MS,
                },
                "queries_do_not_grow": {
                    "few": few.get("cold", {}).get("queries"),
                    "many": cold["queries"],
                    "met": few.get("cold", {}).get("queries") == cold["queries"],
                },
            },
        }
