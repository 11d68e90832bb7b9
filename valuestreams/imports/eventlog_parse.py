"""Read event logs (CSV or XES, optionally gzipped) into events ordered per case.

Pure: no models, no requests. `read_records` streams a file as `(line, record)`
pairs, whatever its format; `peek_columns` reads the first records so a person
can choose the columns; `parse_eventlog` applies a `ColumnMapping` and returns a
`ParsedLog` or raises `ImportProblems` listing every problem with its line.

Safety and exactness, because real files are messy:

- XES is parsed as a stream (lxml `iterparse`, elements freed as they are read)
  with entity expansion, DTD loading and network access off; a file that
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
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import IO

from lxml import etree

from .problems import ImportProblems, Problem

#: Placeholders that mean "no department" in real logs (blank, receipt's EMPTY, Sepsis' ?).
DEFAULT_MISSING = ("", "EMPTY", "?")
#: Lane given to events whose lane is a placeholder, when they are kept.
UNKNOWN_LANE = "Unknown"
#: Up to this many problems are listed; the rest are counted.
MAX_PROBLEMS = 20
MAX_TEXT = 200
CSV_DELIMITERS = ",;\t|"

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


def _xes_records(
    stream: io.BufferedReader, required: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Events of an XES log with their trace's attributes as `case:<key>`.

    Events are buffered per trace because a trace's own attributes may come after
    its events; each trace is freed once read, so memory stays flat. With
    `required`, only those attributes are kept (all of them to list the columns).
    """
    wanted = set(required) or None
    _refuse_dtd(stream)
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag=("{*}event", "{*}trace", "{*}log"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    pending: list[tuple[int, dict[str, str]]] = []
    saw_log = False
    try:
        for _event, element in parser:
            tag = element.tag
            if tag.endswith("event"):
                record = {
                    key: value
                    for child in element
                    if (key := child.get("key")) is not None
                    and (wanted is None or key in wanted)
                    and (value := child.get("value")) is not None
                }
                pending.append((element.sourceline or 0, record))
                element.clear()
            elif tag.endswith("trace"):
                trace = {
                    f"case:{key}": value
                    for child in element
                    if not child.tag.endswith("event")
                    and (key := child.get("key")) is not None
                    and (value := child.get("value")) is not None
                }
                for line, record in pending:
                    yield line, {**trace, **record}
                pending = []
                element.clear()
                parent = element.getparent()
                if parent is not None:
                    # Drop the freed traces from the root, or it keeps growing.
                    while element.getprevious() is not None:
                        del parent[0]
            else:
                saw_log = True
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise ImportProblems([Problem("bad_xml", line, {"detail": exc.msg})]) from None
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise ImportProblems([Problem("not_gzip")]) from None
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
    """Order by case, time and file order (the index breaks ties), and number each case."""
    order = sorted(range(len(cases)), key=lambda i: (cases[i], times[i], i))
    log = ParsedLog(
        case_ids=[cases[i] for i in order],
        timestamps=[times[i] for i in order],
        activities=[activities[i] for i in order],
        lanes=[lanes[i] for i in order],
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
