"""The typed, frozen results of a map's handoff analysis.

Everything here is plain data: views, templates, exports, the JSON API and the
cache consume it. Times are minutes; ratios are fractions from 0 to 1; a number
that could not be computed is None and `MapAnalysis.notes` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .definitions import Figure, NoteLine, map_figures, note_lines
from .messages import CompactPickle, Message


# The two per-row results are not `frozen`: a frozen dataclass sets each field
# through `object.__setattr__`, four times slower to build than a plain slotted one,
# and a workspace's dashboard builds tens of thousands of them when nothing is cached
# (about 40 ms of a cold 500 ms request). They are still never changed after the
# analysis: results are shared between requests (analysis/cache.py), and
# tests/valuestreams/analysis/test_results_readonly.py checks that nothing assigns to them.
@dataclass(slots=True)
class StepAnalysis(CompactPickle):
    """What the analysis found about one step (read-only once built: see above).

    `hotspot_score` (0–100) and `reasons` are computed for every step, so the
    editor can colour any step; only handoff hotspots are listed in
    `MapAnalysis.hotspots`.
    """

    id: int
    title: str
    department_id: int
    department: str
    stage_id: int
    process_time_minutes: float | None
    lead_time_minutes: float | None
    wait_minutes: float | None
    complete_accurate_pct: float | None
    value_adding: bool
    sends_cross_department: bool
    receives_cross_department: bool
    receives_from_departments: tuple[str, ...]
    on_critical_path: bool
    in_rework_loop: bool
    rework_loops_targeted: int
    hotspot_score: float
    reasons: tuple[Message, ...]

    @property
    def is_handoff_hotspot(self) -> bool:
        """True when a cross-department or rework handoff arrives here and it scores."""
        return self.hotspot_score > 0 and (
            self.receives_cross_department or self.rework_loops_targeted > 0
        )


@dataclass(slots=True)
class HandoffAnalysis(CompactPickle):
    """One handoff: whether it crosses a department boundary and where it sits (read-only)."""

    id: int
    from_step_id: int
    to_step_id: int
    from_department_id: int
    to_department_id: int
    cross_department: bool
    rework: bool
    on_critical_path: bool


@dataclass(frozen=True, slots=True)
class MapMetrics(CompactPickle):
    """The lean metrics of the map (see docs/metrics.md for each formula).

    Path metrics follow the critical path; `work_content_minutes` and
    `all_steps_wait_minutes` cover every step.
    """

    steps: int
    lead_time_minutes: float | None
    process_time_minutes: float | None
    wait_time_minutes: float | None
    work_content_minutes: float | None
    all_steps_wait_minutes: float
    activity_ratio: float | None
    flow_efficiency: float | None
    rolled_complete_accurate: float | None
    handoffs: int
    cross_department_handoffs: int
    rework_handoffs: int
    departments: int
    lane_changes_on_critical_path: int


@dataclass(frozen=True, slots=True)
class DepartmentPair(CompactPickle):
    """Cross-department handoffs from one department to another: a cell of the matrix.

    `wait_minutes` sums the waits of the distinct receiving steps that have one
    (None when none does; `wait_unknown_steps` counts those without);
    `complete_accurate` is the mean %C&A (as a fraction) of the sending step over
    the handoffs whose sender has one.
    """

    from_department_id: int
    from_department: str
    to_department_id: int
    to_department: str
    count: int
    rework_count: int
    wait_minutes: float | None
    wait_unknown_steps: int
    complete_accurate: float | None
    on_critical_path: bool
    ping_pong: int
    hotspot_score: float
    reasons: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class PingPong(CompactPickle):
    """Work that goes from `departments[0]` to `departments[1]` and comes back.

    `count` is the number of handoffs from the first department into the second
    after which a path of handoffs leads back to the first.
    """

    departments: tuple[str, str]
    department_ids: tuple[int, int]
    count: int


@dataclass(frozen=True, slots=True)
class Problem(CompactPickle):
    """A modelling error found in the map: reported, never crashed on."""

    code: str
    message: Message
    step_ids: tuple[int, ...] = ()
    handoff_ids: tuple[int, ...] = ()


# How many hotspots a diagram marks at most (see MapAnalysis.marked_hotspots).
MARKED_HOTSPOTS = 3


@dataclass(frozen=True, slots=True)
class MapAnalysis(CompactPickle):
    """The whole handoff analysis of one map version.

    `steps` and `handoffs` are keyed by id (`result.steps[12].hotspot_score`);
    `hotspots` and `department_hotspots` are best first; `notes` maps a metric
    name to why it is None or only a lower bound.
    """

    map_id: int
    name: str
    kind: str
    state: str
    version: int
    based_on_id: int | None
    working_day_minutes: int
    metrics: MapMetrics
    notes: dict[str, Message]
    critical_path: tuple[int, ...]
    departments: tuple[str, ...]
    steps: dict[int, StepAnalysis] = field(hash=False)
    handoffs: dict[int, HandoffAnalysis] = field(hash=False)
    department_handoffs: tuple[DepartmentPair, ...]
    hotspots: tuple[StepAnalysis, ...]
    department_hotspots: tuple[DepartmentPair, ...]
    ping_pong: tuple[PingPong, ...]
    rework_loops: tuple[tuple[int, ...], ...]
    problems: tuple[Problem, ...]

    @property
    def marked_hotspots(self) -> tuple[StepAnalysis, ...]:
        """The hotspots worth marking on a diagram: at most MARKED_HOTSPOTS, best first,
        and only those scoring at least half the best score.

        Every receiver of cross-department work has some score; marking them all
        would mark half the map and say nothing.
        """
        if not self.hotspots:
            return ()
        floor = self.hotspots[0].hotspot_score / 2
        return tuple(h for h in self.hotspots[:MARKED_HOTSPOTS] if h.hotspot_score >= floor)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The figures the map page shows, named, defined and formatted (definitions.py)."""
        return map_figures(self)

    @property
    def note_lines(self) -> tuple[NoteLine, ...]:
        """Why figures are unknown or only a bound: each reason once, with its figures."""
        return note_lines(self)

    @property
    def is_journey(self) -> bool:
        """True for customer and employee journeys (which often have no times)."""
        return self.kind != "value_stream"

    @property
    def matrix(
        self,
    ) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[DepartmentPair | None, ...]], ...]]:
        """The department handoff matrix for a table: (column names, rows of (name, cells)).

        Only departments that send or receive a cross-department handoff appear,
        in lane order; a cell is None when no handoff goes from row to column.
        """
        cell = {(p.from_department, p.to_department): p for p in self.department_handoffs}
        used = {name for pair in cell for name in pair}
        names = tuple(d for d in self.departments if d in used)
        names += tuple(sorted(used - set(names)))
        rows = tuple((a, tuple(cell.get((a, b)) for b in names)) for a in names)
        return names, rows

    @property
    def critical_path_steps(self) -> tuple[StepAnalysis, ...]:
        """The steps of the critical path, in order."""
        return tuple(self.steps[i] for i in self.critical_path)

    @property
    def rework_loop_steps(self) -> tuple[tuple[StepAnalysis, ...], ...]:
        """Each rework loop as its steps, starting with the step the work is sent back to."""
        return tuple(tuple(self.steps[i] for i in loop) for loop in self.rework_loops)


