"""Importing a log: events stored (COPY on PostgreSQL), evidence, discovered map; all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from valuestreams.imports.eventlog_analysis import DiscoveryFilter, log_evidence
from valuestreams.imports.eventlog_parse import ColumnMapping, parse_eventlog
from valuestreams.imports.eventlogs import (
    eventlog_import,
    eventlog_rediscover,
    events_load,
    evidence_of,
)
from valuestreams.imports.models import Discovery, Event, EventLog
from valuestreams.imports.problems import ImportProblems
from valuestreams.models import Handoff, Map, Step

from .logs import LOGS, need

FLAT = ColumnMapping(case="case", activity="activity", timestamp="time", lane="team")
TICKETS = (
    "case,activity,time,team\n"
    "NA,Register,2024-01-01T09:00:00Z,Front desk\n"
    "NA,Check,2024-01-01T10:00:00Z,Back office\n"
    "NA,Ask,2024-01-01T12:00:00Z,Front desk\n"
    "NA,Decide,2024-01-02T09:00:00Z,Back office\n"
    "t2,Register,2024-01-03T09:00:00Z,Front desk\n"
    "t2,Check,2024-01-03T09:30:00Z,Back office\n"
    "t2,Decide,2024-01-03T10:30:00Z,Back office\n"
)


def _import(workspace, text: str = TICKETS, **kwargs):
    return eventlog_import(
        workspace=workspace,
        name="Tickets",
        raw=io.BytesIO(text.encode()),
        filename="tickets.csv",
        mapping=FLAT,
        **kwargs,
    )


def test_it_stores_every_event_in_case_order_and_loads_them_back(workspace):
    log, _map = _import(workspace)
    loaded = events_load(log=log)
    parsed = parse_eventlog(io.BytesIO(TICKETS.encode()), "t.csv", FLAT)
    assert loaded.case_ids == parsed.case_ids == ["NA"] * 4 + ["t2"] * 3
    assert loaded.timestamps == parsed.timestamps
    assert loaded.activities == parsed.activities
    assert Event.objects.filter(log=log).count() == 7


def test_it_keeps_the_full_log_evidence(workspace):
    log, _map = _import(workspace)
    evidence = evidence_of(log)
    assert (log.cases, log.events) == (2, 7)
    assert evidence.handoffs == 4
    assert evidence.ping_pong == 2 and evidence.ping_pong_cases == 1
    pairs = {(p.from_lane, p.to_lane): p for p in evidence.department_handoffs}
    assert pairs[("Front desk", "Back office")].count == 3
    assert pairs[("Front desk", "Back office")].median_wait_minutes == 60
    assert pairs[("Front desk", "Back office")].example_cases == ["NA", "t2"]


def test_the_discovered_map_is_a_normal_map_marked_with_its_log(workspace):
    log, new_map = _import(workspace)
    assert new_map.workspace == workspace
    discovery = Discovery.objects.get(map=new_map)
    assert (discovery.log, discovery.cases, discovery.events) == (log, 2, 7)
    assert discovery.filter == DiscoveryFilter().as_dict()
    titles = {(s.lane.department.name, s.title) for s in Step.objects.filter(map=new_map)}
    assert titles == {
        ("Front desk", "Register"),
        ("Back office", "Check"),
        ("Front desk", "Ask"),
        ("Back office", "Decide"),
    }
    edges = {
        (h.from_step.title, h.to_step.title): h
        for h in Handoff.objects.filter(map=new_map).select_related("from_step", "to_step")
    }
    assert set(edges) == {
        ("Register", "Check"),
        ("Check", "Ask"),
        ("Ask", "Decide"),
        ("Check", "Decide"),
    }
    assert edges[("Register", "Check")].label.startswith("2×")
    assert not any(h.rework for h in edges.values())


def test_a_new_filter_discovers_again_without_uploading(workspace):
    log, _first = _import(workspace)
    second = eventlog_rediscover(log=log, flt=DiscoveryFilter(max_steps=2, max_handoffs=1))
    assert Step.objects.filter(map=second).count() == 2
    assert Handoff.objects.filter(map=second).count() == 1
    assert Discovery.objects.get(map=second).filter == {"max_steps": 2, "max_handoffs": 1}


def test_a_bad_file_stores_nothing(workspace):
    with pytest.raises(ImportProblems):
        _import(workspace, TICKETS + "t3,Register,not a time,Front desk\n")
    assert not EventLog.objects.exists()
    assert not Event.objects.exists()
    assert not Map.objects.exists()


def test_a_real_log_survives_the_database_round_trip(workspace):
    """Sepsis: many ties in time, an `NA` case and `?` lanes; COPY on PostgreSQL."""
    case = next(log for log in LOGS if log.id == "sepsis-csv")
    path = need(case)
    with path.open("rb") as handle:
        log, _map = eventlog_import(
            workspace=workspace, name="Sepsis", raw=handle, filename=path.name, mapping=case.mapping
        )
    with path.open("rb") as handle:
        parsed = parse_eventlog(handle, path.name, case.mapping)
    loaded = events_load(log=log)
    assert loaded.activities == parsed.activities
    assert loaded.lanes == parsed.lanes
    assert log_evidence(loaded) == log_evidence(parsed) == evidence_of(log)
    assert "NA" in set(loaded.case_ids)


def test_the_command_prints_the_evidence_as_json(workspace, tmp_path, capsys):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    call_command(
        "import_eventlog", str(path), "--case", "case", "--activity", "activity",
        "--timestamp", "time", "--lane", "team", "--workspace", workspace.slug,
        "--name", "Tickets", "--json",
    )  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert Map.objects.filter(pk=result["map_id"]).exists()
    assert (result["cases"], result["events"], result["lanes"]) == (2, 7, 2)
    assert (result["handoffs"], result["ping_pong"]) == (4, 2)
    assert result["department_handoffs"][0] == {
        "from": "Front desk",
        "to": "Back office",
        "count": 3,
        "median_wait_minutes": 60.0,
        "p90_wait_minutes": 1020.0,
        "example_cases": ["NA", "t2"],
    }


def test_the_command_lists_the_problems_and_stores_nothing(workspace, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS.replace("2024-01-03T09:30:00Z", "soon"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 7: “soon” is not a date and time"):
        call_command(
            "import_eventlog", str(path), "--case", "case", "--activity", "activity",
            "--timestamp", "time", "--lane", "team", "--workspace", workspace.slug,
            "--name", "Tickets",
        )  # fmt: skip
    assert not EventLog.objects.exists()


def test_the_command_drops_placeholder_lanes_when_asked(workspace, tmp_path, capsys):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS.replace("Back office", "n/a"), encoding="utf-8")
    call_command(
        "import_eventlog", str(path), "--case", "case", "--activity", "activity",
        "--timestamp", "time", "--lane", "team", "--workspace", workspace.slug,
        "--name", "Tickets", "--missing", "n/a", "--drop-missing", "--json",
    )  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert (result["events"], result["dropped_events"], result["handoffs"]) == (3, 4, 0)


def test_text_with_tabs_backslashes_and_newlines_is_stored_exactly(workspace):
    text = (
        'case,activity,time,team\n"c\\1","Check\tthe \\ form\nagain",2024-01-01T09:00:00Z,"A\\B"\n'
    )
    log, _map = _import(workspace, text)
    loaded = events_load(log=log)
    assert (loaded.case_ids, loaded.activities, loaded.lanes) == (
        ["c\\1"],
        ["Check\tthe \\ form\nagain"],
        ["A\\B"],
    )
