"""Plain, frozen data of one map: what analysis, layout and exports take instead of models.

`load_map_data` is the one loader. It costs the same five queries whatever the
map's size (map with workspace and persona, lanes with departments, stages,
steps, handoffs), so every consumer scales with the map, not with the database.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from departments.models import Department

from .models import Handoff, Lane, Map, Stage, Step
from .rows import quote


@dataclass(frozen=True, slots=True)
class LaneData:
    """A lane: one department on the map, in the map's lane order."""

    id: int
    department_id: int
    name: str
    short_name: str
    color: str


@dataclass(frozen=True, slots=True)
class StageData:
    """A stage column, in the map's order."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class StepData:
    """One step with everything analysis and drawing need. Times in minutes."""

    id: int
    lane_id: int
    department_id: int
    stage_id: int
    position: int
    title: str
    process_time_minutes: float | None
    lead_time_minutes: float | None
    complete_accurate_pct: float | None
    value_adding: bool
    touchpoint: str
    channel: str
    emotion: int | None
    pain_points: tuple[str, ...]
    opportunities: tuple[str, ...]
    owner: str
    version: int


@dataclass(frozen=True, slots=True)
class HandoffData:
    """A directed handoff between two steps of the map."""

    id: int
    from_step_id: int
    to_step_id: int
    label: str
    rework: bool
    version: int


@dataclass(frozen=True, slots=True)
class MapData:
    """A whole map as plain data; lanes and stages in display order, steps in reading order."""

    id: int
    workspace_id: int
    name: str
    kind: str
    state: str
    version: int
    based_on_id: int | None
    persona: str
    working_day_minutes: int
    lanes: tuple[LaneData, ...]
    stages: tuple[StageData, ...]
    steps: tuple[StepData, ...]
    handoffs: tuple[HandoffData, ...]

    @property
    def is_journey(self) -> bool:
        return self.kind != "value_stream"


def map_version(map_id: int) -> int:
    """The stored map's current version (one query), for cache keys. Raises Map.DoesNotExist."""
    version = Map.objects.filter(pk=map_id).values_list("version", flat=True).first()
    if version is None:
        raise Map.DoesNotExist(f"no map with id {map_id}")
    return version


def load_map_data(map_id: int) -> MapData:
    """Load a map into plain data in five queries. Raises Map.DoesNotExist."""
    map_obj = Map.objects.select_related("workspace", "persona").get(pk=map_id)
    return map_data_from(map_obj)


def map_data_from(map_obj: Map) -> MapData:
    """Plain data of an already loaded map (four more queries)."""
    return maps_data_from([map_obj])[map_obj.pk]


_STEP_FIELDS = (
    "id",
    "map_id",
    "lane_id",
    "stage_id",
    "position",
    "title",
    "process_time_minutes",
    "lead_time_minutes",
    "complete_accurate_pct",
    "value_adding",
    "touchpoint",
    "channel",
    "emotion",
    "pain_points",
    "opportunities",
    "owner",
    "version",
)


