"""Services for event logs: upload, import (parse, store, evidence, discovered map), re-discover.

An import is all or nothing: the events, the evidence and the discovered map are
written in one transaction after the whole file parsed without a problem. Events
go in with `COPY` on PostgreSQL and in batches elsewhere.

Long imports run outside the request. `eventlog_start` picks how from the
`EVENTLOG_RUNNER` setting: `inline` (now, in this process: SQLite and tests),
`thread` (a background thread of this process once the request's transaction
commits) or `worker` (left queued for `manage.py eventlog_worker`). A job is
claimed with one compare-and-set UPDATE, so two runners never take the same log.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from departments.models import Workspace

from ..models import Map, MapKind
from ..rules import MAX_MINUTES
from ..units import format_minutes
from .eventlog_analysis import Discovered, DiscoveryFilter, Evidence, discover, log_evidence
from .eventlog_parse import ColumnMapping, Limits, ParsedLog, parse_eventlog, peek_columns
from .interchange import (
    DEFAULT_COLORS,
    DepartmentDoc,
    HandoffDoc,
    MapDocument,
    StepDoc,
    document_to_dict,
    parse_document,
)
from .maps import map_import
from .models import Discovery, Event, EventLog, EventLogStatus
from .problems import ImportProblems, Problem

logger = logging.getLogger(__name__)

BATCH = 5000
#: Rows per chunk of COPY text (a few megabytes).
COPY_CHUNK = 20000
#: Calendar days: waits in an event log run around the clock.
DAY_MINUTES = 1440


def limits() -> Limits:
    """The size caps from the settings."""
    return Limits(
        max_bytes=settings.EVENTLOG_MAX_MB * 1024 * 1024, max_events=settings.EVENTLOG_MAX_EVENTS
    )


# --- Storage ----------------------------------------------------------------------------------


def _rows(log_id: int, parsed: ParsedLog) -> Iterator[tuple[int, str, int, datetime, str, str]]:
    return zip(
        [log_id] * len(parsed),
        parsed.case_ids,
        parsed.seq,
        parsed.timestamps,
        parsed.activities,
        parsed.lanes,
        strict=True,
    )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_column(values: list[str]) -> Iterator[str]:
    """A text column escaped for COPY's text format, each distinct value escaped once.

    Logs repeat few lanes and activities (and each case id per event), so a
    table of the distinct values and a lookup per event beats escaping per event.
    """
    table = {value: value.translate(_COPY_ESCAPES) for value in set(values)}
    return map(table.__getitem__, values)


def _copy_chunks(log_id: int, parsed: ParsedLog) -> Iterator[str]:
    """The events as COPY text, `COPY_CHUNK` rows at a time.

    Built column-wise with C-level `map`s (a format string per row, no Python
    loop per event): the parallel lists of the parsed log need no row objects.
    """
    line = f"{log_id}\t{{}}\t{{}}\t{{}}\t{{}}\t{{}}\n".format
    rows = map(
        line,
        _copy_column(parsed.case_ids),
        parsed.seq,
        map(datetime.isoformat, parsed.timestamps),
        _copy_column(parsed.activities),
        _copy_column(parsed.lanes),
    )
    while chunk := "".join(islice(rows, COPY_CHUNK)):
        yield chunk


def events_store(*, log: EventLog, parsed: ParsedLog) -> None:
    """Write a parsed log's events: one `COPY` on PostgreSQL, batched inserts elsewhere.

    COPY gets its text format in large chunks, which is several times faster than
    sending rows one by one. The table stays logged (durable) and keeps its one
    index: other logs are read and written beside this one.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Event._meta.db_table)
        sql = f"COPY {table} (log_id, case_id, seq, timestamp, activity, lane) FROM STDIN"
        with connection.cursor() as cursor:
            raw_cursor: Any = cursor.cursor
            with raw_cursor.copy(sql) as copy:
                for chunk in _copy_chunks(log.pk, parsed):
                    copy.write(chunk)
        return
    rows = _rows(log.pk, parsed)
    while batch := list(islice(rows, BATCH)):
        Event.objects.bulk_create(
            Event(log_id=r[0], case_id=r[1], seq=r[2], timestamp=r[3], activity=r[4], lane=r[5])
            for r in batch
        )


def events_load(*, log: EventLog) -> ParsedLog:
    """A stored log's events in case order, as the parser returned them (one query)."""
    parsed = ParsedLog(dropped=log.dropped_events, unknown=log.unknown_lane_events)
    rows = (
        Event.objects.filter(log=log)
        .order_by("case_id", "seq")
        .values_list("case_id", "seq", "timestamp", "activity", "lane")
    )
    interned: dict[str, str] = {}
    for case_id, seq, timestamp, activity, lane in rows.iterator(chunk_size=BATCH):
        parsed.case_ids.append(case_id)
        parsed.seq.append(seq)
        parsed.timestamps.append(timestamp)
        parsed.activities.append(interned.setdefault(activity, activity))
        parsed.lanes.append(interned.setdefault(lane, lane))
    return parsed


