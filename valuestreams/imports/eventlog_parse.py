"""Read event logs (CSV or XES, optionally gzipped) into events ordered per case.

Pure: no models, no requests. `read_records` streams a file as `(line, record)`
pairs, whatever its format; `peek_columns` reads the first records so a person
can choose the columns; `parse_eventlog` applies a `ColumnMapping` and returns a
`ParsedLog` or raises `ImportProblems` listing every problem with its line.

Safety and exactness, because real files are messy:

- XES is parsed as a stream (the standard library's expat, in chunks, no tree
  kept) with entity expansion, DTD loading and network access off; a file that
  declares a DTD or entities is refused outright.
- The uncompressed size and the number of events are capped.
- Case ids stay text: `NA` is a case id, not a missing value.
- Timestamps keep their offsets and are turned into UTC; a time without an
  offset is read in the time zone the caller names (UTC by default).
- Events of a case are ordered by time; events with the same time keep the
  order of the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import operator
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import IO
from xml.parsers import expat

from .problems import ImportProblems, Problem

#: Placeholders that mean "no department" in real logs (blank, receipt's EMPTY, Sepsis' ?).
DEFAULT_MISSING = ("", "EMPTY", "?")
#: Lane given to events whose lane is a placeholder, when they are kept.
UNKNOWN_LANE = "Unknown"
#: Up to this many problems are listed; the rest are counted.
MAX_PROBLEMS = 20
MAX_TEXT = 200
CSV_DELIMITERS = ",;\t|"
#: Bytes handed to the XES parser at a time.
XES_CHUNK = 1024 * 1024

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Limits:
    """Caps on what one import may read: uncompressed bytes and events."""

    max_bytes: int = 500 * 1024 * 1024
    max_events: int = 2_000_000


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns (CSV header names or XES attribute keys) mean what.

    XES trace attributes are named `case:<key>` (the case id is
    `case:concept:name`), as process-mining tools name them. `lifecycle`, when
    given, is joined to the activity ("Accepted - In Progress"). Lane values in
    `missing` (compared after trimming) are placeholders: such events get the
    `Unknown` lane, or are dropped when `drop_missing` is set.
    """

    case: str
    activity: str
    timestamp: str
    lane: str
    lifecycle: str = ""
    missing: tuple[str, ...] = DEFAULT_MISSING
    drop_missing: bool = False

    def as_dict(self) -> dict[str, object]:
        """The stored form (JSON)."""
        return {
            "case": self.case,
            "activity": self.activity,
            "timestamp": self.timestamp,
            "lane": self.lane,
            "lifecycle": self.lifecycle,
            "missing": list(self.missing),
            "drop_missing": self.drop_missing,
        }


@dataclass
class ParsedLog:
    """Events sorted by case, then time, then file order; parallel lists.

    `seq` numbers the events of each case from 1. `dropped` counts events left
    out because their lane was a placeholder and the mapping drops those.
    """

    case_ids: list[str] = field(default_factory=list)
    timestamps: list[datetime] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    seq: list[int] = field(default_factory=list)
    dropped: int = 0
    unknown: int = 0
    _seconds: list[float] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.case_ids)

    @property
    def seconds(self) -> list[float]:
        """The timestamps as seconds since the epoch, computed once."""
        if self._seconds is None or len(self._seconds) != len(self.timestamps):
            self._seconds = [t.timestamp() for t in self.timestamps]
        return self._seconds


# --- Bytes in: size cap, gzip, progress -------------------------------------------------