def _raw_rows(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query straight from the cursor.

    Django's per-row iteration and converters (only JSON fields need one, which
    the caller decodes) cost more than building the plain data for the
    thousands of steps and handoffs of a workspace.
    """
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _lanes(ids: list[int]) -> dict[int, list[LaneData]]:
    """The lanes of the maps `ids`, by map id, in lane order: one query."""
    lanes: dict[int, list[LaneData]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_lanes_sql(len(ids)), ids)
        for lane_id, map_id, department_id, name, short_name, color in cursor.fetchall():
            lanes[map_id].append(LaneData(lane_id, department_id, name, short_name, color))
    return lanes


@functools.lru_cache(maxsize=64)
def _lanes_sql(count: int) -> str:
    """`_lanes`' statement for `count` maps, written once: every editor write of a
    step reads its map's lanes, and the ORM took longer to build this join than the
    database to answer it."""
    q = quote
    return (
        f"SELECT l.{q('id')}, l.{q('map_id')}, l.{q('department_id')}, d.{q('name')},"
        f" d.{q('short_name')}, d.{q('color')} FROM {q(Lane._meta.db_table)} l"
        f" INNER JOIN {q(Department._meta.db_table)} d ON d.{q('id')} = l.{q('department_id')}"
        f" WHERE l.{q('map_id')} IN ({', '.join(['%s'] * count)})"
        f" ORDER BY l.{q('position')}, l.{q('id')}"
    )


def maps_data_from(maps: Sequence[Map]) -> dict[int, MapData]:
    """Plain data of several already loaded maps, by map id, in four queries in all.

    The maps need `workspace` (and `persona`, if any) loaded with them
    (`select_related`), as `load_map_data` does; the dashboard loads every map
    of a workspace this way at a fixed cost.
    """
    ids = [m.pk for m in maps]
    lanes = _lanes(ids)
    stages: dict[int, list[StageData]] = defaultdict(list)
    for stage in Stage.objects.filter(map_id__in=ids):
        stages[stage.map_id].append(StageData(id=stage.pk, name=stage.name))
    lane_dept = {lane.id: lane.department_id for group in lanes.values() for lane in group}
    steps: dict[int, list[StepData]] = defaultdict(list)
    decoded: dict[Any, tuple[str, ...]] = {None: ()}

    def texts(raw: Any) -> tuple[str, ...]:
        # Most steps share a few values ("[]" above all): decode each text once.
        found = decoded.get(raw)
        if found is None:
            found = decoded[raw] = tuple(json.loads(raw) if isinstance(raw, str) else raw)
        return found

    for r in _raw_rows(Step.objects.filter(map_id__in=ids).order_by().values_list(*_STEP_FIELDS)):
        steps[r[1]].append(
            StepData(
                r[0],  # id
                r[2],  # lane_id
                lane_dept[r[2]],  # department_id
                r[3],  # stage_id
                r[4],  # position
                r[5],  # title
                r[6],  # process_time_minutes
                r[7],  # lead_time_minutes
                r[8],  # complete_accurate_pct
                bool(r[9]),  # value_adding (SQLite gives 0 or 1)
                r[10],  # touchpoint
                r[11],  # channel
                r[12],  # emotion
                texts(r[13]),  # pain_points
                texts(r[14]),  # opportunities
                r[15],  # owner
                r[16],  # version
            )
        )
    handoffs: dict[int, list[HandoffData]] = defaultdict(list)
    for h in _raw_rows(
        Handoff.objects.filter(map_id__in=ids)
        .order_by("id")
        .values_list("id", "map_id", "from_step_id", "to_step_id", "label", "rework", "version")
    ):
        # id, from_step_id, to_step_id, label, rework (SQLite gives 0 or 1), version
        handoffs[h[1]].append(HandoffData(h[0], h[2], h[3], h[4], bool(h[5]), h[6]))
    return {
        m.pk: _map_data(m, tuple(lanes[m.pk]), tuple(stages[m.pk]), steps[m.pk], handoffs[m.pk])
        for m in maps
    }


def _map_data(
    map_obj: Map,
    lanes: tuple[LaneData, ...],
    stages: tuple[StageData, ...],
    steps: list[StepData],
    handoffs: list[HandoffData],
) -> MapData:
    """One map's data from its rows: steps sorted into reading order."""
    return MapData(
        id=map_obj.pk,
        workspace_id=map_obj.workspace_id,
        name=map_obj.name,
        kind=map_obj.kind,
        state=map_obj.state,
        version=map_obj.version,
        based_on_id=map_obj.based_on_id,
        persona=map_obj.persona.name if map_obj.persona else "",
        working_day_minutes=map_obj.workspace.working_day_minutes,
        lanes=lanes,
        stages=stages,
        steps=_reading_order(steps, lanes, stages),
        handoffs=tuple(handoffs),
    )


def _reading_order(
    steps: Sequence[StepData], lanes: Sequence[LaneData], stages: Sequence[StageData]
) -> tuple[StepData, ...]:
    """The steps stage by stage, lane by lane, then by their place in the cell."""
    lane_order = {lane.id: i for i, lane in enumerate(lanes)}
    stage_order = {stage.id: i for i, stage in enumerate(stages)}
    return tuple(
        sorted(
            steps, key=lambda s: (stage_order[s.stage_id], lane_order[s.lane_id], s.position, s.id)
        )
    )


# -- The newest data of recently edited maps, to apply an edit to instead of reloading --

#: How many maps' data this process keeps, and how many steps in all at most (a step
#: is some 300 bytes here: a few megabytes).
KEPT_MAPS, KEPT_STEPS = 32, 20_000

_kept: OrderedDict[int, MapData] = OrderedDict()
_kept_lock = threading.Lock()


def keep(data: MapData) -> None:
    """Remember `data` as its map's newest data in this process (bounded: KEPT_MAPS, KEPT_STEPS).

    The editor keeps what it has just drawn, so that its next write of one step
    or one handoff applies that write to it (`after_step_saved`,
    `after_handoff_added`) instead of loading the whole map again.
    """
    if len(data.steps) > KEPT_STEPS:
        return
    with _kept_lock:
        _kept.pop(data.id, None)
        _kept[data.id] = data
        while len(_kept) > KEPT_MAPS or sum(len(d.steps) for d in _kept.values()) > KEPT_STEPS:
            _kept.popitem(last=False)


def kept_places(map_id: int) -> tuple[frozenset[int], frozenset[int]] | None:
    """The lane ids and stage ids of map `map_id` as this process last drew it, if it did.

    Maybe a version behind: good for recognising a lane or stage of the map without
    a query, not for proving that it is still there (the services check that).
    """
    with _kept_lock:
        data = _kept.get(map_id)
    if data is None:
        return None
    return frozenset(lane.id for lane in data.lanes), frozenset(s.id for s in data.stages)