# --- The discovered map ----------------------------------------------------------------------


def discovered_document(found: Discovered, *, name: str, description: str) -> MapDocument:
    """The interchange document of a discovered map, validated like any imported file.

    Lane names are cut to a department's length and matched without case, as
    departments are, so two spellings of one team become one lane.
    """
    canonical: dict[str, str] = {}
    for lane in found.lanes:
        canonical.setdefault(lane[:120].casefold(), lane[:120])
    stage_names = [_("Phase %(number)d") % {"number": n + 1} for n in range(found.stage_count)]
    steps = [
        StepDoc(
            key=step.key,
            title=step.activity,
            department=canonical[step.lane[:120].casefold()],
            stage=stage_names[step.stage],
            # A median wait beyond what a step may hold (ten years) is left unknown.
            lead_time_minutes=(
                step.median_wait_minutes
                if step.median_wait_minutes is not None and step.median_wait_minutes <= MAX_MINUTES
                else None
            ),
            description=_("%(count)d events in %(cases)d cases; median wait before it: %(wait)s")
            % {
                "count": step.count,
                "cases": step.cases,
                "wait": format_minutes(step.median_wait_minutes, DAY_MINUTES),
            },
        )
        for step in found.steps
    ]
    handoffs = [
        HandoffDoc(
            from_key=h.from_key,
            to_key=h.to_key,
            rework=h.rework,
            # Short, because the diagram draws it on the connector; p90 is on the evidence page.
            label=_("%(count)d× · median %(median)s")
            % {"count": h.count, "median": format_minutes(h.median_wait_minutes, DAY_MINUTES)},
        )
        for h in found.handoffs
    ]
    departments = [
        DepartmentDoc(lane, DEFAULT_COLORS[i % len(DEFAULT_COLORS)])
        for i, lane in enumerate(dict.fromkeys(canonical.values()))
    ]
    document = MapDocument(
        name=name[:200],
        kind=MapKind.VALUE_STREAM,
        state="current",
        description=description,
        persona="",
        departments=departments,
        stages=stage_names,
        steps=steps,
        handoffs=handoffs,
    )
    # Through the same validation as every file, so the step rules hold here too.
    return parse_document(document_to_dict(document))


@transaction.atomic
def eventlog_discover_map(
    *, log: EventLog, parsed: ParsedLog, flt: DiscoveryFilter, name: str = ""
) -> Map:
    """Discover a map from a log's events and mark it as discovered (log, period, filter)."""
    found = discover(parsed, flt)
    description = _(
        "Discovered from the event log “%(log)s”: %(cases)d cases, %(events)d events, "
        "the %(steps)d most frequent steps and %(handoffs)d most frequent paths."
    ) % {
        "log": log.name,
        "cases": log.cases,
        "events": log.events,
        "steps": flt.max_steps,
        "handoffs": flt.max_handoffs,
    }
    document = discovered_document(
        found, name=name or _("%(log)s (discovered)") % {"log": log.name}, description=description
    )
    new_map = map_import(workspace=log.workspace, document=document)
    Discovery.objects.create(
        map=new_map,
        log=log,
        log_name=log.name,
        period_start=log.period_start,
        period_end=log.period_end,
        cases=log.cases,
        events=log.events,
        lane_column=str(log.mapping.get("lane", "")),
        filter=flt.as_dict(),
    )
    return new_map


# --- Import ------------------------------------------------------------------------------------


def _store_all(*, log: EventLog, parsed: ParsedLog, flt: DiscoveryFilter) -> Map:
    """Events, evidence and the discovered map of a parsed log, in the caller's transaction."""
    evidence = log_evidence(parsed)
    log.cases = evidence.cases
    log.events = evidence.events
    log.dropped_events = parsed.dropped
    log.unknown_lane_events = parsed.unknown
    log.period_start = datetime.fromisoformat(evidence.period_start)
    log.period_end = datetime.fromisoformat(evidence.period_end)
    log.evidence = evidence.as_dict()
    log.discovery_filter = flt.as_dict()
    log.status = EventLogStatus.DONE
    log.progress = 100
    log.problems = []
    log.source = None
    log.save()
    events_store(log=log, parsed=parsed)
    return eventlog_discover_map(log=log, parsed=parsed, flt=flt)


def eventlog_import(
    *,
    workspace: Workspace,
    name: str,
    raw: IO[bytes],
    filename: str,
    mapping: ColumnMapping,
    flt: DiscoveryFilter | None = None,
    naive_tz: tzinfo = UTC,
    user: Any = None,
) -> tuple[EventLog, Map]:
    """Import a log file in one go: parse, then store events, evidence and map in one transaction.

    Raises `ImportProblems` (and writes nothing) when the file has any problem.
    """
    flt = flt or DiscoveryFilter()
    parsed = parse_eventlog(raw, filename, mapping, limits=limits(), naive_tz=naive_tz)
    with transaction.atomic():
        log = EventLog(
            workspace=workspace,
            name=name,
            filename=filename[:255],
            mapping=mapping.as_dict(),
            created_by=user,
        )
        log.full_clean(exclude=["source"])
        log.save()
        new_map = _store_all(log=log, parsed=parsed, flt=flt)
    return log, new_map


