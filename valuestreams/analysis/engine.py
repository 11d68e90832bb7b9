"""The handoff analysis of one map: pure code on plain data and networkx.

`analyze(MapData) -> MapAnalysis` touches no database and no request. Every
pass is linear in steps + handoffs (times the number of departments for
ping-pong), so a 10,000-step map is analysed in a fraction of a second. The
definitions are those of docs/metrics.md; comments say why a choice was made.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter

import networkx as nx

from ..mapdata import HandoffData, MapData, StepData
from .messages import Message, message
from .results import (
    DepartmentPair,
    HandoffAnalysis,
    MapAnalysis,
    MapMetrics,
    PingPong,
    Problem,
    StepAnalysis,
)

# Hotspot points (documented in docs/metrics.md); each step score adds up to 100.
STEP_WAIT_POINTS = 40.0
STEP_CRITICAL_PATH_POINTS = 15.0
STEP_REWORK_TARGET_POINTS = 15.0
STEP_POINTS_PER_SENDING_DEPARTMENT = 5.0
STEP_MAX_SENDING_DEPARTMENT_POINTS = 15.0
STEP_INPUT_QUALITY_POINTS = 15.0
# Each department pair score adds up to 100 as well.
PAIR_WAIT_POINTS = 40.0
PAIR_HANDOFF_SHARE_POINTS = 20.0
PAIR_CRITICAL_PATH_POINTS = 15.0
PAIR_QUALITY_POINTS = 15.0
PAIR_BACK_AND_FORTH_POINTS = 10.0

# Rework loops are listed one per rework handoff; the search for each is a
# breadth-first search inside one strongly connected component, and all of them
# together may visit at most this many nodes per step + handoff of the map, so a
# pathological tangle cannot make the analysis slow.
LOOP_SEARCH_BUDGET_PER_ELEMENT = 10
MAX_LISTED_LOOPS = 500


@dataclass(frozen=True, slots=True)
class _Scores:
    """A score with the reasons that earned its points, largest first."""

    score: float
    reasons: tuple[Message, ...]


_NOTHING = _Scores(0.0, ())


def _ranked(parts: list[tuple[float, Message]]) -> _Scores:
    """Sum the points and order the reasons by what they contributed (stable).

    Callers add a reason only when it applies; a reason worth 0 points still
    explains the score and comes last.
    """
    if len(parts) == 1:  # the most common case, without a sort
        points, reason = parts[0]
        return _Scores(round(points, 1), (reason,))
    # reverse=True keeps equal points in their order (sorts stay stable).
    kept = sorted(parts, key=_POINTS, reverse=True)
    return _Scores(round(sum(map(_POINTS, kept)), 1), tuple(map(_REASON, kept)))


_POINTS = itemgetter(0)
_REASON = itemgetter(1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the analysis builds its result.

    The analysis allocates tens of thousands of small objects that all stay
    alive; each automatic collection would walk all of them again, which made a
    10,000-step map twice as slow. Reference counting still frees everything as
    usual, and the collector is switched back on only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyze(data: MapData) -> MapAnalysis:
    """The full handoff analysis of `data`: metrics, critical path, matrix, hotspots, loops.

    Pure: the same data always gives the same result, with ties broken by the
    map's reading order (stage, lane, position, id). Modelling errors become
    `problems`; numbers that cannot be computed are None with a note.
    """
    with _collector_paused():
        return _analyze(data)


def _analyze(data: MapData) -> MapAnalysis:
    """`analyze` without the collector pause: one pass per section below."""
    wd = data.working_day_minutes
    step_by_id: dict[int, StepData] = {s.id: s for s in data.steps}
    order = {s.id: i for i, s in enumerate(data.steps)}
    lane_ids = {lane.id for lane in data.lanes}
    dept_name = {lane.department_id: lane.name for lane in data.lanes}
    dept_rank = {lane.department_id: i for i, lane in enumerate(data.lanes)}

    def name_of(department_id: int) -> str:
        # A step whose lane is missing still has a department id; show it as such.
        return dept_name.get(department_id, f"#{department_id}")

    def rank_of(department_id: int) -> tuple[int, int]:
        return (dept_rank.get(department_id, len(dept_rank)), department_id)

    problems: list[Problem] = []
    notes: dict[str, Message] = {}

    # -- Handoffs we can use ----------------------------------------------------
    handoffs: list[HandoffData] = []
    for h in data.handoffs:
        if h.from_step_id not in step_by_id or h.to_step_id not in step_by_id:
            problems.append(
                Problem(
                    "unknown_step",
                    message("problem_unknown_step", wd, handoff=h.id),
                    handoff_ids=(h.id,),
                )
            )
            continue
        if h.from_step_id == h.to_step_id:
            problems.append(
                Problem(
                    "self_handoff",
                    message("problem_self_handoff", wd, handoff=h.id),
                    step_ids=(h.from_step_id,),
                    handoff_ids=(h.id,),
                )
            )
            continue
        handoffs.append(h)
        ends = (step_by_id[h.from_step_id], step_by_id[h.to_step_id])
        if ends[0].lane_id in lane_ids and ends[1].lane_id in lane_ids:
            continue
        laneless = tuple(s for s in ends if s.lane_id not in lane_ids)
        problems.append(
            Problem(
                "step_without_lane",
                message(
                    "problem_step_without_lane",
                    wd,
                    handoff=h.id,
                    titles=tuple(s.title for s in laneless),
                ),
                step_ids=tuple(s.id for s in laneless),
                handoff_ids=(h.id,),
            )
        )

    # -- Per-step numbers -------------------------------------------------------
    wait: dict[int, float | None] = {}
    bad_times: list[StepData] = []
    for s in data.steps:
        pt, lt = s.process_time_minutes, s.lead_time_minutes
        if pt is None or lt is None:
            wait[s.id] = None
        elif lt < pt:
            # The database forbids this; plain data may not. A negative wait would
            # make every share below meaningless, so the wait counts as unknown.
            wait[s.id] = None
            bad_times.append(s)
        else:
            wait[s.id] = lt - pt
    if bad_times:
        problems.append(
            Problem(
                "lead_below_process",
                message(
                    "problem_lead_below_process",
                    wd,
                    count=len(bad_times),
                    titles=tuple(s.title for s in bad_times),
                ),
                step_ids=tuple(s.id for s in bad_times),
            )
        )

    # -- Graphs, built once -----------------------------------------------------
    # Plain adjacency lists: building a networkx graph of every handoff cost
    # more than the searches on it. Steps without handoffs cannot be on a
    # cycle, so only handoffs go in.
    full: dict[int, list[int]] = {}
    for h in handoffs:
        full.setdefault(h.from_step_id, []).append(h.to_step_id)
    flow_succ: dict[int, list[int]] = {i: [] for i in order}
    flow_pred: dict[int, list[int]] = {i: [] for i in order}
    for h in handoffs:
        if not h.rework:
            flow_succ[h.from_step_id].append(h.to_step_id)
            flow_pred[h.to_step_id].append(h.from_step_id)

    topo = _topological_order(list(order), flow_succ, flow_pred)
    if topo is None:
        flow = nx.DiGraph()
        flow.add_nodes_from(order)
        flow.add_edges_from((a, b) for a, succ in flow_succ.items() for b in succ)
        dag = _break_flow_cycles(flow, order, data, problems, wd)
        notes["critical_path"] = message("note_flow_cycle", wd)
        problems.extend(_unreachable(flow, data, wd))
        topo = list(nx.topological_sort(dag))
        flow_succ = {n: list(dag.succ[n]) for n in order}
        flow_pred = {n: list(dag.pred[n]) for n in order}

    touched = {h.from_step_id for h in handoffs} | {h.to_step_id for h in handoffs}
    isolated = [s for s in data.steps if s.id not in touched]
    if len(data.steps) > 1 and isolated:
        problems.append(
            Problem(
                "isolated",
                message(
                    "problem_isolated",
                    wd,
                    count=len(isolated),
                    titles=tuple(s.title for s in isolated),
                ),
                step_ids=tuple(s.id for s in isolated),
            )
        )

    # -- Critical path and path metrics -----------------------------------------
    critical_path = _critical_path(topo, flow_succ, flow_pred, data, order)
    on_path = set(critical_path)
    path_edges = set(itertools.pairwise(critical_path))
    path_steps = [step_by_id[i] for i in critical_path]
    metrics_parts = _path_metrics(data, path_steps, on_path, wait, notes)

    # -- Cross-department flags and the department matrix ------------------------
    cross_count = 0
    rework_count = 0
    handoff_results: dict[int, HandoffAnalysis] = {}
    sends_cross: set[int] = set()
    receives_from: dict[int, set[int]] = {}
    # Per receiving step: %C&A (as fractions) of the cross-department senders.
    input_quality: dict[int, list[float]] = {}
    pair_handoffs: dict[tuple[int, int], list[HandoffData]] = {}
    for h in handoffs:
        a = step_by_id[h.from_step_id]
        b = step_by_id[h.to_step_id]
        cross = a.department_id != b.department_id
        rework_count += h.rework
        handoff_results[h.id] = HandoffAnalysis(
            id=h.id,
            from_step_id=a.id,
            to_step_id=b.id,
            from_department_id=a.department_id,
            to_department_id=b.department_id,
            cross_department=cross,
            rework=h.rework,
            on_critical_path=not h.rework and (a.id, b.id) in path_edges,
        )
        if cross:
            cross_count += 1
            sends_cross.add(a.id)
            receives_from.setdefault(b.id, set()).add(a.department_id)
            if a.complete_accurate_pct is not None:
                input_quality.setdefault(b.id, []).append(a.complete_accurate_pct / 100)
            pair_handoffs.setdefault((a.department_id, b.department_id), []).append(h)

    # -- Rework loops and ping-pong ---------------------------------------------
    component = _cycle_components(full)
    loops, loops_targeted = _rework_loops(full, component, handoffs, order, problems, wd)
    in_loop = set(component)
    ping = _ping_pong(component, handoffs, step_by_id, order)

    # -- Step hotspots ----------------------------------------------------------
    all_wait = sum(w for w in wait.values() if w is not None)
    # Messages are immutable: the ones that repeat are made once and shared,
    # which keeps a 10,000-step result small and quick to build and to cache.
    on_path_reason = (STEP_CRITICAL_PATH_POINTS, message("step_on_critical_path", wd))
    target_reasons = {
        n: (STEP_REWORK_TARGET_POINTS, message("step_rework_target", wd, count=n))
        for n in set(loops_targeted.values())
    }
    sender_reasons = {
        n: (
            min(STEP_MAX_SENDING_DEPARTMENT_POINTS, STEP_POINTS_PER_SENDING_DEPARTMENT * n),
            message("step_receives_from", wd, count=n),
        )
        for n in {len(x) for x in receives_from.values()}
    }
    no_senders: set[int] = set()
    step_results: dict[int, StepAnalysis] = {}
    for s in data.steps:
        senders = receives_from.get(s.id, no_senders)
        w = wait[s.id]
        parts: list[tuple[float, Message]] = []
        if w and all_wait > 0:
            parts.append(
                (
                    STEP_WAIT_POINTS * w / all_wait,
                    Message(
                        "step_wait_share", (("wait_minutes", w), ("total_minutes", all_wait)), wd
                    ),
                )
            )
        if s.id in on_path:
            parts.append(on_path_reason)
        targeted = loops_targeted.get(s.id, 0)
        if targeted:
            parts.append(target_reasons[targeted])
        if senders:
            parts.append(sender_reasons[len(senders)])
        quality = input_quality.get(s.id)
        if quality and (mean := sum(quality) / len(quality)) < 1:
            parts.append(
                (
                    STEP_INPUT_QUALITY_POINTS * (1 - mean),
                    Message("step_input_quality", (("percent", mean * 100),), wd),
                )
            )
        scored = _ranked(parts) if parts else _NOTHING
        step_results[s.id] = StepAnalysis(
            id=s.id,
            title=s.title,
            department_id=s.department_id,
            department=name_of(s.department_id),
            stage_id=s.stage_id,
            process_time_minutes=s.process_time_minutes,
            lead_time_minutes=s.lead_time_minutes,
            wait_minutes=w,
            complete_accurate_pct=s.complete_accurate_pct,
            value_adding=s.value_adding,
            sends_cross_department=s.id in sends_cross,
            receives_cross_department=bool(senders),
            receives_from_departments=tuple(name_of(d) for d in sorted(senders, key=rank_of))
            if senders
            else (),
            on_critical_path=s.id in on_path,
            in_rework_loop=s.id in in_loop,
            rework_loops_targeted=targeted,
            hotspot_score=scored.score,
            reasons=scored.reasons,
        )
    hotspots = tuple(
        sorted(
            (r for r in step_results.values() if r.is_handoff_hotspot),
            key=lambda r: (-r.hotspot_score, order[r.id]),
        )
    )

    # -- Department pairs --------------------------------------------------------
    pairs: list[DepartmentPair] = []
    for (a_id, b_id), hs in sorted(
        pair_handoffs.items(), key=lambda kv: (rank_of(kv[0][0]), rank_of(kv[0][1]))
    ):
        receivers = {h.to_step_id for h in hs}
        known = [wait[r] for r in receivers if wait[r] is not None]
        pair_wait = sum(w for w in known if w is not None) if known else None
        quality = [
            pct / 100
            for h in hs
            if (pct := step_by_id[h.from_step_id].complete_accurate_pct) is not None
        ]
        ca = sum(quality) / len(quality) if quality else None
        reworked = sum(h.rework for h in hs)
        crit = any(handoff_results[h.id].on_critical_path for h in hs)
        back = ping.get((a_id, b_id), 0)
        parts = []
        if pair_wait and all_wait > 0:
            parts.append(
                (
                    PAIR_WAIT_POINTS * pair_wait / all_wait,
                    message("pair_wait_share", wd, wait_minutes=pair_wait, total_minutes=all_wait),
                )
            )
        parts.append(
            (
                PAIR_HANDOFF_SHARE_POINTS * len(hs) / cross_count,
                message("pair_handoff_share", wd, count=len(hs), total=cross_count),
            )
        )
        if crit:
            parts.append((PAIR_CRITICAL_PATH_POINTS, message("pair_on_critical_path", wd)))
        if ca is not None and ca < 1:
            parts.append(
                (PAIR_QUALITY_POINTS * (1 - ca), message("pair_quality", wd, percent=ca * 100))
            )
        if back:
            parts.append((PAIR_BACK_AND_FORTH_POINTS, message("pair_ping_pong", wd, count=back)))
        if reworked:
            # "It comes back" earns its points once, whether by ping-pong or rework.
            points = 0.0 if back else PAIR_BACK_AND_FORTH_POINTS
            parts.append((points, message("pair_rework", wd, count=reworked)))
        scored = _ranked(parts)
        pairs.append(
            DepartmentPair(
                from_department_id=a_id,
                from_department=name_of(a_id),
                to_department_id=b_id,
                to_department=name_of(b_id),
                count=len(hs),
                rework_count=reworked,
                wait_minutes=pair_wait,
                wait_unknown_steps=len(receivers) - len(known),
                complete_accurate=ca,
                on_critical_path=crit,
                ping_pong=back,
                hotspot_score=scored.score,
                reasons=scored.reasons,
            )
        )
    pair_rank = {(p.from_department_id, p.to_department_id): i for i, p in enumerate(pairs)}
    department_hotspots = tuple(
        sorted(
            (p for p in pairs if p.hotspot_score > 0),
            key=lambda p: (-p.hotspot_score, pair_rank[(p.from_department_id, p.to_department_id)]),
        )
    )
    ping_pong = tuple(
        PingPong(departments=(name_of(a), name_of(b)), department_ids=(a, b), count=n)
        for (a, b), n in sorted(
            ping.items(), key=lambda kv: (-kv[1], rank_of(kv[0][0]), rank_of(kv[0][1]))
        )
    )

    departments_used = sorted({s.department_id for s in data.steps}, key=rank_of)
    lane_changes = sum(1 for x, y in itertools.pairwise(path_steps) if x.lane_id != y.lane_id)
    metrics = MapMetrics(
        steps=len(data.steps),
        lead_time_minutes=metrics_parts.lead,
        process_time_minutes=metrics_parts.process,
        wait_time_minutes=metrics_parts.wait,
        work_content_minutes=metrics_parts.work_content,
        all_steps_wait_minutes=all_wait,
        activity_ratio=metrics_parts.activity_ratio,
        flow_efficiency=metrics_parts.flow_efficiency,
        rolled_complete_accurate=metrics_parts.rolled,
        handoffs=len(handoffs),
        cross_department_handoffs=cross_count,
        rework_handoffs=rework_count,
        departments=len(departments_used),
        lane_changes_on_critical_path=lane_changes,
    )
    return MapAnalysis(
        map_id=data.id,
        name=data.name,
        kind=data.kind,
        state=data.state,
        version=data.version,
        based_on_id=data.based_on_id,
        working_day_minutes=wd,
        metrics=metrics,
        notes=notes,
        critical_path=tuple(critical_path),
        departments=tuple(name_of(d) for d in departments_used),
        steps=step_results,
        handoffs=handoff_results,
        department_handoffs=tuple(pairs),
        hotspots=hotspots,
        department_hotspots=department_hotspots,
        ping_pong=ping_pong,
        rework_loops=loops,
        problems=tuple(problems),
    )


def _break_flow_cycles(
    flow: nx.DiGraph, order: dict[int, int], data: MapData, problems: list[Problem], wd: int
) -> nx.DiGraph:
    """Report each cycle among non-rework handoffs and return the flow without them.

    Inside each cyclic strongly connected component the handoffs that point back
    in reading order are dropped: every remaining edge inside a component then
    points forward, so the result is acyclic, and the choice is deterministic.
    """
    titles = {s.id: s.title for s in data.steps}
    dag = flow.copy()
    for component in nx.strongly_connected_components(flow):
        if len(component) < 2:
            continue
        members = sorted(component, key=order.__getitem__)
        problems.append(
            Problem(
                "flow_cycle",
                message("problem_flow_cycle", wd, titles=tuple(titles[m] for m in members)),
                step_ids=tuple(members),
            )
        )
        dag.remove_edges_from(
            [
                (u, v)
                for u in members
                for v in flow.successors(u)
                if v in component and order[u] >= order[v]
            ]
        )
    return dag


def _unreachable(flow: nx.DiGraph, data: MapData, wd: int) -> list[Problem]:
    """Steps no start step leads to (only possible when non-rework handoffs cycle)."""
    starts = [n for n in flow if flow.in_degree(n) == 0]
    seen: set[int] = set(starts)
    queue = deque(starts)
    while queue:
        for nxt in flow.successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    lost = [s for s in data.steps if s.id not in seen]
    if not lost:
        return []
    return [
        Problem(
            "unreachable",
            message(
                "problem_unreachable", wd, count=len(lost), titles=tuple(s.title for s in lost)
            ),
            step_ids=tuple(s.id for s in lost),
        )
    ]


def _topological_order(
    nodes: list[int], succ: dict[int, list[int]], pred: dict[int, list[int]]
) -> list[int] | None:
    """Kahn's algorithm: the nodes in an order where every handoff points forward.

    None when the handoffs contain a cycle. Starting from the nodes in reading
    order keeps the result deterministic.
    """
    waiting = {n: len(pred[n]) for n in nodes}
    queue = deque(n for n in nodes if not waiting[n])
    result: list[int] = []
    while queue:
        node = queue.popleft()
        result.append(node)
        for nxt in succ[node]:
            waiting[nxt] -= 1
            if not waiting[nxt]:
                queue.append(nxt)
    return result if len(result) == len(nodes) else None


def _critical_path(
    topo: list[int],
    succ: dict[int, list[int]],
    pred: dict[int, list[int]],
    data: MapData,
    order: dict[int, int],
) -> list[int]:
    """The start-to-end path with the largest Σ LT, by dynamic programming in topological order.

    Unknown lead times count as 0 for choosing the path (the note on the lead
    time says so). Ties go to the predecessor, and then the end step, that comes
    first in reading order.
    """
    if not data.steps:
        return []
    lead = {s.id: s.lead_time_minutes or 0.0 for s in data.steps}
    best: dict[int, float] = {}
    came_from: dict[int, int | None] = {}
    for v in topo:
        top: float | None = None
        via: int | None = None
        for u in pred[v]:
            bu = best[u]
            if top is None or bu > top or (bu == top and via is not None and order[u] < order[via]):
                top, via = bu, u
        best[v] = lead[v] + (top or 0.0)
        came_from[v] = via
    end = min((v for v in topo if not succ[v]), key=lambda v: (-best[v], order[v]))
    path = [end]
    while (prev := came_from[path[-1]]) is not None:
        path.append(prev)
    path.reverse()
    return path


@dataclass(frozen=True, slots=True)
class _PathMetrics:
    lead: float | None
    process: float | None
    wait: float | None
    work_content: float | None
    activity_ratio: float | None
    flow_efficiency: float | None
    rolled: float | None


def _path_metrics(
    data: MapData,
    path_steps: list[StepData],
    on_path: set[int],
    wait: dict[int, float | None],
    notes: dict[str, Message],
) -> _PathMetrics:
    """Lead, process and wait time, work content, ratios and rolled %C&A, with notes.

    A sum is None as soon as one of its terms is unknown: a total that silently
    leaves steps out would look better than the map really is.
    """
    wd = data.working_day_minutes
    if not data.steps:
        for name in (
            "lead_time_minutes",
            "process_time_minutes",
            "wait_time_minutes",
            "work_content_minutes",
            "activity_ratio",
            "flow_efficiency",
            "rolled_complete_accurate",
        ):
            notes[name] = message("note_no_steps", wd)
        return _PathMetrics(None, None, None, None, None, None, None)

    def missing(code: str, steps: list[StepData]) -> Message:
        return message(code, wd, count=len(steps), titles=tuple(s.title for s in steps))

    no_lt = [s for s in path_steps if s.lead_time_minutes is None]
    lead: float | None = None
    if no_lt:
        notes["lead_time_minutes"] = missing("note_missing_lead_time", no_lt)
    else:
        lead = math.fsum(s.lead_time_minutes or 0.0 for s in path_steps)
        off_path = [s for s in data.steps if s.lead_time_minutes is None and s.id not in on_path]
        if off_path:
            notes["lead_time_minutes"] = missing("note_path_chosen_by_known_times", off_path)

    no_pt = [s for s in path_steps if s.process_time_minutes is None]
    process: float | None = None
    if no_pt:
        notes["process_time_minutes"] = missing("note_missing_process_time", no_pt)
    else:
        process = math.fsum(s.process_time_minutes or 0.0 for s in path_steps)

    # A figure derived from an unknown one repeats its cause (the same message, with
    # the steps to fill in), so a page that groups notes says each problem once.
    lead_cause = notes.get("lead_time_minutes") if lead is None else None
    lead_or_zero = lead_cause or (message("note_lead_time_zero", wd) if lead == 0 else None)

    total_wait: float | None = None
    if lead is not None and process is not None:
        total_wait = lead - process
    else:
        notes["wait_time_minutes"] = lead_cause or notes["process_time_minutes"]

    no_pt_all = [s for s in data.steps if s.process_time_minutes is None]
    work_content: float | None = None
    if no_pt_all:
        notes["work_content_minutes"] = missing("note_missing_process_time_all", no_pt_all)
    else:
        work_content = math.fsum(s.process_time_minutes or 0.0 for s in data.steps)

    activity_ratio: float | None = None
    if lead_or_zero is not None:
        notes["activity_ratio"] = lead_or_zero
    elif process is None:
        notes["activity_ratio"] = notes["process_time_minutes"]
    else:
        activity_ratio = process / (lead or 1.0)

    # With no step marked value-adding the flow efficiency is not 0 % but not
    # measured yet: the facilitator has to say which steps add value.
    value_adding = [s for s in path_steps if s.value_adding]
    no_va_pt = [s for s in value_adding if s.process_time_minutes is None]
    flow_efficiency: float | None = None
    if lead_or_zero is not None:
        notes["flow_efficiency"] = lead_or_zero
    elif not any(s.value_adding for s in data.steps):
        notes["flow_efficiency"] = message("note_no_value_adding", wd)
    elif no_va_pt:
        notes["flow_efficiency"] = missing("note_missing_value_adding_time", no_va_pt)
    else:
        va_time = math.fsum(s.process_time_minutes or 0.0 for s in value_adding)
        flow_efficiency = va_time / (lead or 1.0)

    fractions = [
        s.complete_accurate_pct / 100 for s in data.steps if s.complete_accurate_pct is not None
    ]
    rolled: float | None = None
    if fractions:
        rolled = math.prod(fractions)
    else:
        notes["rolled_complete_accurate"] = message("note_no_complete_accurate", wd)
    return _PathMetrics(
        lead, process, total_wait, work_content, activity_ratio, flow_efficiency, rolled
    )


def _strong_components(succ: dict[int, list[int]]) -> list[list[int]]:
    """The strongly connected components with more than one node (Tarjan, iterative).

    On plain adjacency lists; the same components networkx finds, without
    building its graph first. Nodes missing from `succ` have no successors.
    """
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        found.append(members)
    return found


def _cycle_components(full: dict[int, list[int]]) -> dict[int, int]:
    """For each step on a cycle of handoffs, the number of its strongly connected component.

    Steps on no cycle are left out. When the non-rework handoffs are acyclic, as
    they should be, every cycle contains a rework handoff: these are exactly the
    steps "in a rework loop".
    """
    component: dict[int, int] = {}
    for i, members in enumerate(_strong_components(full)):
        for m in members:
            component[m] = i
    return component


def _rework_loops(
    full: dict[int, list[int]],
    component: dict[int, int],
    handoffs: list[HandoffData],
    order: dict[int, int],
    problems: list[Problem],
    wd: int,
) -> tuple[tuple[tuple[int, ...], ...], dict[int, int]]:
    """The rework loops, and how many loops each step is the target of.

    Each rework handoff u → v whose ends share a strongly connected component
    closes a loop; the loop listed for it is the shortest path v ⇝ u (fewest
    handoffs, ties by reading order) followed by the rework handoff back to v.
    The searches stay inside the component and share a budget, so a
    pathological tangle cannot make the analysis slow.
    """
    closing = [
        h
        for h in handoffs
        if h.rework
        and h.from_step_id in component
        and component.get(h.to_step_id) == component[h.from_step_id]
    ]
    targeted: dict[int, int] = {}
    for h in closing:
        targeted[h.to_step_id] = targeted.get(h.to_step_id, 0) + 1

    budget = LOOP_SEARCH_BUDGET_PER_ELEMENT * (len(order) + len(handoffs))
    succ = full
    loops: list[tuple[int, ...]] = []
    for h in sorted(closing, key=lambda h: (order[h.to_step_id], order[h.from_step_id])):
        if len(loops) >= MAX_LISTED_LOOPS or budget <= 0:
            problems.append(
                Problem(
                    "too_many_loops",
                    message("problem_too_many_loops", wd, count=len(loops)),
                )
            )
            break
        comp = component[h.from_step_id]
        start, goal = h.to_step_id, h.from_step_id
        came: dict[int, int] = {start: start}
        queue = deque([start])
        while queue and goal not in came:
            node = queue.popleft()
            budget -= 1
            for nxt in sorted(succ.get(node, ()), key=order.__getitem__):
                if nxt not in came and component.get(nxt) == comp:
                    came[nxt] = node
                    queue.append(nxt)
        if goal in came:
            path = [goal]
            while path[-1] != start:
                path.append(came[path[-1]])
            loops.append(tuple(reversed(path)))
    return tuple(loops), targeted


def _ping_pong(
    component: dict[int, int],
    handoffs: list[HandoffData],
    step_by_id: dict[int, StepData],
    order: dict[int, int],
) -> dict[tuple[int, int], int]:
    """Count A → B → A: handoffs from A into B after which a path leads straight back to A.

    "Straight back" means the first department the work reaches after leaving
    B is A again, with any number of steps inside B in between (repeats are
    collapsed, as in the event-log definition). For each step we compute once
    the set of departments work can reach first on leaving its department, by
    dynamic programming over the same-department handoffs: linear in steps +
    handoffs times the number of departments, never a path enumeration.
    Same-department cycles (rework inside a department) are first contracted to
    one node; they can only lie inside a cycle of the whole map (`component`),
    so only those few handoffs are contracted that way.
    """
    dept = {i: s.department_id for i, s in step_by_id.items()}
    exits: dict[int, set[int]] = {}
    inside: list[tuple[int, int]] = []
    for h in handoffs:
        a, b = h.from_step_id, h.to_step_id
        if dept[a] == dept[b]:
            inside.append((a, b))
        else:
            exits.setdefault(a, set()).add(dept[b])
    if not exits:
        return {}

    # Contract same-department cycles: every member maps to one representative.
    rep: dict[int, int] = {}
    cyclic = [(a, b) for a, b in inside if a in component and component.get(b) == component[a]]
    if cyclic:
        small: dict[int, list[int]] = {}
        for a, b in cyclic:
            small.setdefault(a, []).append(b)
        for members in _strong_components(small):
            head = min(members, key=order.__getitem__)
            for m in members:
                rep[m] = head
                if m != head and m in exits:
                    exits.setdefault(head, set()).update(exits[m])

    succ: dict[int, list[int]] = {}
    pred: dict[int, list[int]] = {}
    for a, b in inside:
        ra, rb = rep.get(a, a), rep.get(b, b)
        if ra != rb:
            succ.setdefault(ra, []).append(rb)
            pred.setdefault(rb, []).append(ra)
    nodes = list({rep.get(n, n) for n in step_by_id})
    topo = _topological_order(nodes, _Lists(succ), _Lists(pred))
    assert topo is not None  # cycles were contracted above
    reach: dict[int, set[int]] = {}
    for node in reversed(topo):
        out = set(exits.get(node, ()))
        for nxt in succ.get(node, ()):
            out |= reach[nxt]
        reach[node] = out

    counts: dict[tuple[int, int], int] = {}
    for h in handoffs:
        a, b = dept[h.from_step_id], dept[h.to_step_id]
        if a != b and a in reach[rep.get(h.to_step_id, h.to_step_id)]:
            counts[(a, b)] = counts.get((a, b), 0) + 1
    return counts


class _Lists(dict[int, list[int]]):
    """Adjacency lists where a node without an entry has no neighbours."""

    def __missing__(self, key: int) -> list[int]:
        return []
