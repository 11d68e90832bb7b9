"""Evidence from an event log, and the map it discovers. Pure: no models, no requests.

Both take a `ParsedLog` (events sorted by case, then time, then file order) and
follow `docs/metrics.md`:

- a **department handoff** is a case transition from an event in lane A to the
  directly following event of the same case in lane B ≠ A; its wait is the time
  between the two events;
- **ping-pong**: in a case's sequence of lanes with consecutive repeats collapsed,
  every position whose lane equals the one two places before (A → B → A);
- the **wait before a step** (lane × activity) is the time from the previous
  event of the case to the step's event, so the waiting inside the receiving
  team shows where it happens.

Percentiles interpolate linearly between the nearest ranks (numpy's default).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from .eventlog_parse import ParsedLog

#: How many examples, busiest cases and waiting places the evidence keeps.
EXAMPLES_PER_PAIR = 3
TOP_CASES = 10
TOP_WAITS = 15


def quantile(sorted_values: list[float], q: float) -> float:
    """The q-quantile of sorted values, interpolating linearly (numpy's default method)."""
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def _minutes(values: list[float]) -> tuple[float, float]:
    """Median and 90th percentile of seconds, in minutes rounded to 0.01."""
    values.sort()
    return round(quantile(values, 0.5) / 60, 2), round(quantile(values, 0.9) / 60, 2)


@dataclass(frozen=True)
class PairEvidence:
    """Handoffs from one lane to another over the whole log."""

    from_lane: str
    to_lane: str
    count: int
    median_wait_minutes: float
    p90_wait_minutes: float
    example_cases: list[str]


@dataclass(frozen=True)
class PingPongEvidence:
    """Work that went from `lane` to `other` and straight back (A → B → A)."""

    lane: str
    other: str
    count: int
    cases: int


@dataclass(frozen=True)
class WaitEvidence:
    """Waiting before one step (an activity in a lane) summed over the log."""

    lane: str
    activity: str
    count: int
    total_minutes: float
    median_minutes: float
    p90_minutes: float
    share: float


@dataclass(frozen=True)
class CaseEvidence:
    """A case with many handoffs, and the lanes it went through (repeats collapsed)."""

    case_id: str
    handoffs: int
    ping_pong: int
    events: int
    path: list[str]


@dataclass(frozen=True)
class Evidence:
    """Everything the evidence page and `import_eventlog --json` show, over the full log."""

    cases: int
    events: int
    period_start: str
    period_end: str
    lanes: list[tuple[str, int]]
    handoffs: int
    ping_pong: int
    ping_pong_cases: int
    total_wait_minutes: float
    department_handoffs: list[PairEvidence]
    ping_pong_pairs: list[PingPongEvidence]
    waits: list[WaitEvidence]
    busiest_cases: list[CaseEvidence]

    def as_dict(self) -> dict[str, Any]:
        """The stored (JSON) form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        """Inverse of `as_dict`."""
        return cls(
            **{
                **data,
                "lanes": [tuple(x) for x in data["lanes"]],
                "department_handoffs": [PairEvidence(**x) for x in data["department_handoffs"]],
                "ping_pong_pairs": [PingPongEvidence(**x) for x in data["ping_pong_pairs"]],
                "waits": [WaitEvidence(**x) for x in data["waits"]],
                "busiest_cases": [CaseEvidence(**x) for x in data["busiest_cases"]],
            }
        )


def _case_bounds(case_ids: list[str]) -> list[tuple[int, int]]:
    """(start, end) index ranges of each case in a log sorted by case."""
    if not case_ids:
        return []
    # Where the case id changes, found by C-level comparisons of neighbours.
    changes = itertools.compress(
        range(1, len(case_ids)), map(operator.ne, case_ids[1:], case_ids[:-1])
    )
    starts = [0, *changes]
    return list(zip(starts, [*starts[1:], len(case_ids)], strict=True))


def log_evidence(log: ParsedLog) -> Evidence:
    """The department handoff matrix, ping-pong, waits and busiest cases of a whole log."""
    lanes, activities, cases = log.lanes, log.activities, log.case_ids
    seconds = log.seconds
    pair_waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    pair_examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    step_waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    ping: Counter[tuple[str, str]] = Counter()
    ping_cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    per_case: list[CaseEvidence] = []
    for start, end in _case_bounds(cases):
        case = cases[start]
        path = [lanes[start]]
        handoffs = bounces = 0
        for i in range(start + 1, end):
            gap = seconds[i] - seconds[i - 1]
            step_waits[(lanes[i], activities[i])].append(gap)
            if lanes[i] == lanes[i - 1]:
                continue
            pair = (lanes[i - 1], lanes[i])
            pair_waits[pair].append(gap)
            examples = pair_examples[pair]
            if len(examples) < EXAMPLES_PER_PAIR and (not examples or examples[-1] != case):
                examples.append(case)
            handoffs += 1
            path.append(lanes[i])
            if len(path) >= 3 and path[-1] == path[-3]:
                bounce = (path[-1], path[-2])
                ping[bounce] += 1
                ping_cases[bounce].add(case)
                bounces += 1
        per_case.append(CaseEvidence(case, handoffs, bounces, end - start, path))
    return Evidence(
        cases=len(per_case),
        events=len(cases),
        period_start=min(log.timestamps).isoformat(),
        period_end=max(log.timestamps).isoformat(),
        lanes=Counter(lanes).most_common(),
        handoffs=sum(len(v) for v in pair_waits.values()),
        ping_pong=sum(ping.values()),
        ping_pong_cases=len(set().union(*ping_cases.values())) if ping_cases else 0,
        total_wait_minutes=round(sum(sum(v) for v in step_waits.values()) / 60, 2),
        department_handoffs=_pairs(pair_waits, pair_examples),
        ping_pong_pairs=sorted(
            (PingPongEvidence(a, b, n, len(ping_cases[(a, b)])) for (a, b), n in ping.items()),
            key=lambda p: (-p.count, p.lane, p.other),
        ),
        waits=_waits(step_waits),
        busiest_cases=sorted(per_case, key=lambda c: (-c.handoffs, c.case_id))[:TOP_CASES],
    )


def _pairs(
    waits: dict[tuple[str, str], list[float]], examples: dict[tuple[str, str], list[str]]
) -> list[PairEvidence]:
    result = []
    for (a, b), values in waits.items():
        median, p90 = _minutes(values)
        result.append(PairEvidence(a, b, len(values), median, p90, examples[(a, b)]))
    return sorted(result, key=lambda p: (-p.count, p.from_lane, p.to_lane))


def _waits(step_waits: dict[tuple[str, str], list[float]]) -> list[WaitEvidence]:
    total = sum(sum(v) for v in step_waits.values()) or 1.0
    ranked = sorted(step_waits.items(), key=lambda item: (-sum(item[1]), item[0]))[:TOP_WAITS]
    result = []
    for (lane, activity), values in ranked:
        spent = sum(values)
        median, p90 = _minutes(values)
        result.append(
            WaitEvidence(
                lane,
                activity,
                len(values),
                round(spent / 60, 2),
                median,
                p90,
                round(spent / total, 4),
            )
        )
    return result


# --- Discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveryFilter:
    """How much of the log the discovered map shows: the most frequent steps and paths."""

    max_steps: int = 20
    max_handoffs: int = 30

    def as_dict(self) -> dict[str, int]:
        return {"max_steps": self.max_steps, "max_handoffs": self.max_handoffs}


@dataclass(frozen=True)
class FoundStep:
    """An activity in a lane, with how often it happened and the wait before it."""

    key: str
    lane: str
    activity: str
    count: int
    cases: int
    median_wait_minutes: float | None
    stage: int


@dataclass(frozen=True)
class FoundHandoff:
    """A directly-follows relation between two kept steps (after filtering)."""

    from_key: str
    to_key: str
    count: int
    median_wait_minutes: float
    p90_wait_minutes: float
    rework: bool


@dataclass(frozen=True)
class Discovered:
    """The discovered map: lanes in order of first use, stages 1…n, steps and handoffs."""

    lanes: list[str]
    stage_count: int
    steps: list[FoundStep]
    handoffs: list[FoundHandoff]
    filter: DiscoveryFilter = field(default_factory=DiscoveryFilter)


def discover(log: ParsedLog, flt: DiscoveryFilter | None = None, *, stages: int = 6) -> Discovered:
    """Lanes, steps and handoffs of the process as the log shows it.

    Keeps the `max_steps` most frequent steps; each case is projected onto them
    (other events left out, repeats of one step collapsed) and the directly-follows
    relations of those projections are the handoffs, of which the `max_handoffs`
    most frequent are kept. Steps are ordered by where they typically happen in a
    case; a handoff to an earlier step is marked rework, so the rest is a DAG.
    """
    flt = flt or DiscoveryFilter()
    steps = list(zip(log.lanes, log.activities, strict=True))
    frequency = Counter(steps)
    kept = {s for s, _n in sorted(frequency.items(), key=lambda x: (-x[1], x[0]))[: flt.max_steps]}
    seconds = log.seconds
    cases = log.case_ids
    waits_before: dict[tuple[str, str], list[float]] = defaultdict(list)
    positions: dict[tuple[str, str], list[float]] = defaultdict(list)
    step_cases: Counter[tuple[str, str]] = Counter()
    edges: dict[tuple[tuple[str, str], tuple[str, str]], list[float]] = defaultdict(list)
    # One pass over the kept events only (found with C-level membership tests),
    # case by case; a case none of whose events is kept adds nothing.
    kept_events = list(itertools.compress(range(len(steps)), map(kept.__contains__, steps)))
    for i in kept_events:
        if i and cases[i] == cases[i - 1]:
            waits_before[steps[i]].append(seconds[i] - seconds[i - 1])
    for _case, group in itertools.groupby(kept_events, key=cases.__getitem__):
        projected = list(group)
        span = max(len(projected) - 1, 1)
        seen: set[tuple[str, str]] = set()
        for place, i in enumerate(projected):
            if steps[i] not in seen:
                seen.add(steps[i])
                positions[steps[i]].append(place / span)
        step_cases.update(seen)
        for a, b in itertools.pairwise(projected):
            if steps[a] != steps[b]:
                edges[(steps[a], steps[b])].append(seconds[b] - seconds[a])
    order = sorted(kept, key=lambda s: (sum(positions[s]) / len(positions[s]), -frequency[s], s))
    rank = {s: n for n, s in enumerate(order)}
    keys = {s: f"s{n + 1}" for n, s in enumerate(order)}
    found_steps = [
        FoundStep(
            key=keys[s],
            lane=s[0],
            activity=s[1],
            count=frequency[s],
            cases=step_cases[s],
            median_wait_minutes=_minutes(waits_before[s])[0] if waits_before[s] else None,
            stage=min(int(sum(positions[s]) / len(positions[s]) * stages), stages - 1),
        )
        for s in order
    ]
    top_edges = sorted(edges.items(), key=lambda e: (-len(e[1]), rank[e[0][0]], rank[e[0][1]]))
    found_handoffs = []
    for (source, target), values in top_edges[: flt.max_handoffs]:
        median, p90 = _minutes(values)
        back = rank[target] < rank[source]
        found_handoffs.append(
            FoundHandoff(keys[source], keys[target], len(values), median, p90, rework=back)
        )
    used = sorted({s.stage for s in found_steps})
    renumber = {old: new for new, old in enumerate(used)}
    found_steps = [FoundStep(**{**asdict(s), "stage": renumber[s.stage]}) for s in found_steps]
    lanes = list(dict.fromkeys(s.lane for s in found_steps))
    return Discovered(lanes, len(used), found_steps, found_handoffs, flt)