def eventlog_upload(
    *, workspace: Workspace, name: str, filename: str, data: bytes, user: Any
) -> EventLog:
    """Keep an uploaded file and the columns it offers, for the person to map them.

    Raises `ImportProblems` when the file cannot be read at all.
    """
    columns, _sample = peek_columns(io.BytesIO(data), filename, limits=limits())
    if not columns:
        raise ImportProblems([Problem("no_events")])
    log = EventLog(
        workspace=workspace,
        name=name,
        filename=filename[:255],
        source=data,
        source_size=len(data),
        columns=columns,
        created_by=user,
    )
    log.full_clean(exclude=["source"])
    log.save()
    return log


def eventlog_queue(*, log: EventLog, mapping: ColumnMapping, flt: DiscoveryFilter) -> None:
    """Record the column choice and queue the log for import (only from the upload state)."""
    EventLog.objects.filter(
        pk=log.pk, status__in=[EventLogStatus.UPLOADED, EventLogStatus.FAILED]
    ).exclude(source=None).update(
        status=EventLogStatus.QUEUED,
        mapping=mapping.as_dict(),
        discovery_filter=flt.as_dict(),
        progress=0,
        problems=[],
    )


def eventlog_claim(*, log_id: int | None = None) -> EventLog | None:
    """Take a queued log (this one, or the oldest) for processing; None if another runner has it."""
    queued = EventLog.objects.filter(status=EventLogStatus.QUEUED)
    if log_id is not None:
        queued = queued.filter(pk=log_id)
    for candidate in queued.order_by("id").values_list("pk", flat=True)[:5]:
        claimed = EventLog.objects.filter(pk=candidate, status=EventLogStatus.QUEUED).update(
            status=EventLogStatus.RUNNING, progress=1
        )
        if claimed:
            return EventLog.objects.select_related("workspace").get(pk=candidate)
    return None


def _progress_writer(log_id: int, total: int) -> Any:
    """A callback that stores reading progress (0–70 %) when it moved by 2 points or more."""
    last = [0]

    def report(done: int) -> None:
        percent = min(70, int(done * 70 / max(total, 1)))
        if percent >= last[0] + 2:
            last[0] = percent
            EventLog.objects.filter(pk=log_id).update(progress=max(percent, 1))

    return report


def eventlog_process(*, log: EventLog) -> None:
    """Import a claimed log from its stored upload; on any problem mark it failed, store nothing.

    The upload stays on a failed log, so the person can choose other columns and retry.
    """
    try:
        mapping = ColumnMapping(**{**log.mapping, "missing": tuple(log.mapping.get("missing", ()))})
        flt = DiscoveryFilter(**log.discovery_filter)
        data = bytes(log.source or b"")
        parsed = parse_eventlog(
            io.BytesIO(data),
            log.filename,
            mapping,
            limits=limits(),
            progress=_progress_writer(log.pk, len(data)),
        )
        EventLog.objects.filter(pk=log.pk).update(progress=75)
        with transaction.atomic():
            _store_all(log=log, parsed=parsed, flt=flt)
    except ImportProblems as exc:
        EventLog.objects.filter(pk=log.pk).update(
            status=EventLogStatus.FAILED, problems=[p.as_dict() for p in exc.problems]
        )
    except Exception:
        logger.exception("event log %s failed", log.pk)
        EventLog.objects.filter(pk=log.pk).update(
            status=EventLogStatus.FAILED, problems=[Problem("internal").as_dict()]
        )


def _run_claimed(log_id: int) -> None:
    log = eventlog_claim(log_id=log_id)
    if log is not None:
        eventlog_process(log=log)


def _run_in_thread(log_id: int) -> None:
    try:
        _run_claimed(log_id)
    finally:
        connection.close()


def eventlog_start(*, log: EventLog) -> None:
    """Run a queued log's import as the `EVENTLOG_RUNNER` setting says (see the module doc)."""
    runner = settings.EVENTLOG_RUNNER
    if runner == "inline":
        transaction.on_commit(lambda: _run_claimed(log.pk))
    elif runner == "thread":
        transaction.on_commit(
            lambda: threading.Thread(target=_run_in_thread, args=(log.pk,), daemon=True).start()
        )


def eventlog_rediscover(*, log: EventLog, flt: DiscoveryFilter, name: str = "") -> Map:
    """A new discovered map from a stored log with another filter, without uploading again."""
    return eventlog_discover_map(log=log, parsed=events_load(log=log), flt=flt, name=name)


def evidence_of(log: EventLog) -> Evidence | None:
    """The stored full-log evidence, typed."""
    return Evidence.from_dict(log.evidence) if log.evidence else None