class _CappedReader(io.RawIOBase):
    """Reads a binary stream, reporting progress and refusing more than `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, progress: Progress | None) -> None:
        self._raw = raw
        self._limit = limit
        self._progress = progress
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise ImportProblems(
                [Problem("too_big", params={"limit": round(self._limit / 1024 / 1024)})]
            )
        buffer[: len(data)] = data
        if self._progress is not None:
            self._progress(self.count)
        return len(data)


def _open(raw: IO[bytes], limits: Limits, progress: Progress | None) -> IO[bytes]:
    """The uncompressed byte stream of a file, gzip detected by its magic bytes.

    Progress reports bytes of the file as stored (compressed), which is what the
    caller knows the total of; the cap applies to the uncompressed bytes, which is
    what protects memory from a gzip bomb.
    """
    counted = io.BufferedReader(_CappedReader(raw, limits.max_bytes, progress))
    if counted.peek(2)[:2] == b"\x1f\x8b":
        unzipped = gzip.GzipFile(fileobj=counted, mode="rb")
        return io.BufferedReader(_CappedReader(unzipped, limits.max_bytes, None))  # type: ignore[arg-type]
    return counted


def _is_xes(stream: IO[bytes], name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith((".xes", ".xes.gz", ".xml", ".xml.gz")):
        return True
    if lowered.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return False
    head = stream.peek(64) if isinstance(stream, io.BufferedReader) else b""
    return head.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"<")


# --- Records: CSV ---------------------------------------------------------------------------


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """Text lines of UTF-8 bytes (BOM or not); a decoding error names its line."""
    first = True
    for number, raw_line in enumerate(stream, start=1):
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportProblems(
                [Problem("not_utf8", number, {"detail": f"byte {exc.start + 1}"})]
            ) from None
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line


def _sniff_delimiter(stream: io.BufferedReader) -> str:
    sample = stream.peek(64 * 1024)[: 64 * 1024].decode("utf-8", errors="ignore")
    sample = sample.removeprefix("\ufeff")
    header = sample.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        # One column or a sample the sniffer cannot decide on: the delimiter the
        # header line uses most, or a comma.
        counts = {d: header.count(d) for d in CSV_DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv_records(
    stream: io.BufferedReader, required: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    delimiter = _sniff_delimiter(stream)
    reader = csv.reader(_decoded_lines(stream), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ImportProblems([Problem("no_header", 1)])
        header = [h.strip() for h in header]
        seen: set[str] = set()
        for column in header:
            if column in seen:
                raise ImportProblems([Problem("duplicate_column", 1, {"column": column})])
            seen.add(column)
        absent = [Problem("unknown_column", 1, {"column": c}) for c in required if c not in seen]
        if absent:
            raise ImportProblems(absent)
        # Only the wanted columns are kept (all when none are named, to list them).
        wanted = (
            [(c, header.index(c)) for c in required]
            if required
            else list(zip(header, range(len(header)), strict=True))
        )
        width = len(header)
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                # A short row leaves the missing columns empty; extra cells are ignored.
                row = row + [""] * (width - len(row))
            yield reader.line_num, {c: row[i] for c, i in wanted}
    except csv.Error as exc:
        raise ImportProblems([Problem("bad_csv", reader.line_num, {"detail": str(exc)})]) from None


# --- Records: XES ---------------------------------------------------------------------------


def _refuse_dtd(stream: io.BufferedReader) -> None:
    """Refuse a DTD or entity declaration before the parser sees it (billion laughs, XXE)."""
    head = stream.peek(64 * 1024)[: 64 * 1024]
    root_at = head.find(b"<log")
    prolog = head if root_at < 0 else head[:root_at]
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise ImportProblems([Problem("dtd_refused", 1)])


def _refuse_declarations(*_args: object) -> int:
    raise ImportProblems([Problem("dtd_refused", 1)])


def _local(name: str) -> str:
    """An element's name without its namespace prefix ("xes:event" → "event")."""
    return name.rpartition(":")[2]


