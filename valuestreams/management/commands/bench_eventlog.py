"""`manage.py bench_eventlog`: our event-log import beside pm4py's, on real logs.

In one process and side by side on the BPIC 2013 incidents log (flat CSV, the
org line as the lane): our whole import (parse, store the events in the database,
full-log evidence, discovered map) against pm4py reading the same file with
pandas, `format_dataframe`, the handover-of-work network, the performance DFG and
the network analysis. Then our import of BPIC 2012 (262,200 events, XES).
Every import runs in a transaction that is rolled back, so nothing is left behind.

Prints JSON: min/median/max seconds over the repeats, wall clock and this
process's CPU and the database server's CPU for this connection when it runs on
this machine (the first run is the cold one and is also reported alone; ours and
pm4py's take turns), the ratio ours ÷ pm4py, the machine's load average, and the
process's peak resident memory after our imports (measured before pm4py runs)
and after pm4py's. pm4py is a development dependency (AGPL): its half lives in
tests/benchmarks/pm4py_side.py, loaded only when the benchmark runs.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from departments.models import Workspace
from valuestreams.imports.eventlog_parse import ColumnMapping
from valuestreams.imports.eventlogs import eventlog_import
from valuestreams.management.dbcpu import database_cpu_seconds

INCIDENTS = "bpic2013_incidents/bpic2013_incidents_flat.csv.gz"
INCIDENTS_MAPPING = ColumnMapping(
    case="case_id", activity="activity", timestamp="timestamp", lane="org_line"
)
BPIC2012 = "bpic2012/BPI_Challenge_2012.xes.gz"
BPIC2012_MAPPING = ColumnMapping(
    case="case:concept:name",
    activity="concept:name",
    timestamp="time:timestamp",
    lane="org:resource",
    lifecycle="lifecycle:transition",
)
DOIS = {
    INCIDENTS: "10.4121/uuid:500573e6-accc-4b0c-9576-aa5468b10cee",
    BPIC2012: "10.4121/uuid:3926db30-f712-4394-aebc-75976070e91f",
}
TARGETS = {"ratio_max": 1.0, "bpic2012_seconds_max": 10.0, "peak_mb_max": 500}


class _Rollback(Exception):
    """Raised to leave a benchmark transaction without keeping anything."""


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _summary(seconds: list[float]) -> dict[str, float]:
    return {
        "cold": round(seconds[0], 3),
        "min": round(min(seconds), 3),
        "median": round(statistics.median(seconds), 3),
        "max": round(max(seconds), 3),
    }


def _interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, Any]:
    """Wall-clock and this process's CPU seconds of each run, the runs taking turns.

    Taking turns exposes all of them alike to whatever else the machine is doing.
    CPU time leaves out other processes, but also the database server's own work,
    which is reported apart (`database_cpu`) when the server runs on this machine.
    """
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    db_cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started_db = database_cpu_seconds()
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
            ended_db = database_cpu_seconds()
            if started_db is not None and ended_db is not None:
                db_cpu[name].append(ended_db - started_db)
    return {
        name: {
            "wall": _summary(wall[name]),
            "cpu": _summary(cpu[name]),
            "database_cpu": _summary(db_cpu[name]) if db_cpu[name] else None,
            "repeats": repeats,
        }
        for name in runs
    }


def _ours(path: Path, mapping: ColumnMapping) -> Callable[[], object]:
    def run() -> None:
        try:
            with transaction.atomic():
                workspace = Workspace.objects.create(name="bench", slug="bench-eventlog")
                with path.open("rb") as handle:
                    eventlog_import(
                        workspace=workspace,
                        name=path.name,
                        raw=handle,
                        filename=path.name,
                        mapping=mapping,
                    )
                raise _Rollback
        except _Rollback:
            pass

    return run


def _pm4py(path: Path) -> Callable[[], object]:
    # pm4py (AGPL) is never imported by the app: its half lives in the test tree.
    try:
        side = importlib.import_module("tests.benchmarks.pm4py_side")
    except ImportError:
        raise CommandError(
            "run from a checkout with the development extras: pip install -e '.[dev]'"
        ) from None
    run: Callable[[], object] = side.pm4py_run(path)
    return run


class Command(BaseCommand):
    help = "Benchmark the event-log import against pm4py on real logs; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        default = os.environ.get(
            "CROSSWALK_EVENTLOGS", str(Path(settings.BASE_DIR).parent / "shared/data/eventlogs")
        )
        parser.add_argument("--eventlogs", default=default, help="folder of the event logs")
        parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["eventlogs"])
        repeats = max(1, options["repeats"])
        incidents, bpic2012 = folder / INCIDENTS, folder / BPIC2012
        for path in (incidents, bpic2012):
            if not path.exists():
                raise CommandError(f"{path} not found; pass --eventlogs or set CROSSWALK_EVENTLOGS")
        memory_start = _peak_mb()
        big = _interleaved({"ours": _ours(bpic2012, BPIC2012_MAPPING)}, repeats)["ours"]
        _ours(incidents, INCIDENTS_MAPPING)()
        memory_ours = _peak_mb()
        pair = _interleaved(
            {"ours": _ours(incidents, INCIDENTS_MAPPING), "pm4py": _pm4py(incidents)}, repeats
        )
        ours, theirs = pair["ours"], pair["pm4py"]
        ratio = round(ours["wall"]["median"] / theirs["wall"]["median"], 3)
        result = {
            "database": connection.vendor,
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "bpic2013_incidents": {
                "file": INCIDENTS,
                "doi": DOIS[INCIDENTS],
                "lane": INCIDENTS_MAPPING.lane,
                "ours_seconds": ours,
                "pm4py_seconds": theirs,
                "ratio_ours_to_pm4py": ratio,
                "ratio_cpu": round(ours["cpu"]["median"] / theirs["cpu"]["median"], 3),
            },
            "bpic2012_import": {"file": BPIC2012, "doi": DOIS[BPIC2012], "seconds": big},
            "peak_rss_mb": {
                "at_start": memory_start,
                "after_ours": memory_ours,
                "after_pm4py": _peak_mb(),
            },
            "targets": TARGETS,
            "met": {
                "ratio": ratio <= TARGETS["ratio_max"],
                "bpic2012_seconds": big["wall"]["median"] <= TARGETS["bpic2012_seconds_max"],
                "peak_mb": memory_ours <= TARGETS["peak_mb_max"],
            },
        }
        self.stdout.write(json.dumps(result, indent=2))
