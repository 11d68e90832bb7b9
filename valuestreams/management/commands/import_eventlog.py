"""`manage.py import_eventlog FILE --case COL --activity COL --timestamp COL --lane COL ...`.

Creates the stored log and its discovered map in one transaction; with `--json`
prints the full-log evidence (counts over every event, not only the map's filter).
"""

from __future__ import annotations

import json
import zoneinfo
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from departments.models import Workspace
from valuestreams.imports.eventlog_analysis import DiscoveryFilter, Evidence
from valuestreams.imports.eventlog_parse import DEFAULT_MISSING, ColumnMapping
from valuestreams.imports.eventlogs import eventlog_import
from valuestreams.imports.problems import ImportProblems


def evidence_json(evidence: Evidence, **extra: Any) -> dict[str, Any]:
    """The JSON form of a log's evidence that `import_eventlog --json` prints."""
    return {
        **extra,
        "cases": evidence.cases,
        "events": evidence.events,
        "period_start": evidence.period_start,
        "period_end": evidence.period_end,
        "lanes": len(evidence.lanes),
        "handoffs": evidence.handoffs,
        "ping_pong": evidence.ping_pong,
        "ping_pong_cases": evidence.ping_pong_cases,
        "department_handoffs": [
            {
                "from": p.from_lane,
                "to": p.to_lane,
                "count": p.count,
                "median_wait_minutes": p.median_wait_minutes,
                "p90_wait_minutes": p.p90_wait_minutes,
                "example_cases": p.example_cases,
            }
            for p in evidence.department_handoffs
        ],
        "ping_pong_pairs": [
            {"lane": p.lane, "other": p.other, "count": p.count, "cases": p.cases}
            for p in evidence.ping_pong_pairs
        ],
        "waits": [
            {
                "lane": w.lane,
                "activity": w.activity,
                "count": w.count,
                "total_minutes": w.total_minutes,
                "median_minutes": w.median_minutes,
                "p90_minutes": w.p90_minutes,
                "share": w.share,
            }
            for w in evidence.waits
        ],
        "busiest_cases": [
            {"case": c.case_id, "handoffs": c.handoffs, "ping_pong": c.ping_pong, "path": c.path}
            for c in evidence.busiest_cases
        ],
    }


class Command(BaseCommand):
    help = "Import an event log (CSV or XES, gzip allowed), store it and discover its map."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv, .xes, .csv.gz or .xes.gz file")
        parser.add_argument("--case", required=True, help="column of the case id")
        parser.add_argument("--activity", required=True, help="column of the activity")
        parser.add_argument("--lifecycle", default="", help="column joined to the activity")
        parser.add_argument("--timestamp", required=True, help="column of the time")
        parser.add_argument("--lane", required=True, help="column that becomes the lane")
        parser.add_argument(
            "--missing",
            nargs="*",
            default=None,
            help=f"lane values meaning 'none' (default: blank, {', '.join(DEFAULT_MISSING[1:])})",
        )
        policy = parser.add_mutually_exclusive_group()
        policy.add_argument("--unknown-lane", action="store_true", help="put them in 'Unknown'")
        policy.add_argument("--drop-missing", action="store_true", help="leave such events out")
        parser.add_argument("--timezone", default="UTC", help="zone of times without an offset")
        parser.add_argument("--max-steps", type=int, default=DiscoveryFilter.max_steps)
        parser.add_argument("--max-handoffs", type=int, default=DiscoveryFilter.max_handoffs)
        parser.add_argument("--workspace", required=True, help="slug of the workspace")
        parser.add_argument("--name", required=True, help="name of the log")
        parser.add_argument("--json", action="store_true", help="print the evidence as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist:
            raise CommandError(f"no workspace with the slug {options['workspace']!r}") from None
        try:
            zone = zoneinfo.ZoneInfo(options["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"unknown time zone {options['timezone']!r}") from None
        if options["max_steps"] < 1 or options["max_handoffs"] < 0:
            raise CommandError("--max-steps must be at least 1 and --max-handoffs at least 0")
        missing = options["missing"]
        mapping = ColumnMapping(
            case=options["case"],
            activity=options["activity"],
            timestamp=options["timestamp"],
            lane=options["lane"],
            lifecycle=options["lifecycle"],
            missing=DEFAULT_MISSING if missing is None else ("", *missing),
            drop_missing=options["drop_missing"],
        )
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                log, new_map = eventlog_import(
                    workspace=workspace,
                    name=options["name"],
                    raw=handle,
                    filename=path.name,
                    mapping=mapping,
                    flt=DiscoveryFilter(options["max_steps"], options["max_handoffs"]),
                    naive_tz=zone,
                )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except ImportProblems as exc:
            raise CommandError(
                "the log was not imported:\n  " + "\n  ".join(exc.messages)
            ) from None
        if not options["json"]:
            self.stdout.write(f"{log.pk} {new_map.pk}")
            return
        assert log.evidence is not None
        result = evidence_json(
            Evidence.from_dict(log.evidence),
            log_id=log.pk,
            map_id=new_map.pk,
            dropped_events=log.dropped_events,
            unknown_lane_events=log.unknown_lane_events,
        )
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
