"""On every real log: our handoff and ping-pong figures equal an independent pandas computation."""

from __future__ import annotations

import pytest

from valuestreams.imports.eventlog_analysis import log_evidence
from valuestreams.imports.eventlog_parse import parse_eventlog

from . import oracle
from .logs import LOGS, LogCase, need


@pytest.fixture(params=LOGS, ids=[log.id for log in LOGS], scope="module")
def measured(request: pytest.FixtureRequest):
    log: LogCase = request.param
    path = need(log)
    with path.open("rb") as handle:
        parsed = parse_eventlog(handle, path.name, log.mapping)
    frame = oracle.read_frame(path, log.mapping, xes=log.is_xes)
    return log, parsed, log_evidence(parsed), frame


def test_it_reads_every_event_and_case(measured):
    _log, parsed, evidence, frame = measured
    assert evidence.events == len(frame) == len(parsed)
    assert evidence.cases == frame["case"].nunique()


def test_handoff_counts_per_lane_pair_equal_pandas(measured):
    _log, _parsed, evidence, frame = measured
    expected = oracle.handoffs(frame)
    ours = {(p.from_lane, p.to_lane): p for p in evidence.department_handoffs}
    assert {k: p.count for k, p in ours.items()} == {k: v[0] for k, v in expected.items()}
    assert evidence.handoffs == sum(v[0] for v in expected.values())
    for key, (_count, median, p90) in expected.items():
        assert ours[key].median_wait_minutes == pytest.approx(median, abs=0.006)
        assert ours[key].p90_wait_minutes == pytest.approx(p90, abs=0.006)


def test_ping_pong_counts_equal_pandas(measured):
    _log, _parsed, evidence, frame = measured
    expected, cases = oracle.ping_pong(frame)
    assert {(p.lane, p.other): p.count for p in evidence.ping_pong_pairs} == dict(expected)
    assert evidence.ping_pong == sum(expected.values())
    assert evidence.ping_pong_cases == cases


def test_events_of_a_case_keep_the_file_order_when_times_tie(measured):
    _log, parsed, _evidence, frame = measured
    assert parsed.activities == frame["activity"].tolist()
    assert parsed.lanes == frame["lane"].tolist()


def test_handoff_counts_equal_pm4py_network_analysis():
    """A second oracle: pm4py's network analysis (test-only: pm4py is AGPL)."""
    pm4py = pytest.importorskip("pm4py")
    log = next(log for log in LOGS if log.id == "sepsis-csv")
    path = need(log)
    with path.open("rb") as handle:
        evidence = log_evidence(parse_eventlog(handle, path.name, log.mapping))
    frame = oracle.read_frame(path, log.mapping, xes=False)
    frame = pm4py.format_dataframe(
        frame, case_id="case", activity_key="activity", timestamp_key="ts"
    )
    network = pm4py.discover_network_analysis(
        frame,
        out_column="case:concept:name",
        in_column="case:concept:name",
        node_column_source="lane",
        node_column_target="lane",
        edge_column="concept:name",
        performance=False,
        # Sepsis has many events with the same time: pm4py must keep the file order too.
        sorting_column="order",
    )
    expected = {pair: sum(edges.values()) for pair, edges in network.items() if pair[0] != pair[1]}
    assert {(p.from_lane, p.to_lane): p.count for p in evidence.department_handoffs} == expected
