"""The real event logs the tests read (never copied into the project), and their columns.

They are found through `CROSSWALK_EVENTLOGS`, by default `../shared/data/eventlogs`
beside the repository; tests that need them skip cleanly when they are absent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from valuestreams.imports.eventlog_parse import ColumnMapping

REPO = Path(__file__).resolve().parents[3]
EVENTLOGS = Path(
    os.environ.get("CROSSWALK_EVENTLOGS", str(REPO.parent / "shared" / "data" / "eventlogs"))
)
XES: dict[str, Any] = {
    "case": "case:concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
}
FLAT: dict[str, Any] = {"case": "case_id", "activity": "activity", "timestamp": "timestamp"}


@dataclass(frozen=True)
class LogCase:
    """One real log file, the lane column the tests use, and how to read it."""

    id: str
    path: str
    mapping: ColumnMapping

    @property
    def file(self) -> Path:
        return EVENTLOGS / self.path

    @property
    def is_xes(self) -> bool:
        return ".xes" in self.path


def _xes(lane: str, lifecycle: str = "") -> ColumnMapping:
    return ColumnMapping(**XES, lane=lane, lifecycle=lifecycle)


LOGS = [
    LogCase(
        "incidents-xes",
        "bpic2013_incidents/BPI_Challenge_2013_incidents.xes.gz",
        _xes("organization involved", "lifecycle:transition"),
    ),
    LogCase(
        "incidents-csv",
        "bpic2013_incidents/bpic2013_incidents_flat.csv.gz",
        ColumnMapping(**FLAT, lane="org_line"),
    ),
    LogCase(
        "incidents-teams-csv",
        "bpic2013_incidents/bpic2013_incidents_flat.csv.gz",
        ColumnMapping(**FLAT, lane="team"),
    ),
    LogCase(
        "closed-problems-xes",
        "bpic2013_closed_problems/BPI_Challenge_2013_closed_problems.xes.gz",
        _xes("org:group", "lifecycle:transition"),
    ),
    LogCase("receipt-xes", "receipt/receipt.xes.gz", _xes("org:group")),
    LogCase(
        "receipt-csv-drop",
        "receipt/receipt_flat.csv.gz",
        ColumnMapping(**FLAT, lane="team", drop_missing=True),
    ),
    LogCase("sepsis-csv", "sepsis/sepsis_flat.csv.gz", ColumnMapping(**FLAT, lane="team")),
    LogCase(
        "sepsis-full-csv",
        "sepsis/sepsis_cases_event_log.csv.gz",
        ColumnMapping(**XES, lane="org:group"),
    ),
    LogCase("helpdesk-xes", "helpdesk/helpdesk.xes.gz", _xes("org:resource")),
    LogCase(
        "helpdesk-csv", "helpdesk/helpdesk_flat.csv.gz", ColumnMapping(**FLAT, lane="resource")
    ),
    LogCase(
        "bpic2012-xes",
        "bpic2012/BPI_Challenge_2012.xes.gz",
        _xes("org:resource", "lifecycle:transition"),
    ),
    LogCase("running-example-xes", "running_example/running-example.xes", _xes("org:resource")),
]


def need(log: LogCase) -> Path:
    """The log's file, or skip the test when the shared data is not beside the repository."""
    if not log.file.exists():
        pytest.skip(f"event log {log.path} not found (set CROSSWALK_EVENTLOGS)")
    return log.file
