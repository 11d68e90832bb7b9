"""The portfolio: every map of a workspace analysed together, for managers.

Pure: it takes the per-map analyses (`MapAnalysis`) and plain workspace data
(`PortfolioInput`), touches no database and returns frozen dataclasses. The
loader `valuestreams.portfoliodata.portfolio_for_workspace(workspace_id)` builds
the input in a fixed number of queries and calls `build_portfolio`; views,
charts and exports (the workspace deck) consume the `Portfolio` it returns.

Public API:

- `build_portfolio(data, *, kind=None, department_id=None) -> Portfolio`
- `Portfolio.flows` — cross-department handoffs per ordered department pair,
  summed over the current-state maps (the heatmap and the Sankey diagram);
- `Portfolio.hotspots` — the handoff hotspots of every map, best first, with
  their reasons (decision-right reasons added) and the goals they threaten;
- `Portfolio.maps` — one row per current-state map: its metrics and, when it
  has a future state, the change of each metric;
- `Portfolio.wins` — improvements done in the last `WIN_DAYS` days;
- `Portfolio.matrix(measure)` — the heatmap as (names, rows of numbers).

Conventions (documented in docs/metrics.md): only current-state maps count;
the filters pick maps (by kind; by department: the maps where it has a step),
so every number is the sum of the chosen maps' own analyses. A pair's waiting
is the sum over maps of `DepartmentPair.wait_minutes` (None when no map knows
it). Hotspots rank by score, then by the waiting at the step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .compare import compare
from .definitions import DEFINITIONS
from .messages import Message, message
from .results import MapAnalysis, MapMetrics, MetricChange

#: How far back a done improvement counts as a win to celebrate.
WIN_DAYS = 90

#: The metrics the maps table and the wins show, in order.
TABLE_METRICS = (
    "lead_time_minutes",
    "process_time_minutes",
    "activity_ratio",
    "rolled_complete_accurate",
    "handoffs",
    "cross_department_handoffs",
)

#: What each metric is called on screen (one name everywhere: see definitions.py).
METRIC_LABELS = {key: d.label for key, d in DEFINITIONS.items()}

TROUBLED = ("unclear", "contested")

Measure = Literal["count", "wait"]
Row = tuple[float | None, ...]


# -- Input -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepartmentInfo:
    """A department of the workspace."""

    id: int
    name: str
    short_name: str
    color: str


@dataclass(frozen=True, slots=True)
class DecisionRightInfo:
    """A decision right: its area, status (owned, shared, unclear, contested) and holders."""

    id: int
    area: str
    status: str
    department_ids: tuple[int, ...]

    @property
    def troubled(self) -> bool:
        """True when nobody can decide quickly: the right is unclear or contested."""
        return self.status in TROUBLED


@dataclass(frozen=True, slots=True)
class GoalLink:
    """A shared goal whose KPI follows a metric of a map: the map's trouble threatens it."""

    goal_id: int
    goal_title: str
    kpi_id: int
    kpi_name: str
    map_id: int
    metric: str


@dataclass(frozen=True, slots=True)
class ImprovementInfo:
    """An improvement card, as far as the portfolio needs it."""

    id: int
    title: str
    map_id: int | None
    step_id: int | None
    impact: int
    effort: int
    status: str
    done_date: dt.date | None


@dataclass(frozen=True, slots=True)
class PortfolioInput:
    """Everything the portfolio is computed from: plain data, no models.

    `analyses` holds every map of the workspace, current and future states;
    `step_rights` and `handoff_rights` map a step or handoff id to the id of the
    decision right it depends on.
    """

    workspace_id: int
    working_day_minutes: int
    today: dt.date
    departments: tuple[DepartmentInfo, ...]
    analyses: tuple[MapAnalysis, ...]
    decision_rights: tuple[DecisionRightInfo, ...] = ()
    step_rights: dict[int, int] = field(default_factory=dict, hash=False)
    handoff_rights: dict[int, int] = field(default_factory=dict, hash=False)
    goal_links: tuple[GoalLink, ...] = ()
    improvements: tuple[ImprovementInfo, ...] = ()


# -- Output ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoalRef:
    """A shared goal, named where a hotspot or a flow threatens it."""

    id: int
    title: str