def forget_kept() -> None:
    """Forget every kept map's data, as a restart does."""
    with _kept_lock:
        _kept.clear()


def _before(map_obj: Map) -> MapData | None:
    """The kept data of the version just before `map_obj`'s, when this process has it.

    `map_obj` has just been read back after one write of ours. Every change of a
    map bumps its version by one (``changes.recording_change``; what the analysis
    cache relies on too), so when the kept data is exactly one version older, our
    write is the only change since that data was drawn, and applying it gives
    what loading the map would.
    """
    with _kept_lock:
        data = _kept.get(map_obj.pk)
    if data is None or data.version != map_obj.version - 1:
        return None
    # What no edit of a step or handoff changes, as this request read it.
    same = (data.kind, data.state, data.based_on_id, data.working_day_minutes, data.persona) == (
        map_obj.kind,
        map_obj.state,
        map_obj.based_on_id,
        map_obj.workspace.working_day_minutes,
        map_obj.persona.name if map_obj.persona else "",
    )
    # A department's name or colour is edited on the departments' pages, which do
    # not bump the versions of the maps it is on: the lanes are read again (one
    # query of the four a load costs).
    if not same or tuple(_lanes([map_obj.pk])[map_obj.pk]) != data.lanes:
        return None
    return data


def _float(value: Any) -> float | None:
    # The database gives floats; a model filled by a form may hold ints or Decimals.
    return None if value is None else float(value)


def _step_data(step: Step, department_id: int) -> StepData:
    """A saved step as the loader would read it back."""
    return StepData(
        step.pk,
        step.lane_id,
        department_id,
        step.stage_id,
        step.position,
        step.title,
        _float(step.process_time_minutes),
        _float(step.lead_time_minutes),
        _float(step.complete_accurate_pct),
        bool(step.value_adding),
        step.touchpoint,
        step.channel,
        None if step.emotion is None else int(step.emotion),
        tuple(step.pain_points or ()),
        tuple(step.opportunities or ()),
        step.owner,
        step.version,
    )


def after_step_saved(map_obj: Map, step: Step) -> MapData | None:
    """The map's data after a write that changed only `step`'s own fields (not its cell).

    None when this process does not keep the version before, or the step moved
    or is new: then the caller loads the map (`map_data_from`).
    """
    data = _before(map_obj)
    if data is None:
        return None
    old = next((x for x in data.steps if x.id == step.pk), None)
    if old is None or (old.lane_id, old.stage_id, old.position) != (
        step.lane_id,
        step.stage_id,
        step.position,
    ):
        return None
    new = _step_data(step, old.department_id)
    steps = tuple(new if x.id == step.pk else x for x in data.steps)
    return dataclasses.replace(data, name=map_obj.name, version=map_obj.version, steps=steps)


def after_step_moved(map_obj: Map, step: Step) -> MapData | None:
    """The map's data after `step` was moved to its lane × stage cell at its position.

    As the move service does (`services.step_move`): the target cell's other
    steps, in their order, with the moved step inserted at its place, are
    numbered 0, 1, 2 …; the cell it left keeps its numbers. None as
    `after_step_saved`.
    """
    data = _before(map_obj)
    if data is None:
        return None
    departments = {lane.id: lane.department_id for lane in data.lanes}
    if step.lane_id not in departments or all(s.id != step.stage_id for s in data.stages):
        return None
    if not any(x.id == step.pk for x in data.steps):
        return None
    cell = sorted(
        (x for x in data.steps if (x.lane_id, x.stage_id) == (step.lane_id, step.stage_id)),
        key=lambda x: (x.position, x.id),
    )
    order = [x.id for x in cell if x.id != step.pk]
    order.insert(step.position, step.pk)
    numbers = {pk: i for i, pk in enumerate(order)}
    moved = _step_data(step, departments[step.lane_id])

    def now(x: StepData) -> StepData:
        if x.id == step.pk:
            return moved
        if numbers.get(x.id, x.position) != x.position:
            return dataclasses.replace(x, position=numbers[x.id])
        return x

    steps = _reading_order([now(x) for x in data.steps], data.lanes, data.stages)
    return dataclasses.replace(data, name=map_obj.name, version=map_obj.version, steps=steps)


def after_handoff_added(map_obj: Map, handoff: Handoff) -> MapData | None:
    """The map's data after a write that only added `handoff`; None as `after_step_saved`."""
    data = _before(map_obj)
    if data is None:
        return None
    new = HandoffData(
        handoff.pk,
        handoff.from_step_id,
        handoff.to_step_id,
        handoff.label,
        bool(handoff.rework),
        handoff.version,
    )
    # The loader orders handoffs by id; a new one has the highest of its map.
    handoffs = tuple(sorted((*data.handoffs, new), key=lambda h: h.id))
    return dataclasses.replace(data, name=map_obj.name, version=map_obj.version, handoffs=handoffs)
