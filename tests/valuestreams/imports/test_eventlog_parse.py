"""The event-log reader: formats, encodings, safety caps, exact order, errors with lines."""

from __future__ import annotations

import gzip
import io
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from valuestreams.imports.eventlog_parse import (
    ColumnMapping,
    Limits,
    parse_eventlog,
    peek_columns,
)
from valuestreams.imports.problems import ImportProblems

FLAT = ColumnMapping(case="case", activity="activity", timestamp="time", lane="team")
XES = ColumnMapping(
    case="case:concept:name", activity="concept:name", timestamp="time:timestamp", lane="org:group"
)


def parse(text: str | bytes, name: str = "log.csv", mapping: ColumnMapping = FLAT, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return parse_eventlog(io.BytesIO(data), name, mapping, **kwargs)


def problems_of(text: str | bytes, name: str = "log.csv", **kwargs) -> list[str]:
    with pytest.raises(ImportProblems) as caught:
        parse(text, name, **kwargs)
    return caught.value.messages


def test_it_reads_semicolons_and_a_byte_order_mark():
    log = parse("\ufeffcase;activity;time;team\nc1;Register;2024-01-01T10:00:00Z;Front\n")
    assert log.case_ids == ["c1"]
    assert log.lanes == ["Front"]


def test_it_reads_tabs_and_quoted_cells_with_delimiters():
    log = parse('case\tactivity\ttime\tteam\nc1\t"Check; then ask"\t2024-01-01 10:00\tIT\n')
    assert log.activities == ["Check; then ask"]


def test_na_is_a_case_id_not_a_missing_value():
    log = parse(
        "case,activity,time,team\nNA,a,2024-01-01T10:00:00Z,X\nNA,b,2024-01-01T11:00:00Z,Y\n"
    )
    assert log.case_ids == ["NA", "NA"]


def test_offsets_are_turned_into_utc_and_naive_times_read_in_the_given_zone():
    text = "case,activity,time,team\nc,a,2024-03-01T10:00:00+02:00,X\nc,b,2024-03-01 10:00:00,X\n"
    log = parse(text, naive_tz=ZoneInfo("Europe/Amsterdam"))
    assert log.timestamps == [
        datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
    ]


def test_events_are_ordered_by_time_and_ties_keep_the_file_order():
    text = (
        "case,activity,time,team\n"
        "c2,late,2024-01-02T00:00:00Z,X\n"
        "c1,second,2024-01-01T10:00:00Z,X\n"
        "c1,tie-a,2024-01-01T11:00:00Z,X\n"
        "c1,first,2024-01-01T09:00:00+00:00,X\n"
        "c1,tie-b,2024-01-01T12:00:00+01:00,X\n"
    )
    log = parse(text)
    assert log.activities == ["first", "second", "tie-a", "tie-b", "late"]
    assert log.seq == [1, 2, 3, 4, 1]


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_returned():
    text = (
        "case,activity,time,team\n"
        "c1,a,2024-01-01T10:00:00Z,X\n"
        ",a,2024-01-01T10:00:00Z,X\n"
        "c1,a,yesterday,X\n"
        "c1,,2024-01-01T10:00:00Z,X\n"
    )
    messages = problems_of(text)
    assert messages == [
        "line 3: the case id (“case”) is empty",
        "line 4: “yesterday” is not a date and time (ISO 8601 expected)",
        "line 5: the activity (“activity”) is empty",
    ]


def test_a_wrong_column_name_is_reported_once():
    assert problems_of("case,activity,time\nc,a,2024-01-01T10:00:00Z\n") == [
        "line 1: there is no column “team”"
    ]


def test_text_that_is_not_utf8_is_reported_with_its_line():
    data = b"case,activity,time,team\nc,a,2024-01-01T10:00:00Z,X\n" + "c,ä,x,X\n".encode("latin-1")
    assert problems_of(data) == ["line 3: the text is not UTF-8 (byte 3)"]


def test_placeholders_become_the_unknown_lane_or_are_dropped():
    text = (
        "case,activity,time,team\n"
        "c,a,2024-01-01T10:00:00Z,EMPTY\n"
        "c,b,2024-01-01T11:00:00Z,?\n"
        "c,c,2024-01-01T12:00:00Z,\n"
        "c,d,2024-01-01T13:00:00Z,n/a\n"
        "c,e,2024-01-01T14:00:00Z,IT\n"
    )
    kept = parse(text)
    assert kept.lanes == ["Unknown", "Unknown", "Unknown", "n/a", "IT"]
    assert kept.unknown == 3
    mapping = ColumnMapping(**{**FLAT.__dict__, "missing": ("", "n/a"), "drop_missing": True})
    dropped = parse(text, mapping=mapping)
    assert dropped.lanes == ["EMPTY", "?", "IT"]
    assert dropped.dropped == 2


def test_the_lifecycle_is_joined_to_the_activity():
    mapping = ColumnMapping(**{**FLAT.__dict__, "lifecycle": "status"})
    log = parse(
        "case,activity,status,time,team\nc,Queued,Awaiting,2024-01-01T10:00:00Z,X\n",
        mapping=mapping,
    )
    assert log.activities == ["Queued - Awaiting"]


XES_LOG = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:group" value="UNKNOWN"/></global>
  <trace>
    <event>
      <string key="concept:name" value="Register"/>
      <date key="time:timestamp" value="2024-01-01T10:00:00.000+01:00"/>
      <string key="org:group" value="Front"/>
    </event>
    <string key="concept:name" value="late-name"/>
  </trace>
  <trace>
    <string key="concept:name" value="NA"/>
    <event>
      <string key="concept:name" value="Check"/>
      <date key="time:timestamp" value="2024-01-01T10:00:00Z"/>
      <string key="org:group" value="Back"/>
    </event>
  </trace>
</log>
"""


def test_xes_traces_give_their_case_id_even_after_their_events():
    log = parse(XES_LOG, "log.xes", XES)
    assert log.case_ids == ["NA", "late-name"]
    assert log.timestamps[1] == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def test_gzipped_xes_is_read_and_its_columns_listed():
    data = gzip.compress(XES_LOG.encode())
    assert len(parse(data, "log.xes.gz", XES)) == 2
    columns, sample = peek_columns(io.BytesIO(data), "upload.gz")
    assert columns == ["case:concept:name", "concept:name", "time:timestamp", "org:group"]
    assert sample[0]["org:group"] == "Front"


def test_xes_errors_name_their_line():
    broken = XES_LOG.replace('<date key="time:timestamp" value="2024-01-01T10:00:00Z"/>', "")
    assert problems_of(broken, "log.xes", mapping=XES) == [
        "line 14: the timestamp (“time:timestamp”) is empty"
    ]
    assert problems_of(
        XES_LOG.replace("</trace>\n  <trace>", "</trace>\n  <trace"), "log.xes", mapping=XES
    )[0].startswith("line 13: the XML is not well-formed")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE log [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<log><trace><string key="concept:name" value="&e;"/><event>
<string key="concept:name" value="&e;"/></event></trace></log>
"""


def test_entity_expansion_and_external_entities_are_refused():
    started = time.perf_counter()
    assert problems_of(BILLION_LAUGHS, "bomb.xes", mapping=XES) == [
        "line 1: the file declares a DTD or entities, which are refused for safety"
    ]
    external = '<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]><log/>'
    assert problems_of(external, "x.xes", mapping=XES)[0].endswith("refused for safety")
    assert time.perf_counter() - started < 1


def test_a_gzip_bomb_stops_at_the_size_cap():
    bomb = gzip.compress(b"case,activity,time,team\n" + b"0" * 20_000_000)
    assert problems_of(bomb, "bomb.csv.gz", limits=Limits(max_bytes=1024 * 1024)) == [
        "the file is larger than the limit of 1 MB"
    ]


def test_the_number_of_events_is_capped():
    text = "case,activity,time,team\n" + "c,a,2024-01-01T10:00:00Z,X\n" * 11
    assert problems_of(text, limits=Limits(max_events=10)) == [
        "the file has more than the limit of 10 events"
    ]


def test_a_file_without_events_is_refused():
    assert problems_of("case,activity,time,team\n") == ["the file holds no events"]
    assert problems_of("<log/>", "x.xes", mapping=XES) == ["the file holds no events"]
    assert problems_of("<foo/>", "x.xes", mapping=XES) == [
        "the XML is not an XES event log (no <log> element)"
    ]


def test_text_that_no_database_can_store_is_refused_with_its_line():
    text = "case,activity,time,team\nc,a\x00b,2024-01-01T10:00:00Z,X\n"
    assert problems_of(text) == ["line 2: “activity” contains a NUL character"]