@dataclass(frozen=True, slots=True)
class MetricChange(CompactPickle):
    """One metric before and after; `change` is after − before when both are known."""

    name: str
    before: float | None
    after: float | None
    change: float | None


@dataclass(frozen=True, slots=True)
class StepChange(CompactPickle):
    """A step removed, added or moved to another department between two maps."""

    title: str
    before_step_id: int | None
    after_step_id: int | None
    before_department: str | None
    after_department: str | None


@dataclass(frozen=True, slots=True)
class HandoffChange(CompactPickle):
    """A handoff removed, added or moved (its department pair changed)."""

    from_title: str
    to_title: str
    before_handoff_id: int | None
    after_handoff_id: int | None
    before_departments: tuple[str, str] | None
    after_departments: tuple[str, str] | None
    before_cross_department: bool | None
    after_cross_department: bool | None


@dataclass(frozen=True, slots=True)
class Comparison(CompactPickle):
    """A future-state map against the current-state map it is based on."""

    before: MapAnalysis
    after: MapAnalysis
    metrics: tuple[MetricChange, ...]
    steps_removed: tuple[StepChange, ...]
    steps_added: tuple[StepChange, ...]
    steps_moved: tuple[StepChange, ...]
    handoffs_removed: tuple[HandoffChange, ...]
    handoffs_added: tuple[HandoffChange, ...]
    handoffs_moved: tuple[HandoffChange, ...]