@dataclass(frozen=True, slots=True)
class Flow:
    """Cross-department handoffs from one department to another over all chosen maps.

    `count` and `rework_count` are sums of the maps' `DepartmentPair` counts;
    `wait_minutes` the sum of their known waits (None when no map knows one);
    `map_ids` the maps where the pair occurs; `decision_rights` the unclear or
    contested rights its handoffs depend on; `goals` the goals bound to those maps.
    """

    from_department_id: int
    from_department: str
    to_department_id: int
    to_department: str
    count: int
    rework_count: int
    wait_minutes: float | None
    map_ids: tuple[int, ...]
    decision_rights: tuple[DecisionRightInfo, ...]
    goals: tuple[GoalRef, ...]


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A step where a cross-department (or rework) handoff hurts, on one map.

    `reasons` are the analysis' reasons plus one per unclear or contested
    decision right the step or a handoff into it depends on.
    """

    map_id: int
    map_name: str
    map_kind: str
    step_id: int
    step_title: str
    department_id: int
    department: str
    score: float
    wait_minutes: float | None
    reasons: tuple[Message, ...]
    decision_rights: tuple[DecisionRightInfo, ...]
    goals: tuple[GoalRef, ...]


@dataclass(frozen=True, slots=True)
class FutureState:
    """A map's future state and every table metric before and after."""

    map_id: int
    name: str
    changes: tuple[MetricChange, ...]

    def change(self, name: str) -> MetricChange | None:
        """The change of metric `name` (None when it is not a table metric)."""
        return next((c for c in self.changes if c.name == name), None)


@dataclass(frozen=True, slots=True)
class MapRow:
    """A current-state map in the maps table."""

    map_id: int
    name: str
    kind: str
    working_day_minutes: int
    metrics: MapMetrics
    future: FutureState | None

    @property
    def table_cells(self) -> tuple[tuple[str, MetricChange | None], ...]:
        """(metric name, its change in the future state or None) for each table metric."""
        return tuple(
            (name, self.future.change(name) if self.future else None) for name in TABLE_METRICS
        )


@dataclass(frozen=True, slots=True)
class Win:
    """An improvement done recently, with its map's before/after when a future state exists."""

    improvement: ImprovementInfo
    map_name: str
    future: FutureState | None


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The manager's view of a workspace (see the module docstring)."""

    working_day_minutes: int
    departments: tuple[DepartmentInfo, ...]
    maps: tuple[MapRow, ...]
    flows: tuple[Flow, ...]
    hotspots: tuple[Hotspot, ...]
    wins: tuple[Win, ...]
    kind: str | None = None
    department_id: int | None = None

    @property
    def cross_department_handoffs(self) -> int:
        """All cross-department handoffs of the chosen maps."""
        return sum(f.count for f in self.flows)

    @property
    def wait_minutes(self) -> float | None:
        """The waiting after all cross-department handoffs (None when unknown everywhere)."""
        known = [f.wait_minutes for f in self.flows if f.wait_minutes is not None]
        return sum(known) if known else None

    @property
    def worst_flow(self) -> Flow | None:
        """The department pair that causes the most waiting (then the most handoffs)."""
        return max(self.flows, key=lambda f: (f.wait_minutes or 0.0, f.count), default=None)

    def matrix_departments(self) -> tuple[DepartmentInfo, ...]:
        """Departments that send or receive a flow, in the workspace's order."""
        used = {f.from_department_id for f in self.flows} | {f.to_department_id for f in self.flows}
        return tuple(d for d in self.departments if d.id in used)

    def matrix(
        self, measure: Measure = "count"
    ) -> tuple[tuple[str, ...], tuple[tuple[float | None, ...], ...]]:
        """The heatmap: department names and rows (senders) of columns (receivers).

        A cell is the count or the waiting in minutes; None where no handoff goes.
        """
        names = self.matrix_departments()
        cell = {(f.from_department_id, f.to_department_id): f for f in self.flows}
        rows = []
        for a in names:
            row: list[float | None] = []
            for b in names:
                flow = cell.get((a.id, b.id))
                if flow is None:
                    row.append(None)
                else:
                    row.append(float(flow.count) if measure == "count" else flow.wait_minutes)
            rows.append(tuple(row))
        return tuple(d.name for d in names), tuple(rows)

    def flows_from(self, department_id: int) -> tuple[Flow, ...]:
        """The flows a department sends, most waiting first."""
        return _by_wait(f for f in self.flows if f.from_department_id == department_id)

    def flows_to(self, department_id: int) -> tuple[Flow, ...]:
        """The flows a department receives, most waiting first."""
        return _by_wait(f for f in self.flows if f.to_department_id == department_id)

    def hotspots_in(self, department_id: int) -> tuple[Hotspot, ...]:
        """The hotspots in a department's lane, best first."""
        return tuple(h for h in self.hotspots if h.department_id == department_id)

    def hotspots_for_right(self, decision_right_id: int) -> tuple[Hotspot, ...]:
        """The hotspots that depend on a decision right."""
        return tuple(
            h for h in self.hotspots if any(r.id == decision_right_id for r in h.decision_rights)
        )