def _xes_records(
    stream: io.BufferedReader, required: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Events of an XES log with their trace's attributes as `case:<key>`.

    Read with the standard library's expat in chunks of `XES_CHUNK` bytes: a
    C parser that hands each element's attributes over as a flat list, without
    building a tree: about a quarter less time than lxml's `iterparse` (which
    builds every element and then frees it) on BPIC 2012.
    Only an event's or a trace's own attributes (direct children with `key` and
    `value`) count, as in XES. Events are buffered per trace because a trace's
    own attributes may come after its events. With `required`, only those
    attributes are kept (all of them to list the columns).
    """
    wanted = set(required) or None
    _refuse_dtd(stream)
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    # What defusedxml refuses: any DTD, entity declaration or external reference
    # (the prolog check above already caught the usual forms).
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.UnparsedEntityDeclHandler = _refuse_declarations
    parser.ExternalEntityRefHandler = _refuse_declarations
    depth = 0
    event_depth = trace_depth = -1
    event: dict[str, str] | None = None
    trace: dict[str, str] = {}
    pending: list[tuple[int, dict[str, str]]] = []
    ready: list[tuple[int, dict[str, str]]] = []
    saw_log = False

    def start(name: str, attrs: list[str]) -> None:
        nonlocal depth, event_depth, trace_depth, event, trace, saw_log
        depth += 1
        if event is not None:
            if depth == event_depth + 1 and len(attrs) >= 4:
                # The usual order is key then value; any other goes the long way.
                if attrs[0] == "key" and attrs[2] == "value":
                    key, value = attrs[1], attrs[3]
                else:
                    named = dict(zip(attrs[::2], attrs[1::2], strict=True))
                    if "key" not in named or "value" not in named:
                        return
                    key, value = named["key"], named["value"]
                if wanted is None or key in wanted:
                    event[key] = value
            return
        local = _local(name)
        if local == "event":
            event = {}
            event_depth = depth
            pending.append((parser.CurrentLineNumber, event))
        elif local == "trace":
            trace = {}
            trace_depth = depth
        elif local == "log":
            saw_log = True
        elif depth == trace_depth + 1:
            named = dict(zip(attrs[::2], attrs[1::2], strict=True))
            if "key" in named and "value" in named:
                trace[f"case:{named['key']}"] = named["value"]

    def end(name: str) -> None:
        nonlocal depth, event_depth, trace_depth, event, pending
        if depth == event_depth:
            event = None
            event_depth = -1
        elif depth == trace_depth:
            # The event's own attribute wins over its trace's.
            ready.extend((line, {**trace, **record}) for line, record in pending)
            pending = []
            trace_depth = -1
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while chunk := stream.read(XES_CHUNK):
            parser.Parse(chunk, False)
            if ready:
                yield from ready
                ready.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        detail = expat.ErrorString(exc.code) or str(exc)
        raise ImportProblems([Problem("bad_xml", exc.lineno, {"detail": detail})]) from None
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise ImportProblems([Problem("not_gzip")]) from None
    yield from ready
    if not saw_log:
        raise ImportProblems([Problem("not_xes")])


def read_records(
    raw: IO[bytes],
    name: str,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    required: list[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream `(line, record)` pairs of a CSV or XES file (gzip or not).

    The format comes from the name's extension, or from the first bytes when the
    name says nothing. A CSV header must hold the `required` columns (XES events
    may leave optional attributes out, so there they are checked per event).
    Raises `ImportProblems` for a file that cannot be read.
    """
    stream = _open(raw, limits or Limits(), progress)
    assert isinstance(stream, io.BufferedReader)
    try:
        xes = _is_xes(stream, name.removesuffix(".gz") if name.endswith(".gz") else name)
        if xes or name.lower().endswith((".xes.gz", ".xml.gz")):
            yield from _xes_records(stream, required or [])
        else:
            yield from _csv_records(stream, required or [])
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise ImportProblems([Problem("not_gzip")]) from None


def peek_columns(
    raw: IO[bytes], name: str, *, rows: int = 50, limits: Limits | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """The column names (in first-seen order) and the first `rows` records of a file."""
    columns: dict[str, None] = {}
    sample: list[dict[str, str]] = []
    for _line, record in read_records(raw, name, limits=limits):
        columns.update(dict.fromkeys(record))
        sample.append(record)
        if len(sample) >= rows:
            break
    return list(columns), sample


# --- Mapping columns to events --------------------------------------------------------------


def parse_timestamp(value: str, naive_tz: tzinfo = UTC) -> datetime:
    """An ISO 8601 date and time in UTC; a time without an offset is read in `naive_tz`.

    Raises ValueError for anything else.
    """
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_tz)
    return moment.astimezone(UTC)