def _by_wait(flows: Iterable[Flow]) -> tuple[Flow, ...]:
    return tuple(sorted(flows, key=lambda f: (-(f.wait_minutes or 0.0), -f.count)))


# -- Computation ---------------------------------------------------------------


def build_portfolio(
    data: PortfolioInput, *, kind: str | None = None, department_id: int | None = None
) -> Portfolio:
    """The portfolio of the current-state maps chosen by `kind` and `department_id`.

    `department_id` keeps the maps where that department has a step. Future
    states are never counted themselves; they give their map's `future`.
    """
    chosen = tuple(
        a
        for a in data.analyses
        if a.state == "current"
        and (kind is None or a.kind == kind)
        and (
            department_id is None or any(s.department_id == department_id for s in a.steps.values())
        )
    )
    rights = {r.id: r for r in data.decision_rights}
    goals = _goals_by_map(data.goal_links)
    futures = _future_states(data.analyses)
    rows = tuple(
        MapRow(a.map_id, a.name, a.kind, a.working_day_minutes, a.metrics, futures.get(a.map_id))
        for a in sorted(chosen, key=lambda a: (a.kind, a.name.casefold(), a.map_id))
    )
    return Portfolio(
        working_day_minutes=data.working_day_minutes,
        departments=data.departments,
        maps=rows,
        flows=_flows(chosen, data, rights, goals),
        hotspots=_hotspots(chosen, data, rights, goals),
        wins=_wins(data, futures),
        kind=kind,
        department_id=department_id,
    )


def _has_department(analysis: MapAnalysis, department_id: int) -> bool:
    return any(s.department_id == department_id for s in analysis.steps.values())


def _goals_by_map(links: tuple[GoalLink, ...]) -> dict[int, tuple[GoalRef, ...]]:
    found: dict[int, dict[int, GoalRef]] = defaultdict(dict)
    for link in links:
        found[link.map_id][link.goal_id] = GoalRef(link.goal_id, link.goal_title)
    return {map_id: tuple(refs.values()) for map_id, refs in found.items()}


def _future_states(analyses: tuple[MapAnalysis, ...]) -> dict[int, FutureState]:
    """Each current map's newest future state (highest id) compared with it."""
    by_id = {a.map_id: a for a in analyses}
    newest: dict[int, MapAnalysis] = {}
    for a in analyses:
        base = a.based_on_id
        if (
            a.state == "future"
            and base in by_id
            and (base not in newest or a.map_id > newest[base].map_id)
        ):
            newest[base] = a
    out = {}
    for base_id, future in newest.items():
        comparison = compare(by_id[base_id], future)
        changes = tuple(c for c in comparison.metrics if c.name in TABLE_METRICS)
        ordered = tuple(sorted(changes, key=lambda c: TABLE_METRICS.index(c.name)))
        out[base_id] = FutureState(future.map_id, future.name, ordered)
    return out