class _Collector:
    """Gathers problems up to a cap and counts the rest."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.extra = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.extra += 1

    def raise_if_any(self) -> None:
        if self.problems:
            extra = [Problem("more_problems", params={"count": self.extra})] if self.extra else []
            raise ImportProblems(self.problems + extra)


def parse_eventlog(
    raw: IO[bytes],
    name: str,
    mapping: ColumnMapping,
    *,
    limits: Limits | None = None,
    naive_tz: tzinfo = UTC,
    progress: Progress | None = None,
) -> ParsedLog:
    """Read a whole log with `mapping`: every event, or `ImportProblems` and nothing.

    Returns the events sorted by case id, then time, then file order.
    """
    limits = limits or Limits()
    check = _Collector()
    cases: list[str] = []
    times: list[datetime] = []
    activities: list[str] = []
    lanes: list[str] = []
    missing = {m.strip() for m in mapping.missing}
    # One string object per distinct value: millions of events share few lanes.
    interned: dict[str, str] = {}
    dropped = unknown = 0
    required = [mapping.case, mapping.activity, mapping.timestamp, mapping.lane]
    if mapping.lifecycle:
        required.append(mapping.lifecycle)
    records = read_records(raw, name, limits=limits, progress=progress, required=required)
    case_key, activity_key, time_key, lane_key = required[:4]
    lifecycle_key = mapping.lifecycle
    max_events = limits.max_events
    for line, record in records:
        if len(cases) >= max_events:
            raise ImportProblems([Problem("too_many_events", params={"limit": max_events})])
        get = record.get
        case = (get(case_key) or "").strip()
        activity = (get(activity_key) or "").strip()
        stamp = (get(time_key) or "").strip()
        lane = (get(lane_key) or "").strip()
        if lifecycle_key:
            phase = (get(lifecycle_key) or "").strip()
            if phase:
                activity = f"{activity} - {phase}" if activity else phase
        # The common case in one test; the detailed checks only for a bad row.
        if not (
            case and activity and stamp and len(case) <= MAX_TEXT and len(activity) <= MAX_TEXT
            and len(lane) <= MAX_TEXT and "\x00" not in case + activity + lane
        ):  # fmt: skip
            _check_values(check, line, mapping, case, activity, stamp, lane)
            continue
        try:
            moment = parse_timestamp(stamp, naive_tz)
        except ValueError:
            check.add(Problem("bad_timestamp", line, {"value": stamp[:40]}))
            continue
        if lane in missing:
            if mapping.drop_missing:
                dropped += 1
                continue
            unknown += 1
            lane = UNKNOWN_LANE
        cases.append(case)
        times.append(moment)
        activities.append(interned.setdefault(activity, activity))
        lanes.append(interned.setdefault(lane, lane))
    check.raise_if_any()
    if not cases:
        raise ImportProblems([Problem("no_events")])
    return _sorted_log(cases, times, activities, lanes, dropped, unknown)


def _check_values(
    check: _Collector,
    line: int,
    mapping: ColumnMapping,
    case: str,
    activity: str,
    stamp: str,
    lane: str,
) -> bool:
    ok = True
    for value, code, column in (
        (case, "missing_case", mapping.case),
        (activity, "missing_activity", mapping.activity),
        (stamp, "missing_timestamp", mapping.timestamp),
    ):
        if not value:
            check.add(Problem(code, line, {"column": column}))
            ok = False
    for value, column in ((case, mapping.case), (activity, mapping.activity), (lane, mapping.lane)):
        if len(value) > MAX_TEXT:
            check.add(Problem("too_long", line, {"column": column, "limit": MAX_TEXT}))
            ok = False
        if "\x00" in value:
            # PostgreSQL cannot store it, and no real value holds one.
            check.add(Problem("nul_character", line, {"column": column}))
            ok = False
    return ok


def _sorted_log(
    cases: list[str],
    times: list[datetime],
    activities: list[str],
    lanes: list[str],
    dropped: int,
    unknown: int,
) -> ParsedLog:
    """Order by case, time and file order, and number each case.

    One stable sort by case id keeps the file's order inside each case; only a
    case whose events are not already in time order is then sorted by time
    (stable again, so ties keep the file's order). Logs list a case's events in
    time order almost always, so this costs one sort on a plain key and no
    per-event Python code.
    """
    order = sorted(range(len(cases)), key=cases.__getitem__)
    by_case = list(map(cases.__getitem__, order))
    moments = list(map(times.__getitem__, order))
    # Where time goes backwards inside a case (C-level comparisons; Python only
    # looks at the few places where the time drops).
    unsorted = {
        by_case[k]
        for k, down in enumerate(map(operator.gt, moments, moments[1:]), start=1)
        if down and by_case[k] == by_case[k - 1]
    }
    for case in unsorted:
        low, high = bisect_left(by_case, case), bisect_right(by_case, case)
        order[low:high] = sorted(order[low:high], key=times.__getitem__)
    log = ParsedLog(
        case_ids=by_case,
        timestamps=list(map(times.__getitem__, order)),
        activities=list(map(activities.__getitem__, order)),
        lanes=list(map(lanes.__getitem__, order)),
        dropped=dropped,
        unknown=unknown,
    )
    seq: list[int] = []
    previous = None
    number = 0
    for case in log.case_ids:
        number = number + 1 if case == previous else 1
        previous = case
        seq.append(number)
    log.seq = seq
    return log