def _flows(
    chosen: tuple[MapAnalysis, ...],
    data: PortfolioInput,
    rights: dict[int, DecisionRightInfo],
    goals: dict[int, tuple[GoalRef, ...]],
) -> tuple[Flow, ...]:
    """Sum each department pair's handoffs and waiting over the chosen maps."""
    names = {d.id: d.name for d in data.departments}
    count: dict[tuple[int, int], int] = defaultdict(int)
    rework: dict[tuple[int, int], int] = defaultdict(int)
    wait: dict[tuple[int, int], float | None] = {}
    maps: dict[tuple[int, int], list[int]] = defaultdict(list)
    troubled: dict[tuple[int, int], dict[int, DecisionRightInfo]] = defaultdict(dict)
    for a in chosen:
        for pair in a.department_handoffs:
            key = (pair.from_department_id, pair.to_department_id)
            count[key] += pair.count
            rework[key] += pair.rework_count
            known = wait.get(key)
            if pair.wait_minutes is not None:
                wait[key] = (known or 0.0) + pair.wait_minutes
            else:
                wait.setdefault(key, None)
            maps[key].append(a.map_id)
            names.setdefault(pair.from_department_id, pair.from_department)
            names.setdefault(pair.to_department_id, pair.to_department)
        for handoff in a.handoffs.values():
            right = rights.get(data.handoff_rights.get(handoff.id, 0))
            if handoff.cross_department and right is not None and right.troubled:
                troubled[(handoff.from_department_id, handoff.to_department_id)][right.id] = right
    flows = [
        Flow(
            from_department_id=key[0],
            from_department=names[key[0]],
            to_department_id=key[1],
            to_department=names[key[1]],
            count=count[key],
            rework_count=rework[key],
            wait_minutes=wait[key],
            map_ids=tuple(maps[key]),
            decision_rights=tuple(troubled[key].values()),
            goals=_unique(g for map_id in maps[key] for g in goals.get(map_id, ())),
        )
        for key in count
    ]
    return _by_wait(flows)


def _unique(refs: Iterable[GoalRef]) -> tuple[GoalRef, ...]:
    return tuple(dict.fromkeys(refs))


def _hotspots(
    chosen: tuple[MapAnalysis, ...],
    data: PortfolioInput,
    rights: dict[int, DecisionRightInfo],
    goals: dict[int, tuple[GoalRef, ...]],
) -> tuple[Hotspot, ...]:
    """Every map's handoff hotspots with decision-right reasons, best first across maps."""
    found = []
    for a in chosen:
        incoming: dict[int, list[int]] = {}
        if data.handoff_rights:
            for handoff in a.handoffs.values():
                if handoff.id in data.handoff_rights:
                    incoming.setdefault(handoff.to_step_id, []).append(
                        data.handoff_rights[handoff.id]
                    )
        goal_refs = goals.get(a.map_id, ())
        for step in a.hotspots:
            depends: tuple[DecisionRightInfo, ...] = ()
            extra: tuple[Message, ...] = ()
            # Most hotspots depend on no decision right: no lists built for them.
            if step.id in data.step_rights or step.id in incoming:
                ids = [data.step_rights[step.id]] if step.id in data.step_rights else []
                depends = tuple(
                    rights[i] for i in dict.fromkeys(ids + incoming.get(step.id, [])) if i in rights
                )
                extra = tuple(
                    message(f"decision_right_{r.status}", a.working_day_minutes, area=r.area)
                    for r in depends
                    if r.troubled
                )
            found.append(
                Hotspot(
                    map_id=a.map_id,
                    map_name=a.name,
                    map_kind=a.kind,
                    step_id=step.id,
                    step_title=step.title,
                    department_id=step.department_id,
                    department=step.department,
                    score=step.hotspot_score,
                    wait_minutes=step.wait_minutes,
                    reasons=step.reasons + extra,
                    decision_rights=depends,
                    goals=goal_refs,
                )
            )
    found.sort(key=lambda h: (-h.score, -(h.wait_minutes or 0.0), h.map_name, h.step_id))
    return tuple(found)


def _wins(data: PortfolioInput, futures: dict[int, FutureState]) -> tuple[Win, ...]:
    """Improvements done within WIN_DAYS of today, newest first."""
    since = data.today - dt.timedelta(days=WIN_DAYS)
    names = {a.map_id: a.name for a in data.analyses}
    base = {a.map_id: a.based_on_id for a in data.analyses}
    wins = []
    for item in data.improvements:
        if item.status != "done" or item.done_date is None or item.done_date < since:
            continue
        map_id = item.map_id
        # A card on a future-state map celebrates the change of its current state.
        current = (base.get(map_id) or map_id) if map_id is not None else None
        wins.append(
            Win(
                improvement=item,
                map_name=names.get(map_id, "") if map_id is not None else "",
                future=futures.get(current) if current is not None else None,
            )
        )
    wins.sort(key=lambda w: (w.improvement.done_date, w.improvement.id), reverse=True)
    return tuple(wins)
